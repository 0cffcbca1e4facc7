#!/usr/bin/env bash
# Messages per second between two ken-shell processes on the loopback (DESIGN.md section 6).
#
#   benches/messaging.sh [N] [ROUNDS]     N messages per round (default 5000), ROUNDS rounds (3)
#
# B is a persistent REPL whose receive() counts; A runs a FILE that queues N messages in one
# turn and, in FILE mode, exits only when every message is acknowledged, that is, when B has
# run each one as its own committed (fdatasync'ed) turn. The figure is N / A's wall time;
# B's count is checked against N after each round. Each message is a small object.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000}
ROUNDS=${2:-3}
cargo build --release --bin ken-shell -q 2>/dev/null || cargo build --release --bin ken-shell
S=${KEN_SHELL:-$PWD/target/release/ken-shell}
T=$(mktemp -d)
port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PA=127.0.0.1:$(port)
PB=127.0.0.1:$(port)
mkfifo "$T/b.in"
"$S" --state "$T/b" "$PB" < "$T/b.in" > "$T/b.out" 2>&1 &
BPID=$!
exec 3> "$T/b.in"
trap 'exec 3>&-; kill $BPID 2>/dev/null || true; rm -rf "$T"' EXIT
echo "var n = 0; function receive(from, v) { n++ }" >&3
until grep -q "session" "$T/b.out"; do sleep 0.05; done
echo "for (var i = 0; i < $N; i++) send('$PB', { i: i, text: 'message ' + i })" > "$T/send.js"
total=0
for r in $(seq 1 "$ROUNDS"); do
    start=$(date +%s%N)
    "$S" --state "$T/a" "$PA" "$T/send.js"
    end=$(date +%s%N)
    echo "print('count ' + n)" >&3
    want=$((N * r))
    until grep -q "count $want\$" "$T/b.out"; do
        sleep 0.05
        if grep -q "count" "$T/b.out" && ! grep -q "count $want\$" "$T/b.out" && [ "$(grep -c count "$T/b.out")" -ge "$r" ]; then
            echo "B counted $(grep count "$T/b.out" | tail -1), expected $want" >&2
            exit 1
        fi
    done
    ms=$(( (end - start) / 1000000 ))
    rate=$(( N * 1000 / (ms > 0 ? ms : 1) ))
    echo "round $r: $N messages in $ms ms: $rate messages/s"
    total=$((total + rate))
done
echo "mean: $((total / ROUNDS)) messages/s (each delivered in its own committed turn on B)"
echo ".status" >&3
sleep 0.3
grep "turns committed" "$T/b.out" | tail -1 | sed 's/^[> ]*/B: /'
