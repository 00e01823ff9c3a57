// Independent replications of a scenario text and the checks the queueing tests make on them:
// a 99 % Student-t interval of a per-replication metric that must contain the analytic value
// and be tight (half-width under 5 % of it), and Erlang C for M/M/c. Test-only.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/core/system.hpp"
#include "scenarios/loader/scenario.hpp"
#include "sim/replication.hpp"
#include "sim/stats.hpp"

namespace loadcast::testing {

// `reps` replications of the scenario text `yaml` (loaded as the file `file`), on 2 threads.
inline std::vector<models::RunOutput> replicate(const std::string& yaml, std::size_t reps,
                                                const std::string& file = "queueing.yaml") {
  const scenario::Scenario sc = scenario::load_string(yaml, file);
  models::RunParams params{sc.duration, sc.warmup, sc.interval, false, std::nullopt};
  return sim::run_replications(reps, 2, [&](std::size_t r) {
    sim::Simulation s(sc.seed, r);
    models::System system(s, sc.workload, sc.model, params);
    return system.run();
  });
}

template <typename Fn>
sim::Interval ci99(const std::vector<models::RunOutput>& runs, Fn&& metric) {
  std::vector<double> v;
  for (const auto& r : runs) v.push_back(metric(r));
  return sim::confidence_interval(v, 0.99);
}

inline void require_inside(const sim::Interval& ci, double expected, const char* what) {
  INFO(what << ": expected " << expected << ", 99% CI [" << ci.low << ", " << ci.high << "], mean " << ci.mean);
  CHECK(ci.contains(expected));
  // A meaningful test also needs a tight interval: within 5 % of the value.
  CHECK(ci.half_width() < 0.05 * expected);
}

inline double mean_ms(const models::RunOutput& r) { return r.latency.mean() * 1e-6; }
inline double pct_ms(const models::RunOutput& r, double p) { return r.latency.percentile(p) * 1e-6; }

// Erlang C: probability that an arrival waits in M/M/c with offered load a = λ/μ.
inline double erlang_c(int c, double a) {
  double sum = 0.0, term = 1.0;
  for (int k = 0; k < c; ++k) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const double top = term * a / c * c / (c - a);
  return top / (sum + top);
}

}  // namespace loadcast::testing
