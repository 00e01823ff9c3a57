# shellcheck shell=bash
# Sourced by k8s-run.sh and ecs-run-task.sh: decoding what agent.sh prints.
#   extract_result LOG_FILE RESULT_JSON   -> 0 when the log held a complete result
extract_result() {
  sed -n '/^-----BEGIN LOADCAST RESULT-----$/,/^-----END LOADCAST RESULT-----$/p' "$1" \
    | sed '1d;$d' | base64 -d 2> /dev/null | gunzip -c > "$2" 2> /dev/null && [ -s "$2" ]
}
