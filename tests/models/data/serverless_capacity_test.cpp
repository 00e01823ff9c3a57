// Aurora Serverless v2 capacity on its own (a writer fed a fixed CPU load, no web tier): the
// target-utilization controller's ramp up from 0.5 ACU (bounded steps every 2 s) and gradual
// way down (one bounded step every 30 s), two histories ending in the same load settling at
// the same capacity, the connection and memory floors, and a query at 0.5 ACU running at full
// core speed under the CPU quota.
// Defaults: 0.25 vCPU per ACU, target 0.7, up max(0.5, 25 %) per 2 s, down max(0.5, 10 %) per
// 30 s. A load of L vCPUs asks for ceil_0.5(L / (0.7 x 0.25)) ACU: 1 vCPU -> 6 ACU (5.71),
// 0.25 vCPU -> 1.5 ACU (1.43), 3 vCPU -> 17.5 ACU (17.14).
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/core/component.hpp"
#include "models/core/request.hpp"
#include "models/data/aurora.hpp"
#include "models/data/db_instance_classes.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;

namespace {

class Client final : public models::DbClient {
 public:
  explicit Client(sim::Simulation& sim) : sim_(sim) {}
  void query_done(models::Request*) override {
    ++done;
    last_done = sim_.now();
  }
  void query_failed(models::Request*, const std::string*) override {}
  long done = 0;
  sim::Time last_done = 0;

 private:
  sim::Simulation& sim_;
};

// A Serverless v2 PostgreSQL writer (0.5-64 ACU) and a load of `parallel` queries of 10 ms of
// CPU every 10 ms (`parallel` vCPUs) or, with `parallel` 0, one every 40 ms (0.25 vCPU).
struct Serverless {
  sim::Simulation sim{1};
  models::EventLog events;
  models::DatabaseConfig config;
  Client client{sim};
  std::unique_ptr<models::DbCluster> cluster;
  models::Request request;
  int parallel = 1;

  explicit Serverless(double working_set_gib = 0.0) {
    config.type = models::DbType::kAuroraServerlessV2;
    config.engine = models::DbEngine::kPostgresql;
    config.min_acu = 0.5;
    config.max_acu = 64;
    config.scaling.working_set_gib = working_set_gib;
    cluster = std::make_unique<models::DbCluster>(sim, events, config, client);
    cluster->start();
  }
  models::DbInstance& writer() { return cluster->instance(0); }
  void load() {
    if (parallel == 0) {
      writer().query(&request, 0.010);
      sim.schedule(40 * sim::kMillisecond, [this] { load(); });
      return;
    }
    for (int i = 0; i < parallel; ++i) writer().query(&request, 0.010);
    sim.schedule(10 * sim::kMillisecond, [this] { load(); });
  }
  // The writer's capacity at each whole second in [from, to]; `used` gets its vCPU-seconds run
  // by then.
  std::vector<double> acu(int from_s, int to_s) {
    std::vector<double> out;
    used.clear();
    for (int t = from_s; t <= to_s; ++t) {
      sim.run_until(t * sim::kSecond);
      out.push_back(writer().acu());
      used.push_back(writer().cpu_used(t * sim::kSecond));
    }
    return out;
  }
  std::vector<double> used;
};

}  // namespace

TEST_CASE("Timeline: Serverless v2 ramps up from 0.5 ACU in bounded 2 s steps and comes down in 30 s steps") {
  Serverless s;
  s.load();  // 1 vCPU from 0 s: the 0.5 ACU instance (quota 0.125 vCPU) is saturated
  // Saturated, each tick sees CPU = quota and asks for ACU / 0.7, so the step bound rules:
  // +max(0.5, 25 %) rounded up to 0.5: 0.5, 1, 1.5, 2, 2.5, 3.5 (3.125), 4.5 (4.375), 6 (5.625).
  CHECK(s.acu(1, 14) == std::vector<double>{0.5, 1.0, 1.0, 1.5, 1.5, 2.0, 2.0, 2.5, 2.5, 3.5, 3.5, 4.5, 4.5, 6.0});
  // The queue built up while capacity was short (6.25 s of work by 14 s) runs at the whole
  // quota, so the rises go on until it has drained: at 16 s CPU 1.5 asks for 9 (step: 7.5), at
  // 18 s 1.875 asks for 11 (9.375 -> 9.5), at 20 s 2.375 asks for 14 (11.875 -> 12). Then the
  // load is 1 vCPU again, asking for 6: no fall in the 30 s after a rise (the check at 30 s),
  // then one step per check: 12 -> 10.5 (10.8) -> 9 (9.45) -> 8 (8.1) -> 7 (7.2) -> 6 (6.3).
  s.acu(15, 299);
  std::vector<std::pair<double, double>> steps;  // (time, ACU) of each change
  for (const auto& e : s.events.events()) {
    if (e.type == "acu") steps.emplace_back(e.t_s, *e.to);
  }
  CHECK(steps == std::vector<std::pair<double, double>>{{2, 1.0},   {4, 1.5},   {6, 2.0},   {8, 2.5},  {10, 3.5},
                                                         {12, 4.5},  {14, 6.0},  {16, 7.5},  {18, 9.5}, {20, 12.0},
                                                         {60, 10.5}, {90, 9.0},  {120, 8.0}, {150, 7.0}, {180, 6.0}});
  const auto settled = s.acu(300, 599);
  CHECK(settled.front() == 6.0);
  CHECK(settled.back() == 6.0);
  // From 599 s 0.25 vCPU (one query every 40 ms): it asks for 1.5 ACU. The window [570, 600] s
  // still averages 0.975 vCPU (6 ACU); each later check at 630, 660, ... s removes
  // max(0.5, 10 %) rounded down: 6 -> 5 (5.4) -> 4.5 -> 4 -> 3.5 -> 3 -> 2.5 -> 2 -> 1.5, then it holds.
  s.parallel = 0;
  const auto down = s.acu(600, 900);
  std::vector<double> at_checks;
  for (int t = 600; t <= 900; t += 30) at_checks.push_back(down[static_cast<std::size_t>(t - 600)]);
  CHECK(at_checks == std::vector<double>{6.0, 5.0, 4.5, 4.0, 3.5, 3.0, 2.5, 2.0, 1.5, 1.5, 1.5});
  CHECK(down[29] == 6.0);  // 629 s: no step before the check
  // 0.25 vCPU of 1.5 x 0.25 = 0.375 vCPU: 67 %.
  CHECK((s.used[300] - s.used[240]) / 60.0 == Approx(0.25).epsilon(0.001));
}

TEST_CASE("Serverless v2: two histories ending in the same load settle at the same capacity") {
  // A: 1 vCPU from the start. B: 3 vCPU for 10 minutes (17.5 ACU, after an overshoot to drain
  // the queue of the ramp), then 1 vCPU.
  Serverless a;
  a.load();
  Serverless b;
  b.parallel = 3;
  b.load();
  b.sim.run_until(600 * sim::kSecond);
  CHECK(b.writer().acu() == 17.5);
  b.parallel = 1;
  // B comes down one step per 30 s check: 17.5 -> 15.5 -> 13.5 -> 12 -> 10.5 -> 9 -> 8 -> 7 -> 6.
  const auto down = b.acu(601, 900);
  CHECK(down[629 - 601] == 17.5);  // the window [600, 630] s is not over
  CHECK(down[631 - 601] == 15.5);
  CHECK(down[839 - 601] == 7.0);
  CHECK(down[841 - 601] == 6.0);   // eight steps after 600 s
  const auto xa = a.acu(900, 1500);
  const auto xb = b.acu(900, 1500);
  CHECK(xa == xb);
  CHECK(xa.back() == 6.0);
  // 1 vCPU used of 6 ACU x 0.25 = 1.5 vCPU: 67 %, below the 0.7 target; 5.5 ACU would be 73 %.
  CHECK((a.used[600] - a.used[300]) / 300.0 == Approx(1.0).epsilon(0.001));
}

TEST_CASE("Serverless v2: a query at 0.5 ACU runs at full core speed while the quota lasts") {
  Serverless s;
  // 0.5 ACU = 0.125 vCPU: a quota of 12.5 ms per 100 ms on one core.
  CHECK(s.writer().cpu_capacity() == 0.125);
  s.writer().query(&s.request, 0.005);
  s.sim.run_until(sim::kSecond);
  CHECK(s.client.last_done == 5 * sim::kMillisecond);  // not the 40 ms of a 0.125-speed CPU
  // 50 ms of work: 12.5 ms in each of four periods, done at 312.5 ms after it arrived.
  s.writer().query(&s.request, 0.050);
  s.sim.run_until(2 * sim::kSecond);
  CHECK(s.client.last_done == sim::kSecond + 312500 * sim::kMicrosecond);
}

TEST_CASE("Serverless v2: the connection and memory floors hold capacity without CPU load") {
  SECTION("823 PostgreSQL connections: the 4 ACU row of max_connections") {
    Serverless s;
    for (int i = 0; i < 823; ++i) REQUIRE(s.writer().connect(nullptr) == models::ConnectResult::kOk);
    CHECK(s.acu(1, 14) == std::vector<double>{0.5, 1.0, 1.0, 1.5, 1.5, 2.0, 2.0, 2.5, 2.5, 3.5, 3.5, 4.0, 4.0, 4.0});
    CHECK(s.acu(300, 300) == std::vector<double>{4.0});
  }
  SECTION("a 10.8 GiB working set: 10.8 / (0.675 x 2 GiB) = 8 ACU") {
    Serverless s(10.8);
    const auto acu = s.acu(1, 20);
    CHECK(acu[13] == 6.0);   // 14 s, as in the CPU ramp
    CHECK(acu[15] == 7.5);   // 16 s: 6 + 1.5
    CHECK(acu[17] == 8.0);   // 18 s: capped at the floor, not 9.5
    CHECK(acu.back() == 8.0);
    CHECK(s.acu(300, 300) == std::vector<double>{8.0});
  }
}

TEST_CASE("DbInstanceClasses: the connection floor reads the Serverless v2 max_connections table backwards") {
  using models::DbEngine;
  CHECK(models::serverless_connection_floor_acu(DbEngine::kPostgresql, 189) == 0.0);  // the 1 ACU row: no floor
  CHECK(models::serverless_connection_floor_acu(DbEngine::kPostgresql, 823) == Approx(4.0));
  CHECK(models::serverless_connection_floor_acu(DbEngine::kPostgresql, 1246) == Approx(6.0));  // half way to 1669 at 8
  CHECK(models::serverless_connection_floor_acu(DbEngine::kMysql, 2000) == Approx(16.0));
  CHECK(models::serverless_connection_floor_acu(DbEngine::kMysql, 9000) == 256.0);
}

