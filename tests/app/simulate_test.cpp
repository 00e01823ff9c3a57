#include <catch2/catch.hpp>

#include "app/simulate.hpp"
#include "scenarios/loader/scenario.hpp"

using namespace loadcast;

namespace {

const char* kModel = R"(
name: det
seed: 3
duration: 60s
warmup: 5s
report_interval: 10s
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0s, rate: 500 }, { at: 30s, rate: 900 } ]
  requests:
    - { name: a, weight: 3, steps: [ { station: s1, service: 'lognormal(mean=2ms, p99=9ms)' }, { delay: 'uniform(1ms, 3ms)' } ] }
    - { name: b, weight: 1, steps: [ { station: s2, service: exp(1ms) } ] }
stations:
  s1: { servers: 2, discipline: ps }
  s2: { servers: 1, queue_limit: 5 }
)";

std::string run(std::uint64_t seed, std::size_t reps, unsigned threads) {
  const auto sc = scenario::load_string(kModel, "det.yaml");
  app::SimOptions o;
  o.seed = seed;
  o.replications = reps;
  o.threads = threads;
  return app::simulate(sc, o).to_result().to_json().dump();
}

}  // namespace

TEST_CASE("Determinism: the same seed gives an identical result file") {
  const std::string a = run(3, 1, 1);
  CHECK(a == run(3, 1, 1));
  CHECK(a != run(4, 1, 1));
}

TEST_CASE("Determinism: one thread and two threads give identical results") {
  CHECK(run(3, 4, 1) == run(3, 4, 2));
}

TEST_CASE("Determinism: 48 replications folded as they finish give one result on one and two threads") {
  // On two threads replications finish out of order and wait in the reorder buffer; the
  // result must still be the fold in replication order.
  const auto sc = scenario::load_string(kModel, "det.yaml", {scenario::parse_override("duration=12s")});
  auto run_on = [&sc](unsigned threads) {
    app::SimOptions o;
    o.replications = 48;
    o.threads = threads;
    return app::simulate(sc, o).to_result().to_json().dump();
  };
  const std::string one = run_on(1);
  CHECK(one == run_on(2));
  CHECK(one.find("\"replications\":48") != std::string::npos);
}

TEST_CASE("Determinism: replication k does not depend on how many replications run") {
  // Replication 0 of a 3-replication run equals the single-replication run: same streams.
  const auto sc = scenario::load_string(kModel, "det.yaml");
  app::SimOptions one;
  one.replications = 1;
  app::SimOptions three;
  three.replications = 3;
  const auto r1 = app::simulate(sc, one).to_result();
  const auto r3 = app::simulate(sc, three).to_result();
  CHECK(r1.events.size() == r3.events.size());
  CHECK(r3.requests.total > 2 * r1.requests.total);
  CHECK(r3.replications == 3);
  CHECK(r3.latency_ms_ci95.count("p95") == 1);
}

TEST_CASE("Sequential stopping: replications stop once the mean latency is precise enough") {
  const auto sc = scenario::load_string(kModel, "det.yaml");
  app::SimOptions o;
  o.replications = 40;
  o.precision = 0.02;
  o.threads = 2;
  const auto r = app::simulate(sc, o).to_result();
  CHECK(r.replications % 4 == 0);
  CHECK(r.replications < 40);
  const auto& p = r.sections.at("precision");
  CHECK(p.at("reached").get<bool>());
  CHECK(p.at("achieved").get<double>() <= 0.02);
  const auto& ci = r.latency_ms_ci95.at("mean");
  CHECK((ci.high - ci.low) / 2 <= 0.02 * r.latency_ms.mean * 1.01);
  // Where it stops does not depend on the thread count.
  o.threads = 1;
  CHECK(app::simulate(sc, o).to_result().to_json().dump() == r.to_json().dump());
}
