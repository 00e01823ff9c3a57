#include "app/validate.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "app/load.hpp"
#include "app/simulate.hpp"
#include "loadgen/fd_limit.hpp"
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
    std::snprintf(line, sizeof line, "%-36s %14.4f %14.4f %10s%s\n", m.metric.c_str(), m.predicted, m.measured, err,
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
  Validation v;
  try {
    v.measured = loadgen::run_load(load, stop);
  } catch (const loadgen::FdLimitError& e) {
    throw UsageError(e.what());  // exit 2, as for loadcast load
  }
  if (v.measured.info.stopped_early) return std::nullopt;
  SimOptions sim_options;
  sim_options.replications = options.replications;
  sim_options.seed = load.seed;
  sim_options.duration = load.duration;
  scenario::Scenario simulated = sc;
  simulated.warmup = load.warmup;
  v.predicted = simulate(simulated, sim_options).to_result();
  v.report = compare(v.predicted, v.measured.result, options.tolerance);
  return v;
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
