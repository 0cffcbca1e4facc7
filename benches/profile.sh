#!/usr/bin/env bash
# Where ken-shell's time goes on AWFY benchmarks, counted in instructions by callgrind (hardware
# counters are not available on the build machine; instruction counts are repeatable there).
#
#   benches/profile.sh [BENCH...]      default: Richards DeltaBlue Queens
#
# Each benchmark is emitted by benches/awfy.sh with a small outer count (Richards 1,
# DeltaBlue 100, Queens 20, others 1; override with PROFILE_OUTER=N), run under
# `valgrind --tool=callgrind` on target/release/ken-shell, and summarised as
#   - the top functions by self cost, merged over the source files their code was inlined from
#     and over recursion levels (callgrind_annotate prints them split);
#   - the self cost grouped by what the speed rebuild (shapes, inline caches, slot-resolved
#     variables, volatile frames) would remove.
# Needs valgrind and python3. PROFILE_DIR keeps the scripts and callgrind.out files (default: a
# temporary directory, removed). PROFILE_TOP: rows of the function table (default 20).
set -uo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
KEN_SHELL=${KEN_SHELL:-$REPO/target/release/ken-shell}
TOP=${PROFILE_TOP:-20}
die() { echo "profile.sh: $*" >&2; exit 2; }
case "${1:-}" in -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
command -v valgrind >/dev/null 2>&1 || die "valgrind not found"
command -v python3 >/dev/null 2>&1 || die "python3 not found"
[ -x "$KEN_SHELL" ] || die "no $KEN_SHELL (cargo build --release --bin ken-shell)"
[ $# -gt 0 ] || set -- Richards DeltaBlue Queens

if [ -n "${PROFILE_DIR:-}" ]; then
    WORK=$PROFILE_DIR
    mkdir -p "$WORK" || die "cannot create $WORK"
else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/profile.XXXXXX") || die "mktemp failed"
    trap 'rm -rf "$WORK"' EXIT
fi
"$REPO/benches/awfy.sh" --emit "$WORK" "$@" >/dev/null || die "awfy.sh --emit failed"

for b in "$@"; do
    script=$(ls "$WORK" | awk -v b="$b" 'tolower($0) == tolower(b) ".js"')
    [ -n "$script" ] || die "no script for $b"
    name=${script%.js}
    case $name in Richards) outer=1 ;; DeltaBlue) outer=100 ;; Queens) outer=20 ;; *) outer=1 ;; esac
    outer=${PROFILE_OUTER:-$outer}
    # the harness arguments are on the shim's argv line: [..., 'Bench', 'OUTER', 'INNER']
    sed -i "s/\(argv: \['js', 'harness.js', '$name', '\)[0-9]*'/\1$outer'/" "$WORK/$script"
    echo "== $name (outer $outer): valgrind --tool=callgrind $KEN_SHELL --ephemeral $WORK/$script"
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.$name.out" \
        "$KEN_SHELL" --ephemeral "$WORK/$script" >"$WORK/$name.log" 2>&1 || { cat "$WORK/$name.log" >&2; die "$name failed"; }
    grep -q '^Total Runtime: ' "$WORK/$name.log" || { cat "$WORK/$name.log" >&2; die "$name did not verify"; }
    callgrind_annotate --auto=no --threshold=100 "$WORK/callgrind.$name.out" | python3 -c '
import re, sys
from collections import defaultdict
top = int(sys.argv[1])
# self cost groups: first match wins
GROUPS = [
    ("property lookup and store: object tables (shapes, inline caches)",
     r"table_find|get_own|object::Vm::entry$|access::Vm::get$|get_v$|member_key|access::Vm::set$|object::Vm::store$|ordinary_define|define_own|write_entry|put_value|lref_put|object::Vm::elems$"),
    ("identifier and `this` resolution (slot-resolved variables, frame fields)",
     r"function_env|resolve_ident|get_ref|find_binding|resolve_walk|init_binding|env_slot|put_ref|push_ref|lref_get"),
    ("environment cells: allocation, zeroing, heap writes (volatile frames)",
     r"new_env|copy_env|block_env|Cells::alloc|memset|Heap::write$|Heap::get_mut$"),
    ("calls: dispatch, frames, arguments",
     r"invoke|call_at|function_body_simple|run_body|closure_code|eval_args|construct_at|super_call|make_function|bind_arguments_object|access::Vm::call$"),
    ("tree walk: eval_expr, exec_stmt, exec_block and friends",
     r"eval_expr|exec_stmt|exec_block|assign_to|exec_var|eval::Vm::binary|eval_lref|bind_pattern|to_boolean|strict_eq"),
]
total, cost = None, defaultdict(int)
for line in sys.stdin:
    m = re.match(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$", line)
    if not m:
        continue
    v, rest = int(m.group(1).replace(",", "")), m.group(2)
    if rest.startswith("PROGRAM TOTALS"):
        total = v
        continue
    rest = re.sub(r" \[[^\]]*\]$", "", rest)
    fn = rest.split(":", 1)[1] if ":" in rest else rest
    fn = re.sub(r"'"'"'\d+$", "", fn)
    fn = fn.replace("<impl js::vm::Vm>::", "Vm::").replace("js::interp::", "").replace("js::vm::", "")
    cost[fn] += v
print(f"instructions: {total:,}")
print("self%   function")
for fn, v in sorted(cost.items(), key=lambda kv: -kv[1])[:top]:
    print(f"{100 * v / total:5.1f}%  {fn}")
sums = defaultdict(int)
for fn, v in cost.items():
    g = next((name for name, rx in GROUPS if re.search(rx, fn)), "other")
    sums[g] += v
print("self%   group")
for name in [g for g, _ in GROUPS] + ["other"]:
    print(f"{100 * sums[name] / total:5.1f}%  {name}")
' "$TOP"
done
