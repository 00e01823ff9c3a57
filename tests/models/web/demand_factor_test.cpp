// The per-replication CPU demand factor (ServiceConfig::cpu_demand_sd, models/web/demand_factor.hpp):
// without it (or at 0) a run is bit-identical to one without the key; with it the spread of a
// service's CPU utilisation across replications is the factor's, sd x mean, within a confidence
// interval over 200 replications; the run stays bit-identical on one and two threads; the
// factor is lognormal with mean 1 and the given standard deviation; the loader refuses an sd
// outside 0-1.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "app/simulate.hpp"
#include "models/web/demand_factor.hpp"
#include "scenarios/loader/scenario.hpp"
#include "sim/simulation.hpp"
#include "sim/stats.hpp"

using namespace loadcast;

namespace {

// Two tasks of 1 vCPU behind the ALB at 200 requests/s of 2 ms of CPU each (exponential): a CPU
// utilisation of 20 %, whose run-to-run noise over 120 s (24,000 requests) is under 1 %.
std::string demand_yaml(const std::string& service_extra) {
  return R"(
name: demand
seed: 11
duration: 120s
workload:
  arrivals: { process: poisson, rate: 200 }
  requests:
    - { name: work, path: /work, steps: [ { cpu: exp(2ms) } ] }
load_balancer: { type: alb, default: app }
services:
  app: { cpu: 1024, memory: 2048, desired: 2)" + service_extra + R"( }
)";
}

app::SimRun simulate(const std::string& yaml, std::size_t replications, unsigned threads) {
  app::SimOptions o;
  o.replications = replications;
  o.threads = threads;
  return app::simulate(scenario::load_string(yaml, "demand.yaml"), o);
}

}  // namespace

TEST_CASE("Demand factor: cpu_demand_sd 0 gives the result of a scenario without the key, bit for bit") {
  const std::string without = simulate(demand_yaml(""), 3, 1).to_result().to_json().dump();
  CHECK(simulate(demand_yaml(", cpu_demand_sd: 0"), 3, 1).to_result().to_json().dump() == without);
  CHECK(simulate(demand_yaml(", cpu_demand_sd: 0.1"), 3, 1).to_result().to_json().dump() != without);
}

TEST_CASE("Demand factor: the CPU utilisation's spread across replications is cpu_demand_sd x its mean") {
  constexpr std::size_t kReps = 200;
  constexpr double kSd = 0.1;
  const reports::Result r = simulate(demand_yaml(", cpu_demand_sd: 0.1"), kReps, 2).to_result();
  REQUIRE(r.replications == kReps);
  // The mean over the replications: 200 x 2 ms / 2 vCPU = 20 %, the factor's mean being 1 (its
  // own standard error 0.1 / sqrt(200) = 0.7 %, the workload's noise below that).
  const double mean = r.sections.at("services").at("app").at("cpu_utilization_mean").get<double>();
  CHECK(mean == Approx(20.0).epsilon(0.03));
  // The sample standard deviation across replications, from the Student-t interval of the mean.
  const auto ci = r.ci95.at("services.app.cpu_utilization_mean");
  const double half = (ci.high - ci.low) / 2.0;
  const double sd = half * std::sqrt(static_cast<double>(kReps)) / sim::student_t_quantile(0.975, kReps - 1.0);
  // Expected sqrt(0.1² + 0.009²) x mean (the factor and the workload's own noise); the sample sd
  // of 200 values is within ±3 standard errors, sqrt(1 / (2 x 199) + kurtosis / 800) ≈ 5.3 %,
  // of it: ±16 %.
  const double expected = std::sqrt(kSd * kSd + 0.009 * 0.009) * mean;
  CHECK(sd > 0.84 * expected);
  CHECK(sd < 1.16 * expected);
  // Without the key the spread is the workload's alone, a tenth of that.
  const reports::Result plain = simulate(demand_yaml(""), 20, 2).to_result();
  const auto pci = plain.ci95.at("services.app.cpu_utilization_mean");
  const double plain_sd = (pci.high - pci.low) / 2.0 * std::sqrt(20.0) / sim::student_t_quantile(0.975, 19.0);
  CHECK(plain_sd < 0.02 * mean);
  // The latency's interval carries the uncertainty too: wider than without it.
  CHECK(r.latency_ms_ci95.at("mean").high - r.latency_ms_ci95.at("mean").low >
        (plain.latency_ms_ci95.at("mean").high - plain.latency_ms_ci95.at("mean").low) * std::sqrt(20.0 / 200.0) * 3.0);
}

TEST_CASE("Demand factor: the same seed gives a bit-identical result on one and two threads") {
  const std::string yaml = demand_yaml(", cpu_demand_sd: 0.2");
  CHECK(simulate(yaml, 6, 1).to_result().to_json().dump() == simulate(yaml, 6, 2).to_result().to_json().dump());
}

TEST_CASE("Demand factor: the factor is lognormal with mean 1 and standard deviation cpu_demand_sd, 1 at 0") {
  sim::Welford w;
  for (std::uint64_t rep = 0; rep < 20000; ++rep) {
    const sim::Simulation s(5, rep);
    const double f = models::cpu_demand_factor(s, "service.app.cpu_demand_factor", 0.3);
    REQUIRE(f > 0.0);
    w.add(f);
  }
  // Standard errors: 0.3 / sqrt(20000) = 0.0021 for the mean; about 1.3 % for the sd.
  CHECK(w.mean() == Approx(1.0).margin(0.0085));
  CHECK(w.stddev() == Approx(0.3).epsilon(0.06));
  CHECK(models::cpu_demand_factor(sim::Simulation(5, 0), "service.app.cpu_demand_factor", 0.0) == 1.0);
  // A web service and a worker of the same name draw apart.
  models::ServiceConfig c;
  c.name = "app";
  c.cpu_demand_sd = 0.3;
  CHECK(models::cpu_demand_factor(sim::Simulation(5, 0), c) != models::worker_cpu_demand_factor(sim::Simulation(5, 0), c));
}

TEST_CASE("Demand factor: the loader refuses a cpu_demand_sd outside 0-1") {
  try {
    (void)scenario::load_string(demand_yaml(", cpu_demand_sd: 1.5"), "demand.yaml");
    FAIL("no error");
  } catch (const scenario::LoadError& e) {
    CHECK_THAT(e.what(), Catch::Contains("demand.yaml:") && Catch::Contains("services.app.cpu_demand_sd") &&
                             Catch::Contains("must be between 0 and 1"));
  }
}

TEST_CASE("Demand factor: a worker service's CPU steps are scaled by its own factor") {
  // 2 messages/s of 100 ms of CPU on one task of 1 vCPU: 20 % busy, times the factor.
  const auto worker = [](const std::string& extra) {
    return R"(
name: demand-worker
seed: 9
duration: 10m
workload:
  arrivals: { process: uniform, rate: 2 }
  requests:
    - { name: order, path: /o, steps: [ { publish: { queue: jobs, groups: 100000 } } ] }
queues:
  jobs: { visibility_timeout: 60s }
workers:
  worker: { cpu: 1024, memory: 2048, queue: jobs, steps: [ { cpu: const(100ms) } ])" + extra + R"( }
)";
  };
  const auto util = [](const std::string& yaml) {
    return simulate(yaml, 1, 1).to_result().sections.at("services").at("worker").at("cpu_utilization_mean").get<double>();
  };
  const double plain = util(worker(""));
  CHECK(plain == Approx(20.0).epsilon(0.01));
  models::ServiceConfig c;
  c.name = "worker";
  c.cpu_demand_sd = 0.3;
  const double factor = models::worker_cpu_demand_factor(sim::Simulation(9, 0), c);
  REQUIRE(std::abs(factor - 1.0) > 0.02);  // this seed's draw is far enough from 1 to be seen
  CHECK(util(worker(", cpu_demand_sd: 0.3")) == Approx(plain * factor).epsilon(0.002));
}
