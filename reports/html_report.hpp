// report.html: one self-contained page per run (no network, no script; inline CSS and SVG
// charts drawn by svg_chart.hpp), for simulated and measured results alike.
//
// Sections, each present only when the result has the data: summary and latency intervals,
// threshold verdicts, request rate and latency percentiles over time, 5xx by code, per service
// the tasks desired/running/healthy (scale events marked) and CPU/memory utilization against the
// autoscaling targets, ACU/CPU/connections per DB instance, queue depth/oldest message age/DLQ/
// empty receives, any other series, request classes, stations, the cost breakdown with its
// projection method, and the events table.
// Series are found by name in Result.timeseries (see ARCHITECTURE.md): `requests_per_s`,
// `latency_p50_ms`/`p95`/`p99`, `http_5xx` and `http_5NN`, `<service>.tasks_desired|
// tasks_running|tasks_healthy|cpu_utilization|memory_utilization`, `<db>.acu|cpu_utilization|
// connections` (a prefix with `acu` or `connections` is a DB instance), `<queue>.visible|
// in_flight|oldest_age_s|dlq|empty_receives`. Targets come from the `services` section:
// services.<name>.targets.{cpu_utilization, memory_utilization} (percent), when present.
// Pure formatting; thread safe.
#pragma once

#include <string>

#include "reports/result.hpp"

namespace loadcast::reports {

std::string render_html(const Result& result);

}  // namespace loadcast::reports
