#!/usr/bin/env bash
# Runs a scenario's load from N ECS Fargate tasks and merges their results.
#   loadgen/deploy/ecs-run-task.sh CLUSTER SUBNET SECURITY_GROUP SCENARIO.yaml TARGET_URL SHARDS [LEAD_SECONDS]
# Register the task definition first (fill in ACCOUNT_ID, IMAGE, TARGET, REGION):
#   aws ecs register-task-definition --cli-input-json file://loadgen/deploy/ecs-task-definition.json
# RunTask's --count gives every task the same overrides, so each shard is one run-task call
# with its own SHARD; all share START_AT. Results are read back from CloudWatch Logs.
set -euo pipefail
[ $# -ge 6 ] || { echo "usage: $0 CLUSTER SUBNET SECURITY_GROUP SCENARIO.yaml TARGET_URL SHARDS [LEAD_SECONDS]" >&2; exit 2; }
CLUSTER=$1 SUBNET=$2 SG=$3 SCENARIO=$4 TARGET=$5 SHARDS=$6 LEAD=${7:-90}
START_AT=$(( $(date +%s) + LEAD ))
scenario_json=$(python3 -c 'import json, sys; print(json.dumps(open(sys.argv[1]).read()))' "$SCENARIO")
tasks=()
for i in $(seq 0 $((SHARDS - 1))); do
  overrides=$(cat <<JSON
{"containerOverrides": [{"name": "loadcast", "environment": [
  {"name": "TARGET", "value": "$TARGET"}, {"name": "SHARDS", "value": "$SHARDS"},
  {"name": "SHARD", "value": "$i"}, {"name": "START_AT", "value": "$START_AT"},
  {"name": "SCENARIO_YAML", "value": $scenario_json}]}]}
JSON
)
  arn=$(aws ecs run-task --cluster "$CLUSTER" --launch-type FARGATE --count 1 --task-definition loadcast-agent \
    --network-configuration "awsvpcConfiguration={subnets=[$SUBNET],securityGroups=[$SG],assignPublicIp=ENABLED}" \
    --overrides "$overrides" --query 'tasks[0].taskArn' --output text)
  tasks+=("$arn")
done
aws ecs wait tasks-stopped --cluster "$CLUSTER" --tasks "${tasks[@]}"
out=$(mktemp -d)
for i in "${!tasks[@]}"; do
  id=${tasks[$i]##*/}
  aws logs get-log-events --log-group-name /loadcast/agents --log-stream-name "shard/loadcast/$id" \
    --start-from-head --query 'events[].message' --output text | tr '\t' '\n' | sed -n '/^{$/,/^}$/p' > "$out/shard-$i.json"
done
loadcast merge "$out"/shard-*.json --out merged-result.json
echo "shard results in $out; merged result in merged-result.json"
