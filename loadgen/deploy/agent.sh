#!/bin/sh
# One load agent of a distributed run (the image's /usr/local/bin/loadcast-agent): runs shard
# $SHARD (or Kubernetes' $JOB_COMPLETION_INDEX) of $SHARDS of a scenario against $TARGET from
# the common start $START_AT (Unix seconds), then prints its result.json gzip-compressed and
# base64-encoded between two marker lines, so it survives log pipelines that split, wrap or
# cap long lines (CloudWatch Logs events, kubelet log files); collect.sh decodes it.
# The scenario is the file $SCENARIO_FILE (mounted or baked into the image, with its CSV files
# beside it) or the text $SCENARIO_YAML (ECS overrides; no CSV files). $LOADCAST_ARGS adds
# options (e.g. "-c 200"). Exit status: loadcast's, except that a shard's failed threshold (99)
# is not a failure: thresholds are judged on the merged result.
set -u
shard=${SHARD:-${JOB_COMPLETION_INDEX:-}}
[ -n "$shard" ] || { echo "loadcast-agent: set SHARD (or run as an Indexed Job)" >&2; exit 2; }
out=${OUT_DIR:-/tmp/loadcast-out}
scenario=${SCENARIO_FILE:-}
if [ -z "$scenario" ]; then
  scenario=/tmp/loadcast-scenario.yaml
  printf '%s\n' "${SCENARIO_YAML:?loadcast-agent: set SCENARIO_FILE or SCENARIO_YAML}" > "$scenario"
fi
# shellcheck disable=SC2086  # LOADCAST_ARGS is a list of options
loadcast load "$scenario" --target "${TARGET:?loadcast-agent: set TARGET}" --shard "$shard/${SHARDS:?}" \
  --start-at "${START_AT:?}" --quiet --out "$out" ${LOADCAST_ARGS:-}
rc=$?
if [ -f "$out/result.json" ]; then
  echo "-----BEGIN LOADCAST RESULT-----"
  gzip -c "$out/result.json" | base64
  echo "-----END LOADCAST RESULT-----"
fi
[ "$rc" -eq 99 ] && rc=0
exit "$rc"
