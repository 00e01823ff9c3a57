#!/usr/bin/env bash
# Measures request latency under a real Linux CFS CPU quota and compares it with `loadcast sim`
# of the same setup (docs/models/web.md, "Measured: a CFS quota on this machine"). Not run in CI:
# it needs root and cgroup v1's cpu controller at /sys/fs/cgroup/cpu.
#
# The setup: Poisson arrivals of requests of 10 ms of CPU each (tests/tools/cfs_requests.cpp,
# a thread per request, all pinned to one core, so the kernel shares the core among them:
# processor sharing), at several arrival rates,
#   - "1 core": in a cgroup without a quota (1 vCPU, never throttled);
#   - "0.25 vCPU": in a cgroup with cpu.cfs_quota_us 25000 per cpu.cfs_period_us 100000 (what
#     Fargate does for a 256-CPU-unit task).
# Both cgroups get cpu.shares 262144, so other processes on a shared machine hardly delay the
# requests (the quota still caps them). The simulated side is a one-task service with cpu 1024
# or 256, threads 1, the same rate and `cpu: const(10ms)`, 10 simulated minutes.
# Set LOADCAST_BEFORE to an older loadcast binary to add its 0.25 vCPU figures as a column.
#
#   sudo tests/tools/cfs_measure.sh [--duration SECONDS] [--rates "2 10 15 20"] [--core N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
loadcast=${LOADCAST_BUILD:-$root/build/ci}/cli/loadcast
duration=60
rates="2 10 15 20"
core=$(( $(nproc) - 1 ))
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --core) core=$2; shift 2 ;;
    *) echo "cfs_measure.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$loadcast" ] || { echo "cfs_measure.sh: $loadcast not built" >&2; exit 1; }
cg=/sys/fs/cgroup/cpu
[ -w "$cg" ] || { echo "cfs_measure.sh: needs root and cgroup v1 cpu at $cg" >&2; exit 1; }
tmp=$(mktemp -d)
free=$cg/lc-cfs-free-$$
quota=$cg/lc-cfs-quota-$$
cleanup() { rmdir "$free" "$quota" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
c++ -O2 -std=c++20 -pthread "$here/cfs_requests.cpp" -o "$tmp/cfs_requests"
mkdir "$free" "$quota"
echo 262144 > "$free/cpu.shares"
echo 262144 > "$quota/cpu.shares"
echo 100000 > "$quota/cpu.cfs_period_us"
echo 25000 > "$quota/cpu.cfs_quota_us"

# measure CGROUP RATE: "p50 p95 p99" in ms
measure() {
  sh -c "echo \$\$ > $1/tasks; exec taskset -c $core $tmp/cfs_requests $2 $duration 10 7" | awk '{ print $2, $3, $4 }'
}
# simulate BINARY CPU_UNITS RATE: "p50 p95 p99" in ms
simulate() {
  cat > "$tmp/s.yaml" <<YAML
name: cfs-quota
seed: 1
duration: 10m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: $3 }, { at: 10m, rate: $3 } ]
  requests:
    - { name: work, path: /work, steps: [ { cpu: const(10ms) } ] }
load_balancer: { type: alb, default: app }
services:
  app: { cpu: $2, memory: 2048, threads: 1, desired: 1 }
YAML
  "$1" sim "$tmp/s.yaml" --quiet --out "$tmp/out" > /dev/null
  python3 -c "import json, sys; l = json.load(open(sys.argv[1]))['latency_ms']; print('%.1f %.1f %.1f' % (l['p50'], l['p95'], l['p99']))" "$tmp/out/result.json"
}

echo "load: $(cut -d' ' -f1-3 /proc/loadavg), core $core, $duration s per measured point, latency p50 / p95 / p99 in ms"
header="| rate /s | 1 core measured | 1 core simulated | 0.25 vCPU (quota) measured | 0.25 vCPU simulated |"
sep="|---|---|---|---|---|"
[ -n "${LOADCAST_BEFORE:-}" ] && header="$header 0.25 vCPU, quarter-speed model |" && sep="$sep---|"
echo "$header"
echo "$sep"
fmt() { echo "$1" | awk '{ printf "%s / %s / %s", $1, $2, $3 }'; }
for r in $rates; do
  line="| $r | $(fmt "$(measure "$free" "$r")") | $(fmt "$(simulate "$loadcast" 1024 "$r")") | $(fmt "$(measure "$quota" "$r")") | $(fmt "$(simulate "$loadcast" 256 "$r")") |"
  [ -n "${LOADCAST_BEFORE:-}" ] && line="$line $(fmt "$(simulate "$LOADCAST_BEFORE" 256 "$r")") |"
  echo "$line"
done
echo "throttled periods (0.25 vCPU cgroup): $(grep nr_throttled "$quota/cpu.stat" | cut -d' ' -f2) of $(grep nr_periods "$quota/cpu.stat" | cut -d' ' -f2)"
