// Predicted against observed over time (`loadcast compare`): the simulated and the observed value
// of each metric per observed period, the error of each series, and the scale events of both
// paired in order with their time difference. app/compare.hpp computes it; this file only holds
// and formats it: compare.json (json()), a terminal table (text()), Markdown and a self-contained
// HTML page with one overlaid chart per series (svg_chart.hpp). Errors are predicted − observed.
// Pure formatting; thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/result.hpp"

namespace loadcast::reports {

struct SeriesError {
  std::size_t periods = 0;             // periods where both have a value
  double mean_predicted = kNoSamples;
  double mean_observed = kNoSamples;
  double mean_error = kNoSamples;      // mean of predicted − observed
  double mape_pct = kNoSamples;        // mean |predicted − observed| / |observed| x 100, observed ≠ 0
  std::size_t mape_periods = 0;        // the periods MAPE averages (observed ≠ 0)
  double max_error = kNoSamples;       // the signed error of largest magnitude
  double max_error_t_s = kNoSamples;   // the start of its period
};

struct ComparedSeries {
  std::string key;        // "tasks", "cpu", "acu", "latency_p95", "5xx", "requests"
  std::string label;      // "api tasks running"
  std::string unit;       // "tasks", "%", "ACU", "ms", "per period", "req/s"
  std::string statistic;  // the CloudWatch statistic assumed: "Average", "p95", "Sum"
  std::string simulated;  // the result's series, e.g. "api.tasks_running"
  std::string observed;   // the source, e.g. "cw.json: MetricDataResults[1] (Id tasks, --tasks)"
  double period_s = 0.0;
  std::vector<double> t_s;        // period starts, seconds after the simulated t = 0
  std::vector<double> predicted;  // NaN where the simulation has no value
  std::vector<double> actual;     // the observed values; NaN where there are none
  bool step = false;              // a count, drawn as steps
  SeriesError error;
};

struct ScaleEvent {
  double t_s = 0.0;  // the start of the period in which the value began to move
  double from = 0.0;
  double to = 0.0;
};

struct ScalePair {
  std::string direction;  // "out"/"in" for tasks, "up"/"down" for ACU
  std::optional<ScaleEvent> predicted;
  std::optional<ScaleEvent> observed;
  // predicted.t_s − observed.t_s: negative when the prediction is earlier; none when unmatched.
  std::optional<double> difference_s() const;
};

struct ScaleComparison {
  std::string key;    // "tasks" or "acu": the series the events are read from
  std::string label;  // "api tasks running"
  double min_change = 0.0;  // a run of same-direction changes counts when it moves this much
  std::vector<ScalePair> pairs;  // in time order
  std::size_t matched() const;
};

struct TimelineComparison {
  std::string result_path;
  std::string scenario;
  std::string result_kind;           // "sim" or "load"
  std::vector<std::string> sources;  // observed files
  double start_epoch = 0.0;          // the wall-clock time of the simulated t = 0
  std::string start_from;            // how it was chosen: "--start", "the first observed timestamp", ...
  std::vector<ComparedSeries> series;
  std::vector<ScaleComparison> scale;

  Json json() const;
  std::string text() const;
  std::string markdown() const;
  std::string html() const;
};

}  // namespace loadcast::reports
