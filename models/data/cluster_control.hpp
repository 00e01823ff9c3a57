// ClusterControl: what sits around a provisioned Aurora cluster besides its instances — RDS
// Proxy between the connections and the instances (each query borrows a database connection;
// pinning keeps one for a session), Aurora replica auto scaling (the readers are a
// ScalableTarget of autoscaling.hpp on reader CPU or connections) and writer failover (the writer
// and the promoted reader unavailable, then the reconnect storm). It is the cluster's
// QueryRouter (aurora.hpp) when any of these is configured. It records the proxy's series, the
// replica and failover events, the `db_proxy` and `replica_autoscaling` sections and the proxy's
// usage (docs/results.md).
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-pinning.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Overview.Endpoints.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Integrating.AutoScaling.html
// [secondary] https://aws.amazon.com/rds/aurora/faqs/ (failover "usually under 30 s")
// Facts and assumptions: docs/models/data.md#behaviour, docs/models/data.md#failover and
// docs/models/data.md#rds-proxy
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
