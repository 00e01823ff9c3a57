// database.round_trip: the network round trip between a task and the database, per query, is time
// the request waits holding its connection — not CPU at the task nor at the instance.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/scenario_run.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// One 1-vCPU task; every second a request of 2 ms CPU, two reads of 1 ms and one write of 3 ms
// on a provisioned writer with idle cores; `trip` is database.round_trip.
std::string db_scenario(const std::string& trip) {
  return R"(
seed: 3
duration: 5m
workload:
  arrivals: { process: uniform, rate: 1 }
  requests:
    - name: order
      path: /order
      steps:
        - cpu: const(2ms)
        - db: { reads: 2, writes: 1 }
load_balancer: { type: alb, default: app }
services:
  app: { cpu: 1024, memory: 2048, threads: 1, desired: 1 }
database:
  type: aurora_provisioned
  engine: postgresql
  instance_class: db.r6g.large
  query: { read: const(1ms), write: const(3ms) }
)" + (trip.empty() ? std::string() : "  round_trip: " + trip + "\n");
}

}  // namespace

TEST_CASE("Database round trip: each query waits the round trip, holding its connection, and costs no CPU") {
  const auto without = run(db_scenario(""));
  const auto with = run(db_scenario("const(500us)"));
  // 2 ms CPU + 2 x 1 ms reads + 3 ms write = 7 ms; with 3 round trips of 0.5 ms, 8.5 ms.
  CHECK(without.latency_ms.p50 == Approx(7.0).margin(0.005));
  CHECK(without.latency_ms.max == Approx(7.0).margin(0.005));
  CHECK(with.latency_ms.p50 == Approx(8.5).margin(0.005));
  CHECK(with.latency_ms.max == Approx(8.5).margin(0.005));
  CHECK(with.latency_ms.mean == Approx(8.5).margin(0.005));
  CHECK(with.requests.ok == without.requests.ok);
  // The CPU at the task and at the writer is the same with and without it.
  const auto& cpu_a = series(without, "app.cpu_utilization");
  const auto& cpu_b = series(with, "app.cpu_utilization");
  const auto& db_a = series(without, "writer.cpu_utilization");
  const auto& db_b = series(with, "writer.cpu_utilization");
  REQUIRE(cpu_a.size() == cpu_b.size());
  REQUIRE(db_a.size() == db_b.size());
  for (std::size_t k = 0; k < cpu_a.size(); ++k) {
    CHECK(cpu_b[k] == Approx(cpu_a[k]).epsilon(1e-9));
    CHECK(db_b[k] == Approx(db_a[k]).epsilon(1e-9));
  }
  SECTION("a distribution is drawn once per query: three uniform draws between 0.5 and 1.5 ms") {
    const auto drawn = run(db_scenario("uniform(0.5ms, 1.5ms)"));
    CHECK(drawn.latency_ms.mean == Approx(10.0).margin(0.1));  // 7 ms + 3 x 1 ms on average
    CHECK(drawn.latency_ms.max <= 11.5 + 0.01);
    CHECK(drawn.latency_ms.max > 10.5);
  }
}
