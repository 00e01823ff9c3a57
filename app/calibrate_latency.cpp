// loadcast calibrate --fit-latency: the latency the calibrated model leaves unexplained at the
// lowest load, split into the load balancer's latency and the database round trip per query
// (app/calibrate.hpp, LatencyFit).
#include <algorithm>
#include <cmath>

#include "app/calibrate.hpp"
#include "app/exit_code.hpp"
#include "app/nnls.hpp"
#include "app/simulate.hpp"
#include "reports/format.hpp"

namespace loadcast::app {

namespace {

using reports::fmt;

// Queries per request of a class: the reads and writes of its db steps.
double queries_of(const models::ClassConfig& cc) {
  double q = 0.0;
  for (const auto& step : cc.steps) {
    if (step.kind == models::StepKind::kDb) q += step.db.reads + step.db.writes;
  }
  return q;
}

// The overrides that make `sc` send what `m` measured: its classes' completion rates as the mix,
// their total as the Poisson rate, and the batch of its load fingerprint.
std::vector<scenario::Override> measured_workload(const scenario::Scenario& sc, const reports::Result& m, const std::string& path) {
  std::vector<scenario::Override> o;
  double total = 0.0;
  for (std::size_t i = 0; i < sc.workload.classes.size(); ++i) {
    const auto it = m.classes.find(sc.workload.classes[i].name);
    const double x = it == m.classes.end() ? 0.0 : it->second.throughput_rps;
    total += x;
    o.push_back({"workload.requests[" + std::to_string(i) + "].weight", fmt("%.17g", std::max(x, 1e-6))});
  }
  if (total <= 0.0) throw InputError(path + ": no class completed a request: nothing to compare");
  o.push_back({"workload.arrivals.rate", fmt("%.17g", total)});
  o.push_back({"workload.arrivals.process", "poisson"});
  const auto& sections = m.sections;
  if (sections.contains("load") && sections["load"].contains("fingerprint") && sections["load"]["fingerprint"].contains("batch")) {
    const auto& b = sections["load"]["fingerprint"]["batch"];
    if (b.is_number() && b.get<double>() > 1.0) o.push_back({"workload.arrivals.batch", fmt("%.17g", b.get<double>())});
  }
  return o;
}

}  // namespace

MeasuredRun simulate_measured(const scenario::Scenario& sc, const std::vector<scenario::Override>& overrides, const CalibrationInput& input,
                              const std::string& flag, sim::Time measured) {
  std::vector<scenario::Override> o = overrides;
  const auto workload = measured_workload(sc, input.result, input.result_path);
  o.insert(o.end(), workload.begin(), workload.end());
  MeasuredRun run{[&] {
    try {
      return scenario::load_file(sc.path, o);
    } catch (const scenario::LoadError& e) {
      throw UsageError(flag + " could not set the measured rate and mix: " + e.what());
    }
  }(), {}};
  run.scenario.warmup = 10 * sim::kSecond;
  SimOptions so;
  so.seed = sc.seed;
  so.threads = 1;
  so.duration = run.scenario.warmup + measured;
  run.result = simulate(run.scenario, so).to_result();
  return run;
}

LatencyFit fit_latency(const scenario::Scenario& sc, const std::vector<scenario::Override>& overrides,
                       const std::vector<CalibrationInput>& inputs, const Calibration& c) {
  if (!sc.model.load_balancer) throw UsageError("--fit-latency fits load_balancer.latency: the scenario has no load_balancer");
  if (!sc.workload.is_open()) throw UsageError("--fit-latency simulates the measured rate: it needs an open-model scenario (arrivals, not users)");
  if (inputs.empty()) throw UsageError("--fit-latency needs at least one measured run");
  const reports::Result& m = inputs[c.lowest_input].result;
  const MeasuredRun run = simulate_measured(sc, overrides, inputs[c.lowest_input], "--fit-latency", 600 * sim::kSecond);
  const scenario::Scenario& s = run.scenario;
  const reports::Result& r = run.result;
  // What the simulated scenario already put there: its load balancer latency and round trips.
  const double l0_ms = s.model.load_balancer->latency ? s.model.load_balancer->latency->mean() * 1e3 : 0.0;
  const double t0_ms = s.model.database ? s.model.database->round_trip.mean() * 1e3 : 0.0;
  LatencyFit f;
  std::vector<double> y, q, w;
  double weighted = 0.0, n = 0.0;
  for (std::size_t i = 0; i < sc.workload.classes.size(); ++i) {
    const auto& cls = sc.workload.classes[i];
    const auto mi = m.classes.find(cls.name);
    const auto si = r.classes.find(cls.name);
    if (mi == m.classes.end() || si == r.classes.end() || !mi->second.latency_ms.has_samples() || !si->second.latency_ms.has_samples()) continue;
    const double residual = mi->second.latency_ms.mean - si->second.latency_ms.mean;
    const double queries = queries_of(s.model.classes[i]);
    f.residual_ms.emplace_back(cls.name, residual);
    f.queries.emplace_back(cls.name, queries);
    const double count = static_cast<double>(mi->second.histogram.count());
    y.push_back(residual + l0_ms + queries * t0_ms);
    q.push_back(queries);
    w.push_back(std::max(count, 1.0));
    weighted += (residual + l0_ms) * count;
    n += count;
  }
  if (n <= 0.0) throw InputError(inputs[c.lowest_input].result_path + ": no class has latencies both measured and simulated");
  const bool distinct = std::any_of(q.begin(), q.end(), [&](double v) { return v != q.front(); });
  if (!s.model.database) {
    f.note = "the scenario has no database: the whole residual is load_balancer.latency";
  } else if (!distinct) {
    f.note = "every class measured sends " + fmt("%g", q.empty() ? 0.0 : q.front()) +
             " queries per request, so the database round trip cannot be told from the load balancer latency: the whole residual "
             "went to load_balancer.latency (measure classes with different query counts to separate them)";
  }
  if (!f.note.empty()) {
    f.latency_ms = std::max(0.0, weighted / n);
    return f;
  }
  // Weighted least squares, both non-negative: rows sqrt(w) x [1, q] against sqrt(w) x y.
  Matrix a(y.size(), 2);
  std::vector<double> b(y.size());
  for (std::size_t k = 0; k < y.size(); ++k) {
    const double sw = std::sqrt(w[k]);
    a(k, 0) = sw;
    a(k, 1) = sw * q[k];
    b[k] = sw * y[k];
  }
  const NnlsResult fit = nnls(a, b);
  f.latency_ms = fit.x[0];
  f.round_trip_ms = fit.x[1];
  return f;
}

std::string latency_overlay_yaml(const LatencyFit& f) {
  std::string y = "\n# load_balancer.latency: what the calibrated model leaves unexplained at the lowest load, per class the\n"
                  "#   measured mean latency minus the simulated one (";
  for (std::size_t i = 0; i < f.residual_ms.size(); ++i) {
    y += (i > 0 ? ", " : "") + f.residual_ms[i].first + " " + fmt("%.3g ms", f.residual_ms[i].second);
  }
  y += "), weighted by requests";
  if (f.round_trip_ms) {
    y += ",\n#   with the scenario's own latency and round trips added back, split by least squares over the classes'\n"
         "#   query counts (";
    for (std::size_t i = 0; i < f.queries.size(); ++i) y += (i > 0 ? ", " : "") + f.queries[i].first + " " + fmt("%g", f.queries[i].second);
    y += ") into the load balancer latency and the database round trip per query\n";
  } else {
    y += "\n";
  }
  if (!f.note.empty()) y += "#   " + f.note + "\n";
  y += "load_balancer.latency: \"const(" + fmt("%.6g", f.latency_ms * 1e3) + "us)\"\n";
  if (f.round_trip_ms) y += "database.round_trip: \"const(" + fmt("%.6g", *f.round_trip_ms * 1e3) + "us)\"\n";
  return y;
}

std::string format_latency_fit(const LatencyFit& f) {
  std::string per_class;
  for (const auto& [name, ms] : f.residual_ms) per_class += (per_class.empty() ? "" : ", ") + name + " " + fmt("%.3g ms", ms);
  std::string t;
  if (f.round_trip_ms) {
    t = "load balancer latency " + fmt("%.3g ms", f.latency_ms) + " and database round trip " + fmt("%.3g ms", *f.round_trip_ms) +
        " per query: the measured minus the simulated mean latency at the lowest load (" + per_class +
        "), split over the classes' query counts\n";
  } else {
    t = "load balancer latency " + fmt("%.3g ms", f.latency_ms) + ": the measured minus the simulated mean latency at the lowest load (" +
        per_class + ")\n";
  }
  if (!f.note.empty()) t += "note: " + f.note + "\n";
  return t;
}

}  // namespace loadcast::app
