// loadcast calibrate: per-class CPU demands fitted from measurements, written back as an overlay.
//
// Each input pairs a result (`loadcast load`, or a `loadcast sim` result standing in for one)
// with CloudWatch metric data of the same time (app/cloudwatch.hpp). For every CloudWatch period
// inside the result's measured window, the utilisation law U = X·D summed over classes (the
// service demand law, Menascé & Almeida, "Capacity Planning for Web Services", ch. 3) gives one
// equation:
//   U_i × tasks_i × vCPU = Σ_c X_{i,c} × D_c
// (ECS CPUUtilization in percent of the reserved CPU, RunningTaskCount, the task's vCPU from the
// scenario; X the class's completions per second in the period; D its CPU seconds per request).
// Without CloudWatch the left side is the vCPU in use that `loadcast load --sample` measured
// (a cgroup, a process or a Prometheus counter of the target) in the result itself.
// Periods of every input are stacked and solved by non-negative least squares (Lawson–Hanson,
// app/nnls.hpp); 95 % intervals come from the residual variance and (XᵀX)⁻¹ of the classes the
// fit kept free, with Student-t quantiles. The residual latency of each class at the input with
// the lowest utilisation (its mean latency minus its fitted demand at full core speed) is the
// fixed delay. Every bad input is an InputError naming the file and the JSON location.
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html
// [doc] https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html
// Pure functions, thread safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/cloudwatch.hpp"
#include "loadgen/resource_sampler.hpp"
#include "reports/result.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::app {

struct CalibrationInput {
  std::string result_path;
  reports::Result result;
  MetricData cloudwatch;
  // When the run's schedule started (seconds since the epoch): `--start`, else the result's
  // load.started_epoch (a sim result has none).
  std::optional<double> start_epoch;
};

struct CalibrateOptions {
  std::string service;                 // empty: the scenario's only service
  std::string cpu_id;                  // the ECS CPUUtilization query (Average, percent)
  std::string tasks_id;                // the RunningTaskCount query, or
  std::optional<double> tasks_count;   // a constant task count
  // Instead of CloudWatch: the vCPU in use from each result's own resources.<sample>.cpu_vcpu
  // series (`loadcast load --sample NAME=SOURCE`, loadgen/resource_sampler.hpp), averaged over
  // periods of `sample_period_s` of the measured window.
  std::string sample;
  double sample_period_s = 10.0;
  // --shape fit: the overlay replaces each class's one cpu step by the fitted family (const,
  // exp, or gamma with the fitted shape) instead of scaling the scenario's distribution.
  bool fit_shape = false;
  // --shape empirical: each class's one cpu step becomes an empirical distribution with the
  // shape of the latencies at the lowest load (ClassFit::hold_shape), its mean the fitted demand.
  bool empirical_shape = false;
  // The database's CPU per query (database.query.read and .write), from the same periods: RDS
  // CPUUtilization of the writer (percent; `db_cpu_id`) x its vCPUs (the instance class's, or
  // for Serverless v2 ServerlessDatabaseCapacity `db_acu_id` x database.scaling.vcpu_per_acu),
  // or with `sample` set the vCPU in use of the results' resources.<db_sample>.cpu_vcpu.
  std::string db_cpu_id;
  std::string db_acu_id;
  std::string db_sample;
  // --background: an intercept in the service demand law, U = b x tasks + Σ X·D, b being the vCPU
  // each task uses whatever the requests (ServiceConfig::background_vcpu). It needs periods at
  // different total rates (a second rate: the --target protocol runs one at half the rate).
  bool background = false;
  // --fit-overhead: the handler time each class's application reported (Server-Timing, seconds
  // per request, by class name; app/calibrate_timing.hpp reads it) is taken as known CPU, and the
  // law fits one framework overhead o per request on top: U - Σ X_c·H_c = o·Σ X_c (+ b × tasks).
  // Each class's demand is then H_c + o: one unknown in place of one per class, so a noisy run
  // cannot move one class's demand into another's. Valid when the reported time is CPU (a
  // handler that computes, not one that waits on I/O). Empty: the usual fit.
  std::map<std::string, double> handler_s;
  // --fit-wakeup: one more column in the law, the wake-ups per second of the service's event
  // loops that `loadcast load --sample` counted (resources.<sample>.wakeups_per_s), whose
  // coefficient is the CPU of one wake-up from idle (ServiceConfig::wakeup_cpu):
  // U = Σ X_c·D_c + w·W (+ b × tasks). W per request falls as the load rises (a busy loop is not
  // woken), so it needs periods in which it varied: a second rate. Sampled inputs only.
  bool fit_wakeup = false;
  // The wake-up CPU known already (the oracle of `validate`: one run has one rate, so w cannot be
  // fitted from it): w·W is taken off the vCPU in use before the fit. Sampled inputs only.
  std::optional<double> known_wakeup_s;
  // With the service's wakeup_cold_after set: per input, the share of its wake-ups that came after
  // that much sleep (cold_wakeup_shares: a simulation of the run), by which the counted wake-ups
  // are multiplied: w is then the CPU of a cold wake-up, the only kind the model charges. Empty:
  // every wake-up counts (wakeup_cold_after 0).
  std::vector<double> cold_wakeup_share;
};

// The spread between the 10th and the 90th percentile of a gamma distribution of mean 1 and
// shape k (k = 1: exponential, ln 9 ≈ 2.1972; falls as k grows). For tests.
double gamma_spread_10_90(double k);

struct ClassFit {
  std::string name;
  std::size_t index = 0;         // in the scenario's workload.requests
  double demand_s = 0.0;         // CPU seconds per request
  std::optional<double> low_s;   // 95 % interval (low clamped at 0); none at the bound 0
  std::optional<double> high_s;
  double scenario_demand_s = 0.0;  // the sum of the class's cpu step means before
  bool ran = false;                // completions in some period
  std::optional<double> mean_latency_ms;  // at the input with the lowest utilisation
  std::optional<double> fixed_delay_ms;   // that latency minus the fitted demand
  // The demand's variability, from the same input's latencies: the squared coefficient of
  // variation (variance / mean²) of a gamma demand whose 10th-to-90th percentile spread matches
  // the latencies' (a constant delay outside the CPU cancels in the difference; queueing at the
  // input's utilisation ρ widens it, by 1/(1 − ρ) for an exponential demand on one worker, so the
  // lowest load measured is used). None with fewer than 200 latencies.
  std::optional<double> scv;
  // With CalibrateOptions::empirical_shape: the time the request holds its worker, in units of
  // its mean, as 1,000 quantiles (the (i + 0.5)/1000-th) of the same latencies less their part
  // outside the CPU (the fixed delay, at least 0 each): a tight bulk with the slow requests'
  // tail, which no gamma has (garbage-collection pauses, waits for a core). Empty with fewer than
  // 200 latencies. `hold_file`: where the caller wrote hold_csv() for the overlay to name.
  std::vector<double> hold_shape;
  std::string hold_file;
};

// The class's hold_shape scaled to its fitted demand, as the file `empirical(FILE)` reads: a
// header line, then one value a line in ms.
std::string hold_csv(const ClassFit& f);

// database.query.read / .write: vCPU-seconds per query.
struct QueryFit {
  std::string kind;              // "read" or "write"
  double demand_s = 0.0;
  std::optional<double> low_s, high_s;
  double scenario_demand_s = 0.0;
};

struct DatabaseFit {
  std::string instance;          // the database's name
  std::string capacity;          // how its vCPU in use was reckoned
  std::vector<QueryFit> queries; // the kinds the workload sends
  double r2 = 0.0, rmse_vcpu = 0.0, mean_vcpu = 0.0;
};

struct Calibration {
  std::string service;
  double vcpu = 0.0;
  std::string cpu_source;        // what the vCPU in use came from, for the overlay's comments
  std::vector<ClassFit> classes;
  std::size_t periods = 0;       // equations (CloudWatch periods) in the fit
  double period_s = 0.0;
  double r2 = 0.0;               // 1 - RSS/TSS of the vCPU in use
  double rmse_vcpu = 0.0;        // root mean squared residual, vCPU
  double mean_vcpu = 0.0;        // mean vCPU in use over the periods
  std::vector<std::string> warnings;
  bool fit_shape = false;  // the overlay writes the fitted family (CalibrateOptions::fit_shape)
  bool empirical_shape = false;  // the overlay names each class's hold_file (CalibrateOptions::empirical_shape)
  std::optional<DatabaseFit> database;  // with --db-cpu or --db-sampled
  std::string bound;  // empty: the fit; "low"/"high": at_bound()'s copy
  std::size_t lowest_input = 0;  // the input at the lowest utilisation (fixed delay, variability)
  // With CalibrateOptions::background: vCPU per task apart from the requests, and its interval.
  std::optional<double> background_vcpu;
  std::optional<double> background_low, background_high;
  // With CalibrateOptions::handler_s: the fitted framework overhead per request (seconds).
  std::optional<double> overhead_s;
  std::optional<double> overhead_low_s, overhead_high_s;
  // With CalibrateOptions::fit_wakeup: the CPU of one wake-up of an idle event loop (seconds),
  // and the wake-ups per request over the periods fitted (lowest, highest).
  std::optional<double> wakeup_s;
  std::optional<double> wakeup_low_s, wakeup_high_s;
  double wakeups_per_request_low = 0.0, wakeups_per_request_high = 0.0;
  bool cold_wakeups = false;  // those are cold wake-ups (CalibrateOptions::cold_wakeup_share)
};

// `calibrate --fit-latency` (app/calibrate_latency.cpp): the latency the calibrated model leaves
// unexplained. The scenario with `overrides` (its calibration overlay) is simulated at the
// lowest-utilisation input's measured rate and mix (open Poisson arrivals, 600 s); each class's
// measured mean latency minus the simulated one is what no modelled resource accounts for. Added
// to what the scenario already had there (load_balancer.latency's mean L0, and q_c queries per
// request x database.round_trip's mean T0), it is split as
//   y_c = L + q_c x T   (non-negative least squares over classes, weighted by requests)
// into `load_balancer.latency` L (the load balancer, the network, the client) and
// `database.round_trip` T (per query). When the classes do not send at least two different
// query counts (or the scenario has no database), L and T cannot be told apart: the whole
// residual goes to load_balancer.latency as before, and `note` says why.
struct LatencyFit {
  double latency_ms = 0.0;                  // load_balancer.latency (const)
  std::optional<double> round_trip_ms;      // database.round_trip (const), when separated
  std::string note;                         // why the round trip was not separated
  std::vector<std::pair<std::string, double>> residual_ms;  // per class: measured - simulated mean
  std::vector<std::pair<std::string, double>> queries;      // per class: queries per request
};
LatencyFit fit_latency(const scenario::Scenario& sc, const std::vector<scenario::Override>& overrides,
                       const std::vector<CalibrationInput>& inputs, const Calibration& c);
// A simulation standing for a measured run: `sc`'s file with `overrides`, sending what `input`
// measured (its classes' completion rates as the mix, their total as the Poisson rate, the batch
// of its load fingerprint), `measured` after a 10 s warm-up, one thread, the scenario's seed.
// `flag` names the option in the UsageError of a scenario that cannot take that workload.
struct MeasuredRun {
  scenario::Scenario scenario;
  reports::Result result;
};
MeasuredRun simulate_measured(const scenario::Scenario& sc, const std::vector<scenario::Override>& overrides, const CalibrationInput& input,
                              const std::string& flag, sim::Time measured);

// Of a simulated run's wake-ups of `service`'s event loops, the share after wakeup_cold_after of
// sleep (services.<service>.cold_wakeups_per_s over wakeups_per_s); nullopt when it has no such
// count or no wake-ups.
std::optional<double> cold_wakeup_share(const reports::Result& simulated, const std::string& service);
// cold_wakeup_share of a simulation of each input (simulate_measured, 300 s) with `sc`'s file and `overrides`: what CalibrateOptions::cold_wakeup_share
// takes. Empty when the service's wakeup_cold_after is 0.
std::vector<double> cold_wakeup_shares(const scenario::Scenario& sc, const std::vector<scenario::Override>& overrides,
                                       const std::vector<CalibrationInput>& inputs, const std::string& service);

// The overlay lines of a LatencyFit (comments, `load_balancer.latency` and, when separated,
// `database.round_trip`).
std::string latency_overlay_yaml(const LatencyFit& f);
// The printed lines of a LatencyFit.
std::string format_latency_fit(const LatencyFit& f);

// The demand uncertainty carried into predictions as a sensitivity pair (`calibrate --bounds`):
// a copy of `c` whose every demand with an interval (classes, database queries) is the low or
// the high end of it; its overlay predicts the scenario at that end. `which`: "low" or "high".
Calibration at_bound(const Calibration& c, const std::string& which);

// Throws InputError for inputs that do not fit together (ids, periods outside the window,
// missing per-class series) and UsageError for options that do not fit the scenario.
Calibration calibrate(const scenario::Scenario& sc, const std::vector<CalibrationInput>& inputs,
                      const CalibrateOptions& options);

// `loadcast calibrate --target URL`: the measurement protocol run by loadcast itself. Short
// open-model runs of the scenario's workload against `target` at `rate` requests/s, each
// sampling the target's CPU (`sample`, loadgen/resource_sampler.hpp): the scenario's mix, then
// for each class of the service its weight × `tilt` (the varied mixes that separate the classes'
// demands); with one class, a second run at 3 × `rate` instead. Each run's files go to
// `runs_dir`/run-<k>-<label>. The returned inputs feed calibrate() with options.sample set to
// `sample.name`.
struct TargetProtocol {
  std::string target;
  loadgen::SampleSpec sample;
  std::optional<loadgen::SampleSpec> db_sample;  // the database's CPU too (--db-sample): fits its query costs
  std::string service;             // empty: the scenario's only service
  double rate = 0.0;               // requests/s of each run (required, > 0)
  double run_s = 30.0;             // each run's measured duration (no warm-up)
  double tilt = 4.0;
  // A run of the scenario's mix at half the rate too: two total rates let calibrate --background
  // tell the tasks' background CPU from the requests' demands.
  bool half_rate = false;
  // A run of the scenario's mix at `rate` in batches of this many requests per task of the
  // service too (0: none; workload.arrivals.batch = this × its desired tasks, so the load
  // balancer's round robin hands each task a batch): the same utilisation, but most requests
  // find the event loop busy, so the wake-ups per request fall several-fold — what lets
  // --fit-wakeup tell a wake-up's CPU from the CPU per request at a low utilisation (two rates
  // move them by less than their noise).
  std::uint32_t batch_per_task = 0;
  // An unmeasured run of the scenario's mix at `rate` first (seconds; 0: none): a process just
  // started is slower than it will be (a JIT compiler still compiling, heaps still growing), and
  // production tasks are warm.
  double warmup_s = 0.0;
  std::string runs_dir;
};
std::vector<CalibrationInput> run_protocol(const scenario::Scenario& sc, const TargetProtocol& protocol,
                                           const std::atomic<bool>& stop, const std::function<void(const std::string&)>& progress);

// The overlay `loadcast sim --overlay` applies: each fitted class's cpu steps scaled to its
// demand, with the interval and the fit's quality as comments.
std::string overlay_yaml(const scenario::Scenario& sc, const Calibration& c, const std::vector<std::string>& sources);

// The printed table: one row per class.
std::string format_calibration(const Calibration& c);

// The mean of a level (vCPU in use, requests in progress: one value per interval of `ts`) over
// [from, to) seconds since the result's start, weighted by how much of each interval lies in it;
// nullopt when the series does not cover the span or a value inside it is unknown (NaN).
std::optional<double> level_mean(const reports::TimeSeries& ts, const std::vector<double>& level, double from, double to);

}  // namespace loadcast::app
