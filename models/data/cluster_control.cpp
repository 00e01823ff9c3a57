#include "models/data/cluster_control.hpp"

#include <algorithm>
#include <limits>

#include "models/core/run_output.hpp"
#include "cost/usage.hpp"

namespace loadcast::models {

namespace {

// Behind the proxy, the pools' connections are the proxy's client connections.
constexpr int kProxyClientLimit = std::numeric_limits<int>::max() / 2;

}  // namespace

// RDSReaderAverageCPUUtilization / RDSReaderAverageDatabaseConnections over the in-service
// readers; no datapoint without one.
class ClusterControl::ReaderMetric final : public MetricSource {
 public:
  enum class Kind { kCpu, kConnections };
  ReaderMetric(ClusterControl& c, Kind k) : c_(c), kind_(k) {}

  std::optional<double> collect(sim::Time, sim::Time end) override {
    DbCluster& db = c_.cluster_;
    if (busy_.size() < db.instance_count()) {
      busy_.resize(db.instance_count(), 0.0);
      capacity_.resize(db.instance_count(), 0.0);
    }
    double sum = 0.0;
    int n = 0;
    for (std::size_t i = 1; i < db.instance_count(); ++i) {
      DbInstance& inst = db.instance(i);
      const double busy = inst.busy_area(end);
      const double capacity = inst.capacity_area(end);
      const double dcap = capacity - capacity_[i];
      const double dbusy = busy - busy_[i];
      busy_[i] = busy;
      capacity_[i] = capacity;
      if (!inst.in_service()) continue;
      if (kind_ == Kind::kCpu) {
        if (dcap <= 0.0) continue;
        sum += 100.0 * dbusy / dcap;
      } else {
        // DatabaseConnections of the reader: the tasks' pool connections to it, or behind a proxy
        // the proxy's open connections to it (borrowed or idle in its pool).
        sum += c_.proxy_ ? static_cast<double>(c_.proxy_->open(c_.proxy_target_[i])) : static_cast<double>(inst.connections());
      }
      ++n;
    }
    if (n == 0) return std::nullopt;
    return sum / n;
  }

  void restart(sim::Time now) {
    DbCluster& db = c_.cluster_;
    busy_.assign(db.instance_count(), 0.0);
    capacity_.assign(db.instance_count(), 0.0);
    for (std::size_t i = 1; i < db.instance_count(); ++i) {
      busy_[i] = db.instance(i).busy_area(now);
      capacity_[i] = db.instance(i).capacity_area(now);
    }
  }

 private:
  ClusterControl& c_;
  Kind kind_;
  std::vector<double> busy_, capacity_;
};

ClusterControl::ClusterControl(sim::Simulation& sim, EventLog& events, const ModelConfig& config, DbCluster& cluster,
                               DbClient& client)
    : sim_(sim),
      events_(events),
      config_(config),
      cluster_(cluster),
      client_(client),
      rng_(sim.stream("db.control")),
      cause_failover_("db_failover:" + cluster.config().name),
      scalable_name_(cluster.config().name + ".replicas") {
  configured_readers_ = static_cast<int>(cluster.instance_count()) - 1;
  desired_ = configured_readers_;
  next_reader_name_ = configured_readers_;
  if (config.db_proxy) {
    const bool serverless = cluster.config().type == DbType::kAuroraServerlessV2;
    proxy_ = std::make_unique<RdsProxy>(sim, *config.db_proxy, serverless ? ProxyBilling::kAcu : ProxyBilling::kVcpu);
    cause_borrow_ = "db_proxy_borrow_timeout:" + config.db_proxy->name;
    for (std::size_t i = 0; i < cluster.instance_count(); ++i) {
      DbInstance& inst = cluster.instance(i);
      proxy_target_.push_back(proxy_->add_target(inst.name(), inst.max_connections(), cluster.class_vcpus(i > 0)));
      inst.set_max_connections(kProxyClientLimit);
    }
  }
  if (config.replica_scaling) {
    const ReplicaScalingConfig& rs = *config.replica_scaling;
    metrics_ = std::make_unique<MetricPublisher>(sim, events, scalable_name_, rs.metrics.period, rs.metrics.delay);
    cpu_metric_ = std::make_unique<ReaderMetric>(*this, ReaderMetric::Kind::kCpu);
    connections_metric_ = std::make_unique<ReaderMetric>(*this, ReaderMetric::Kind::kConnections);
    metrics_->add_metric("reader_cpu", cpu_metric_.get());
    metrics_->add_metric("reader_connections", connections_metric_.get());
    autoscaler_ = std::make_unique<Autoscaler>(sim, events, *this, rs.autoscaling, *metrics_);
  }
  readers_min_ = readers_max_ = configured_readers_;
  cluster.set_router(this);
}

ClusterControl::~ClusterControl() = default;

void ClusterControl::start() {
  if (config_.replica_scaling && config_.replica_scaling->initial_readers) {
    // Replicas auto scaling added before the run: available now, and removable.
    for (int k = configured_readers_; k < *config_.replica_scaling->initial_readers; ++k) add_scaled_reader();
    desired_ = readers_in_service();
    readers_min_ = readers_max_ = desired_;
  }
  if (metrics_) metrics_->start();
  if (autoscaler_) autoscaler_->start();
  if (proxy_ && proxy_->billing() == ProxyBilling::kAcu) sim_.schedule(0, [this] { meter_acus(); });
}

void ClusterControl::meter_acus() {
  // Aurora changes Serverless v2 capacity only at its controller's ticks, every up_interval from
  // the start (aurora.hpp; auto-pause, which changes it at other times, is not allowed with a
  // proxy). This runs just after each tick (a zero-delay event scheduled at the tick's time runs
  // after the tick), so the sum it reads holds until the next one and the meter is exact.
  double acus = 0.0;
  for (std::size_t i = 0; i < cluster_.instance_count(); ++i) acus += cluster_.instance(i).acu();
  proxy_->set_target_acus(acus);
  sim_.schedule(cluster_.config().scaling.up_interval, [this] { sim_.schedule(0, [this] { meter_acus(); }); });
}

int ClusterControl::readers_in_service() const {
  int n = 0;
  for (std::size_t i = 1; i < cluster_.instance_count(); ++i) n += cluster_.instance(i).in_service() ? 1 : 0;
  return n;
}

std::size_t ClusterControl::index_of(const DbInstance& inst) const {
  std::size_t i = 0;
  while (&cluster_.instance(i) != &inst) ++i;
  return i;
}

// ---------------------------------------------------------------- queries

DbInstance& ClusterControl::pick_reader() {
  DbInstance* best = nullptr;
  double best_load = 0.0;
  for (std::size_t i = 1; i < cluster_.instance_count(); ++i) {
    DbInstance& inst = cluster_.instance(i);
    if (!inst.in_service()) continue;
    const double load = static_cast<double>(inst.queries()) / std::max(inst.cpu_capacity(), 1e-9);
    if (best == nullptr || load < best_load) {
      best = &inst;
      best_load = load;
    }
  }
  return best != nullptr ? *best : cluster_.instance(0);
}

bool ClusterControl::route(DbInstance& nominal, Request* r, double work_s) {
  const bool to_writer = nominal.writer();
  if (!proxy_) {
    if (to_writer && failing_over_) {
      fail(r);
      return true;
    }
    if (nominal.in_service()) return false;
    DbInstance& target = pick_reader();
    if (target.writer() && failing_over_) {
      fail(r);
      return true;
    }
    target.run(r, work_s);
    return true;
  }
  DbInstance& target = to_writer ? cluster_.instance(0) : pick_reader();
  const std::uint32_t p = pending_.acquire();
  pending_[p] = Pending{r, &target, work_s};
  if (proxy_->borrow(proxy_target_[index_of(target)], this, p)) on_borrowed(p, true);
  return true;
}

void ClusterControl::on_borrowed(std::uint64_t token, bool ok) {
  const auto p = static_cast<std::uint32_t>(token);
  const Pending pending = pending_[p];
  pending_.release(p);
  if (!ok) {
    ++failed_queries_;
    client_.query_failed(pending.r, &cause_borrow_);
    return;
  }
  start_on(*pending.target, pending.r, pending.work_s);
}

void ClusterControl::start_on(DbInstance& target, Request* r, double work_s) {
  // The proxy hop adds its latency before the query reaches the instance.
  const sim::Time hop = proxy_->query_latency(rng_);
  DbInstance* t = &target;
  sim_.schedule(hop, [t, r, work_s] { t->run(r, work_s); });
}

void ClusterControl::done(DbInstance& ran_on, Request* r) {
  if (proxy_) proxy_->release(proxy_target_[index_of(ran_on)]);
  client_.query_done(r);
}

void ClusterControl::fail(Request* r) {
  ++failed_queries_;
  // Asynchronously: the caller is inside the task's query path.
  sim_.schedule(0, [this, r] { client_.query_failed(r, &cause_failover_); });
}

// ---------------------------------------------------------------- failover

std::string ClusterControl::begin_failover(sim::Time duration) {
  ++failovers_;
  failing_over_ = true;
  // A failover during another one extends the outage to the later of their ends.
  failover_until_ = std::max(failover_until_, sim_.now() + duration);
  if (proxy_) proxy_->set_available(proxy_target_[0], false);
  const std::string how = proxy_ ? "writes wait at the proxy" : "writes fail until the writer is back";
  events_.add(sim_.now(), "db_failover", cluster_.instance(0).name(), std::nullopt, std::nullopt,
              "writer unavailable for " + sim::format_duration(duration) + "; " + how);
  sim_.schedule(duration, [this] { end_failover(); });
  return how;
}

void ClusterControl::end_failover() {
  if (!failing_over_ || sim_.now() < failover_until_) return;  // a later failover is still on
  failing_over_ = false;
  if (proxy_) proxy_->set_available(proxy_target_[0], true);
  events_.add(sim_.now(), "db_failover_complete", cluster_.instance(0).name(), std::nullopt, std::nullopt,
              "writer available again");
}

// ---------------------------------------------------------------- replica auto scaling

void ClusterControl::set_desired_capacity(int capacity) {
  // Auto scaling removes only the replicas it created.
  desired_ = std::max(capacity, configured_readers_);
  const int planned = readers_in_service() + static_cast<int>(launches_.size());
  for (int k = planned; k < desired_; ++k) launch_reader();
  for (int k = planned; k > desired_; --k) remove_reader();
}

void ClusterControl::launch_reader() {
  const std::uint64_t id = ++next_launch_;
  launches_.push_back(id);
  const sim::Time after = config_.replica_scaling->launch_time.sample_time(rng_);
  events_.add(sim_.now(), "replica_launch", scalable_name_, std::nullopt, std::nullopt,
              "new reader available in " + sim::format_duration(after));
  sim_.schedule(after, [this, id] { on_reader_ready(id); });
}

void ClusterControl::on_reader_ready(std::uint64_t id) {
  const auto it = std::find(launches_.begin(), launches_.end(), id);
  if (it == launches_.end()) return;  // cancelled by a scale-in meanwhile
  launches_.erase(it);
  const DbInstance& inst = add_scaled_reader();
  const int n = readers_in_service();
  readers_max_ = std::max(readers_max_, n);
  events_.add(sim_.now(), "replica_available", inst.name(), n - 1, n, "replica auto scaling");
}

DbInstance& ClusterControl::add_scaled_reader() {
  DbInstance& inst = cluster_.add_reader("reader-" + std::to_string(++next_reader_name_));
  const std::size_t index = cluster_.instance_count() - 1;
  scaled_.push_back(index);
  if (proxy_) {
    proxy_target_.push_back(proxy_->add_target(inst.name(), inst.max_connections(), cluster_.class_vcpus(false)));
    inst.set_max_connections(kProxyClientLimit);
  }
  return inst;
}

void ClusterControl::remove_reader() {
  if (!launches_.empty()) {  // a launch not yet done is cancelled first
    launches_.pop_back();
    return;
  }
  if (scaled_.empty()) return;
  const std::size_t index = scaled_.back();
  scaled_.pop_back();
  DbInstance& inst = cluster_.instance(index);
  inst.set_in_service(false, sim_.now());
  if (proxy_) proxy_->remove_target(proxy_target_[index]);
  const int n = readers_in_service();
  readers_min_ = std::min(readers_min_, n);
  events_.add(sim_.now(), "replica_removed", inst.name(), n + 1, n, "replica auto scaling");
}

// ---------------------------------------------------------------- results

void ClusterControl::add_usage(cost::Usage& usage, sim::Time end) const {
  (void)end;
  if (proxy_) {
    cost::RdsProxyUsage& u = usage.rds_proxy_for(proxy_->name());
    u.vcpu_seconds += proxy_->billed_vcpu_seconds();
    u.acu_seconds += proxy_->billed_acu_seconds();
  }
}

void ClusterControl::on_warmup_end() {
  if (cpu_metric_) cpu_metric_->restart(sim_.now());
  if (connections_metric_) connections_metric_->restart(sim_.now());
}

void ClusterControl::sample(sim::Time, sim::Time, SeriesRow& row) {
  row.set(cluster_.config().name + ".readers", static_cast<double>(readers_in_service()));
  if (!proxy_) return;
  const std::string& n = proxy_->name();
  row.set(n + ".database_connections", static_cast<double>(proxy_->database_connections()));
  row.set(n + ".database_connections_borrowed", static_cast<double>(proxy_->database_connections_borrowed()));
  int clients = 0;
  for (std::size_t i = 0; i < cluster_.instance_count(); ++i) clients += cluster_.instance(i).connections();
  row.set(n + ".client_connections", static_cast<double>(clients));
  const std::uint64_t borrows = proxy_->borrows() - sampled_borrows_;
  row.set(n + ".borrow_wait_ms", borrows > 0 ? (proxy_->borrow_wait_sum_ms() - sampled_wait_sum_) / static_cast<double>(borrows) : 0.0);
  row.set(n + ".borrow_timeouts", static_cast<double>(proxy_->borrow_timeouts() - sampled_timeouts_));
  sampled_borrows_ = proxy_->borrows();
  sampled_wait_sum_ = proxy_->borrow_wait_sum_ms();
  sampled_timeouts_ = proxy_->borrow_timeouts();
}

void ClusterControl::finish(RunOutput& out) {
  if (proxy_) {
    reports::Json j;
    j["borrows"] = proxy_->borrows();
    j["borrow_timeouts"] = proxy_->borrow_timeouts();
    j["borrow_wait_mean_ms"] = proxy_->borrows() > 0 ? proxy_->borrow_wait_sum_ms() / static_cast<double>(proxy_->borrows()) : 0.0;
    reports::Json pools;
    for (std::size_t i = 0; i < cluster_.instance_count(); ++i) pools[cluster_.instance(i).name()] = proxy_->pool_limit(proxy_target_[i]);
    j["pool_limits"] = pools;
    reports::Json idle;
    for (std::size_t i = 0; i < cluster_.instance_count(); ++i) idle[cluster_.instance(i).name()] = proxy_->idle_limit(proxy_target_[i]);
    j["idle_limits"] = idle;
    j["max_connections_percent"] = proxy_->config().max_connections_percent;
    j["borrow_timeout_s"] = sim::to_seconds(proxy_->config().borrow_timeout);
    j["billed_vcpu_seconds"] = proxy_->billed_vcpu_seconds();
    j["billed_acu_seconds"] = proxy_->billed_acu_seconds();
    out.sections["db_proxy"][proxy_->name()] = j;
  }
  if (autoscaler_) {
    reports::Json j;
    j["readers_min"] = readers_min_;
    j["readers_max"] = readers_max_;
    j["readers_at_end"] = readers_in_service();
    j["scale_outs"] = autoscaler_->scale_outs();
    j["scale_ins"] = autoscaler_->scale_ins();
    out.sections["replica_autoscaling"][cluster_.config().name] = j;
  }
  if (failovers_ > 0 || failed_queries_ > 0) {
    out.sections["db_faults"] = {{"failovers", failovers_}, {"failed_queries", failed_queries_}};
  }
}

}  // namespace loadcast::models
