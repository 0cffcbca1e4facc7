#!/usr/bin/env bash
# Micro cases of the speed rebuild (js/benches/micro/*.js, the same programs as
# `cargo bench -p js --bench micro`) on `node --jitless` and `ken-shell --ephemeral`, in one
# run, printing per-call times, the ratio ken/node and the geometric mean of the ratios.
# The machine is shared and noisy: read the ratios, not the bare times.
#
#   benches/micro.sh [CASE...]     all cases (or the named ones, e.g. prop_get env_heavy)
#   benches/micro.sh --instructions [CASE...]
#                                  ken-shell only, under callgrind: instructions per bench()
#                                  call and per loop iteration (repeatable on a noisy machine)
#
# Each case's file defines `bench()`; a footer appended here checks that both engines return
# the same value, calls it once to warm up, then times batches of calls (each batch at least
# MICRO_BATCH_MS, default 100 ms, timed with Date.now) and prints the fastest batch's mean
# time per call (MICRO_BATCHES batches, default 5).
#
# Environment: KEN_SHELL (default <repo>/target/release/ken-shell, built when missing),
# NODE (default node), MICRO_BATCH_MS, MICRO_BATCHES.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=$REPO/js/benches/micro
NODE=${NODE:-node}
KEN_DEFAULT=$REPO/target/release/ken-shell
KEN_SHELL=${KEN_SHELL:-$KEN_DEFAULT}
BATCH_MS=${MICRO_BATCH_MS:-100}
BATCHES=${MICRO_BATCHES:-5}

die() { echo "micro.sh: $*" >&2; exit 2; }
case "${1:-}" in -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
INSTRUCTIONS=0
if [ "${1:-}" = "--instructions" ]; then
    INSTRUCTIONS=1
    shift
    command -v valgrind >/dev/null 2>&1 || die "valgrind not found"
fi
command -v "$NODE" >/dev/null 2>&1 || die "node not found (set NODE)"
if [ ! -x "$KEN_SHELL" ] && [ "$KEN_SHELL" = "$KEN_DEFAULT" ]; then
    echo "micro.sh: building ken-shell (cargo build --release --bin ken-shell)" >&2
    (cd "$REPO" && cargo build --release --bin ken-shell) >&2 || die "ken-shell is not buildable"
fi
[ -x "$KEN_SHELL" ] || die "ken-shell not found at $KEN_SHELL (set KEN_SHELL)"

if [ $# -gt 0 ]; then
    CASES=("$@")
else
    CASES=()
    for f in "$DIR"/*.js; do CASES+=("$(basename "$f" .js)"); done
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/micro.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$WORK"' EXIT

# the timing footer: prints "RESULT <value>" and "US <microseconds per call>"
footer() {
    cat <<JS

(function () {
  var log = typeof console !== 'undefined' && console.log ? function (s) { console.log(s); } : print;
  log('RESULT ' + bench());
  var best = Infinity;
  for (var b = 0; b < $BATCHES; b++) {
    var n = 0, t0 = Date.now(), t;
    do { bench(); n++; t = Date.now(); } while (t - t0 < $BATCH_MS);
    best = Math.min(best, (t - t0) * 1000 / n);
  }
  log('US ' + best.toFixed(1));
})();
JS
}

# field NAME FILE: the value after "NAME " in FILE
field() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }

# ir SCRIPT: instructions ken-shell executes on SCRIPT (callgrind's total)
ir() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$KEN_SHELL" --ephemeral "$1" 2>&1 >/dev/null |
        awk '/Collected :/ { print $NF }'
}

if [ $INSTRUCTIONS = 1 ]; then
    # one call vs three calls: the difference over two is one call without startup and parse
    echo "micro cases: instructions of ken-shell $KEN_SHELL under callgrind"
    printf '%-14s %10s %14s %16s\n' case iterations "Ir per call" "Ir per iteration"
    for c in "${CASES[@]}"; do
        [ -f "$DIR/$c.js" ] || die "no case $c in $DIR"
        { cat "$DIR/$c.js"; echo; echo 'bench();'; } >"$WORK/$c.1.js"
        { cat "$DIR/$c.js"; echo; echo 'bench(); bench(); bench();'; } >"$WORK/$c.3.js"
        one=$(ir "$WORK/$c.1.js") three=$(ir "$WORK/$c.3.js")
        [ -n "$one" ] && [ -n "$three" ] || die "$c: callgrind gave no count"
        iters=$(awk '/^\/\/ iterations:/ { print $3; exit }' "$DIR/$c.js")
        awk -v c="$c" -v a="$one" -v b="$three" -v n="${iters:-1}" \
            'BEGIN { per = (b - a) / 2; printf "%-14s %10d %14.0f %16.0f\n", c, n, per, per / n }'
    done
    exit 0
fi

echo "micro cases: node $("$NODE" --version) --jitless, ken-shell $KEN_SHELL (fastest of $BATCHES batches of >= $BATCH_MS ms)"
printf '%-14s %14s %14s %9s\n' case "node-jitless" "ken" "ken/node"
RATIOS=() STATUS=0
for c in "${CASES[@]}"; do
    [ -f "$DIR/$c.js" ] || die "no case $c in $DIR"
    script=$WORK/$c.js
    { cat "$DIR/$c.js"; footer; } >"$script"
    "$NODE" --jitless "$script" >"$WORK/$c.node" 2>&1 || { echo "micro.sh: $c failed on node:" >&2; cat "$WORK/$c.node" >&2; STATUS=1; continue; }
    "$KEN_SHELL" --ephemeral "$script" >"$WORK/$c.ken" 2>&1 || { echo "micro.sh: $c failed on ken-shell:" >&2; cat "$WORK/$c.ken" >&2; STATUS=1; continue; }
    rn=$(field RESULT "$WORK/$c.node") rk=$(field RESULT "$WORK/$c.ken")
    if [ -z "$rn" ] || [ "$rn" != "$rk" ]; then
        echo "micro.sh: $c: ken returned '$rk', node '$rn'" >&2
        STATUS=1
        continue
    fi
    tn=$(field US "$WORK/$c.node") tk=$(field US "$WORK/$c.ken")
    r=$(awk -v a="$tn" -v b="$tk" 'BEGIN { printf "%.2f", b / a }')
    RATIOS+=("$r")
    printf '%-14s %11s us %11s us %9s\n' "$c" "$tn" "$tk" "$r"
done
if [ ${#RATIOS[@]} -gt 0 ]; then
    printf '%s\n' "${RATIOS[@]}" | awk '{ s += log($1); n++ } END { printf "geometric mean ken/node-jitless: %.2f over %d cases\n", exp(s / n), n }'
fi
exit $STATUS
