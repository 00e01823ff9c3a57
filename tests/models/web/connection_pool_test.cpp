// ConnectionPool: one task's pool of database connections. It opens connections up to its size
// (and the instance's max_connections), then requests wait in FIFO order; a release hands the
// connection to the oldest waiter; a waiter fails at its own deadline; idle connections close
// after the idle timeout; a stopped task's pool hands its waiters back.
#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/core/component.hpp"
#include "models/core/request.hpp"
#include "models/data/aurora.hpp"
#include "models/web/connection_pool.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;
using namespace loadcast::models;

namespace {

class NoQueries final : public DbClient {
 public:
  void query_done(Request*) override {}
  void query_failed(Request*, const std::string*) override {}
};

// The task's side: which request got a connection, or timed out, and when (seconds).
class Owner final : public PoolOwner {
 public:
  explicit Owner(sim::Simulation& sim) : sim_(sim) {}
  void connection_ready(Request* r, DbInstance&) override { ready.emplace_back(r, sim::to_seconds(sim_.now())); }
  void connection_timeout(Request* r) override { timed_out.emplace_back(r, sim::to_seconds(sim_.now())); }
  std::vector<std::pair<Request*, double>> ready;
  std::vector<std::pair<Request*, double>> timed_out;

 private:
  sim::Simulation& sim_;
};

// A provisioned writer (db.r6g.large) and one pool on it.
struct Rig {
  sim::Simulation sim{1};
  EventLog events;
  DatabaseConfig db;
  DbPoolConfig pool_config;
  NoQueries client;
  std::unique_ptr<DbCluster> cluster;
  Owner owner{sim};
  std::unique_ptr<ConnectionPool> pool;
  std::vector<Request> requests = std::vector<Request>(8);

  explicit Rig(int size, std::optional<int> max_connections = std::nullopt) {
    db.type = DbType::kAuroraProvisioned;
    db.instance_class = "db.r6g.large";
    db.max_connections = max_connections;
    pool_config.size = size;
    pool_config.timeout = 10 * sim::kSecond;
    pool_config.idle_timeout = 10 * sim::kMinute;
    cluster = std::make_unique<DbCluster>(sim, events, db, client);
    cluster->start();
    pool = std::make_unique<ConnectionPool>(sim, *cluster, false, pool_config, owner);
  }
  Request* r(std::size_t i) { return &requests[i]; }
  DbInstance& writer() { return cluster->instance(0); }
  void at(double s) { sim.run_until(sim::from_seconds(s)); }
};

}  // namespace

TEST_CASE("ConnectionPool: connections open up to the pool size, then requests wait and each release serves the oldest waiter") {
  Rig rig(2);
  CHECK(rig.pool->acquire(rig.r(0)) == &rig.writer());
  CHECK(rig.pool->acquire(rig.r(1)) == &rig.writer());
  CHECK(rig.pool->open() == 2);
  CHECK(rig.writer().connections() == 2);
  for (std::size_t i = 2; i < 5; ++i) CHECK(rig.pool->acquire(rig.r(i)) == nullptr);
  CHECK(rig.pool->waiting() == 3);
  CHECK(rig.pool->in_use() == 2);

  rig.at(1.0);
  rig.pool->release(rig.writer());
  rig.at(2.0);
  rig.pool->release(rig.writer());
  rig.at(3.0);
  rig.pool->release(rig.writer());
  REQUIRE(rig.owner.ready.size() == 3);
  CHECK(rig.owner.ready[0] == std::pair<Request*, double>{rig.r(2), 1.0});
  CHECK(rig.owner.ready[1] == std::pair<Request*, double>{rig.r(3), 2.0});
  CHECK(rig.owner.ready[2] == std::pair<Request*, double>{rig.r(4), 3.0});
  CHECK(rig.pool->in_use() == 2);  // handed over, never idle
  // No one waits: the connection goes idle and stays open, and the next request reuses it.
  rig.pool->release(rig.writer());
  CHECK(rig.pool->in_use() == 1);
  CHECK(rig.pool->open() == 2);
  CHECK(rig.pool->acquire(rig.r(5)) == &rig.writer());
  CHECK(rig.writer().connections() == 2);
  CHECK(rig.owner.timed_out.empty());
}

TEST_CASE("ConnectionPool: a waiter without a connection fails at its own deadline") {
  Rig rig(1);
  REQUIRE(rig.pool->acquire(rig.r(0)) != nullptr);
  CHECK(rig.pool->acquire(rig.r(1)) == nullptr);  // waits from 0 s
  rig.at(4.0);
  CHECK(rig.pool->acquire(rig.r(2)) == nullptr);  // waits from 4 s
  CHECK(rig.r(2)->step_start == 4 * sim::kSecond);
  rig.at(30.0);
  REQUIRE(rig.owner.timed_out.size() == 2);
  CHECK(rig.owner.timed_out[0] == std::pair<Request*, double>{rig.r(1), 10.0});  // pool timeout 10 s
  CHECK(rig.owner.timed_out[1] == std::pair<Request*, double>{rig.r(2), 14.0});
  CHECK(rig.pool->waiting() == 0);
  // The connection released after both gave up goes idle.
  rig.pool->release(rig.writer());
  CHECK(rig.owner.ready.empty());
  CHECK(rig.pool->in_use() == 0);
}

TEST_CASE("ConnectionPool: a release skips a waiter whose client already gave up") {
  Rig rig(1);
  REQUIRE(rig.pool->acquire(rig.r(0)) != nullptr);
  CHECK(rig.pool->acquire(rig.r(1)) == nullptr);
  CHECK(rig.pool->acquire(rig.r(2)) == nullptr);
  rig.r(1)->abandoned = true;  // answered 504 meanwhile
  rig.at(1.0);
  rig.pool->release(rig.writer());
  // The abandoned one is handed back without a connection; the next one gets it.
  REQUIRE(rig.owner.timed_out.size() == 1);
  CHECK(rig.owner.timed_out[0].first == rig.r(1));
  REQUIRE(rig.owner.ready.size() == 1);
  CHECK(rig.owner.ready[0] == std::pair<Request*, double>{rig.r(2), 1.0});
}

TEST_CASE("ConnectionPool: at the instance's max_connections a request waits for a release") {
  Rig rig(5, 1);  // a pool of 5 on an instance that takes 1 connection
  REQUIRE(rig.pool->acquire(rig.r(0)) != nullptr);
  CHECK(rig.pool->acquire(rig.r(1)) == nullptr);  // refused by the instance: waits
  CHECK(rig.pool->open() == 1);
  CHECK(rig.writer().connections() == 1);
  rig.at(2.0);
  rig.pool->release(rig.writer());
  REQUIRE(rig.owner.ready.size() == 1);
  CHECK(rig.owner.ready[0] == std::pair<Request*, double>{rig.r(1), 2.0});
}

TEST_CASE("ConnectionPool: idle connections close after the idle timeout, and the most recently used is reused first") {
  Rig rig(2);  // idle timeout 10 min
  REQUIRE(rig.pool->acquire(rig.r(0)) != nullptr);
  REQUIRE(rig.pool->acquire(rig.r(1)) != nullptr);
  rig.pool->release(rig.writer());  // idle since 0 s
  rig.at(60.0);
  rig.pool->release(rig.writer());  // idle since 60 s
  rig.at(61.0);
  REQUIRE(rig.pool->acquire(rig.r(2)) != nullptr);  // takes the one idle since 60 s
  rig.at(599.0);
  CHECK(rig.pool->open() == 2);
  rig.at(600.0);  // the one idle since 0 s closes
  CHECK(rig.pool->open() == 1);
  CHECK(rig.writer().connections() == 1);
  rig.at(700.0);
  rig.pool->release(rig.writer());
  rig.at(1299.0);
  CHECK(rig.pool->open() == 1);
  rig.at(1300.0);
  CHECK(rig.pool->open() == 0);
  CHECK(rig.writer().connections() == 0);
}

TEST_CASE("ConnectionPool: a stopped task's pool hands back its waiters in order and closes every connection") {
  Rig rig(2);
  REQUIRE(rig.pool->acquire(rig.r(0)) != nullptr);
  REQUIRE(rig.pool->acquire(rig.r(1)) != nullptr);
  rig.pool->release(rig.writer());  // one idle, one in use
  CHECK(rig.pool->acquire(rig.r(2)) != nullptr);
  CHECK(rig.pool->acquire(rig.r(3)) == nullptr);
  CHECK(rig.pool->acquire(rig.r(4)) == nullptr);
  rig.pool->release(rig.writer());  // r(3) gets it
  std::vector<Request*> handed;
  rig.pool->close([&](Request* r) { handed.push_back(r); });
  CHECK(handed == std::vector<Request*>{rig.r(4)});
  CHECK(rig.writer().connections() == 2);  // both still in use
  // Connections given back after the stop are closed, not kept.
  rig.pool->release(rig.writer());
  rig.pool->release(rig.writer());
  CHECK(rig.pool->open() == 0);
  CHECK(rig.writer().connections() == 0);
  rig.at(60.0);
  CHECK(rig.owner.timed_out.empty());  // no timer left behind
}
