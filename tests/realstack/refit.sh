#!/usr/bin/env bash
# Re-analyses saved runs of tests/realstack/run.sh with another model setting, without the stack:
# re-fits each run's calibration from its own protocol runs (OUT/calibration-runs, as run.sh's
# `calibrate --target` did), re-predicts each rate and repetition of its ladder with the same
# seeds, and compares with what that ladder measured. A what-if for the model, not a new
# measurement: the ladders were seen before, so choose a setting from evidence of its own.
#
#   bash tests/realstack/refit.sh [--set KEY=VALUE]... OUT...
#
# --set applies to the scenario in the fit and in the predictions (e.g.
# --set services.app.wakeup_cold_after=20ms). Prints per run and rate the median error over the
# repetitions (measured - predicted) / predicted of the CPU in use and the latencies, and the
# targets met (the 14 of docs/calibrate-and-validate.md's 17 that are not throughput).
# Uses build/ci unless LOADCAST names a binary. Needs /usr/bin/python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
loadcast=${LOADCAST:-$here/../../build/ci/cli/loadcast}
scenario=$here/realstack.yaml
sets=()
runs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --set) [ $# -ge 2 ] || { echo "refit.sh: --set needs KEY=VALUE" >&2; exit 2; }; sets+=(--set "$2"); shift 2 ;;
    -*) echo "refit.sh: unknown option $1" >&2; exit 2 ;;
    *) runs+=("$1"); shift ;;
  esac
done
[ ${#runs[@]} -gt 0 ] || { echo "usage: refit.sh [--set KEY=VALUE]... OUT..." >&2; exit 2; }
[ -x "$loadcast" ] || { echo "refit.sh: $loadcast not built" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lines=$tmp/lines.txt
: > "$lines"
for out in "${runs[@]}"; do
  [ -d "$out/calibration-runs" ] && [ -d "$out/validate" ] || { echo "refit.sh: $out is not an OUT of run.sh (no calibration-runs/ or validate/)" >&2; exit 2; }
  name=$(basename "$out")
  inputs=()
  for r in "$out"/calibration-runs/run-*; do
    case "$r" in *warmup*) continue ;; esac
    inputs+=("$r/result.json")
  done
  # The flags of run.sh's calibration, on the saved runs.
  "$loadcast" calibrate "${inputs[@]}" --sampled app --db-sampled db --period 5 --scenario "$scenario" "${sets[@]}" \
    --shape fit --fit-latency --background --handler-metric handler --fit-overhead --fit-wakeup -q -o "$tmp/$name.yaml"
  for step in "$out"/validate/rate-*; do
    rate=${step##*rate-}
    for rep in "$step"/rep-*; do
      seed=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["seed"])' "$rep/sim/result.json")
      "$loadcast" sim "$scenario" "${sets[@]}" --overlay "$tmp/$name.yaml" --set workload.arrivals.rate="$rate" --set duration=65s \
        --set services.app.cpu_demand_sd=0 --seed "$seed" --threads 1 -q -o "$tmp/sim" > /dev/null
      /usr/bin/python3 - "$rep/validation.json" "$tmp/sim/result.json" "$name" "$rate" >> "$lines" <<'PY'
import json, sys
measured = {m["metric"]: m["measured"] for m in json.load(open(sys.argv[1]))["metrics"]}
r = json.load(open(sys.argv[2]))
predicted = {"cpu": r["services"]["app"]["cpu_utilization_mean"] / 100.0 * 0.5 * 2}
for k in ("mean", "p50", "p95", "p99"):
    predicted[k] = r["latency_ms"][k]
got = {"cpu": measured["cpu_vcpu.app"], **{k: measured["latency_ms." + k] for k in ("mean", "p50", "p95", "p99")}}
print(sys.argv[3], sys.argv[4], " ".join("%s %.6f" % (k, (got[k] - predicted[k]) / predicted[k]) for k in predicted))
PY
    done
  done
done
/usr/bin/python3 - "$lines" <<'PY'
import collections, statistics, sys
KEYS = ("cpu", "mean", "p50", "p95", "p99")
# Targets in percent per ladder step (rho 0.5, 0.7, 0.85); None: none.
TARGETS = [(3, 15, 15, 15, 25), (3, 15, 15, 15, 25), (3, 25, 25, 25, None)]
errors = collections.defaultdict(list)
for line in open(sys.argv[1]):
    p = line.split()
    errors[(p[0], float(p[1]))].append({p[i]: 100.0 * float(p[i + 1]) for i in range(2, len(p), 2)})
by_run = collections.defaultdict(list)
for run, rate in sorted(errors):
    by_run[run].append(rate)
all_met = all_n = 0
cpus = []
for run, rates in by_run.items():
    met = n = 0
    cells = []
    for rate, targets in zip(sorted(rates), TARGETS):
        med = {k: statistics.median(e[k] for e in errors[(run, rate)]) for k in KEYS}
        cpus.append(med["cpu"])
        for k, t in zip(KEYS, targets):
            if t is not None:
                n += 1
                met += abs(med[k]) <= t
        cells.append(f"{rate:g}/s: " + " ".join(f"{k} {med[k]:+.1f}" for k in KEYS))
    print(f"{run}: {met} of {n} | " + " | ".join(cells))
    all_met += met
    all_n += n
print(f"all: {all_met} of {all_n} targets met; CPU error mean {statistics.mean(cpus):+.2f} %, largest {max(abs(c) for c in cpus):.2f} %")
PY
