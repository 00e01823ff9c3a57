// What `loadcast validate` does: drive a target with a scenario's workload, simulate the same
// scenario with the load's seed, duration and warm-up (replication 0 shares the load's arrival
// stream), and compare predicted with measured. The load ends at `duration` like the simulation,
// which counts what is unfinished as in flight (drain 0 unless the caller sets one), so both
// judge the same requests; a load stopped early is not compared.
// compare(): throughput, latency mean/p50/p95/p99 and error rate, overall and per class present
// in both, with the relative error (measured − predicted) / predicted. With a tolerance (a
// fraction), throughput and latency pass when |relative error| ≤ tolerance, the error rate when
// the absolute difference is at most max(tolerance × predicted, 0.001); without one nothing is
// judged. compare() is pure and thread safe; validate() is called from one thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "app/exit_code.hpp"
#include "loadgen/load_config.hpp"
#include "loadgen/resource_sampler.hpp"
#include "loadgen/runner.hpp"
#include "reports/result.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::app {

struct MetricComparison {
  std::string metric;  // "latency_ms.p99", "classes.api.throughput_rps", ...
  double predicted = 0.0;
  double measured = 0.0;
  double relative_error = 0.0;  // (measured - predicted) / predicted; NaN when predicted is 0
  bool judged = false;
  bool ok = true;
};

struct ValidationReport {
  std::vector<MetricComparison> metrics;
  std::optional<double> tolerance;

  bool passed() const;
  reports::Json to_json() const;
  std::string text() const;
};

ValidationReport compare(const reports::Result& predicted, const reports::Result& measured,
                         std::optional<double> tolerance);

// The load of a validation: scenario_load() with drain 0. The caller may then apply its options
// (a --drain given on the command line replaces the 0).
loadgen::LoadConfig validation_load(const scenario::Scenario& sc, const std::string& target, bool connections_given);

struct ValidateOptions {
  std::size_t replications = 1;     // of the simulation
  std::optional<double> tolerance;  // fraction; none: report without judging
  // --sample: the target's CPU read during the load (app::run_sampled); each adds the metric
  // cpu_vcpu.<name>, measured (its mean vCPU in use over the measured window) against the
  // simulated service's (`service`, or the scenario's only one: its cpu_utilization x
  // tasks_running x the task's vCPU, averaged over the same window).
  std::vector<loadgen::SampleSpec> samples;
  std::string service;
  // --oracle (needs samples): re-predict each run with the CPU demands fitted from that run's
  // own first sample (app::calibrate), the metrics added as oracle.<metric>. What the calibrated
  // prediction misses and the oracle gets is calibration drift; what both miss is model error.
  bool oracle = false;
  // --handler-metric with --oracle: the oracle's fit takes each class's handler time reported in
  // that run's Server-Timing as known CPU and fits one framework overhead per request on top
  // (calibrate --fit-overhead), so one run's noise cannot move CPU between its classes.
  std::string handler_metric;
  std::vector<scenario::Override> overrides;  // the scenario's --overlay/--set, reapplied with the oracle's overlay
};

struct Validation {
  loadgen::RunOutput measured;
  reports::Result predicted;
  ValidationReport report;
};

// Runs `load` (throws UsageError when load.validate() finds a problem), then the simulation,
// and compares them; nullopt when `stop` ended the load early.
std::optional<Validation> validate(const scenario::Scenario& sc, const loadgen::LoadConfig& load,
                                   const ValidateOptions& options, const std::atomic<bool>& stop);

// The oracle re-prediction of a validation `v` of scenario `run` (options.oracle): the overlay
// of demands fitted from the measured run is written to `overlay_path`, applied to the
// scenario's file with options.overrides, and simulated as validate() does; its comparison with
// the measured run is appended to v.report as oracle.<metric>. Throws InputError when the run
// cannot be fitted (no whole period of samples).
void add_oracle(const scenario::Scenario& run, const loadgen::LoadConfig& load, const ValidateOptions& options, Validation& v,
                const std::string& overlay_path);

// run_failed: the measured counts do not balance; checks_failed: a metric is out of tolerance.
Verdict verdict(const Validation& validation);

// The vCPU in use the simulation predicts for service `service` over the result's measured
// window (after the warm-up): the mean of cpu_utilization / 100 x tasks_running x `vcpu` per
// interval; nullopt when the result lacks the series.
std::optional<double> predicted_vcpu(const reports::Result& predicted, const std::string& service, double vcpu);

// The share of CFS periods throttled the simulation predicts for service `service` after the
// warm-up (its services.<name>.throttled_ratio); nullopt when it has none (no binding quota).
std::optional<double> predicted_throttled_ratio(const reports::Result& predicted, const std::string& service);

// The rows of the target's resources, per sample name measured in `measured`'s load.samples:
// `<prefix>cpu_vcpu.<name>` (predicted_vcpu against the sample's mean_vcpu, judged like the
// other metrics) and `<prefix>throttled_ratio.<name>` (predicted_throttled_ratio against the
// sample's throttled_ratio, shown but never judged; predicted NaN when the model has no binding
// quota), for samples that measured them.
void add_resource_rows(ValidationReport& report, const reports::Result& predicted, const reports::Result& measured, const std::string& service,
                       double vcpu, const std::vector<std::string>& samples, const std::string& prefix);

// A ladder of validations (`--rates`, `--repeat`): per rate, the reports of its repetitions.
struct LadderStep {
  double rate = 0.0;
  std::vector<ValidationReport> runs;
};
// Per rate and metric: the medians of predicted, measured and the relative error, and the
// error's range over the repetitions (the single-run spread). With a tolerance, a metric passes
// when its median error does (as compare() judges one run).
reports::Json ladder_json(const std::vector<LadderStep>& steps, std::optional<double> tolerance);
std::string ladder_text(const std::vector<LadderStep>& steps, std::optional<double> tolerance);
bool ladder_passed(const std::vector<LadderStep>& steps, std::optional<double> tolerance);

// DIR/validation.json (the report), DIR/load/ (the measured run's result and reports) and
// DIR/sim/result.json (the prediction). Throws std::runtime_error naming a file not written.
void write_validation(const Validation& validation, const std::string& dir);

}  // namespace loadcast::app
