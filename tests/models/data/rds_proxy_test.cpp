// RDS Proxy: multiplexing onto a bounded pool, borrow timeout, waiting through a failover.
#include <catch2/catch.hpp>

#include <vector>

#include "models/data/rds_proxy.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;
using models::RdsProxy;

namespace {

// Clients that each run one query of `hold` on a borrowed connection.
class Clients : public models::ProxyClient {
 public:
  Clients(sim::Simulation& sim, RdsProxy& proxy, std::size_t target, sim::Time hold)
      : sim_(sim), proxy_(proxy), target_(target), hold_(hold) {}

  void query(std::uint64_t id) {
    if (proxy_.borrow(target_, this, id)) run(id);
  }
  void on_borrowed(std::uint64_t id, bool ok) override {
    if (ok) run(id);
    else failed.push_back(sim_.now());
  }

  int peak = 0;
  std::vector<sim::Time> started;
  std::vector<sim::Time> failed;

 private:
  void run(std::uint64_t) {
    started.push_back(sim_.now());
    if (proxy_.in_use(target_) > peak) peak = proxy_.in_use(target_);
    sim_.schedule(hold_, [this] { proxy_.release(target_); });
  }

  sim::Simulation& sim_;
  RdsProxy& proxy_;
  std::size_t target_;
  sim::Time hold_;
};

}  // namespace

TEST_CASE("RdsProxy: many clients share a bounded pool of database connections") {
  sim::Simulation sim(1);
  models::RdsProxyConfig cfg;
  cfg.max_connections_percent = 50;  // 20 x 50 % = 10 connections
  RdsProxy proxy(sim, cfg);
  const auto writer = proxy.add_target("writer", 20, 2);
  proxy.add_client_connections(500);
  Clients c(sim, proxy, writer, 100 * sim::kMillisecond);
  for (std::uint64_t i = 0; i < 50; ++i) c.query(i);
  sim.run_until(10 * sim::kSecond);
  CHECK(proxy.pool_limit(writer) == 10);
  CHECK(c.peak == 10);
  CHECK(c.started.size() == 50);
  CHECK(c.failed.empty());
  // Five waves of ten: the last starts after 400 ms of waiting.
  CHECK(c.started.back() == 400 * sim::kMillisecond);
  CHECK(proxy.client_connections() == 500);
  // All returned: the pool keeps its idle limit open (MaxIdleConnectionsPercent defaults to half
  // of MaxConnectionsPercent: 20 x 25 % = 5) and closed the rest.
  CHECK(proxy.database_connections_borrowed() == 0);
  CHECK(proxy.idle_limit(writer) == 5);
  CHECK(proxy.database_connections() == 5);
  CHECK(proxy.borrow_wait_mean_ms() > 0.0);
}

TEST_CASE("RdsProxy: a borrow that waits past the borrow timeout fails") {
  sim::Simulation sim(1);
  models::RdsProxyConfig cfg;
  RdsProxy proxy(sim, cfg);
  const auto writer = proxy.add_target("writer", 1, 2);
  Clients c(sim, proxy, writer, 200 * sim::kSecond);
  c.query(1);
  c.query(2);
  sim.run_until(119 * sim::kSecond);
  CHECK(c.failed.empty());
  sim.run_until(121 * sim::kSecond);
  REQUIRE(c.failed.size() == 1);
  CHECK(c.failed[0] == 120 * sim::kSecond);
  CHECK(proxy.borrow_timeouts() == 1);
}

TEST_CASE("RdsProxy: borrows wait through a writer failover and resume after it") {
  sim::Simulation sim(1);
  models::RdsProxyConfig cfg;
  RdsProxy proxy(sim, cfg);
  const auto writer = proxy.add_target("writer", 100, 2);
  Clients c(sim, proxy, writer, 10 * sim::kMillisecond);
  sim.schedule_at(10 * sim::kSecond, [&] { proxy.set_available(writer, false); });
  sim.schedule_at(40 * sim::kSecond, [&] { proxy.set_available(writer, true); });
  for (int s = 0; s < 60; ++s) {
    sim.schedule_at(s * sim::kSecond + sim::kMillisecond, [&c, s] { c.query(static_cast<std::uint64_t>(s)); });
  }
  sim.run_until(61 * sim::kSecond);
  REQUIRE(c.started.size() == 60);
  CHECK(c.failed.empty());
  int at_recovery = 0;
  for (sim::Time t : c.started) {
    CHECK((t < 10 * sim::kSecond || t >= 40 * sim::kSecond));
    if (t == 40 * sim::kSecond) ++at_recovery;
  }
  CHECK(at_recovery == 30);  // the queries of 10 s .. 39 s all start when the writer is back
  // Billing: 2 vCPUs (the minimum) for 61 s.
  CHECK(proxy.billed_vcpu_seconds() == Approx(2.0 * 61.0));
}

TEST_CASE("RdsProxy: open database connections follow the borrows and keep at most the idle limit") {
  sim::Simulation sim(1);
  models::RdsProxyConfig cfg;
  cfg.max_idle_connections_percent = 20;  // of max_connections 100: 20 idle kept
  RdsProxy proxy(sim, cfg);
  const auto reader = proxy.add_target("reader-1", 100, 2);
  Clients c(sim, proxy, reader, sim::kSecond);
  for (std::uint64_t i = 0; i < 60; ++i) c.query(i);
  CHECK(proxy.open(reader) == 60);
  CHECK(proxy.database_connections_borrowed() == 60);
  sim.run_until(2 * sim::kSecond);
  CHECK(proxy.database_connections_borrowed() == 0);
  CHECK(proxy.open(reader) == 20);
  // Ten borrows reuse ten of the idle connections: nothing new is opened.
  for (std::uint64_t i = 0; i < 10; ++i) c.query(100 + i);
  CHECK(proxy.open(reader) == 20);
  CHECK(proxy.in_use(reader) == 10);
  // A failover drops the idle connections of the target; the borrowed ones finish.
  proxy.set_available(reader, false);
  CHECK(proxy.open(reader) == 10);
  sim.run_until(4 * sim::kSecond);
  CHECK(proxy.open(reader) == 10);  // returned while unavailable: kept up to the idle limit
  CHECK(proxy.database_connections() == 10);
}

TEST_CASE("RdsProxy: Aurora Serverless v2 targets are billed per ACU with a minimum of 8") {
  sim::Simulation sim(1);
  models::RdsProxyConfig cfg;
  RdsProxy proxy(sim, cfg, models::ProxyBilling::kAcu);
  proxy.add_target("writer", 1000, 0);
  proxy.set_target_acus(1.0);
  sim.schedule_at(10 * sim::kSecond, [&] { proxy.set_target_acus(12.0); });
  sim.schedule_at(20 * sim::kSecond, [&] { proxy.set_target_acus(4.0); });
  sim.run_until(30 * sim::kSecond);
  // 8 (the minimum) for 10 s, 12 for 10 s, 8 again for 10 s.
  CHECK(proxy.billed_acu_seconds() == Approx(80.0 + 120.0 + 80.0));
  CHECK(proxy.billed_vcpu_seconds() == 0.0);
}

TEST_CASE("RdsProxy: a pinned connection serves no other borrow until its session ends") {
  sim::Simulation sim(1);
  models::RdsProxyConfig cfg;
  RdsProxy proxy(sim, cfg);
  const auto writer = proxy.add_target("writer", 2, 2);  // a pool of 2
  Clients c(sim, proxy, writer, sim::kSecond);
  // Two sessions pin the pool's two connections (each borrowed, then kept).
  REQUIRE(proxy.borrow(writer, &c, 1));
  REQUIRE(proxy.borrow(writer, &c, 2));
  proxy.pin(writer);
  proxy.pin(writer);
  CHECK(proxy.pinned(writer) == 2);
  CHECK(proxy.pinned_connections() == 2);
  CHECK(proxy.pins() == 2);
  CHECK(proxy.in_use(writer) == 2);
  // Another client waits although no query runs.
  c.query(3);
  CHECK(proxy.waiting(writer) == 1);
  sim.run_until(5 * sim::kSecond);
  CHECK(c.started.empty());
  // One session ends at 5 s: its connection goes to the waiting borrow at once.
  proxy.unpin(writer);
  CHECK(proxy.pinned(writer) == 1);
  REQUIRE(c.started.size() == 1);
  CHECK(c.started[0] == 5 * sim::kSecond);
  CHECK(proxy.waiting(writer) == 0);
  sim.run_until(7 * sim::kSecond);
  CHECK(proxy.in_use(writer) == 1);  // the other pinned session
  CHECK(c.failed.empty());
}
