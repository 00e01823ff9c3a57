// What `loadcast compare RESULT --cloudwatch DATA.json` does: put a result's time series beside
// what a deployment was observed to do (app/observed_series.hpp) and measure the difference.
//
// Alignment. The simulated t = 0 is `start_epoch` (--start), else a load result's
// load.started_epoch, else the first observed timestamp. Each observed period [T, T + P) lying
// wholly inside the result's time series becomes one compared point; the simulated value of the
// period is read from the result's intervals that overlap it, as the CloudWatch statistic implies:
//   Average (tasks, CPU, memory, ACU, requests/s): the overlap-weighted mean of the intervals;
//     a service's task count is the count at each interval's end, averaged;
//   Sum (5xx): the intervals' counts, a partly overlapping interval pro rata;
//   pNN (latency): the interval's percentile when one interval covers the period, else the mean
//     of the intervals' percentiles weighted by their completions (an approximation: the result
//     keeps no histogram per interval).
// Exact when the result's report_interval equals the period and t = 0 falls on a period start.
// Errors over the periods both have: mean of predicted − observed, mean absolute percentage
// error (periods observed as 0 left out), and the signed error of largest magnitude.
// Scale events: in the tasks and ACU series of both sides, a run of consecutive periods moving in
// one direction that moves `min_change` or more in all is one event, at the start of the run's
// first period; predicted and observed events are paired in order per direction, at most
// max_lag_s apart (pair_scale_events), and the time difference of each pair is predicted −
// observed (negative: the prediction is early), so its resolution is one period. Bad input throws InputError (a source and its location) or UsageError
// (a flag the result cannot answer). Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/observed_series.hpp"
#include "reports/result.hpp"
#include "reports/timeline_comparison.hpp"

namespace loadcast::app {

struct CompareOptions {
  std::string service;                // --service: empty for the result's only service
  std::string database;               // --database: empty for the result's only Serverless v2 instance
  std::optional<double> start_epoch;  // --start
  double task_step = 1.0;             // a tasks scale event moves this many tasks or more
  double acu_step = 0.5;              // an ACU scale event moves this many ACU or more
  double max_lag_s = 900.0;           // scale events further apart are not paired
};

reports::TimelineComparison compare_timelines(const reports::Result& result, const std::string& result_path,
                                              const ObservedData& observed, const CompareOptions& options);

// The error of `predicted` against `observed` (parallel to t_s; NaN where a side has no value).
reports::SeriesError series_error(const std::vector<double>& t_s, const std::vector<double>& predicted,
                                  const std::vector<double>& observed);

// The scale events of one series (parallel to t_s; NaN values skipped).
std::vector<reports::ScaleEvent> scale_events(const std::vector<double>& t_s, const std::vector<double>& values, double min_change);

// Pairs predicted with observed events of the same direction (`up` names a rising event, `down`
// a falling one) in order: of the order-keeping pairings of events at most `max_lag_s` apart,
// the one with the least total |time difference| + max_lag_s / 2 per event left alone (so two
// events pair exactly when they are less than max_lag_s apart and pairing them keeps the order;
// ties keep the earlier pairs). Unpaired events are kept alone. In time order.
std::vector<reports::ScalePair> pair_scale_events(const std::vector<reports::ScaleEvent>& predicted,
                                                  const std::vector<reports::ScaleEvent>& observed, const std::string& up,
                                                  const std::string& down, double max_lag_s);

}  // namespace loadcast::app
