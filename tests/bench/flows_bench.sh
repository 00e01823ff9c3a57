#!/usr/bin/env bash
# Load-generator CPU per request: user journeys (workload.flows, with extraction and checks)
# against the same requests sent as independent weighted requests, on loopback against
# `loadcast testbed`'s stateful API (service const(0ms), every order kept, one thread pinned to CPU 1; the
# generator one thread pinned to CPU 0). Both scenarios are closed models of U users sending
# POST /orders and GET /orders/{id} with a bearer token, one to one:
#   flows:  setup logs in once per user (token from the JSON body); each session creates an
#           order (extract /id from the JSON body, check the status) and reads it back
#           ({order_id} in the path, checks on a JSON pointer and the status);
#   plain:  the same two requests, by weight 1:1, the token and order id fixed (logged in once
#           here with curl), so the responses are the same.
# Runs alternate, K of each; the figure is the median generator CPU per request
# (load.generator.cpu_s / requests.total) of each and their ratio flows/plain (target ≤ 1.5).
#
#   tests/bench/flows_bench.sh [--runs K] [--duration SECONDS] [--users U] [--smoke]
#
# --smoke: one short run of each; fails only if a run failed or its accounting did not balance.
# Uses build/release unless LOADCAST_BUILD points elsewhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${LOADCAST_BUILD:-$here/../../build/release}
loadcast=$build/cli/loadcast
runs=5
duration=8
users=50
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --smoke) runs=1; duration=1; users=4; shift ;;
    *) echo "flows_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$loadcast" ] || { echo "flows_bench.sh: $loadcast not built" >&2; exit 1; }
for tool in /usr/bin/python3 taskset curl; do
  command -v "$tool" > /dev/null || { echo "flows_bench.sh: $tool not installed" >&2; exit 1; }
done
py=/usr/bin/python3
tmp=$(mktemp -d)
tb_pid=""
cleanup() {
  if [ -n "$tb_pid" ]; then kill "$tb_pid" 2> /dev/null || true; wait "$tb_pid" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
json() { "$py" -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"r": r}))' "$@"; }

port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
taskset -c 1 "$loadcast" testbed --listen "127.0.0.1:$port" --workers 1000 --service 'const(0ms)' --orders-kept 1000000000000 > "$tmp/testbed.log" 2>&1 &
tb_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break; sleep 0.1; done
token=$(curl -fs -X POST -d '{"user":"bench","password":"x"}' "http://127.0.0.1:$port/login" | "$py" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -fs -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$port/orders" > /dev/null

requests() {  # $1: the token text, $2: the order id text
  cat <<EOF2
    - name: create-order
      method: POST
      path: /orders
      headers: { Authorization: 'Bearer $1' }
      steps: [ { station: s1, service: const(1ms) } ]
    - name: get-order
      path: /orders/$2
      headers: { Authorization: 'Bearer $1' }
      steps: [ { station: s1, service: const(1ms) } ]
EOF2
}
cat > "$tmp/plain.yaml" <<EOF2
name: flows-bench-plain
seed: 1
duration: ${duration}s
workload:
  users: { count: $users }
  requests:
$(requests "$token" 1)
stations:
  s1: { servers: 1 }
EOF2
cat > "$tmp/flows.yaml" <<EOF2
name: flows-bench-flows
seed: 1
duration: ${duration}s
workload:
  users: { count: $users }
  requests:
    - name: login
      method: POST
      path: /login
      body: '{"user":"bench","password":"x"}'
      steps: [ { station: s1, service: const(1ms) } ]
$(requests '{token}' '{order_id}')
  flows:
    - name: buyer
      setup:
        - request: login
          extract: { token: { json: /token } }
      steps:
        - request: create-order
          extract: { order_id: { json: /id } }
          checks: [ { name: created, status: 201 } ]
        - request: get-order
          checks: [ { name: open, json: /state, equals: open }, { name: read, status: 200 } ]
stations:
  s1: { servers: 1 }
EOF2

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs of ${duration}s each, $users users, alternating"
: > "$tmp/plain.cpu"
: > "$tmp/flows.cpu"
for i in $(seq "$runs"); do
  for kind in plain flows; do
    taskset -c 0 "$loadcast" load "$tmp/$kind.yaml" --target "http://127.0.0.1:$port" -t 1 -q --out "$tmp/$kind-$i" > /dev/null 2>&1 ||
      { echo "flows_bench.sh: the $kind run failed" >&2; exit 1; }
    r="$tmp/$kind-$i/result.json"
    [ "$(json "$r" 'r["load"]["accounting"]["balanced"]')" = True ] || { echo "flows_bench.sh: $kind accounting unbalanced" >&2; exit 1; }
    [ "$(json "$r" 'r["requests"]["errors"]')" = 0 ] || { echo "flows_bench.sh: $kind had errors" >&2; exit 1; }
    if [ "$kind" = flows ]; then
      [ "$(json "$r" 'r["flows"]["buyer"]["balanced"]')" = True ] || { echo "flows_bench.sh: sessions unbalanced" >&2; exit 1; }
      [ "$(json "$r" 'r["checks"]["fails"]')" = 0 ] || { echo "flows_bench.sh: checks failed" >&2; exit 1; }
    fi
    us=$(json "$r" '"%.3f" % (r["load"]["generator"]["cpu_s"] / r["requests"]["total"] * 1e6)')
    rps=$(json "$r" '"%.0f" % r["throughput_rps"]')
    echo "$us" >> "$tmp/$kind.cpu"
    echo "run $i $kind: $rps req/s, $us µs CPU per request"
  done
done
p=$(median < "$tmp/plain.cpu")
f=$(median < "$tmp/flows.cpu")
echo "median CPU per request: plain $p µs, flows $f µs, flows/plain $(awk -v a="$f" -v b="$p" 'BEGIN { printf "%.2f", a / b }')× (target ≤ 1.5×)"
