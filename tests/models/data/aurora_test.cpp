// Timelines of Aurora behind a simulated web tier: Serverless v2 capacity rising under database
// load and falling gradually after, reads on the reader with a tier 1 reader following the
// writer, and auto-pause with a connection waiting for the resume.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "tests/support/scenario_run.hpp"

using namespace loadcast;
using namespace loadcast::testing;

TEST_CASE("Timeline: Aurora capacity rises under database load and falls gradually after") {
  const auto r = run(R"(
seed: 9
duration: 40m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 20 }, { at: 5m, rate: 20 }, { at: 5m, rate: 400 }, { at: 15m, rate: 400 }, { at: 15m, rate: 20 }, { at: 40m, rate: 20 } ]
  requests:
    - { name: q, path: /x, steps: [ { cpu: const(1ms) }, { db: { reads: 2 } } ] }
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 4096, memory: 8192, threads: 4, desired: 2 }
database:
  type: aurora_serverless_v2
  engine: postgresql
  min_acu: 0.5
  max_acu: 8
  query: { read: exp(1ms), write: exp(2ms) }
)");
  CHECK(r.requests.balanced());
  const auto& acu = series(r, "writer.acu");
  CHECK(acu[3] == Approx(0.5));
  CHECK(acu[7] >= 3.0);   // within two minutes of the step (0.8 vCPU of queries at 0.25 vCPU/ACU)
  CHECK(acu[12] >= 3.0);
  CHECK(acu[30] < acu[14]);
  // Gradual: at most one step down per down_interval (30 s), and minutes to come back down.
  double last_down = -1e9;
  double first_down = -1.0;
  for (const auto& e : events(r, "acu", "writer")) {
    if (e.t_s < 900.0 || *e.to >= *e.from) continue;
    if (first_down < 0) first_down = e.t_s;
    CHECK(e.t_s - last_down >= 30.0 - 1e-6);
    CHECK(*e.from - *e.to <= std::max(0.5, 0.1 * *e.from) + 0.5);
    last_down = e.t_s;
  }
  REQUIRE(first_down > 0);
  CHECK(last_down - first_down >= 180.0);
}

TEST_CASE("Timeline: reads go to the reader and a tier 1 reader follows the writer") {
  auto yaml = [](int tier) {
    return R"(
seed: 4
duration: 15m
workload:
  arrivals: { process: poisson, rate: 150 }
  requests:
    - { name: read, weight: 1, path: /r, steps: [ { db: { reads: 1 } } ] }
    - { name: write, weight: 1, path: /w, steps: [ { db: { writes: 1 } } ] }
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 4096, memory: 8192, threads: 4, desired: 2 }
database:
  type: aurora_serverless_v2
  engine: mysql
  min_acu: 0.5
  max_acu: 16
  readers: 1
  reader_tier: )" + std::to_string(tier) + R"(
  query: { read: exp(0.2ms), write: exp(8ms) }
)";
  };
  const auto follow = run(yaml(1));
  const auto& writer = series(follow, "writer.acu");
  const auto& reader = series(follow, "reader-1.acu");
  CHECK(writer[10] > 2.0);
  for (std::size_t i = 0; i < writer.size(); ++i) CHECK(reader[i] >= writer[i] - 1e-9);
  CHECK(series(follow, "reader-1.cpu_utilization")[10] > 0.0);
  const auto own = run(yaml(2));
  CHECK(series(own, "writer.acu")[10] > 2.0);
  CHECK(series(own, "reader-1.acu")[10] < 1.0);
}

TEST_CASE("Timeline: Aurora pauses without connections and a connection waits for the resume") {
  const auto r = run(R"(
duration: 25m
workload:
  arrivals:
    process: uniform
    stages: [ { at: 0m, rate: 1 }, { at: 2m, rate: 1 }, { at: 2m, rate: 0 }, { at: 20m, rate: 0 }, { at: 20m, rate: 1 }, { at: 25m, rate: 1 } ]
  requests:
    - { name: q, path: /x, steps: [ { db: { reads: 1 } } ] }
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 1024
    memory: 2048
    desired: 1
    db_pool: { idle_timeout: 60s, timeout: 30s }
database:
  type: aurora_serverless_v2
  engine: postgresql
  min_acu: 0
  max_acu: 4
)");
  CHECK(r.requests.balanced());
  CHECK(r.requests.errors == 0);
  const auto paused = events(r, "acu", "writer");
  bool to_zero = false;
  for (const auto& e : paused) {
    if (*e.to == 0.0) {
      to_zero = true;
      // Last query ~120 s, idle connections closed 60 s later, then 300 s without connections.
      CHECK(e.t_s == Approx(480.0).margin(2.0));
    }
  }
  CHECK(to_zero);
  REQUIRE(events(r, "db_resume").size() == 1);
  CHECK(events(r, "db_resume")[0].t_s == Approx(1200.0).margin(1.0));
  CHECK(series(r, "writer.acu")[15] == 0.0);
  CHECK(r.latency_ms.max >= 15000.0);  // the first request after the pause waited the resume
}
