// ConnectionPool: one task's pool of database connections to one endpoint (writer or reader),
// like an application's ORM pool (Prisma, pg-pool, HikariCP).
//
// A query takes a connection, runs, and gives it back. An idle connection is reused (the most
// recently used first); otherwise the pool opens a new one while it has fewer than `size`; if
// the pool is full, or the instance refuses (max_connections reached), or the cluster is
// resuming from auto-pause, the request waits in FIFO order. A request still waiting after
// `timeout` fails (the owner answers 500). Connections idle for `idle_timeout` are closed, so an
// idle service lets Aurora auto-pause. All waiters share one timeout, so the head of the queue
// always expires first: one timer event per pool, never one per request.
// assumption: pool size, timeout and idle timeout are the pool's settings (DbPoolConfig), not
// AWS facts. Not thread safe.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "models/data/aurora.hpp"
#include "models/core/request.hpp"
#include "models/web/service_config.hpp"
#include "sim/ring.hpp"
#include "sim/simulation.hpp"

namespace loadcast::models {

// The pool's owner (the task) gets each waiting request back with a connection, or after the
// timeout without one.
class PoolOwner {
 public:
  virtual ~PoolOwner() = default;
  virtual void connection_ready(Request* r, DbInstance& instance) = 0;
  virtual void connection_timeout(Request* r) = 0;
};

class ConnectionPool final : public ConnectWaiter {
 public:
  ConnectionPool(sim::Simulation& sim, DbCluster& cluster, bool reader, const DbPoolConfig& config, PoolOwner& owner);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A connection for `r`: the instance it is on, or nullptr when `r` now waits (the owner hears
  // later through connection_ready or connection_timeout).
  DbInstance* acquire(Request* r);
  // The connection on `instance` is free again: the next waiter gets it, or it goes idle.
  void release(DbInstance& instance);
  // The task stopped: every connection is closed; waiting requests are handed to `fn`.
  template <typename Fn>
  void close(Fn&& fn) {
    closed_ = true;
    while (!waiting_.empty()) fn(waiting_.pop_front());
    for (auto& idle : idle_) idle.first->disconnect();
    open_ -= static_cast<int>(idle_.size());
    idle_.clear();
    if (wait_armed_) sim_.cancel(wait_timer_);
    if (idle_armed_) sim_.cancel(idle_timer_);
    wait_armed_ = idle_armed_ = false;
  }

  void connect_result(DbInstance* instance, bool ok) override;

  int open() const { return open_; }
  int in_use() const { return in_use_; }
  std::size_t waiting() const { return waiting_.size(); }

 private:
  void arm_wait_timer();
  void arm_idle_timer();
  void on_wait_timer();
  void on_idle_timer();
  bool try_open(Request* r);

  sim::Simulation& sim_;
  DbCluster& cluster_;
  bool reader_;
  const DbPoolConfig& config_;
  PoolOwner& owner_;
  sim::Ring<Request*> waiting_;
  std::vector<std::pair<DbInstance*, sim::Time>> idle_;  // oldest first
  int open_ = 0;      // open or being opened
  int in_use_ = 0;
  bool closed_ = false;
  bool wait_armed_ = false;  // a timer event is pending (cheaper than asking the queue)
  bool idle_armed_ = false;
  sim::EventId wait_timer_;
  sim::EventId idle_timer_;
};

}  // namespace loadcast::models
