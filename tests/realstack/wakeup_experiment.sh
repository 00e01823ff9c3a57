#!/usr/bin/env bash
# The interleaved wake-up experiment of docs/calibrate.md ("Wake-up CPU"): does the framework
# overhead per request follow the event loop's wake-ups, and do bursts at a low rate move them?
# Starts the real stack (stack.sh), warms it for 180 s at 40 requests/s, then runs 30 s
# `loadcast load` runs in a fixed interleaved order — Poisson and batch-Poisson arrivals
# (workload.arrivals.batch) at low rates, and the mix at a high rate — sampling the app cgroup's
# CPU and wake-ups, and prints one row per run (wakeup_table.py): CPU, handler time (Server-Timing),
# overhead and wake-ups per request, and the loops' utilisation. Root; about 9 minutes; run it on
# a quiet machine.
#   sudo bash tests/realstack/wakeup_experiment.sh [--out DIR] [--runs "RATE:BATCH ..."] [--seconds S]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
loadcast=${LOADCAST:-$root/build/ci/cli/loadcast}
out=$(mktemp -d /tmp/loadcast-wakeup.XXXXXX)
runs="40:1 40:4 40:8 20:1 40:4 113:1 40:1 40:8 20:4 40:1"
seconds=30
warmup=180
base=19560
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    *) echo "wakeup_experiment.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$loadcast" ] || { echo "wakeup_experiment.sh: $loadcast not built" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "wakeup_experiment.sh: run as root (cgroups, PostgreSQL)" >&2; exit 1; }
mkdir -p "$out"
stack=$out/stack
trap 'bash "$here/stack.sh" stop "$stack" "$base" >/dev/null 2>&1 || true' EXIT
bash "$here/stack.sh" start "$stack" "$base"
# shellcheck disable=SC1091
source "$stack/env"
load() {  # label rate batch seconds
  "$loadcast" load "$here/realstack.yaml" --target "$URL" -c 64 --set "workload.arrivals.rate=$2" \
    --set "workload.arrivals.batch=$3" --set "duration=${4}s" --set warmup=0s \
    --sample "app=cgroup:$APP_CGROUP" --quiet --out "$out/$1" > "$out/$1.log" 2>&1
}
echo "warm-up: 40 requests/s for ${warmup} s"
load 00-warmup 40 1 "$warmup"
i=1
for spec in $runs; do
  rate=${spec%%:*}; batch=${spec##*:}
  label=$(printf '%02d-%s-b%s' "$i" "$rate" "$batch")
  load "$label" "$rate" "$batch" "$seconds"
  echo "ran $label"
  i=$((i + 1))
done
/usr/bin/python3 "$here/wakeup_table.py" "$out" | tee "$out/table.txt"
