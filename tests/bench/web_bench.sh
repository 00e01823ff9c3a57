#!/usr/bin/env bash
# Speed of the web-tier model (ALB -> ECS Fargate with autoscaling -> Aurora), one command:
#   1. scenarios/bookmark-prod.yaml (a simulated day, ~1.8 M requests) on one core:
#      simulated requests per wall-clock second (target >= 1,000,000);
#   2. tests/bench/web-day-100rps.yaml (a simulated day at 100 req/s, ~8.6 M requests) on one
#      core: wall seconds (target < 10);
#   3. bookmark-prod with 4 replications on 1 thread and on 2 threads: the speed-up.
# Wall time is that of the whole `loadcast sim` command (load, simulate, write every output);
# CPU time (user + sys) is printed next to it, since on a shared machine other processes on the
# same core stretch the wall time; the load average before and after is printed too.
# Runs alternate; each figure is the median of K runs (--runs K, default 3).
#
#   tests/bench/web_bench.sh [--runs K] [--smoke]
#
# Uses build/release unless LOADCAST_BUILD points elsewhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${LOADCAST_BUILD:-$root/build/release}
runs=3
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --smoke) smoke=1; runs=1; shift ;;
    *) echo "web_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
loadcast=$build/cli/loadcast
[ -x "$loadcast" ] || { echo "web_bench.sh: $loadcast not built (cmake --build --preset release)" >&2; exit 1; }
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bookmark="$root/scenarios/bookmark-prod.yaml"
day="$here/web-day-100rps.yaml"
extra=()
[ "$smoke" -eq 1 ] && extra=(--duration 20m)

# timed OUT CPUS ARGS...: runs loadcast sim, prints "wall_s requests cpu_s" (cpu = user + sys)
timed() {
  local out=$1 cpus=$2 start end
  shift 2
  start=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$tmp/$out.time" taskset -c "$cpus" "$loadcast" sim "$@" "${extra[@]}" --quiet --out "$tmp/$out"
  end=$(date +%s.%N)
  "$py" - "$tmp/$out/result.json" "$start" "$end" "$tmp/$out.time" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
user, system = (float(x) for x in open(sys.argv[4]).read().split()[-2:])
print("%.4f %d %.4f" % (float(sys.argv[3]) - float(sys.argv[2]), r["requests"]["total"], user + system))
PY
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

: > "$tmp/bm.txt"; : > "$tmp/bmcpu.txt"; : > "$tmp/day.txt"; : > "$tmp/daycpu.txt"; : > "$tmp/r1.txt"; : > "$tmp/r2.txt"
load_before=$(cut -d' ' -f1 /proc/loadavg)
for i in $(seq 1 "$runs"); do
  timed bm 0 "$bookmark" --threads 1 > "$tmp/bm.one"
  cat "$tmp/bm.one" >> "$tmp/bm.log"
  awk '{ printf "%.0f\n", $2 / $1 }' "$tmp/bm.one" >> "$tmp/bm.txt"
  awk '{ printf "%.0f\n", $2 / $3 }' "$tmp/bm.one" >> "$tmp/bmcpu.txt"
  timed day 0 "$day" --threads 1 > "$tmp/day.one"
  cat "$tmp/day.one" >> "$tmp/day.log"
  awk '{ print $1 }' "$tmp/day.one" >> "$tmp/day.txt"
  awk '{ print $3 }' "$tmp/day.one" >> "$tmp/daycpu.txt"
  timed r1 0 "$bookmark" --replications 4 --threads 1 | awk '{ print $1 }' >> "$tmp/r1.txt"
  timed r2 0,1 "$bookmark" --replications 4 --threads 2 | awk '{ print $1 }' >> "$tmp/r2.txt"
done
load_after=$(cut -d' ' -f1 /proc/loadavg)
bm=$(median < "$tmp/bm.txt"); bmc=$(median < "$tmp/bmcpu.txt"); d=$(median < "$tmp/day.txt"); dc=$(median < "$tmp/daycpu.txt")
r1=$(median < "$tmp/r1.txt"); r2=$(median < "$tmp/r2.txt")
bm_req=$(awk 'NR == 1 { print $2 }' "$tmp/bm.log"); day_req=$(awk 'NR == 1 { print $2 }' "$tmp/day.log")
echo "web tier, $runs alternating runs each, median (whole loadcast sim command; load average $load_before -> $load_after on $(nproc) cores):"
printf '  %-40s %10.0f req/s wall  %10.0f req/s CPU   (%s requests; target >= 1000000)\n' "bookmark-prod, one core" "$bm" "$bmc" "$bm_req"
printf '  %-40s %10.2f s wall      %10.2f s CPU       (%s requests; target < 10 s)\n' "a day at 100 req/s, one core" "$d" "$dc" "$day_req"
printf '  %-40s %10.2f s wall\n' "bookmark-prod x4 replications, 1 thread" "$r1"
printf '  %-40s %10.2f s wall\n' "bookmark-prod x4 replications, 2 threads" "$r2"
awk -v a="$r1" -v b="$r2" 'BEGIN { printf "  replication speed-up on 2 cores = %.2fx\n", a / b }'
