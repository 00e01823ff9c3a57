// RdsProxy: Amazon RDS Proxy in front of an Aurora cluster — many client connections (every
// task's pool) multiplexed onto a bounded pool of database connections per target instance
// (floor(max_connections × MaxConnectionsPercent / 100)). A client borrows a database connection
// for one query; a borrow that finds them all busy, or its target unavailable (writer
// failover), waits FIFO up to ConnectionBorrowTimeout, then fails. Idle connections beyond
// MaxIdleConnectionsPercent close at once (assumption). A pinned connection stays borrowed (pin)
// until ClusterControl ends the session (unpin). assumption: a fixed latency per query.
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ConnectionPoolConfiguration.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-connections.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-pinning.html
// [secondary] https://aws.amazon.com/rds/proxy/pricing/ (billing minimums: cost/billing.hpp)
// Facts and assumptions: docs/models/data.md#rds-proxy
// Not thread safe: one per replication.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/data/rds_proxy_config.hpp"
#include "sim/index_pool.hpp"
#include "sim/distribution.hpp"
#include "sim/simulation.hpp"
#include "sim/stats.hpp"

namespace loadcast::models {

class ProxyClient {
 public:
  virtual ~ProxyClient() = default;
  // The borrow of `token` was granted (ok) or timed out.
  virtual void on_borrowed(std::uint64_t token, bool ok) = 0;
};

// What the proxy is billed on: the vCPUs of provisioned targets or the ACUs of Serverless v2 ones.
enum class ProxyBilling { kVcpu, kAcu };

class RdsProxy {
 public:
  RdsProxy(sim::Simulation& sim, const RdsProxyConfig& config, ProxyBilling billing = ProxyBilling::kVcpu);
  RdsProxy(const RdsProxy&) = delete;
  RdsProxy& operator=(const RdsProxy&) = delete;

  // A target instance with its max_connections and vCPUs (kVcpu billing); returns its index.
  std::size_t add_target(std::string name, int max_connections, double vcpus);
  // A target that went away (a replica removed): waiting borrows fail, billing stops.
  void remove_target(std::size_t target);
  void set_available(std::size_t target, bool available);

  // Borrows a database connection of `target`. True: granted now (no callback). False: the
  // borrow waits; `client` hears later, granted when a connection frees up or the target comes
  // back, or failed at the borrow timeout. Callbacks never run inside borrow().
  bool borrow(std::size_t target, ProxyClient* client, std::uint64_t token);
  void release(std::size_t target);
  // Pinning: the connection the caller borrowed stays with its client connection as a pinned
  // session instead of going back to the pool (pin), until the session ends (unpin releases it).
  void pin(std::size_t target);
  void unpin(std::size_t target);

  // Client connections open to the proxy (the tasks' pools), for reporting.
  void add_client_connections(std::int64_t delta) { clients_ += delta; }

  const RdsProxyConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }
  sim::Time query_latency(sim::Rng& rng) const { return config_.latency.sample_time(rng); }
  int pool_limit(std::size_t target) const { return targets_[target].limit; }
  int in_use(std::size_t target) const { return targets_[target].in_use; }
  int open(std::size_t target) const { return targets_[target].open; }
  int idle_limit(std::size_t target) const { return targets_[target].idle_limit; }
  std::size_t waiting(std::size_t target) const { return targets_[target].waiting; }
  int pinned(std::size_t target) const { return targets_[target].pinned; }
  int pinned_connections() const;  // all targets
  std::uint64_t pins() const { return pins_; }
  std::int64_t client_connections() const { return clients_; }
  int database_connections() const;           // open, all targets
  int database_connections_borrowed() const;  // in use, all targets
  std::uint64_t borrows() const { return borrows_; }
  std::uint64_t borrow_timeouts() const { return timeouts_; }
  // Mean wait for a connection over the borrows that had to wait.
  double borrow_wait_mean_ms() const { return waits_ > 0 ? wait_sum_ms_ / static_cast<double>(waits_) : 0.0; }
  double borrow_wait_sum_ms() const { return wait_sum_ms_; }
  ProxyBilling billing() const { return billing_; }
  // Billed vCPU-seconds so far: the integral of max(2, target vCPUs) over time (kVcpu; else 0).
  double billed_vcpu_seconds() const;
  // kAcu: the targets' ACUs summed changed to `acus` now (the caller reads them whenever Aurora
  // may change them). Billed ACU-seconds so far: the integral of max(8, that sum).
  void set_target_acus(double acus);
  double billed_acu_seconds() const;

 private:
  struct Target {
    std::string name;
    int limit = 0;
    int idle_limit = 0;
    int in_use = 0;
    int open = 0;
    int pinned = 0;  // of in_use: held by pinned sessions
    double vcpus = 0.0;
    bool available = true;
    bool removed = false;
    std::uint32_t head = sim::kNoIndex, tail = sim::kNoIndex;  // waiting borrows, FIFO
    std::size_t waiting = 0;
  };
  struct Waiter {
    ProxyClient* client = nullptr;
    std::uint64_t token = 0;
    std::size_t target = 0;
    sim::Time since = 0;
    std::uint32_t prev = sim::kNoIndex, next = sim::kNoIndex;
    sim::EventId timer;
  };

  void unlink(std::uint32_t w);
  void on_timeout(std::uint32_t w);
  void serve(std::size_t target);
  void grant(Target& t);
  void account_vcpus();

  sim::Simulation& sim_;
  RdsProxyConfig config_;
  ProxyBilling billing_;
  std::vector<Target> targets_;
  sim::IndexPool<Waiter> waiters_;
  std::int64_t clients_ = 0;
  std::uint64_t borrows_ = 0;
  std::uint64_t timeouts_ = 0;
  std::uint64_t pins_ = 0;
  std::uint64_t waits_ = 0;
  double wait_sum_ms_ = 0.0;
  double vcpu_seconds_ = 0.0;
  sim::Time vcpu_since_ = 0;
  double acus_ = 0.0;
  double acu_seconds_ = 0.0;
  sim::Time acu_since_ = 0;
};

}  // namespace loadcast::models
