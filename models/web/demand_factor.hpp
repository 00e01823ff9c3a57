// The CPU demand factor of one replication: how a calibration's uncertainty (a service's
// `cpu_demand_sd`) reaches the prediction's intervals.
//
// A calibrated demand is known within an interval (`loadcast calibrate` prints it), and a real
// application's CPU per request drifts between runs as well (the same loop cost ±10–15 % between
// 60 s windows on the real stack, docs/calibrate-and-validate.md). The spread the simulator's
// replications give — and so every `*_ci95` it writes — comes from the workload's randomness
// only. With `cpu_demand_sd` = s > 0 each replication draws, for each service, one factor F of a
// lognormal distribution with mean 1 and standard deviation s (σ² = ln(1 + s²), μ = −σ²/2: no
// negative demand, and exactly the mean and the spread asked for), from the stream
// "service.<name>.cpu_demand_factor" ("worker.<name>.cpu_demand_factor" for a worker service) of
// that replication, and every CPU step the service's tasks
// run is F times its drawn value: the replications become a sample of the demand's uncertainty
// too (parametric uncertainty by Monte Carlo over replications). With s = 0 the factor is 1 and
// nothing is drawn: the run is bit-identical to one without the key.
// assumption: the uncertainty is one factor shared by every class of the service (the
// calibration's classes err together when the machine's speed drifts); a lognormal's shape.
// Pure; thread safe.
#pragma once

#include <cmath>
#include <string>

#include "models/web/service_config.hpp"
#include "sim/det_math.hpp"
#include "sim/distribution.hpp"
#include "sim/simulation.hpp"

namespace loadcast::models {

// This replication's factor from stream `stream` for relative standard deviation `sd` (1 when sd
// is 0).
inline double cpu_demand_factor(const sim::Simulation& sim, const std::string& stream, double sd) {
  if (!(sd > 0.0)) return 1.0;
  sim::Rng rng = sim.stream(stream);
  const double sigma = std::sqrt(sim::det_log1p(sd * sd));
  return sim::Distribution::lognormal(1.0, sigma).sample(rng);
}

// A web service's factor, and a worker service's (its own stream: a worker may share a name).
inline double cpu_demand_factor(const sim::Simulation& sim, const ServiceConfig& service) {
  return cpu_demand_factor(sim, "service." + service.name + ".cpu_demand_factor", service.cpu_demand_sd);
}
inline double worker_cpu_demand_factor(const sim::Simulation& sim, const ServiceConfig& service) {
  return cpu_demand_factor(sim, "worker." + service.name + ".cpu_demand_factor", service.cpu_demand_sd);
}

}  // namespace loadcast::models
