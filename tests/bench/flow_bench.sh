#!/usr/bin/env bash
# The simulator's cost of sessions: tests/bench/flow-sessions.yaml (900 sessions/s of a flow
# visiting two request classes twice on average) against tests/bench/flow-weighted.yaml (the
# same 3,600 requests/s as independent weighted picks) on the same M/M/4 station at rho = 0.9.
# Runs alternate, K of each, one core per process; prints the CPU time (user + sys) of each
# (median), requests served, and the ratio flows / weighted. With --think, the flow's second
# step also gets `think: exp(5ms)` (one timed event per request that the weighted half has no
# counterpart for), printed as a second ratio.
#
#   tests/bench/flow_bench.sh [--duration SECONDS] [--runs K] [--think] [--smoke]
#
# Uses build/release unless LOADCAST_BUILD points elsewhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${LOADCAST_BUILD:-$here/../../build/release}
duration=2400
runs=5
think=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --think) think=1; shift ;;
    --smoke) duration=20; runs=1; think=1; shift ;;
    *) echo "flow_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
loadcast=$build/cli/loadcast
[ -x "$loadcast" ] || { echo "flow_bench.sh: $loadcast not built (cmake --build --preset release)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpu_run() {  # name, scenario, extra args...: appends "cpu_s requests" to $tmp/<name>.txt
  local name=$1 scenario=$2
  shift 2
  /usr/bin/time -f '%U %S' -o "$tmp/time" taskset -c 0 "$loadcast" sim "$scenario" --duration "${duration}s" --threads 1 --quiet \
    --out "$tmp/$name" "$@"
  local ok
  ok=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["requests"]["ok"])' "$tmp/$name/result.json")
  awk -v ok="$ok" '{ printf "%.3f %d\n", $1 + $2, ok }' "$tmp/time" >> "$tmp/$name.txt"
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

for i in $(seq 1 "$runs"); do
  cpu_run flows "$here/flow-sessions.yaml"
  cpu_run weighted "$here/flow-weighted.yaml"
  if [ "$think" -eq 1 ]; then cpu_run think "$here/flow-sessions.yaml" --set 'workload.flows[0].steps[1].think=exp(5ms)'; fi
done
f=$(awk '{ print $1 }' "$tmp/flows.txt" | median)
w=$(awk '{ print $1 }' "$tmp/weighted.txt" | median)
echo "Sessions against weighted requests, same demand (3,600 requests/s, M/M/4 at rho = 0.9, ${duration} s simulated),"
echo "$runs alternating runs each, one core per process (CPU seconds, median):"
printf '  %-44s %8.3f s   (%s requests)\n' "flows (flow-sessions.yaml)" "$f" "$(head -1 "$tmp/flows.txt" | awk '{ print $2 }')"
printf '  %-44s %8.3f s   (%s requests)\n' "weighted requests (flow-weighted.yaml)" "$w" "$(head -1 "$tmp/weighted.txt" | awk '{ print $2 }')"
awk -v f="$f" -v w="$w" 'BEGIN { printf "  flows / weighted = %.3f\n", f / w }'
if [ "$think" -eq 1 ]; then
  t=$(awk '{ print $1 }' "$tmp/think.txt" | median)
  printf '  %-44s %8.3f s   (%s requests)\n' "flows with think: exp(5ms) on step b" "$t" "$(head -1 "$tmp/think.txt" | awk '{ print $2 }')"
  awk -v t="$t" -v w="$w" 'BEGIN { printf "  flows with think / weighted = %.3f\n", t / w }'
fi
