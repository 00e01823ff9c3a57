// Plain-text and Markdown renderings of a result, and its time series as CSV.
//
// render_text: the terminal summary (`loadcast report --format text`): counts, throughput,
// latency with 95 % intervals, classes, stations, thresholds, cost items, the projection
// method, the unverified prices the figure used and its assumptions (the Fargate Spot discount
// taken at AWS's "up to" figure...), or why it could not be priced; the events by type.
// render_markdown: the same for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY and similar):
// tables, threshold verdicts with their measured values, cost items with the unverified prices
// and assumptions, the first scale events.
// timeseries_csv: `t_s,<series>...` one row per interval, empty cells for missing values,
// columns in name order. Pure formatting; thread safe.
#pragma once

#include <string>

#include "reports/result.hpp"

namespace loadcast::reports {

std::string render_text(const Result& result);
std::string render_markdown(const Result& result);
std::string timeseries_csv(const Result& result);
// For a cost section of a run shorter than its cost period (cost.event_usd): "the run as an
// event: $12.34 for what it metered; $456.78 for a month with it once per cost.period, fixed
// costs included"; empty otherwise.
std::string event_line(const Json& cost);

}  // namespace loadcast::reports
