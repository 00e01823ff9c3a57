// Aurora (and a single RDS instance): DB instances whose CPU runs queries as processor sharing,
// each query on at most one core (a provisioned instance on its class's vCPUs; a Serverless v2
// instance on ceil(ACU × vcpu_per_acu) cores under a quota of ACU × vcpu_per_acu per period),
// connection limits (max_connections, db_instance_classes.hpp), auto-pause and resume, and the
// Aurora Serverless v2 capacity controller — assumption: AWS publishes none, so it is a
// target-utilization controller (ServerlessScalingConfig) that rises fast and falls gradually.
// Reads go to the reader endpoint when the cluster has readers, writes to the writer.
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.how-it-works.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Endpoints.Reader.html
// [doc] https://docs.aws.amazon.com/whitepapers/latest/amazon-aurora-mysql-db-admin-handbook/load-balancing-with-the-reader-endpoint.html
// [AWS blog] https://aws.amazon.com/blogs/database/understanding-how-acu-minimum-and-maximum-range-impacts-scaling-in-amazon-aurora-serverless-v2/
// Facts and assumptions: docs/models/data.md#aurora-serverless-v2 and
// docs/models/data.md#assumptions-where-aws-publishes-no-number
// Not thread safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/core/component.hpp"
#include "sim/processor_sharing.hpp"
#include "models/core/request.hpp"
#include "models/data/database_config.hpp"
#include "sim/simulation.hpp"
#include "sim/stats.hpp"

namespace loadcast::cost {
struct Usage;
}  // namespace loadcast::cost

namespace loadcast::models {

class DbCluster;

// Gets each request back when its query finished.
class DbClient {
 public:
  virtual ~DbClient() = default;
  virtual void query_done(Request* r) = 0;
  // The query failed (writer failover without a proxy, proxy borrow timeout): 500 with `cause`.
  virtual void query_failed(Request* r, const std::string* cause) = 0;
};

// Told when a connection attempt that had to wait (a paused instance resuming) is decided.
class ConnectWaiter {
 public:
  virtual ~ConnectWaiter() = default;
  virtual void connect_result(class DbInstance* instance, bool ok) = 0;
};

enum class ConnectResult { kOk, kRefused, kWait };

// Sits between the connections and the instances' CPUs when the cluster has an RDS Proxy,
// replica auto scaling or a failover (cluster_control.hpp): a query arriving at the
// instance its connection is on may run elsewhere, wait, or fail.
class QueryRouter {
 public:
  virtual ~QueryRouter() = default;
  // A query for `nominal`; true when the router took it (it will run it or fail it).
  virtual bool route(DbInstance& nominal, Request* r, double work_s) = 0;
  // A query the router started finished on `ran_on`.
  virtual void done(DbInstance& ran_on, Request* r) = 0;
};

class DbInstance {
 public:
  DbInstance(sim::Simulation& sim, DbCluster& cluster, std::string name, bool writer, int max_connections,
             DbClient& client);
  DbInstance(const DbInstance&) = delete;
  DbInstance& operator=(const DbInstance&) = delete;

  const std::string& name() const { return name_; }
  bool writer() const { return writer_; }
  bool paused() const { return paused_; }

  // Opens one connection. kWait: the cluster is paused and resuming; `waiter` hears later.
  ConnectResult connect(ConnectWaiter* waiter);
  void disconnect();
  int connections() const { return connections_; }
  int max_connections() const { return max_connections_; }
  // Behind an RDS Proxy the pools' connections are client connections to the proxy.
  void set_max_connections(int n) { max_connections_ = n; }
  int peak_connections() const { return peak_connections_; }

  // A query of `work_s` vCPU-seconds; the client gets `r` back when it finishes.
  void query(Request* r, double work_s);
  // Runs a query here, past the router.
  void run(Request* r, double work_s);
  // A reader removed by replica auto scaling takes no new connections and no queries.
  bool in_service() const { return in_service_; }
  void set_in_service(bool on, sim::Time now);
  sim::Time created() const { return created_; }
  sim::Time removed() const { return removed_; }
  void set_created(sim::Time t) { created_ = t; }
  const std::string& instance_class() const { return instance_class_; }
  void set_instance_class(std::string c) { instance_class_ = std::move(c); }
  std::size_t queries() const { return cpu_.jobs(); }

  double acu() const { return acu_; }
  double cpu_capacity() const { return cpu_.capacity(); }
  // Integrals since the start: busy vCPUs, capacity (vCPU), ACU, connections.
  double busy_area(sim::Time now) const { return cpu_.used(now) - busy_mark_; }
  // vCPU-seconds used since the instance was created (statistics restarts aside).
  double cpu_used(sim::Time now) const { return cpu_.used(now); }
  double capacity_area(sim::Time now) const { return capacity_.area(now); }
  double acu_area(sim::Time now) const { return acu_tw_.area(now); }
  double acu_peak() const { return acu_tw_.peak(); }

  // Capacity changes (controller, pause, following the writer): `acu` for the meter (0 for a
  // provisioned instance), `vcpus` for the CPU.
  void set_capacity(double acu, double vcpus);
  void set_paused(bool paused) { paused_ = paused; }
  void restart_statistics(sim::Time now);

 private:
  void on_cpu_done(Request* r);

  sim::Simulation& sim_;
  DbCluster& cluster_;
  std::string name_;
  bool writer_;
  DbClient& client_;
  sim::ProcessorSharing<&DbInstance::on_cpu_done> cpu_;
  double busy_mark_ = 0.0;  // core-seconds used before the statistics restarted
  sim::TimeWeighted capacity_;
  sim::TimeWeighted acu_tw_;
  double acu_ = 0.0;
  int connections_ = 0;
  int max_connections_;
  int peak_connections_ = 0;
  bool paused_ = false;
  bool in_service_ = true;
  sim::Time created_ = 0;
  sim::Time removed_ = -1;
  std::string instance_class_;
};

class DbCluster final : public Component {
 public:
  // Throws std::invalid_argument for an unknown instance class (the loader checks first).
  DbCluster(sim::Simulation& sim, EventLog& events, const DatabaseConfig& config, DbClient& client);
  ~DbCluster() override;

  void start();

  // The instance a new connection of this endpoint goes to: the writer, or for the reader
  // endpoint the next reader (round robin), the writer when there is no reader.
  DbInstance& endpoint(bool reader);
  bool has_readers() const { return instances_.size() > 1; }
  const DatabaseConfig& config() const { return config_; }
  DbInstance& instance(std::size_t i) { return *instances_[i]; }
  std::size_t instance_count() const { return instances_.size(); }
  void set_router(QueryRouter* router) { router_ = router; }
  QueryRouter* router() const { return router_; }
  // Replica auto scaling: a new provisioned reader, now in service, of the writer's class
  // ("Aurora Auto Scaling adds Aurora Replicas with the same DB instance class as the primary":
  // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Integrating.AutoScaling.html);
  // `reader_instance_class` is the class of the readers the scenario declares.
  DbInstance& add_reader(const std::string& name);
  // The vCPUs of a provisioned instance of the writer's or the readers' class.
  double class_vcpus(bool reader) const { return reader ? reader_vcpus_ : vcpus_; }

  // Called by instances: a connection attempt on a paused cluster, a connection count change.
  void request_resume(ConnectWaiter* waiter, DbInstance* instance);
  void connections_changed();

  // Storage I/O meter: `n` read or write queries dispatched to an instance (a db step's reads or
  // writes run as one job, models/web/task.cpp). Priced only with database.volume.
  void count_queries(bool write, std::uint64_t n) { (write ? write_queries_ : read_queries_) += n; }
  // Adds the run's ACU-seconds or instance-seconds and, with database.volume, the stored GB
  // over the run and the I/O requests of the queries counted (io_per_read / io_per_write each).
  void add_usage(cost::Usage& usage, sim::Time end) const;
  void on_warmup_end() override;
  void sample(sim::Time start, sim::Time end, SeriesRow& row) override;
  void finish(RunOutput& out) override;

 private:
  struct Controller {
    double own = 0.5;          // capacity this instance's own load asks for
    double last_busy = 0.0;    // vCPU-seconds used at the previous up tick / down window start
    sim::Time last_tick = 0;
    double window_busy = 0.0;
    sim::Time window_start = 0;
    sim::Time last_up = -1;
  };
  bool serverless() const { return config_.type == DbType::kAuroraServerlessV2; }
  double active_floor() const;
  // The capacity an instance using `vcpus` with `connections` open asks for (ACU, 0.5 steps,
  // within [active floor, max]).
  double desired_acu(double vcpus, int connections) const;
  void on_tick();
  void apply_capacity();
  void pause();
  void on_resumed();
  void on_pause_timer();

  sim::Simulation& sim_;
  EventLog& events_;
  const DatabaseConfig& config_;
  std::vector<std::unique_ptr<DbInstance>> instances_;  // [0] is the writer
  std::vector<Controller> controllers_;
  std::vector<std::pair<ConnectWaiter*, DbInstance*>> resume_waiters_;
  std::vector<double> sample_busy_, sample_capacity_, sample_acu_;  // integrals at the last sample
  std::vector<double> cpu_peak_;  // highest interval CPU utilization after the warm-up, per instance
  std::size_t next_reader_ = 1;
  double vcpus_ = 0.0;  // provisioned: the class's vCPUs
  double reader_vcpus_ = 0.0;
  int reader_max_connections_ = 0;
  int writer_max_connections_ = 0;
  DbClient* client_ = nullptr;
  QueryRouter* router_ = nullptr;
  bool resuming_ = false;
  sim::EventId pause_timer_;
  sim::Time stats_start_ = 0;
  std::uint64_t pauses_ = 0;
  std::uint64_t read_queries_ = 0;   // since the start, warm-up included (like the other meters)
  std::uint64_t write_queries_ = 0;
};

}  // namespace loadcast::models
