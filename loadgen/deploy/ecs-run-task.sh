#!/usr/bin/env bash
# Runs a scenario's load from N ECS Fargate tasks and merges their results.
#   loadgen/deploy/ecs-run-task.sh CLUSTER SUBNET SECURITY_GROUP SCENARIO TARGET_URL SHARDS [LEAD_SECONDS]
# Register the task definition first (fill in ACCOUNT_ID, IMAGE, TARGET, REGION):
#   aws ecs register-task-definition --cli-input-json file://loadgen/deploy/ecs-task-definition.json
# SCENARIO is a local file, sent in the task's environment (ECS caps overrides at 8 KiB; no CSV
# files travel this way), or image:/PATH, a scenario baked into the image with its CSV files
# beside it (FROM the agent image, COPY them in). RunTask's --count gives every task the same
# overrides, so each shard is one run-task call with its own SHARD; all share START_AT.
# Results are read back from CloudWatch Logs, every page of each task's stream: GetLogEvents
# returns at most 10,000 events or 1 MB per call, and the last page is the one whose
# nextForwardToken is the token passed in
# (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html).
set -euo pipefail
[ $# -ge 6 ] || { echo "usage: $0 CLUSTER SUBNET SECURITY_GROUP SCENARIO TARGET_URL SHARDS [LEAD_SECONDS]" >&2; exit 2; }
CLUSTER=$1 SUBNET=$2 SG=$3 SCENARIO=$4 TARGET=$5 SHARDS=$6 LEAD=${7:-90}
LOG_GROUP=${LOG_GROUP:-/loadcast/agents}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=collect.sh
. "$here/collect.sh"
START_AT=$(( $(date +%s) + LEAD ))
json() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }
if [[ $SCENARIO == image:* ]]; then
  scenario_env="{\"name\": \"SCENARIO_FILE\", \"value\": $(json "${SCENARIO#image:}")}"
else
  scenario_env="{\"name\": \"SCENARIO_YAML\", \"value\": $(json "$(cat "$SCENARIO")")}"
fi
tasks=()
for i in $(seq 0 $((SHARDS - 1))); do
  overrides=$(cat <<JSON
{"containerOverrides": [{"name": "loadcast", "environment": [
  {"name": "TARGET", "value": $(json "$TARGET")}, {"name": "SHARDS", "value": "$SHARDS"},
  {"name": "SHARD", "value": "$i"}, {"name": "START_AT", "value": "$START_AT"}, $scenario_env]}]}
JSON
)
  arn=$(aws ecs run-task --cluster "$CLUSTER" --launch-type FARGATE --count 1 --task-definition loadcast-agent \
    --network-configuration "awsvpcConfiguration={subnets=[$SUBNET],securityGroups=[$SG],assignPublicIp=ENABLED}" \
    --overrides "$overrides" --query 'tasks[0].taskArn' --output text)
  tasks+=("$arn")
done
aws ecs wait tasks-stopped --cluster "$CLUSTER" --tasks "${tasks[@]}"

# Every page of one log stream, message per line, into $3.
fetch_log() {
  local token="" next page
  : > "$3"
  for _ in $(seq 100000); do
    if [ -z "$token" ]; then
      page=$(aws logs get-log-events --log-group-name "$1" --log-stream-name "$2" --start-from-head --output json)
    else
      page=$(aws logs get-log-events --log-group-name "$1" --log-stream-name "$2" --start-from-head \
        --next-token "$token" --output json)
    fi
    next=$(printf '%s' "$page" | python3 -c '
import json, sys
page = json.load(sys.stdin)
with open(sys.argv[1], "a") as out:
    for e in page.get("events", []):
        out.write(e["message"].rstrip("\n") + "\n")
print(page.get("nextForwardToken", ""))' "$3")
    [ -n "$next" ] && [ "$next" != "$token" ] || return 0
    token=$next
  done
}

out=$(mktemp -d)
results=()
failed=0
for i in "${!tasks[@]}"; do
  id=${tasks[$i]##*/}
  code=$(aws ecs describe-tasks --cluster "$CLUSTER" --tasks "${tasks[$i]}" --query 'tasks[0].containers[0].exitCode' --output text)
  [ "$code" = 0 ] || { echo "ecs-run-task.sh: shard $i (task $id) exited with $code" >&2; failed=1; }
  fetch_log "$LOG_GROUP" "shard/loadcast/$id" "$out/shard-$i.log"
  if extract_result "$out/shard-$i.log" "$out/shard-$i.json"; then
    results+=("$out/shard-$i.json")
  else
    echo "ecs-run-task.sh: shard $i left no result in $LOG_GROUP (stream shard/loadcast/$id)" >&2
    failed=1
  fi
done
[ ${#results[@]} -gt 0 ] || { echo "ecs-run-task.sh: no shard produced a result" >&2; exit 1; }
loadcast merge "${results[@]}" --out merged-result.json
echo "shard results in $out; merged result of ${#results[@]} of $SHARDS shards in merged-result.json"
exit "$failed"
