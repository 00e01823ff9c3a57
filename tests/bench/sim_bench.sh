#!/usr/bin/env bash
# Side-by-side simulator benchmark: the M/M/4 model at rho = 0.9 run through `loadcast sim`
# (the engine path), through a hand-fused minimal event loop of the same model
# (bench_mm4_fused), and through SimPy 2 (Debian's python3-simpy). Runs alternate, each
# configuration K times; prints customers per second (median), the ratios, and the peak RSS of
# loadcast at 1 M and 10 M customers (memory must stay flat).
#
#   tests/bench/sim_bench.sh [--customers N] [--simpy-customers M] [--runs K] [--smoke]
#
# Uses build/release unless LOADCAST_BUILD points elsewhere. One core per process.
# Each run executes fresh copies of the two binaries: one file of the engine, byte for byte the
# same, ran 521 ms or 541 ms of CPU depending on the copy (its code's physical pages, fixed while
# the file is cached), so a single file biases every run the same way; a copy per run turns that
# into run-to-run noise, which the median takes out (the copies are kept to the end, so the
# freed pages of one are not simply handed to the next).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${LOADCAST_BUILD:-$here/../../build/release}
customers=10000000
simpy_customers=200000
runs=3
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers=$2; shift 2 ;;
    --simpy-customers) simpy_customers=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --smoke) smoke=1; customers=20000; simpy_customers=2000; runs=1; shift ;;
    *) echo "sim_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
loadcast=$build/cli/loadcast
fused=$build/tests/bench/bench_mm4_fused
for f in "$loadcast" "$fused"; do
  [ -x "$f" ] || { echo "sim_bench.sh: $f not built (cmake --build --preset release)" >&2; exit 1; }
done
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Simulated seconds for N customers at lambda = 3600/s.
duration_for() { awk -v n="$1" 'BEGIN { printf "%.3fs", n / 3600.0 }'; }

engine_run() {  # prints customers/s, from the wall time of the whole command
  local n=$1 bin=$2 start end
  start=$(date +%s.%N)
  taskset -c 0 "$bin" sim "$here/mm4-rho09.yaml" --duration "$(duration_for "$n")" --threads 1 --quiet --out "$tmp/engine"
  end=$(date +%s.%N)
  "$py" - "$tmp/engine/result.json" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
done = r["requests"]["ok"]
print("%.0f %d %.4f" % (done / (float(sys.argv[3]) - float(sys.argv[2])), done, r["latency_ms"]["mean"]))
PY
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

: > "$tmp/engine.txt"; : > "$tmp/fused.txt"; : > "$tmp/simpy.txt"
for i in $(seq 1 "$runs"); do
  cp "$loadcast" "$tmp/loadcast.$i"; cp "$fused" "$tmp/fused.$i"
  engine_run "$customers" "$tmp/loadcast.$i" | tee -a "$tmp/engine.log" | awk '{ print $1 }' >> "$tmp/engine.txt"
  taskset -c 0 "$tmp/fused.$i" "$customers" "$i" | tee -a "$tmp/fused.log" | awk '{ print $6 }' >> "$tmp/fused.txt"
  taskset -c 0 "$py" "$here/mm4_simpy.py" "$simpy_customers" "$i" | tee -a "$tmp/simpy.log" | awk '{ print $6 }' >> "$tmp/simpy.txt"
done
e=$(median < "$tmp/engine.txt"); f=$(median < "$tmp/fused.txt"); s=$(median < "$tmp/simpy.txt")
echo "M/M/4 at rho = 0.9, $runs alternating runs each, one core per process (customers/s, median):"
printf '  %-34s %12.0f   (%s customers)\n' "loadcast sim (engine path)" "$e" "$customers"
printf '  %-34s %12.0f   (%s customers)\n' "hand-fused event loop" "$f" "$customers"
printf '  %-34s %12.0f   (%s customers)\n' "SimPy 2 (python3-simpy)" "$s" "$simpy_customers"
awk -v e="$e" -v f="$f" -v s="$s" 'BEGIN { printf "  engine / fused = %.3fx   engine / SimPy = %.1fx\n", e / f, e / s }'
echo "  mean response (ms): engine $(awk '{ print $3 }' "$tmp/engine.log" | head -1), fused $(awk '{ print $8 }' "$tmp/fused.log" | head -1), SimPy $(awk '{ print $8 }' "$tmp/simpy.log" | head -1) (M/M/4 exact: W = 2.9694)"

if [ "$smoke" -eq 0 ]; then
  echo "Peak RSS of loadcast sim (memory must not grow with the run length):"
  for n in 1000000 10000000; do
    rss=$( { /usr/bin/time -f '%M' "$loadcast" sim "$here/mm4-rho09.yaml" --duration "$(duration_for "$n")" --threads 1 --quiet --out "$tmp/rss" ; } 2>&1 | tail -1)
    printf '  %9s customers: %s KiB\n' "$n" "$rss"
  done
fi
