#!/usr/bin/env bash
# Runs a scenario's load from N Kubernetes pods and merges their results.
#   loadgen/deploy/k8s-run.sh IMAGE SCENARIO.yaml TARGET_URL SHARDS [LEAD_SECONDS]
# Needs kubectl (current context) and a local loadcast for the merge. LEAD_SECONDS (default
# 60) is the time from now to the common start: it must cover image pull and pod start-up.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 IMAGE SCENARIO.yaml TARGET_URL SHARDS [LEAD_SECONDS]" >&2; exit 2; }
IMAGE=$1 SCENARIO=$2 TARGET=$3 SHARDS=$4 LEAD=${5:-60}
here=$(cd "$(dirname "$0")" && pwd)
START_AT=$(( $(date +%s) + LEAD ))
kubectl create configmap loadcast-scenario --from-file=scenario.yaml="$SCENARIO" --dry-run=client -o yaml | kubectl apply -f -
kubectl delete job loadcast-agents --ignore-not-found
sed -e "s|\${IMAGE}|$IMAGE|g" -e "s|\${TARGET}|$TARGET|g" -e "s|\${SHARDS}|$SHARDS|g" -e "s|\${START_AT}|$START_AT|g" \
  "$here/k8s-indexed-job.yaml" | kubectl apply -f -
kubectl wait --for=condition=complete --timeout=24h job/loadcast-agents
out=$(mktemp -d)
for i in $(seq 0 $((SHARDS - 1))); do
  pod=$(kubectl get pods -l job-name=loadcast-agents,batch.kubernetes.io/job-completion-index="$i" -o name | head -1)
  kubectl logs "$pod" | sed -n '/^{$/,/^}$/p' > "$out/shard-$i.json"
done
loadcast merge "$out"/shard-*.json --out merged-result.json
echo "shard results in $out; merged result in merged-result.json"
