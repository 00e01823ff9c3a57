#!/usr/bin/env bash
# Tests of loadgen/deploy/: the scripts parse and pass shellcheck; the agent really runs a shard
# and prints its result; ecs-run-task.sh reads every page of a CloudWatch log stream (a fake
# `aws` serves 5 events per page, as GetLogEvents pages at 10,000 events or 1 MB) and merges;
# k8s-run.sh ships the CSV files in the ConfigMap and returns when the Job completes *or fails*
# (a fake `kubectl`), instead of waiting 24 h for a completion that never comes.
#   tests/loadgen/deploy_test.sh LOADCAST_BINARY
set -euo pipefail
loadcast=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
deploy=$(cd "$(dirname "$0")/../../loadgen/deploy" && pwd)
tmp=$(mktemp -d)
tb_pid=""
cleanup() {
  if [ -n "$tb_pid" ]; then kill "$tb_pid" 2> /dev/null || true; wait "$tb_pid" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "deploy_test: $*" >&2; exit 1; }
json() { /usr/bin/python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"r": r}))' "$@"; }

# 1. Syntax, lint, manifest.
bash -n "$deploy/k8s-run.sh" && bash -n "$deploy/ecs-run-task.sh" && sh -n "$deploy/agent.sh" || fail "syntax"
command -v shellcheck > /dev/null || fail "shellcheck not installed (bash .ci/install)"
(cd "$deploy" && shellcheck -x k8s-run.sh ecs-run-task.sh agent.sh collect.sh) || fail "shellcheck"
sed -e 's/\${[A-Z_]*}/x/g' "$deploy/ecs-task-definition.json" | /usr/bin/python3 -m json.tool > /dev/null || fail "task definition is not JSON"

# 2. Two real shards through agent.sh against the testbed.
mkdir -p "$tmp/bin" "$tmp/data"
ln -s "$loadcast" "$tmp/bin/loadcast"
# Debian's programs first: the scripts call python3, and another one may come first on PATH.
export PATH="$tmp/bin:/usr/bin:$PATH"
"$loadcast" testbed --listen 127.0.0.1:0 --workers 4 --service 'const(1ms)' > "$tmp/tb.txt" &
tb_pid=$!
for _ in $(seq 50); do grep -q listening "$tmp/tb.txt" && break; sleep 0.1; done
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/tb.txt" | head -1)
[ -n "$port" ] || fail "testbed did not start"
target="http://127.0.0.1:$port"
printf 'id\n1\n2\n3\n' > "$tmp/data/ids.csv"
cat > "$tmp/data/scenario.yaml" <<YAML
name: deploy-test
seed: 5
duration: 1s
workload:
  arrivals: { process: uniform, rate: 100 }
  requests:
    - name: api
      path: /items/{id}
      params: { id: { csv: ids.csv, column: id } }
      steps:
        - { station: s1, service: const(1ms) }
stations:
  s1: { servers: 1 }
YAML
start_at=$(( $(date +%s) + 2 ))
agents=()
for i in 0 1; do
  SHARD=$i SHARDS=2 START_AT=$start_at TARGET=$target SCENARIO_FILE=$tmp/data/scenario.yaml OUT_DIR=$tmp/agent$i \
    sh "$deploy/agent.sh" > "$tmp/shard$i.log" &
  agents+=($!)
done
for pid in "${agents[@]}"; do wait "$pid" || fail "an agent failed"; done
for i in 0 1; do
  grep -q -- '-----BEGIN LOADCAST RESULT-----' "$tmp/shard$i.log" || fail "agent $i printed no result"
  # Noise around the result, as a real log has.
  { echo "agent $i starting"; cat "$tmp/shard$i.log"; echo "agent $i done"; } > "$tmp/shard$i.tmp" && mv "$tmp/shard$i.tmp" "$tmp/shard$i.log"
done
expected=$(( $(json "$tmp/agent0/result.json" 'r["requests"]["total"]') + $(json "$tmp/agent1/result.json" 'r["requests"]["total"]') ))
[ "$expected" -eq 99 ] || fail "two shards of 100/s for 1 s scheduled $expected, not 99"
lines=$(wc -l < "$tmp/shard0.log")
[ "$lines" -gt 12 ] || fail "the result took only $lines log lines: pagination would not be exercised"

# 3. ECS with a fake aws CLI: pages of 5 events.
cat > "$tmp/bin/aws" <<'FAKE'
#!/usr/bin/env bash
set -euo pipefail
echo "$*" >> "$FAKE_DIR/aws-calls.txt"
case "$1 $2" in
  "ecs run-task")
    n=$(( $(cat "$FAKE_DIR/tasks" 2> /dev/null || echo 0) )); echo $((n + 1)) > "$FAKE_DIR/tasks"
    echo "arn:aws:ecs:eu-west-1:123:task/c/task$n" ;;
  "ecs wait") ;;
  "ecs describe-tasks") echo 0 ;;
  "logs get-log-events")
    stream="" token=""
    while [ $# -gt 0 ]; do
      case "$1" in --log-stream-name) stream=$2; shift ;; --next-token) token=$2; shift ;; esac
      shift
    done
    file="$FAKE_DIR/shard${stream##*task}.log"
    offset=${token#f/}; offset=${offset:-0}
    python3 - "$file" "$offset" "$token" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
offset, token = int(sys.argv[2]), sys.argv[3]
page = lines[offset:offset + 5]
nxt = "f/%d" % (offset + len(page)) if page else (token or "f/0")
print(json.dumps({"events": [{"timestamp": 0, "message": m} for m in page], "nextForwardToken": nxt, "nextBackwardToken": "b/0"}))
PY
    ;;
  *) echo "fake aws: unexpected $*" >&2; exit 1 ;;
esac
FAKE
chmod +x "$tmp/bin/aws"
export FAKE_DIR=$tmp
mkdir -p "$tmp/ecs"
(cd "$tmp/ecs" && bash "$deploy/ecs-run-task.sh" cluster subnet-1 sg-1 "$tmp/data/scenario.yaml" "$target" 2 0 > out.txt 2> err.txt) \
  || fail "ecs-run-task.sh failed: $(cat "$tmp/ecs/err.txt")"
[ "$(json "$tmp/ecs/merged-result.json" 'r["requests"]["total"]')" -eq "$expected" ] || fail "ECS merge lost requests"
pages=$(grep -c "logs get-log-events" "$tmp/aws-calls.txt")
[ "$pages" -gt 4 ] || fail "ECS read only $pages pages"
grep -q 'SCENARIO_YAML' "$tmp/aws-calls.txt" || fail "the scenario did not travel in the overrides"

# 4. Kubernetes with a fake kubectl: the Job's state comes from FAKE_JOB_STATE.
cat > "$tmp/bin/kubectl" <<'FAKE'
#!/usr/bin/env bash
set -euo pipefail
echo "$*" >> "$FAKE_DIR/kubectl-calls.txt"
case "$1" in
  create) echo "kind: ConfigMap" ;;
  apply) cat > /dev/null ;;
  delete) ;;
  get)
    if [ "$2" = job ]; then
      if [ -n "${FAKE_JOB_STATE:-}" ]; then echo "$FAKE_JOB_STATE "; else exit 1; fi
    else
      for a in "$@"; do case "$a" in *job-completion-index=*) echo "pod/agent-${a##*=}" ;; esac; done
    fi ;;
  logs) cat "$FAKE_DIR/shard${2##*-}.log" ;;
  *) echo "fake kubectl: unexpected $*" >&2; exit 1 ;;
esac
FAKE
chmod +x "$tmp/bin/kubectl"
mkdir -p "$tmp/k8s"
(cd "$tmp/k8s" && FAKE_JOB_STATE=Complete POLL_SECONDS=0.1 bash "$deploy/k8s-run.sh" img "$tmp/data/scenario.yaml" "$target" 2 0 \
  "$tmp/data/ids.csv" > out.txt 2> err.txt) || fail "k8s-run.sh failed: $(cat "$tmp/k8s/err.txt")"
[ "$(json "$tmp/k8s/merged-result.json" 'r["requests"]["total"]')" -eq "$expected" ] || fail "k8s merge lost requests"
grep -q -- "--from-file=ids.csv=$tmp/data/ids.csv" "$tmp/kubectl-calls.txt" || fail "the CSV file was not put in the ConfigMap"
# A failed Job returns at once with exit 1 (and still merges what the pods left).
rc=0
(cd "$tmp/k8s" && FAKE_JOB_STATE="Failed" POLL_SECONDS=0.1 timeout 20 bash "$deploy/k8s-run.sh" img "$tmp/data/scenario.yaml" \
  "$target" 2 0 > out2.txt 2> err2.txt) || rc=$?
[ "$rc" -eq 1 ] || fail "a failed Job gave exit $rc (124: it hung)"
grep -q "the job failed" "$tmp/k8s/err2.txt" || fail "a failed Job was not reported"
# Neither state within WAIT_SECONDS (and kubectl failing meanwhile): exit 1, no hang.
rc=0
(cd "$tmp/k8s" && FAKE_JOB_STATE="" POLL_SECONDS=0.1 WAIT_SECONDS=1 timeout 20 bash "$deploy/k8s-run.sh" img \
  "$tmp/data/scenario.yaml" "$target" 2 0 > out3.txt 2> err3.txt) || rc=$?
[ "$rc" -eq 1 ] && grep -q "neither completed nor failed" "$tmp/k8s/err3.txt" || fail "an unfinished Job gave exit $rc: $(cat "$tmp/k8s/err3.txt")"
echo "deploy_test: ok ($pages CloudWatch pages, $expected requests merged)"
