// report.html: one self-contained page per run (no network, no script; inline CSS and SVG
// charts drawn by svg_chart.hpp) for simulated and measured results alike, laid out for a
// capacity planner and using the page's full width.
//
// First the findings (findings.hpp: bottlenecks ranked, with evidence and suggested changes, the
// busiest hour, the peaks per service, queue and database), then the summary, a headroom chart
// (each resource's peak against its capacity: tasks against autoscaling.max, CPU and memory
// against 100 % with the target marked, DB CPU, ACU against max_acu, connections against
// max_connections, an SQS queue's sends against its FIFO API limit), the thresholds; traffic:
// request rate, latency percentiles of the successes with the failed requests/s on a right
// axis, latency against offered load (one point per interval), p99 per request class; 5xx by
// code; per service the tasks (autoscaling.max marked, scale events as markers; a worker has no
// healthy-target line) and CPU/memory against the targets, and for a worker messages/s and
// backlog per task on two axes; ACU (max_acu marked), CPU and connections per DB instance; queue
// depth, flow, oldest message age and empty receives; request classes, stations; the cost
// breakdown and its cost per hour (cost_timeline.hpp); any other series; the events, grouped and
// filterable by type. A chart with no data (or, for counts, nothing but zeros) is left out.
// Series are found by name in Result.timeseries (docs/results.md): `requests_per_s`,
// `arrivals_per_s`, `errors_per_s`, `latency_p50_ms`/`p95`/`p99`, `classes.<name>.latency_p99_ms`,
// `http_5xx` and `http_5NN`, `<service>.tasks_desired|tasks_running|tasks_healthy|cpu_utilization|
// memory_utilization|messages_per_s|backlog_per_task`, `<db>.acu|cpu_utilization|connections`,
// `<queue>.visible|in_flight|oldest_age_s|dlq|empty_receives|sent|deleted|throttled`. Each series
// is classified by its own metric, so a prefix can be a service and a queue at once (a worker
// service and its queue share a name); cpu_utilization goes to the DB instance when the prefix
// has `acu` or `connections`. Targets and limits come from the `services`, `databases` and
// `findings` sections. Pure formatting; thread safe.
#pragma once

#include <string>

#include "reports/result.hpp"

namespace loadcast::reports {

std::string render_html(const Result& result);

}  // namespace loadcast::reports
