// What `loadcast calibrate` adds to its CPU fit (app/calibrate.hpp) from the same inputs:
//
// The framework's per-request overhead. When the application reports its handler's time in a
// `Server-Timing` metric (`--handler-metric NAME`; the load generator keeps per class the count
// and mean of each metric, `load.server_timing`, loadgen/server_timing.hpp), the fitted CPU per
// request minus that mean is what the request costs outside the handler — routing, parsing,
// serialisation, the framework's middleware — with the fit's 95 % interval shifted by the same
// mean (the mean of thousands of reported durations is far tighter than the fit's interval; its
// own error is not added). The metric is wall time as the application measured it: for a handler
// that waits on I/O it includes the wait and is no CPU, and the difference then understates the
// overhead (a negative one says so).
//
// The demand's uncertainty as a scenario key. Each class's relative standard error is the upper
// half-width of its 95 % interval over 1.96, relative to its demand; their mean weighted by the
// classes' CPU shares (demand × completions over the inputs) is the service's `cpu_demand_sd`
// (models/web/demand_factor.hpp), which the overlay sets so the simulator's replications carry
// it. Weighting the errors linearly, not in quadrature, treats the classes' errors as moving
// together: the conservative end for a service-wide factor.
// Pure functions, thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/calibrate.hpp"

namespace loadcast::app {

struct HandlerTime {
  std::string name;                // the class
  std::uint64_t count = 0;         // durations of the metric over the inputs
  std::optional<double> handler_ms;  // their mean; none without any
  bool fitted = false;             // the class has a fitted CPU demand
  double cpu_ms = 0.0;
  std::optional<double> cpu_low_ms, cpu_high_ms;
  std::optional<double> overhead_ms, low_ms, high_ms;  // cpu - handler, with the fit's interval
};

struct HandlerOverhead {
  std::string metric;
  std::vector<HandlerTime> classes;  // the calibration's, in its order
  std::vector<std::string> warnings;
};

// Throws InputError when no input is a load result with `load.server_timing`, or when no class
// of any input reported `metric` (naming the metrics they did report).
HandlerOverhead handler_overhead(const std::vector<CalibrationInput>& inputs, const Calibration& c, const std::string& metric);
std::string format_handler_overhead(const HandlerOverhead& h);
// Comment lines for the overlay.
std::string handler_overhead_yaml(const HandlerOverhead& h);

// `options` for `calibrate --fit-overhead` and `validate --oracle --handler-metric`: handler_s
// set to each class's mean reported `metric` time over the inputs (read from a first, free fit's
// classes). Throws InputError as handler_overhead() does, and calibrate() then throws for a class
// that ran without reporting it.
CalibrateOptions with_reported_handlers(const scenario::Scenario& sc, const std::vector<CalibrationInput>& inputs, CalibrateOptions options,
                                        const std::string& metric);
// Empty when `name` can be a Server-Timing metric name (an HTTP token); else what is wrong.
std::string handler_metric_problem(const std::string& name);

struct DemandUncertainty {
  std::optional<double> sd;  // none: no class has an interval
  struct Share {
    std::string name;
    double relative_sd = 0.0;  // (high - demand) / 1.96 / demand
    double cpu_share = 0.0;    // of the classes with an interval
  };
  std::vector<Share> classes;
  bool clamped = false;  // the weighted sd was above models::kMaxCpuDemandSd
};
DemandUncertainty demand_uncertainty(const std::vector<CalibrationInput>& inputs, const Calibration& c);
// The overlay's lines: `services.<name>.cpu_demand_sd` with how it was reckoned, or a comment
// saying why there is none.
std::string demand_uncertainty_yaml(const Calibration& c, const DemandUncertainty& u);

}  // namespace loadcast::app
