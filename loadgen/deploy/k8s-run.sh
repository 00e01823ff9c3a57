#!/usr/bin/env bash
# Runs a scenario's load from N Kubernetes pods and merges their results.
#   loadgen/deploy/k8s-run.sh IMAGE SCENARIO.yaml TARGET_URL SHARDS [LEAD_SECONDS [DATA_FILE...]]
# Needs kubectl (current context) and a local loadcast for the merge. LEAD_SECONDS (default
# 60) is the time from now to the common start: it must cover image pull and pod start-up.
# DATA_FILEs (the scenario's CSV feeders) go into the ConfigMap next to the scenario, mounted
# flat at /scenario: refer to them by bare file name in the scenario (csv: ids.csv). A
# ConfigMap holds at most 1 MiB; bake larger data into the image and set SCENARIO_FILE.
# Waits until the Job completes or fails (one failed pod fails it: backoffLimit 0), at most
# WAIT_SECONDS (default: the lead plus 24 h), polling every POLL_SECONDS (default 10).
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 IMAGE SCENARIO.yaml TARGET_URL SHARDS [LEAD_SECONDS [DATA_FILE...]]" >&2; exit 2; }
IMAGE=$1 SCENARIO=$2 TARGET=$3 SHARDS=$4 LEAD=${5:-60}
shift $(( $# < 5 ? $# : 5 ))
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=collect.sh
. "$here/collect.sh"
START_AT=$(( $(date +%s) + LEAD ))
from_files=("--from-file=scenario.yaml=$SCENARIO")
for f in "$@"; do from_files+=("--from-file=$(basename "$f")=$f"); done
kubectl create configmap loadcast-scenario "${from_files[@]}" --dry-run=client -o yaml | kubectl apply -f -
kubectl delete job loadcast-agents --ignore-not-found
sed -e "s|\${IMAGE}|$IMAGE|g" -e "s|\${TARGET}|$TARGET|g" -e "s|\${SHARDS}|$SHARDS|g" -e "s|\${START_AT}|$START_AT|g" \
  "$here/k8s-indexed-job.yaml" | kubectl apply -f -

# kubectl wait takes one condition; a failed Job never becomes "complete", so poll for either.
deadline=$(( $(date +%s) + ${WAIT_SECONDS:-$(( LEAD + 86400 ))} ))
state=""
while [ "$(date +%s)" -lt "$deadline" ]; do
  # A failed poll (API server hiccup) is not the Job's failure: look again.
  conditions=$(kubectl get job loadcast-agents -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}') ||
    conditions=""
  case " $conditions " in
    *" Failed "*) state=failed; break ;;
    *" Complete "*) state=complete; break ;;
  esac
  sleep "${POLL_SECONDS:-10}"
done
[ -n "$state" ] || { echo "k8s-run.sh: job loadcast-agents neither completed nor failed in time" >&2; exit 1; }

out=$(mktemp -d)
results=()
for i in $(seq 0 $((SHARDS - 1))); do
  pod=$(kubectl get pods -l job-name=loadcast-agents,batch.kubernetes.io/job-completion-index="$i" -o name | head -1)
  if [ -n "$pod" ] && kubectl logs "$pod" > "$out/shard-$i.log" && extract_result "$out/shard-$i.log" "$out/shard-$i.json"; then
    results+=("$out/shard-$i.json")
  else
    echo "k8s-run.sh: shard $i left no result (see kubectl logs ${pod:-its pod})" >&2
  fi
done
[ ${#results[@]} -gt 0 ] || { echo "k8s-run.sh: no shard produced a result" >&2; exit 1; }
loadcast merge "${results[@]}" --out merged-result.json
echo "shard results in $out; merged result of ${#results[@]} of $SHARDS shards in merged-result.json"
if [ "$state" != complete ] || [ ${#results[@]} -ne "$SHARDS" ]; then
  echo "k8s-run.sh: the job failed" >&2
  exit 1
fi
