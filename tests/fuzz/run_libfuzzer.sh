#!/usr/bin/env bash
# Runs each libFuzzer harness of tests/fuzz for a bounded time, each from a seed corpus built from
# the repository's own files, and prints its executions per second and corpus size.
#
#   tests/fuzz/run_libfuzzer.sh BUILD_DIR SECONDS [LOADCAST]
#
# BUILD_DIR holds the harnesses (cmake --preset fuzz && cmake --build --preset fuzz: build/fuzz);
# SECONDS is each harness's time; LOADCAST (optional) is a loadcast binary that writes the seed
# results for fuzz_result. Corpora grow in BUILD_DIR/corpus/<harness> (kept between runs);
# findings (crash-*, leak-*, timeout-*, oom-*) land in BUILD_DIR/findings/<harness>.
# Exit status: 0 when no harness found anything, 1 otherwise.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:?usage: run_libfuzzer.sh BUILD_DIR SECONDS [LOADCAST]}"
seconds="${2:?usage: run_libfuzzer.sh BUILD_DIR SECONDS [LOADCAST]}"
loadcast="${3:-}"
build="$(cd "$build" && pwd)"
seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"/{fuzz_scenario,fuzz_distribution,fuzz_threshold,fuzz_result,fuzz_http1_response}

# Scenarios: the shipped ones and the test fixtures.
cp "$root"/scenarios/*.yaml "$seeds/fuzz_scenario/"
i=0
for f in "$root"/tests/loadgen/*.yaml; do cp "$f" "$seeds/fuzz_scenario/test-$((i++)).yaml"; done

# Distributions and thresholds: every one written in the scenarios and the manual.
i=0
grep -rhoE '\b(const|exp|uniform|uniform_int|normal|lognormal|gamma|erlang|weibull|pareto|zipf|empirical|mix)\([^)]*\)' \
  "$root"/scenarios/*.yaml "$root"/docs | sort -u | while IFS= read -r d; do
  printf '%s' "$d" > "$seeds/fuzz_distribution/d$((i++))"
done
i=0
grep -rhoE "(latency_ms|requests|cost|http_req_duration|error_rate)[A-Za-z0-9_.()]* *(<=|>=|==|!=|<|>) *[0-9.e+-]+" \
  "$root"/scenarios/*.yaml "$root"/docs | sort -u | while IFS= read -r t; do
  printf '%s' "$t" > "$seeds/fuzz_threshold/t$((i++))"
done
printf '%s' 'latency_ms.p(99.99) < 250' > "$seeds/fuzz_threshold/percentile"
printf '%s' 'latency_ms.min >= 0' > "$seeds/fuzz_threshold/null-metric"

# Results: a short simulation of each shipped scenario (small histograms), when a binary is given.
if [[ -n "$loadcast" ]]; then
  for s in "$root"/scenarios/*.yaml; do
    name="$(basename "$s" .yaml)"
    if "$loadcast" sim "$s" --duration 2m --quiet --out "$build/seed-out/$name" > /dev/null 2>&1; then
      cp "$build/seed-out/$name/result.json" "$seeds/fuzz_result/$name.json"
    fi
  done
fi
# A result without histograms, so the reader is reached by small inputs too.
printf '%s' '{"schema": "loadcast.result/v1", "kind": "load", "requests": {"total": 0}}' > "$seeds/fuzz_result/small.json"

# HTTP/1 responses: the hostile-server shapes (first byte: where the response is split).
cp "$root"/tests/fuzz/seeds/http1_response/* "$seeds/fuzz_http1_response/"

failed=0
printf '%-22s %10s %10s %8s %s\n' harness execs exec/s corpus result
for h in fuzz_scenario fuzz_distribution fuzz_threshold fuzz_result fuzz_http1_response; do
  corpus="$build/corpus/$h"
  findings="$build/findings/$h"
  mkdir -p "$corpus" "$findings"
  max_len=4096
  [[ "$h" == fuzz_scenario ]] && max_len=65536
  [[ "$h" == fuzz_result ]] && max_len=1048576
  log="$build/findings/$h.log"
  status=ok
  if ! "$build/tests/fuzz/$h" "$corpus" "$seeds/$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$findings/" > "$log" 2>&1; then
    status="FOUND (see $log and $findings)"
    failed=1
  fi
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  size=$(find "$corpus" -type f | wc -l)
  printf '%-22s %10s %10s %8s %s\n' "$h" "$execs" "$rate" "$size" "$status"
  [[ "$status" == ok ]] || tail -40 "$log"
done
exit "$failed"
