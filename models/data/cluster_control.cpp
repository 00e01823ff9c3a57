#include "models/data/cluster_control.hpp"

#include <algorithm>
#include <limits>

#include "models/core/run_output.hpp"
#include "models/web/task.hpp"
#include "cost/usage.hpp"

namespace loadcast::models {

namespace {

// Behind the proxy, the pools' connections are the proxy's client connections.
constexpr int kProxyClientLimit = std::numeric_limits<int>::max() / 2;
// Request::db_session of a query that borrowed its connection and pins it when it is done.
constexpr std::uint32_t kPins = std::numeric_limits<std::uint32_t>::max();
// How often the pinned sessions of tasks that stopped are looked for.
constexpr sim::Time kStoppedTaskSweep = sim::kSecond;

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
      pin_rng_(sim.stream("db.proxy.pinning")),
      reconnect_rng_(sim.stream("db.reconnect")),
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

bool ClusterControl::unavailable(const DbInstance& inst) const {
  return failing_over_ && (&inst == &cluster_.instance(0) || (promoted_ != 0 && &inst == &cluster_.instance(promoted_)));
}

DbInstance& ClusterControl::pick_reader() {
  DbInstance* best = nullptr;
  double best_load = 0.0;
  for (std::size_t i = 1; i < cluster_.instance_count(); ++i) {
    DbInstance& inst = cluster_.instance(i);
    if (!inst.in_service() || unavailable(inst)) continue;
    const double load = static_cast<double>(inst.queries()) / std::max(inst.cpu_capacity(), 1e-9);
    if (best == nullptr || load < best_load) {
      best = &inst;
      best_load = load;
    }
  }
  return best != nullptr ? *best : cluster_.instance(0);
}

bool ClusterControl::route(DbInstance& nominal, Request* r, double work_s) {
  if (proxy_) return proxy_route(nominal, r, work_s);
  // Without a proxy the connections to the writer and the promoted reader dropped in a failover.
  if (unavailable(nominal)) {
    fail(r);
    return true;
  }
  DbInstance* target = &nominal;
  if (!nominal.in_service()) {
    target = &pick_reader();
    if (unavailable(*target)) {
      fail(r);
      return true;
    }
  }
  const std::size_t i = index_of(*target);
  if (i < reconnect_debt_.size() && reconnect_debt_[i] > 0) {
    sim::Time delay = 0;
    const double work = work_s + reconnect(i, delay);
    sim_.schedule(delay, [target, r, work] { target->run(r, work); });
    return true;
  }
  if (target == &nominal) return false;
  target->run(r, work_s);
  return true;
}

bool ClusterControl::proxy_route(DbInstance& nominal, Request* r, double work_s) {
  const bool write = nominal.writer();
  r->db_session = 0;
  if (!task_sessions_.empty()) {
    if (const std::uint32_t s = idle_session(r->task, write); s != 0) {
      Session& x = sessions_[s - 1];
      x.busy = true;
      r->db_session = s;
      start_on(cluster_.instance(x.target), r, work_s);
      return true;
    }
  }
  if (const DbStepConfig* step = r->db.step; step != nullptr && step->pinned > 0.0) {
    if (step->pinned >= 1.0 || pin_rng_.uniform() < step->pinned) r->db_session = kPins;
  }
  DbInstance& target = write ? cluster_.instance(0) : pick_reader();
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
    pending.r->db_session = 0;
    client_.query_failed(pending.r, &cause_borrow_);
    return;
  }
  start_on(*pending.target, pending.r, pending.work_s);
}

void ClusterControl::start_on(DbInstance& target, Request* r, double work_s) {
  // The proxy hop adds its latency before the query reaches the instance.
  sim::Time hop = proxy_->query_latency(rng_);
  const std::size_t i = index_of(target);
  double work = work_s;
  if (i < reconnect_debt_.size() && reconnect_debt_[i] > 0) work += reconnect(i, hop);
  DbInstance* t = &target;
  sim_.schedule(hop, [t, r, work] { t->run(r, work); });
}

void ClusterControl::done(DbInstance& ran_on, Request* r) {
  if (proxy_) {
    const std::uint32_t s = r->db_session;
    r->db_session = 0;
    const std::size_t i = index_of(ran_on);
    if (s == kPins) {
      open_session(r->task, i);  // the borrowed connection stays with the client connection
    } else if (s != 0) {
      Session& x = sessions_[s - 1];
      x.busy = false;
      if (x.ending) end_session(s - 1);
    } else {
      proxy_->release(proxy_target_[i]);
    }
  }
  client_.query_done(r);
}

double ClusterControl::reconnect(std::size_t i, sim::Time& delay) {
  --reconnect_debt_[i];
  ++reconnects_;
  delay += cluster_.config().reconnect_latency.sample_time(reconnect_rng_);
  return cluster_.config().reconnect_work;
}

// ---------------------------------------------------------------- pinning

std::uint32_t ClusterControl::idle_session(const Task* task, bool write) {
  const auto it = task_sessions_.find(task);
  if (it == task_sessions_.end()) return 0;
  // Reads use a session on an in-service reader, or on the writer when no reader serves.
  const bool reads_on_writer = !write && &pick_reader() == &cluster_.instance(0);
  for (const std::uint32_t s : it->second) {
    const Session& x = sessions_[s];
    if (x.busy || x.ending) continue;
    const DbInstance& inst = cluster_.instance(x.target);
    const bool fits = (write || reads_on_writer) ? x.target == 0 : (x.target != 0 && inst.in_service() && !unavailable(inst));
    if (fits) return s + 1;
  }
  return 0;
}

void ClusterControl::open_session(const Task* task, std::size_t target) {
  proxy_->pin(proxy_target_[target]);
  const std::uint32_t s = sessions_.acquire();
  sessions_[s] = Session{task, target, false, false, {}};
  sessions_[s].expiry = sim_.schedule(proxy_->config().pinned_session, [this, s] { on_session_expiry(s); });
  task_sessions_[task].push_back(s);
  live_sessions_.push_back(s);
  if (!sweeping_) {
    sweeping_ = true;
    sim_.schedule(kStoppedTaskSweep, [this] { sweep_sessions(); });
  }
  pinned_max_ = std::max(pinned_max_, proxy_->pinned_connections());
}

void ClusterControl::on_session_expiry(std::uint32_t s) {
  Session& x = sessions_[s];
  x.expiry = {};
  if (x.busy) x.ending = true;
  else end_session(s);
}

void ClusterControl::end_session(std::uint32_t s) {
  Session& x = sessions_[s];
  if (x.expiry.valid()) sim_.cancel(x.expiry);
  auto& mine = task_sessions_[x.task];
  mine.erase(std::find(mine.begin(), mine.end(), s));
  if (mine.empty()) task_sessions_.erase(x.task);
  live_sessions_.erase(std::find(live_sessions_.begin(), live_sessions_.end(), s));
  const std::size_t target = x.target;
  sessions_.release(s);
  proxy_->unpin(proxy_target_[target]);
}

void ClusterControl::end_sessions_on(std::size_t instance) {
  // In creation order; a session with a query running ends when that query is done.
  const std::vector<std::uint32_t> live = live_sessions_;
  for (const std::uint32_t s : live) {
    Session& x = sessions_[s];
    if (x.target != instance) continue;
    if (x.busy) x.ending = true;
    else end_session(s);
  }
}

void ClusterControl::sweep_sessions() {
  end_sessions_of_stopped_tasks();
  sweeping_ = !live_sessions_.empty();
  if (sweeping_) sim_.schedule(kStoppedTaskSweep, [this] { sweep_sessions(); });
}

void ClusterControl::end_sessions_of_stopped_tasks() {
  // A stopped task's client connections closed, and their pinned sessions with them.
  const std::vector<std::uint32_t> live = live_sessions_;
  for (const std::uint32_t s : live) {
    Session& x = sessions_[s];
    if (x.task == nullptr || x.task->alive() || x.busy) continue;
    end_session(s);
  }
}

void ClusterControl::fail(Request* r) {
  ++failed_queries_;
  // Asynchronously: the caller is inside the task's query path.
  sim_.schedule(0, [this, r] { client_.query_failed(r, &cause_failover_); });
}

// ---------------------------------------------------------------- failover

std::string ClusterControl::begin_failover(sim::Time duration) {
  ++failovers_;
  // A failover during another one extends the outage to the later of their ends; the same
  // reader is being promoted and the connections have dropped already.
  failover_until_ = std::max(failover_until_, sim_.now() + duration);
  if (!failing_over_) {
    promoted_ = 0;
    for (std::size_t i = 1; i < cluster_.instance_count() && promoted_ == 0; ++i) {
      if (cluster_.instance(i).in_service()) promoted_ = i;
    }
    failing_over_ = true;
    reconnect_debt_.resize(cluster_.instance_count(), 0);
    drop_connections(0);
    if (promoted_ != 0) drop_connections(promoted_);
  }
  std::string how = proxy_ ? "writes wait at the proxy" : "writes fail until the writer is back";
  if (promoted_ != 0) {
    how += proxy_ ? ", reads avoid " + cluster_.instance(promoted_).name() + " (promoted)"
                  : ", so do reads on " + cluster_.instance(promoted_).name() + " (promoted)";
  }
  events_.add(sim_.now(), "db_failover", cluster_.instance(0).name(), std::nullopt, std::nullopt,
              "writer unavailable for " + sim::format_duration(duration) + "; " + how);
  sim_.schedule(duration, [this] { end_failover(); });
  return how;
}

void ClusterControl::drop_connections(std::size_t i) {
  // Behind a proxy its database connections drop (pinned sessions with them) and the clients'
  // connections to the proxy stay; without one the pools' connections drop.
  if (proxy_) {
    end_sessions_on(i);
    reconnect_debt_[i] += proxy_->open(proxy_target_[i]);
    proxy_->set_available(proxy_target_[i], false);
  } else {
    reconnect_debt_[i] += cluster_.instance(i).connections();
  }
}

void ClusterControl::end_failover() {
  if (!failing_over_ || sim_.now() < failover_until_) return;  // a later failover is still on
  failing_over_ = false;
  std::int64_t reconnecting = reconnect_debt_[0];
  if (proxy_) proxy_->set_available(proxy_target_[0], true);
  if (promoted_ != 0) {
    reconnecting += reconnect_debt_[promoted_];
    if (proxy_) proxy_->set_available(proxy_target_[promoted_], true);
  }
  events_.add(sim_.now(), "db_failover_complete", cluster_.instance(0).name(), std::nullopt, std::nullopt,
              "writer available again" + (promoted_ != 0 ? " and " + cluster_.instance(promoted_).name() : std::string()) + "; " +
                  std::to_string(reconnecting) + " connections to reopen");
  promoted_ = 0;
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
  if (proxy_) {
    end_sessions_on(index);
    proxy_->remove_target(proxy_target_[index]);
  }
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
  row.set(n + ".database_connections_pinned", static_cast<double>(proxy_->pinned_connections()));
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
    j["pins"] = proxy_->pins();
    j["pinned_max"] = pinned_max_;
    j["pinned_at_end"] = proxy_->pinned_connections();
    j["pinned_session_s"] = sim::to_seconds(proxy_->config().pinned_session);
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
    out.sections["db_faults"] = {{"failovers", failovers_}, {"failed_queries", failed_queries_}, {"reconnects", reconnects_}};
  }
}

}  // namespace loadcast::models
