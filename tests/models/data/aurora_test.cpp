// Aurora: a provisioned cluster on its own (queries sharing an instance's vCPUs at most one each,
// the reader endpoint handing connections to the readers in turn, max_connections), then
// timelines behind a simulated web tier: Serverless v2 capacity rising under database load and
// falling gradually after, reads on the reader with a tier 1 reader following the writer, and
// auto-pause with a connection waiting for the resume.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/core/component.hpp"
#include "models/core/request.hpp"
#include "models/data/aurora.hpp"
#include "sim/simulation.hpp"
#include "tests/support/scenario_run.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// When each query ended (seconds).
class Client final : public models::DbClient {
 public:
  explicit Client(sim::Simulation& sim) : sim_(sim) {}
  void query_done(models::Request* r) override { done.emplace_back(r, sim::to_seconds(sim_.now())); }
  void query_failed(models::Request*, const std::string*) override {}
  std::vector<std::pair<models::Request*, double>> done;

 private:
  sim::Simulation& sim_;
};

// A provisioned Aurora PostgreSQL cluster of db.r6g.large instances (2 vCPUs) with `readers`.
struct Cluster {
  sim::Simulation sim{1};
  models::EventLog events;
  models::DatabaseConfig config;
  Client client{sim};
  std::unique_ptr<models::DbCluster> cluster;

  explicit Cluster(int readers, std::optional<int> max_connections = std::nullopt) {
    config.type = models::DbType::kAuroraProvisioned;
    config.instance_class = "db.r6g.large";
    config.readers = readers;
    config.max_connections = max_connections;
    cluster = std::make_unique<models::DbCluster>(sim, events, config, client);
    cluster->start();
  }
};

}  // namespace

TEST_CASE("DbCluster: queries share an instance's vCPUs, each using at most one") {
  Cluster c(0);
  models::DbInstance& writer = c.cluster->instance(0);
  CHECK(writer.cpu_capacity() == 2.0);
  std::vector<models::Request> r(4);
  writer.query(&r[0], 1.0);  // alone: one vCPU, not two
  c.sim.run_until(10 * sim::kSecond);
  REQUIRE(c.client.done.size() == 1);
  CHECK(c.client.done[0].second == Approx(1.0));
  // Three queries of 1 s from 10 s share the 2 vCPUs: 2/3 each, all done at 11.5 s.
  for (std::size_t i = 1; i < 4; ++i) writer.query(&r[i], 1.0);
  CHECK(writer.queries() == 3);
  c.sim.run_until(20 * sim::kSecond);
  REQUIRE(c.client.done.size() == 4);
  for (std::size_t i = 1; i < 4; ++i) CHECK(c.client.done[i].second == Approx(11.5));
  // Busy vCPU-seconds: 1 + 3.
  CHECK(writer.busy_area(20 * sim::kSecond) == Approx(4.0));
}

TEST_CASE("DbCluster: the reader endpoint gives new connections to the readers in turn, skipping one out of service") {
  Cluster c(2);
  REQUIRE(c.cluster->has_readers());
  std::vector<std::string> names;
  for (int i = 0; i < 4; ++i) names.push_back(c.cluster->endpoint(true).name());
  CHECK(names == std::vector<std::string>{"reader-1", "reader-2", "reader-1", "reader-2"});
  CHECK(c.cluster->endpoint(false).name() == "writer");
  c.cluster->instance(1).set_in_service(false, 0);
  CHECK(c.cluster->endpoint(true).name() == "reader-2");
  CHECK(c.cluster->endpoint(true).name() == "reader-2");
  c.cluster->instance(2).set_in_service(false, 0);
  CHECK(c.cluster->endpoint(true).name() == "writer");  // no reader left: the writer
  CHECK_FALSE(Cluster(0).cluster->has_readers());
}

TEST_CASE("DbCluster: an instance refuses connections beyond max_connections") {
  Cluster c(0, 2);
  models::DbInstance& writer = c.cluster->instance(0);
  CHECK(writer.max_connections() == 2);
  CHECK(writer.connect(nullptr) == models::ConnectResult::kOk);
  CHECK(writer.connect(nullptr) == models::ConnectResult::kOk);
  CHECK(writer.connect(nullptr) == models::ConnectResult::kRefused);
  CHECK(writer.connections() == 2);
  writer.disconnect();
  CHECK(writer.connect(nullptr) == models::ConnectResult::kOk);
  CHECK(writer.peak_connections() == 2);
}

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
