#!/usr/bin/env bash
# Bytes per record, ken against node (baseline for issue 16): the issue's program
#     var db = []; for (var i = 0; i < N; i++) db.push({ id: i, name: 'item' + i, tags: ['a', 'b'] })
# run as one turn. ken: live bytes (Runtime::stats) after a full collection, minus the same
# before the turn, and the heap's file size; node: process.memoryUsage().heapUsed after gc(),
# minus the same before.
#
#   benches/gc_bytes.sh [N]        N records (default 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000000}
cargo build --release --bench gc_pauses -q 2>/dev/null || cargo build --release --bench gc_pauses
B=$(ls -t target/release/deps/gc_pauses-* | grep -v '\.d$' | head -1)
ken=$(GC_BENCH_BYTES=$N "$B")
node=$(node --expose-gc -e "
gc(); const before = process.memoryUsage().heapUsed; const t = Date.now();
var db = []; for (var i = 0; i < $N; i++) db.push({ id: i, name: 'item' + i, tags: ['a', 'b'] });
const ms = Date.now() - t; gc(); const m = process.memoryUsage();
console.log('node_heap_delta=' + (m.heapUsed - before) + ' node_turn_ms=' + ms + ' node_rss=' + m.rss + ' len=' + db.length);
")
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
kl=$(field "$ken" ken_live_delta); kf=$(field "$ken" ken_files); nh=$(field "$node" node_heap_delta)
echo "$N records"
echo "ken:  live $((kl / 1048576)) MiB = $((kl / N)) B/record; heap files $((kf / 1048576)) MiB; turn $(field "$ken" ken_turn_ms) ms with $(field "$ken" ken_collections_in_turn) collections; peak RSS $(( $(field "$ken" ken_peak_rss_kib) / 1024 )) MiB"
echo "node: heapUsed $((nh / 1048576)) MiB = $((nh / N)) B/record; turn $(field "$node" node_turn_ms) ms; RSS $(( $(field "$node" node_rss) / 1048576 )) MiB"
python3 -c "print('ken / node bytes per record: %.2fx' % ($kl / $nh))"
