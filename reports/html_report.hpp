// report.html: one self-contained page per run (no network, no script; inline CSS and SVG
// charts drawn by svg_chart.hpp), for simulated and measured results alike.
//
// Sections, each present only when the result has the data: summary and latency intervals,
// threshold verdicts, request rate and latency percentiles over time, 5xx by code, per service
// the tasks desired/running/healthy (scale events marked) and CPU/memory utilization against the
// autoscaling targets, ACU/CPU/connections per DB instance, queue depth/oldest message age/DLQ/
// empty receives/sent/deleted/throttled, any other series, request classes, stations, the cost
// breakdown with its projection method, assumptions and unverified prices (or why it could not
// be priced), and the events table.
// Series are found by name in Result.timeseries (see ARCHITECTURE.md): `requests_per_s`,
// `latency_p50_ms`/`p95`/`p99`, `http_5xx` and `http_5NN` (http_500, http_502, ...),
// `<service>.tasks_desired|tasks_running|tasks_healthy|cpu_utilization|memory_utilization|
// messages_per_s|backlog_per_task`, `<db>.acu|cpu_utilization|connections`, `<queue>.visible|
// in_flight|oldest_age_s|dlq|empty_receives|sent|deleted|throttled`. Each series is classified by
// its own metric, so a prefix can be a service and a queue at once (a worker service and its
// queue share a name); cpu_utilization goes to the DB instance when the prefix has `acu` or
// `connections`. Targets come from the `services` section:
// services.<name>.targets.{cpu_utilization, memory_utilization} (percent), when present.
// Pure formatting; thread safe.
#pragma once

#include <string>

#include "reports/result.hpp"

namespace loadcast::reports {

std::string render_html(const Result& result);

}  // namespace loadcast::reports
