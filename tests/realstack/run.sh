#!/usr/bin/env bash
# Calibrate and validate against a real stack nobody in this project wrote (tests/realstack/
# stack.sh: nginx -> two Node.js/Express/node-pg processes in 0.5-vCPU cgroups -> PostgreSQL 15).
#
#   bash tests/realstack/run.sh --short [--out DIR]   CI: one calibration, one validation at rho 0.5 (about 3 min)
#   bash tests/realstack/run.sh [--repeat N] [--out DIR]
#                                                      the documented run: calibration at rho 0.2, then rho 0.5,
#                                                      0.7 and 0.85, N repetitions of 60 s each (default 3)
#
# Automatic: `loadcast calibrate --target` fits every demand from runs at rho ~0.2 (no hand tuning),
# the rates of the ladder come from the calibrated model (the rate at which the simulator puts
# the service's CPU at rho), and `loadcast validate` measures and predicts each, with the same
# scenario and overlay for every rate. The short run asserts what CI can rely on (throughput 3 %,
# the service's CPU 25 %, mean latency 60 %, the oracle's CPU 10 %, the access log's count exact);
# the accuracy targets of the documented run are in docs/calibrate-and-validate.md. Needs root
# (stack.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
loadcast=${LOADCAST:-$root/build/ci/cli/loadcast}
short=0 repeat=3 out="" base=${REALSTACK_PORT:-19460}
while [ $# -gt 0 ]; do
  case "$1" in
    --short) short=1 ;;
    --repeat) repeat=$2; shift ;;
    --out) out=$2; shift ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$loadcast" ] || { echo "run.sh: $loadcast not built" >&2; exit 2; }
py=/usr/bin/python3
created=0
if [ -z "$out" ]; then out=$(mktemp -d /tmp/loadcast-realstack.XXXXXX); created=1; fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
stack="$out/stack"
trap 'bash "$here/stack.sh" stop "$stack" "$base" || true' EXIT
bash "$here/stack.sh" start "$stack" "$base"
# shellcheck disable=SC1091
source "$stack/env"
scenario=$here/realstack.yaml
echo "== stack up: $URL (apps in $APP_CGROUP, PostgreSQL in $DB_CGROUP); load average $(cut -d' ' -f1-3 /proc/loadavg)"

# rate_at RHO OVERLAY: the arrival rate at which the calibrated model's service CPU is RHO of its
# quota. The simulated utilisation is not a straight line in the rate (an event loop's wake-ups
# per request fall as the load rises: services.app.wakeup_cpu), so secant steps from 20 and 60
# requests/s, each a 300 s simulation, until the utilisation is within 0.005 of RHO (at most 6).
util_at() {  # util_at RATE OVERLAY: the simulated mean CPU utilisation of service app (0..1)
  "$loadcast" sim "$scenario" --overlay "$2" --set workload.arrivals.rate="$1" --set duration=300s --set services.app.cpu_demand_sd=0 \
    --quiet --out "$out/probe" > /dev/null
  "$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["services"]["app"]["cpu_utilization_mean"] / 100.0)' "$out/probe/result.json"
}
rate_at() {
  local r0=20 r1=60 u0 u1 r2 i
  u0=$(util_at $r0 "$2"); u1=$(util_at $r1 "$2")
  for i in 1 2 3 4 5 6; do
    r2=$("$py" -c 'import sys; r0, u0, r1, u1, rho = map(float, sys.argv[1:]); print(f"{r1 + (rho - u1) * (r1 - r0) / (u1 - u0):.1f}")' $r0 "$u0" $r1 "$u1" "$1")
    r0=$r1 u0=$u1 r1=$r2
    u1=$(util_at "$r1" "$2")
    "$py" -c 'import sys; sys.exit(0 if abs(float(sys.argv[1]) - float(sys.argv[2])) < 0.005 else 1)' "$u1" "$1" && break
  done
  echo "$r1"
}

# 1. Calibration at rho ~0.2 of the scenario's guesses (40 requests/s), the protocol's runs.
# --shape fit: the demands' family from the body of the low-load latencies (10th-90th spread),
# not --shape empirical's whole histogram, whose tail holds the waits for the loop at that load,
# which the model's two turns per request already queue (docs/calibrate-and-validate.md).
# The apps are freshly started: an unmeasured warm-up run first (V8 still compiling, heaps still
# growing: the CPU per request fell by 16 % over the first 10,000 requests here).
if [ "$short" = 1 ]; then run_d=10s warm=20s; else run_d=30s warm=180s; fi
"$loadcast" calibrate --target "$URL" --sample "app=cgroup:$APP_CGROUP" --db-sample "db=cgroup:$DB_CGROUP" \
  --rate 40 --warmup "$warm" --run-duration "$run_d" --runs-dir "$out/calibration-runs" --scenario "$scenario" --shape fit --fit-latency --background \
  --handler-metric handler --fit-overhead --fit-wakeup \
  --out "$out/calibration.yaml" | tee "$out/calibration.txt"
# nginx writes its access log at least every second: once it has, every request the calibration
# runs sent is in it (they drain: none is left in flight).
sleep 2
wc -l < "$ACCESS_LOG" > "$out/calibration-logged.txt"

# 2. The ladder, from the calibrated model: its point prediction (the overlay's cpu_demand_sd,
# the calibration's uncertainty, set to 0: one replication would be one draw of it).
if [ "$short" = 1 ]; then rhos="0.5"; reps=1; dur=25s; else rhos="0.5 0.7 0.85"; reps=$repeat; dur=65s; fi
rates=""
for rho in $rhos; do rates="$rates${rates:+,}$(rate_at "$rho" "$out/calibration.yaml")"; done
echo "== ladder: rho $rhos -> $rates requests/s, $reps repetition(s) of $dur (5 s warm-up)"
set +e
"$loadcast" validate "$scenario" --overlay "$out/calibration.yaml" --target "$URL" --rates "$rates" --repeat "$reps" \
  --sample "app=cgroup:$APP_CGROUP" --oracle --handler-metric handler -c 64 --set duration="$dur" --set services.app.cpu_demand_sd=0 --out "$out/validate" | tee "$out/validate.txt"
status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] || { echo "run.sh: loadcast validate exited $status" >&2; exit 1; }

# 3. The load balancer's access log, read as an ALB's: every request the load generator got an
# answer for is in it (calibration and validation runs together).
sleep 2
"$loadcast" import alb-logs "$ACCESS_LOG" --class item=GET:^/items/ --class search=GET:^/search --class order=POST:^/orders \
  --observed "$out/observed.json" --out "$out/imported.yaml" 2> "$out/import.txt"

"$py" - "$out" "$short" <<'PY'
import glob, json, os, sys
out, short = sys.argv[1], sys.argv[2] == "1"
ladder = json.load(open(os.path.join(out, "validate", "ladder.json")))
failures = []
def metric(rate, name):
    for m in rate["metrics"]:
        if m["metric"] == name:
            return m
    return None
for rate in ladder["steps"]:
    for name, limit in (("throughput_rps", 3.0), ("cpu_vcpu.app", 25.0), ("latency_ms.mean", 60.0)):
        m = metric(rate, name)
        if m is None:
            failures.append(f"rate {rate['rate']}: no {name}")
            continue
        err = 100.0 * m["error_median"]
        print(f"rate {rate['rate']:g}: {name} error {err:+.1f} % (limit {limit:g} % in CI)")
        if short and abs(err) > limit:
            failures.append(f"rate {rate['rate']}: {name} off by {err:+.1f} % (more than {limit:g} %)")
    # The oracle re-predicts the run with the demands fitted from its own CPU (the handler times
    # it reported plus one overhead): its CPU is the run's, up to the fit's rounding and the
    # simulated sample path.
    m = metric(rate, "oracle.cpu_vcpu.app")
    if m is None:
        failures.append(f"rate {rate['rate']}: no oracle.cpu_vcpu.app")
    else:
        err = 100.0 * m["error_median"]
        print(f"rate {rate['rate']:g}: oracle.cpu_vcpu.app error {err:+.1f} % (limit 10 % in CI)")
        if short and abs(err) > 10.0:
            failures.append(f"rate {rate['rate']}: the oracle's CPU is off by {err:+.1f} % (more than 10 %)")
    # The event loops' wake-ups: counted by the sample, predicted by the simulator (shown).
    m = metric(rate, "wakeups_per_s.app")
    if m is None:
        failures.append(f"rate {rate['rate']}: no wakeups_per_s.app (the sample counted no wake-ups, or the simulator predicted none)")
    else:
        print(f"rate {rate['rate']:g}: wake-ups per second measured {m['measured_median']:.1f}, predicted {m['predicted_median']:.1f}")
for overlay in glob.glob(os.path.join(out, "validate", "rate-*", "rep-*", "oracle-overlay.yaml")):
    if "--fit-overhead" not in open(overlay).read():
        failures.append(f"{overlay}: the oracle did not take the reported handler times (no --fit-overhead fit)")
# Exact accounting at the load balancer: each request the calibration runs sent is one line of
# nginx's access log (the validation runs' warm-up requests are sent but not counted by the load
# generator, so the exact check is on the calibration runs).
sent = 0
for path in glob.glob(os.path.join(out, "calibration-runs", "*", "result.json")):
    load = json.load(open(path))["load"]
    if load["accounting"]["in_flight"] != 0:
        failures.append(f"{path}: {load['accounting']['in_flight']} requests still in flight after the drain")
    sent += load["sent"]
logged = int(open(os.path.join(out, "calibration-logged.txt")).read())
print(f"access log: {logged} requests during calibration, load generator: {sent} sent")
if logged != sent:
    failures.append(f"the access log has {logged} requests of the calibration runs, the load generator sent {sent}")
observed = json.load(open(os.path.join(out, "observed.json")))
skipped = len(observed["skipped"])
print(f"access log read as an ALB's by loadcast import alb-logs: {observed['entries']} entries, {skipped} skipped")
if skipped != 0 or observed["entries"] != observed["lines"]:
    failures.append(f"loadcast import alb-logs read {observed['entries']} of {observed['lines']} lines of nginx's ALB-format log")
if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("realstack: passed")
PY
# Passed: a temporary directory of ours goes (a failed run's stays, for its files).
if [ "$created" = 1 ]; then trap - EXIT; bash "$here/stack.sh" stop "$stack" "$base"; rm -rf "$out"; fi
