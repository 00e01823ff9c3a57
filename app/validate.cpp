#include "app/validate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "app/calibrate.hpp"
#include "app/calibrate_timing.hpp"
#include "app/load.hpp"
#include "app/simulate.hpp"
#include "reports/run_outputs.hpp"

namespace loadcast::app {

namespace {

constexpr double kErrorRateFloor = 0.001;

void add(ValidationReport& report, const std::string& metric, double predicted, double measured, bool is_rate) {
  MetricComparison m;
  m.metric = metric;
  m.predicted = predicted;
  m.measured = measured;
  m.relative_error = predicted != 0.0 ? (measured - predicted) / predicted : std::numeric_limits<double>::quiet_NaN();
  if (report.tolerance) {
    m.judged = true;
    const double tol = *report.tolerance;
    if (is_rate) m.ok = std::fabs(measured - predicted) <= std::max(tol * predicted, kErrorRateFloor);
    else m.ok = std::isfinite(m.relative_error) ? std::fabs(m.relative_error) <= tol : measured == predicted;
  }
  report.metrics.push_back(m);
}

void add_set(ValidationReport& report, const std::string& prefix, double tp_pred, double tp_meas,
             const reports::LatencySummary& lp, const reports::LatencySummary& lm, const reports::RequestCounts& cp,
             const reports::RequestCounts& cm) {
  add(report, prefix + "throughput_rps", tp_pred, tp_meas, false);
  add(report, prefix + "latency_ms.mean", lp.mean, lm.mean, false);
  add(report, prefix + "latency_ms.p50", lp.p50, lm.p50, false);
  add(report, prefix + "latency_ms.p95", lp.p95, lm.p95, false);
  add(report, prefix + "latency_ms.p99", lp.p99, lm.p99, false);
  add(report, prefix + "requests.error_rate", cp.error_rate(), cm.error_rate(), true);
}

// A value of a row: 4 decimals, "-" when a side has none (a throttling row where the model's
// quota never binds).
std::string value_text(double v) {
  if (!std::isfinite(v)) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%.4f", v);
  return b;
}

}  // namespace

bool ValidationReport::passed() const {
  for (const auto& m : metrics) {
    if (m.judged && !m.ok) return false;
  }
  return true;
}

reports::Json ValidationReport::to_json() const {
  reports::Json j;
  j["tolerance"] = tolerance ? reports::Json(*tolerance) : reports::Json(nullptr);
  j["passed"] = passed();
  reports::Json rows = reports::Json::array();
  for (const auto& m : metrics) {
    reports::Json row{{"metric", m.metric}, {"predicted", m.predicted}, {"measured", m.measured}};
    row["relative_error"] = std::isfinite(m.relative_error) ? reports::Json(m.relative_error) : reports::Json(nullptr);
    if (m.judged) row["ok"] = m.ok;
    rows.push_back(std::move(row));
  }
  j["metrics"] = rows;
  return j;
}

std::string ValidationReport::text() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-36s %14s %14s %10s\n", "metric", "predicted", "measured", "error");
  out += line;
  for (const auto& m : metrics) {
    char err[32];
    if (std::isfinite(m.relative_error)) std::snprintf(err, sizeof err, "%+.1f%%", m.relative_error * 100.0);
    else std::snprintf(err, sizeof err, "-");
    std::snprintf(line, sizeof line, "%-36s %14s %14s %10s%s\n", m.metric.c_str(), value_text(m.predicted).c_str(), value_text(m.measured).c_str(), err,
                  m.judged ? (m.ok ? "  ok" : "  OUT OF TOLERANCE") : "");
    out += line;
  }
  return out;
}

ValidationReport compare(const reports::Result& predicted, const reports::Result& measured,
                         std::optional<double> tolerance) {
  ValidationReport report;
  report.tolerance = tolerance;
  add_set(report, "", predicted.throughput_rps, measured.throughput_rps, predicted.latency_ms, measured.latency_ms,
          predicted.requests, measured.requests);
  if (predicted.classes.size() > 1) {
    for (const auto& [name, pc] : predicted.classes) {
      const auto it = measured.classes.find(name);
      if (it == measured.classes.end()) continue;
      const auto& mc = it->second;
      add_set(report, "classes." + name + ".", pc.throughput_rps, mc.throughput_rps, pc.latency_ms, mc.latency_ms,
              pc.requests, mc.requests);
    }
  }
  return report;
}

loadgen::LoadConfig validation_load(const scenario::Scenario& sc, const std::string& target, bool connections_given) {
  loadgen::LoadConfig config = scenario_load(sc, target, connections_given);
  config.drain = 0;
  return config;
}

std::optional<Validation> validate(const scenario::Scenario& sc, const loadgen::LoadConfig& load,
                                   const ValidateOptions& options, const std::atomic<bool>& stop) {
  if (const auto problems = load.validate(); !problems.empty()) throw UsageError(problems.front());
  std::optional<std::size_t> svc;
  if (!options.samples.empty()) {
    const auto& services = sc.model.services;
    for (std::size_t i = 0; i < services.size(); ++i) {
      if (options.service.empty() ? services.size() == 1 : services[i].name == options.service) svc = i;
    }
    if (!svc) {
      throw UsageError(options.service.empty() ? "--sample: say which service of the scenario the CPU sample measures with --service NAME"
                                               : "--service " + options.service + ": the scenario has no such service");
    }
  }
  Validation v;
  v.measured = run_sampled(load, stop, options.samples);  // FdLimitError → UsageError (exit 2), as for loadcast load
  if (v.measured.info.stopped_early) return std::nullopt;
  SimOptions sim_options;
  sim_options.replications = options.replications;
  sim_options.seed = load.seed;
  sim_options.duration = load.duration;
  scenario::Scenario simulated = sc;
  simulated.warmup = load.warmup;
  v.predicted = simulate(simulated, sim_options).to_result();
  v.report = compare(v.predicted, v.measured.result, options.tolerance);
  if (svc) {
    const auto& service = sc.model.services[*svc];
    std::vector<std::string> names;
    for (const auto& spec : options.samples) names.push_back(spec.name);
    add_resource_rows(v.report, v.predicted, v.measured.result, service.name, service.vcpu(), names, "");
  }
  return v;
}

void add_oracle(const scenario::Scenario& run, const loadgen::LoadConfig& load, const ValidateOptions& options, Validation& v,
                const std::string& overlay_path) {
  if (options.samples.empty()) throw UsageError("--oracle fits demands from the run's own CPU: give --sample too");
  CalibrationInput in;
  in.result_path = overlay_path;  // named in messages as where the fit belongs
  in.result = v.measured.result;
  in.start_epoch = v.measured.info.started_epoch;
  CalibrateOptions copt;
  copt.service = options.service;
  copt.sample = options.samples.front().name;
  // Six periods of the measured window, whole seconds.
  copt.sample_period_s = std::clamp(std::floor(sim::to_seconds(load.duration) / 6.0), 1.0, 10.0);
  if (!options.handler_metric.empty()) copt = with_reported_handlers(run, {in}, copt, options.handler_metric);
  // One run has one rate, so neither the tasks' background nor a wake-up's CPU can be fitted
  // from it. A calibrated wake-up CPU is kept and its part of the run's CPU (w x the wake-ups the
  // sample counted) taken off before the demands are fitted; without the count it is set to 0
  // and the demands carry it.
  const models::ServiceConfig* calibrated = nullptr;
  for (const auto& svc : run.model.services) {
    if (options.service.empty() ? run.model.services.size() == 1 : svc.name == options.service) calibrated = &svc;
  }
  const auto& series = in.result.timeseries.series;
  const bool counted = series.count("resources." + copt.sample + ".wakeups_per_s") > 0;
  if (calibrated != nullptr && calibrated->wakeup_cpu > 0 && counted) {
    copt.known_wakeup_s = sim::to_seconds(calibrated->wakeup_cpu);
    // With wakeup_cold_after, w is a cold wake-up's: charged on the share of the counted ones the
    // calibrated prediction of this run found cold (none without wake-ups: it charged none).
    if (calibrated->wakeup_cold_after > 0) copt.cold_wakeup_share = {cold_wakeup_share(v.predicted, calibrated->name).value_or(0.0)};
  }
  Calibration fit = calibrate(run, {in}, copt);
  // Else they would count twice.
  for (const auto& svc : run.model.services) {
    if (svc.name == fit.service && svc.background_vcpu > 0.0) fit.background_vcpu = 0.0;
    if (svc.name == fit.service && svc.wakeup_cpu > 0 && !copt.known_wakeup_s) fit.wakeup_s = 0.0;
  }
  reports::write_text_file(overlay_path, overlay_yaml(run, fit, {"the measured run (oracle: its own demands)"}));
  auto overrides = options.overrides;
  const auto overlay = scenario::read_overlay(overlay_path);
  overrides.insert(overrides.end(), overlay.begin(), overlay.end());
  scenario::Scenario oracle = scenario::load_file(run.path, overrides);
  oracle.workload.model = run.workload.model;  // the ladder's rate
  oracle.seed = run.seed;
  oracle.warmup = load.warmup;
  SimOptions sim_options;
  sim_options.replications = options.replications;
  sim_options.seed = load.seed;
  sim_options.duration = load.duration;
  const auto predicted = simulate(oracle, sim_options).to_result();
  const auto report = compare(predicted, v.measured.result, options.tolerance);
  for (auto m : report.metrics) {
    m.metric = "oracle." + m.metric;
    m.judged = false;  // shown beside the calibrated prediction, not a pass/fail of it
    m.ok = true;
    v.report.metrics.push_back(m);
  }
  for (const auto& svc : oracle.model.services) {
    if (svc.name != fit.service) continue;
    ValidationReport rows;  // no tolerance: shown beside the calibrated prediction, not judged
    add_resource_rows(rows, predicted, v.measured.result, svc.name, svc.vcpu(), {options.samples.front().name}, "oracle.");
    v.report.metrics.insert(v.report.metrics.end(), rows.metrics.begin(), rows.metrics.end());
  }
}

std::optional<double> predicted_throttled_ratio(const reports::Result& predicted, const std::string& service) {
  const auto& services = predicted.sections;
  if (!services.contains("services") || !services["services"].contains(service)) return std::nullopt;
  const auto& r = services["services"][service];
  if (!r.contains("throttled_ratio") || !r["throttled_ratio"].is_number()) return std::nullopt;
  return r["throttled_ratio"].get<double>();
}

void add_resource_rows(ValidationReport& report, const reports::Result& predicted, const reports::Result& measured, const std::string& service,
                       double vcpu, const std::vector<std::string>& samples, const std::string& prefix) {
  const auto pred = predicted_vcpu(predicted, service, vcpu);
  const auto pred_throttled = predicted_throttled_ratio(predicted, service);
  const reports::Json none;
  const auto& all = measured.sections.contains("load") && measured.sections["load"].contains("samples") ? measured.sections["load"]["samples"] : none;
  for (const auto& name : samples) {
    if (!all.is_object() || !all.contains(name)) continue;
    const auto& m = all[name];
    if (pred && m.contains("mean_vcpu") && m["mean_vcpu"].is_number()) add(report, prefix + "cpu_vcpu." + name, *pred, m["mean_vcpu"].get<double>(), false);
    // Shown, never judged: a share of periods near 0 has no meaningful relative error, and the
    // kernel's per-CPU slices (not modelled) move it on a real host.
    if (m.contains("throttled_ratio") && m["throttled_ratio"].is_number()) {
      MetricComparison c;
      c.metric = prefix + "throttled_ratio." + name;
      c.predicted = pred_throttled ? *pred_throttled : std::numeric_limits<double>::quiet_NaN();
      c.measured = m["throttled_ratio"].get<double>();
      c.relative_error = pred_throttled && *pred_throttled != 0.0 ? (c.measured - *pred_throttled) / *pred_throttled : std::numeric_limits<double>::quiet_NaN();
      report.metrics.push_back(c);
    }
    // The event loops' wake-ups from idle, shown: what services.<name>.wakeup_cpu is charged on.
    if (m.contains("wakeups_per_s") && m["wakeups_per_s"].is_number()) {
      const auto& p = predicted.sections;
      const bool has = p.contains("services") && p["services"].contains(service) && p["services"][service].contains("wakeups_per_s");
      MetricComparison c;
      c.metric = prefix + "wakeups_per_s." + name;
      c.predicted = has ? p["services"][service]["wakeups_per_s"].get<double>() : std::numeric_limits<double>::quiet_NaN();
      c.measured = m["wakeups_per_s"].get<double>();
      c.relative_error = has && c.predicted != 0.0 ? (c.measured - c.predicted) / c.predicted : std::numeric_limits<double>::quiet_NaN();
      report.metrics.push_back(c);
    }
  }
}

std::optional<double> predicted_vcpu(const reports::Result& predicted, const std::string& service, double vcpu) {
  const auto& ts = predicted.timeseries;
  const auto u = ts.series.find(service + ".cpu_utilization");
  const auto n = ts.series.find(service + ".tasks_running");
  if (u == ts.series.end() || n == ts.series.end()) return std::nullopt;
  const double from = predicted.warmup_s, to = predicted.warmup_s + predicted.duration_s;
  double covered = 0.0, sum = 0.0;
  for (std::size_t k = 0; k < ts.t_s.size() && k < u->second.size() && k < n->second.size(); ++k) {
    const double lo = std::max(from, ts.t_s[k]), hi = std::min(to, ts.t_s[k] + ts.interval_s);
    if (hi <= lo || std::isnan(u->second[k]) || std::isnan(n->second[k])) continue;
    covered += hi - lo;
    sum += u->second[k] / 100.0 * n->second[k] * vcpu * (hi - lo);
  }
  if (!(covered > 0.0)) return std::nullopt;
  return sum / covered;
}

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 == 1 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

struct LadderRow {
  std::string metric;
  double predicted, measured, error, error_min, error_max;
  bool ok = true;
  bool judged = false;
};

// The rows of one step: one per metric, in the first run's order, over the runs that have it
// (values a run did not measure, NaN, left out of the medians).
std::vector<LadderRow> ladder_rows(const LadderStep& step, std::optional<double> tolerance) {
  std::vector<LadderRow> rows;
  if (step.runs.empty()) return rows;
  for (const auto& first : step.runs.front().metrics) {
    std::vector<double> p, m, e;
    for (const auto& run : step.runs) {
      for (const auto& x : run.metrics) {
        if (x.metric != first.metric) continue;
        if (std::isfinite(x.predicted)) p.push_back(x.predicted);
        if (std::isfinite(x.measured)) m.push_back(x.measured);
        if (std::isfinite(x.relative_error)) e.push_back(x.relative_error);
      }
    }
    LadderRow r{first.metric, median(p), median(m), median(e), e.empty() ? std::numeric_limits<double>::quiet_NaN() : *std::min_element(e.begin(), e.end()),
                e.empty() ? std::numeric_limits<double>::quiet_NaN() : *std::max_element(e.begin(), e.end())};
    // A metric neither side measured (no latency sample), the oracle's, the throttling and the
    // wake-ups are shown, not judged.
    if (tolerance && std::isfinite(r.predicted) && std::isfinite(r.measured) && r.metric.rfind("oracle.", 0) != 0 &&
        r.metric.rfind("throttled_ratio.", 0) != 0 && r.metric.rfind("wakeups_per_s.", 0) != 0) {
      ValidationReport one;
      one.tolerance = tolerance;
      add(one, r.metric, r.predicted, r.measured, r.metric.find("error_rate") != std::string::npos);
      r.judged = true;
      r.ok = one.metrics.front().ok;
    }
    rows.push_back(r);
  }
  return rows;
}

reports::Json number_or_null(double v) { return std::isfinite(v) ? reports::Json(v) : reports::Json(nullptr); }

}  // namespace

reports::Json ladder_json(const std::vector<LadderStep>& steps, std::optional<double> tolerance) {
  reports::Json j;
  j["tolerance"] = tolerance ? reports::Json(*tolerance) : reports::Json(nullptr);
  j["passed"] = ladder_passed(steps, tolerance);
  reports::Json out = reports::Json::array();
  for (const auto& step : steps) {
    reports::Json s{{"rate", step.rate}, {"repetitions", step.runs.size()}};
    reports::Json rows = reports::Json::array();
    for (const auto& r : ladder_rows(step, tolerance)) {
      reports::Json row{{"metric", r.metric}, {"predicted_median", number_or_null(r.predicted)}, {"measured_median", number_or_null(r.measured)},
                        {"error_median", number_or_null(r.error)}, {"error_min", number_or_null(r.error_min)}, {"error_max", number_or_null(r.error_max)}};
      if (r.judged) row["ok"] = r.ok;
      rows.push_back(std::move(row));
    }
    s["metrics"] = std::move(rows);
    out.push_back(std::move(s));
  }
  j["steps"] = std::move(out);
  return j;
}

std::string ladder_text(const std::vector<LadderStep>& steps, std::optional<double> tolerance) {
  std::string out;
  char line[320];
  for (const auto& step : steps) {
    std::snprintf(line, sizeof line, "rate %g requests/s, %zu repetition%s (medians; error range over the repetitions)\n", step.rate,
                  step.runs.size(), step.runs.size() == 1 ? "" : "s");
    out += line;
    std::snprintf(line, sizeof line, "  %-34s %12s %12s %9s %20s\n", "metric", "predicted", "measured", "error", "range");
    out += line;
    for (const auto& r : ladder_rows(step, tolerance)) {
      char err[32], range[64];
      if (std::isfinite(r.error)) std::snprintf(err, sizeof err, "%+.1f%%", r.error * 100.0);
      else std::snprintf(err, sizeof err, "-");
      if (std::isfinite(r.error_min)) std::snprintf(range, sizeof range, "%+.1f%% .. %+.1f%%", r.error_min * 100.0, r.error_max * 100.0);
      else std::snprintf(range, sizeof range, "-");
      std::snprintf(line, sizeof line, "  %-34s %12s %12s %9s %20s%s\n", r.metric.c_str(), value_text(r.predicted).c_str(), value_text(r.measured).c_str(), err, range,
                    r.judged ? (r.ok ? "  ok" : "  OUT OF TOLERANCE") : "");
      out += line;
    }
  }
  return out;
}

bool ladder_passed(const std::vector<LadderStep>& steps, std::optional<double> tolerance) {
  for (const auto& step : steps) {
    for (const auto& r : ladder_rows(step, tolerance)) {
      if (r.judged && !r.ok) return false;
    }
  }
  return true;
}

Verdict verdict(const Validation& validation) {
  Verdict v;
  v.run_failed = !validation.measured.result.requests.balanced();
  v.checks_failed = !validation.report.passed();
  return v;
}

void write_validation(const Validation& validation, const std::string& dir) {
  reports::write_run_outputs(validation.measured.result, dir + "/load");
  std::filesystem::create_directories(dir + "/sim");
  reports::save_result(validation.predicted, dir + "/sim/result.json");
  reports::write_text_file(dir + "/validation.json", validation.report.to_json().dump(2) + "\n");
}

}  // namespace loadcast::app
