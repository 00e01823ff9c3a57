// ClusterControl: what sits around a provisioned Aurora cluster besides its instances — RDS
// Proxy between the connections and the instances, Aurora replica auto scaling, and writer
// failover. It is the cluster's QueryRouter (aurora.hpp) when any of these is configured.
//
// - RDS Proxy (rds_proxy.hpp): every query borrows a database connection of its target for its
//   duration: the writer for writes, and for reads the in-service reader with the fewest queries
//   per vCPU (the proxy's reader endpoint balances per query, not per connection). The task
//   pools' connections are client connections to the proxy and are not limited by the
//   instances' max_connections (assumption: the proxy's own client quota is not modelled).
//   In front of provisioned instances or Aurora Serverless v2 (not with auto-pause:
//   RdsProxyConfig::validate rejects min_acu 0; [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.html
//   "You can use RDS Proxy with Aurora Serverless v2 clusters"); with Serverless v2 it is billed
//   on the targets' ACUs (at least 8), metered exactly at the capacity controller's ticks.
// - Pinning ([doc] https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-pinning.html):
//   a query of a `db:` step with `pinned: p` pins its session with probability p (a stream of
//   its own, so a run without pinning draws nothing). The session is the client connection of
//   the task's pool that ran the query; it keeps that database connection (borrowed from the
//   proxy's pool) until it ends, `database.proxy.pinned_session` after the query that pinned it
//   (assumption: the client connection's life in the pool, default 30 min), when the task has
//   stopped (its connections close; looked for every second), or in a failover of its
//   instance (its connection drops). While a task has an idle pinned session on the instance a
//   query needs, the query runs on it without borrowing (assumption: the task's pool hands out
//   its most recently used connection, connection_pool.hpp, so a pinned one is reused first).
//   Pinning so turns multiplexing into one database connection per pinned client connection:
//   when the pinned sessions hold the whole pool, other borrows wait and time out.
// - Failover (`faults: db_failover`): the writer is unavailable for the fault's duration
//   (default 30 s: "usually under 30 s" with a replica, [secondary] Aurora FAQ wording,
//   https://aws.amazon.com/rds/aurora/faqs/). Without a proxy, every
//   query for the writer in that window fails at once (500, cause db_failover): clients lose
//   their connections. With a proxy the borrows wait (up to the borrow timeout) and run when the
//   writer is back, so writes are delayed instead of failed. Queries already running on the
//   writer finish (assumption: the model does not roll them back). A failover starting during
//   another extends the outage to the later end. The reader promoted to writer (the first
//   in-service reader: the configured readers share the lowest promotion tier, replicas added by
//   auto scaling have tier 15) restarts too, so its connections drop as well ([doc]
//   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Overview.Endpoints.html):
//   without a proxy the reads on its connections fail like the writes; a proxy sends reads to
//   the other readers (or, with none, waits for the writer). Assumption: the model does not swap
//   the roles, instance 0 stays the writer after the failover (as if the classes were equal).
//   Reconnect storm: every connection to the old writer and the promoted reader (the task pools'
//   connections, or behind a proxy the proxy's database connections) is opened again; each of
//   the next that-many queries on the instance once it is back pays `database.reconnect_latency`
//   before it runs and `reconnect_work` vCPU-seconds on the instance (assumption: the model
//   counts a connection's reconnect on the first query after the outage, not per connection).
//   The application's own pool timeout
//   (db_pool.timeout, 10 s by default) still applies to a request waiting for a pool connection:
//   when every pool connection holds a write waiting at the proxy, new requests fail after it.
// - Replica auto scaling: the readers are a ScalableTarget of Application Auto Scaling
//   (autoscaling.hpp) with target tracking on `reader_cpu` (RDSReaderAverageCPUUtilization,
//   the mean CPU % of the in-service readers over the period) or `reader_connections`
//   (RDSReaderAverageDatabaseConnections: the mean over the in-service readers of their open
//   connections at the period's end — the tasks' pool connections to the reader or, behind a
//   proxy, the proxy's open connections to it, borrowed or idle, which is what the instance
//   counts; so behind a proxy it stays up to the idle limit after a peak). New replicas have the
//   writer's class. A new reader is available after `launch_time` (assumption: 5-10 minutes);
//   scale-in removes the newest readers it created, never the configured ones. [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Integrating.AutoScaling.html
//   Without a proxy, existing connections stay on their reader (the reader endpoint is DNS
//   round robin at connection time), so a new reader only gets new connections; a removed
//   reader's queries go to another reader.
// Results: `<db>.readers`, `<proxy>.database_connections` (open), `.database_connections_borrowed`,
// `.database_connections_pinned`,
// `<proxy>.client_connections`, `<proxy>.borrow_wait_ms`, `<proxy>.borrow_timeouts`; events
// replica_launch, replica_available, replica_removed, db_failover, db_failover_complete; sections
// `db_proxy` and `replica_autoscaling`; RDS Proxy vCPU-seconds or ACU-seconds in the usage.
// Not thread safe: one per replication.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/data/aurora.hpp"
#include "models/scaling/autoscaling.hpp"
#include "models/scaling/cloudwatch.hpp"
#include "models/core/component.hpp"
#include "models/core/config.hpp"
#include "sim/index_pool.hpp"
#include "models/data/rds_proxy.hpp"
#include "sim/simulation.hpp"

namespace loadcast::cost {
struct Usage;
}  // namespace loadcast::cost

namespace loadcast::models {


class ClusterControl final : public Component, public QueryRouter, public ScalableTarget, public ProxyClient {
 public:
  ClusterControl(sim::Simulation& sim, EventLog& events, const ModelConfig& config, DbCluster& cluster, DbClient& client);
  ~ClusterControl() override;
  ClusterControl(const ClusterControl&) = delete;
  ClusterControl& operator=(const ClusterControl&) = delete;

  void start();
  // The `db_failover` fault; returns a sentence for its event.
  std::string begin_failover(sim::Time duration);
  bool failing_over() const { return failing_over_; }
  RdsProxy* proxy() { return proxy_.get(); }
  int readers_in_service() const;

  // QueryRouter
  bool route(DbInstance& nominal, Request* r, double work_s) override;
  void done(DbInstance& ran_on, Request* r) override;
  // ProxyClient
  void on_borrowed(std::uint64_t token, bool ok) override;
  // ScalableTarget: the number of readers.
  const std::string& scalable_name() const override { return scalable_name_; }
  int desired_capacity() const override { return desired_; }
  void set_desired_capacity(int capacity) override;
  int running_capacity() const override { return readers_in_service(); }

  void add_usage(cost::Usage& usage, sim::Time end) const;
  void on_warmup_end() override;
  void sample(sim::Time start, sim::Time end, SeriesRow& row) override;
  void finish(RunOutput& out) override;

 private:
  class ReaderMetric;
  struct Pending {
    Request* r = nullptr;
    DbInstance* target = nullptr;
    double work_s = 0.0;
  };
  // A pinned session: a client connection of `task`'s pool pinned to a database connection of
  // the proxy's `target`.
  struct Session {
    const Task* task = nullptr;
    std::size_t target = 0;
    bool busy = false;    // a query of the task runs on it
    bool ending = false;  // its time is up while busy: it ends when that query is done
    sim::EventId expiry;
  };

  std::size_t index_of(const DbInstance& inst) const;
  DbInstance& pick_reader();
  void start_on(DbInstance& target, Request* r, double work_s);
  void fail(Request* r);
  void end_failover();
  void launch_reader();
  void on_reader_ready(std::uint64_t launch);
  DbInstance& add_scaled_reader();  // a reader of replica auto scaling, in service now
  void remove_reader();
  void meter_acus();
  bool proxy_route(DbInstance& nominal, Request* r, double work_s);
  std::uint32_t idle_session(const Task* task, bool write);
  void open_session(const Task* task, std::size_t target);
  void end_session(std::uint32_t s);
  void on_session_expiry(std::uint32_t s);
  // Ends the sessions on `instance` (a failover, a removed reader), or of tasks that stopped.
  void end_sessions_on(std::size_t instance);
  void end_sessions_of_stopped_tasks();
  void sweep_sessions();
  // The reconnect a query pays when its connection dropped in a failover; returns the extra work.
  double reconnect(std::size_t instance, sim::Time& delay);
  bool unavailable(const DbInstance& inst) const;
  void drop_connections(std::size_t instance);

  sim::Simulation& sim_;
  EventLog& events_;
  const ModelConfig& config_;
  DbCluster& cluster_;
  DbClient& client_;
  sim::Rng rng_;
  std::unique_ptr<RdsProxy> proxy_;
  std::vector<std::size_t> proxy_target_;  // per cluster instance
  sim::IndexPool<Pending> pending_;
  bool failing_over_ = false;
  sim::Time failover_until_ = 0;
  std::uint64_t failovers_ = 0;
  std::uint64_t failed_queries_ = 0;
  std::string cause_failover_;
  std::size_t promoted_ = 0;                  // the reader promoted in the failover (0: none)
  std::vector<std::int64_t> reconnect_debt_;  // per instance: dropped connections yet to reopen
  std::uint64_t reconnects_ = 0;
  // Pinning (RDS Proxy).
  sim::Rng pin_rng_;
  sim::IndexPool<Session> sessions_;
  std::unordered_map<const Task*, std::vector<std::uint32_t>> task_sessions_;  // looked up, never iterated
  std::vector<std::uint32_t> live_sessions_;  // in creation order
  bool sweeping_ = false;
  sim::Rng reconnect_rng_;
  int pinned_max_ = 0;
  std::string cause_borrow_;
  // Replica auto scaling.
  std::string scalable_name_;
  int desired_ = 0;
  int configured_readers_ = 0;
  std::vector<std::size_t> scaled_;  // instances it created and has not removed, oldest first
  std::vector<std::uint64_t> launches_;  // pending launches (ids), oldest first
  std::uint64_t next_launch_ = 0;
  int next_reader_name_ = 0;
  std::unique_ptr<MetricPublisher> metrics_;
  std::unique_ptr<ReaderMetric> cpu_metric_;
  std::unique_ptr<ReaderMetric> connections_metric_;
  std::unique_ptr<Autoscaler> autoscaler_;
  int readers_min_ = 0, readers_max_ = 0;
  std::uint64_t sampled_timeouts_ = 0;
  double sampled_wait_sum_ = 0.0;
  std::uint64_t sampled_borrows_ = 0;
};

}  // namespace loadcast::models
