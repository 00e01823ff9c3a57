#include "models/data/aurora.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/data/db_instance_classes.hpp"
#include "models/core/run_output.hpp"
#include "cost/usage.hpp"

namespace loadcast::models {

namespace {

constexpr double kGibPerAcu = 2.0;  // [doc] how-it-works: 1 ACU ~ 2 GiB

double round_up_half(double acu) { return std::ceil(acu * 2.0 - 1e-9) / 2.0; }
double round_down_half(double acu) { return std::floor(acu * 2.0 + 1e-9) / 2.0; }

}  // namespace

DbInstance::DbInstance(sim::Simulation& sim, DbCluster& cluster, std::string name, bool writer, int max_connections,
                       DbClient& client)
    : sim_(sim),
      cluster_(cluster),
      name_(std::move(name)),
      writer_(writer),
      client_(client),
      cpu_(sim, 0.0, *this),
      max_connections_(max_connections) {}

ConnectResult DbInstance::connect(ConnectWaiter* waiter) {
  if (paused_) {
    cluster_.request_resume(waiter, this);
    return ConnectResult::kWait;
  }
  if (connections_ >= max_connections_) return ConnectResult::kRefused;
  ++connections_;
  peak_connections_ = std::max(peak_connections_, connections_);
  cluster_.connections_changed();
  return ConnectResult::kOk;
}

void DbInstance::disconnect() {
  if (connections_ > 0) --connections_;
  cluster_.connections_changed();
}

void DbInstance::query(Request* r, double work_s) {
  if (QueryRouter* q = cluster_.router(); q != nullptr && q->route(*this, r, work_s)) return;
  run(r, work_s);
}

void DbInstance::set_in_service(bool on, sim::Time now) {
  in_service_ = on;
  if (!on) removed_ = now;
}

void DbInstance::run(Request* r, double work_s) { cpu_.add(r, work_s); }

void DbInstance::on_cpu_done(Request* r) {
  if (QueryRouter* q = cluster_.router()) q->done(*this, r);
  else client_.query_done(r);
}

void DbInstance::set_capacity(double acu, double vcpus) {
  const sim::Time now = sim_.now();
  acu_ = acu;
  acu_tw_.set(now, acu);
  capacity_.set(now, vcpus);
  // Serverless v2: the vCPUs of its ACUs are a quota on as many whole cores; a provisioned
  // instance has its class's cores.
  if (acu > 0.0) cpu_.set_quota(std::ceil(vcpus), vcpus, cluster_.config().scaling.cpu_period);
  else cpu_.set_capacity(vcpus);
}

void DbInstance::restart_statistics(sim::Time now) {
  busy_mark_ = cpu_.used(now);
  capacity_.restart(now);
  acu_tw_.restart(now);
  peak_connections_ = connections_;
}

DbCluster::DbCluster(sim::Simulation& sim, EventLog& events, const DatabaseConfig& config, DbClient& client)
    : sim_(sim), events_(events), config_(config), client_(&client) {
  int max_conn = 0;
  if (serverless()) {
    max_conn = serverless_max_connections(config.engine, config.min_acu, config.max_acu);
  } else {
    const DbInstanceClass* cls = find_db_instance_class(config.instance_class);
    if (cls == nullptr) throw std::invalid_argument("unknown DB instance class '" + config.instance_class + "'");
    max_conn = provisioned_max_connections(config.type, config.engine, *cls);
    vcpus_ = cls->vcpu;
    reader_vcpus_ = vcpus_;
    reader_max_connections_ = max_conn;
    if (config.reader_instance_class) {
      const DbInstanceClass* rc = find_db_instance_class(*config.reader_instance_class);
      if (rc == nullptr) throw std::invalid_argument("unknown DB instance class '" + *config.reader_instance_class + "'");
      reader_vcpus_ = rc->vcpu;
      reader_max_connections_ = provisioned_max_connections(config.type, config.engine, *rc);
    }
  }
  if (config.max_connections) max_conn = reader_max_connections_ = *config.max_connections;
  if (serverless()) reader_max_connections_ = max_conn;
  writer_max_connections_ = max_conn;
  instances_.push_back(std::make_unique<DbInstance>(sim, *this, "writer", true, max_conn, client));
  instances_.back()->set_instance_class(config.instance_class);
  for (int i = 1; i <= config.readers; ++i) {
    instances_.push_back(
        std::make_unique<DbInstance>(sim, *this, "reader-" + std::to_string(i), false, reader_max_connections_, client));
    instances_.back()->set_instance_class(config.reader_instance_class.value_or(config.instance_class));
  }
  controllers_.resize(instances_.size());
  sample_busy_.assign(instances_.size(), 0.0);
  sample_capacity_.assign(instances_.size(), 0.0);
  sample_acu_.assign(instances_.size(), 0.0);
}

DbCluster::~DbCluster() = default;

double DbCluster::active_floor() const { return std::max(0.5, config_.min_acu); }

void DbCluster::start() {
  // Serverless v2 starts at min capacity, or at `initial_acu` (a cluster already serving load).
  const double start_acu = config_.initial_acu ? std::clamp(*config_.initial_acu, active_floor(), config_.max_acu) : active_floor();
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    if (serverless()) {
      controllers_[i].own = start_acu;
      controllers_[i].window_start = controllers_[i].last_tick = sim_.now();
      instances_[i]->set_capacity(start_acu, start_acu * config_.scaling.vcpu_per_acu);
    } else {
      instances_[i]->set_capacity(0.0, i == 0 ? vcpus_ : reader_vcpus_);
    }
  }
  if (serverless()) {
    apply_capacity();
    sim_.schedule(config_.scaling.up_interval, [this] { on_tick(); });
    connections_changed();
  }
}

DbInstance& DbCluster::endpoint(bool reader) {
  if (!reader || instances_.size() == 1) return *instances_[0];
  // Round robin over the readers in service (the reader endpoint's DNS); none: the writer.
  for (std::size_t tries = 1; tries < instances_.size(); ++tries) {
    DbInstance& inst = *instances_[next_reader_];
    if (++next_reader_ >= instances_.size()) next_reader_ = 1;
    if (inst.in_service()) return inst;
  }
  return *instances_[0];
}

DbInstance& DbCluster::add_reader(const std::string& name) {
  // Aurora Auto Scaling adds replicas of the primary's instance class.
  instances_.push_back(std::make_unique<DbInstance>(sim_, *this, name, false, writer_max_connections_, *client_));
  DbInstance& inst = *instances_.back();
  inst.set_created(sim_.now());
  inst.set_instance_class(config_.instance_class);
  controllers_.emplace_back();
  sample_busy_.push_back(0.0);
  sample_capacity_.push_back(0.0);
  sample_acu_.push_back(0.0);
  if (serverless()) {
    controllers_.back().own = active_floor();
    controllers_.back().window_start = controllers_.back().last_tick = sim_.now();
    inst.set_capacity(active_floor(), active_floor() * config_.scaling.vcpu_per_acu);
  } else {
    inst.set_capacity(0.0, vcpus_);
  }
  return inst;
}

void DbCluster::apply_capacity() {
  const double vpa = config_.scaling.vcpu_per_acu;
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    DbInstance& inst = *instances_[i];
    if (inst.paused()) continue;
    double acu = controllers_[i].own;
    if (i > 0 && config_.reader_tier <= 1) acu = std::max(acu, controllers_[0].own);
    if (acu != inst.acu()) {
      const double from = inst.acu();
      inst.set_capacity(acu, acu * vpa);
      events_.add(sim_.now(), "acu", inst.name(), from, acu, acu > from ? "scale up" : "scale down");
    }
  }
}

double DbCluster::desired_acu(double vcpus, int connections) const {
  const auto& sc = config_.scaling;
  double want = vcpus / (sc.target_utilization * sc.vcpu_per_acu);
  if (sc.connection_floor) want = std::max(want, serverless_connection_floor_acu(config_.engine, connections));
  if (sc.working_set_gib > 0) want = std::max(want, sc.working_set_gib / (config_.buffer_pool_share() * kGibPerAcu));
  return std::clamp(round_up_half(want), active_floor(), config_.max_acu);
}

void DbCluster::on_tick() {
  const sim::Time now = sim_.now();
  const auto& sc = config_.scaling;
  bool paused = true;
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    DbInstance& inst = *instances_[i];
    Controller& c = controllers_[i];
    const double busy = inst.cpu_used(now);
    if (inst.paused()) {
      c.last_busy = c.window_busy = busy;
      c.last_tick = c.window_start = now;
      continue;
    }
    paused = false;
    // Up: this interval's CPU. A saturated instance reports its capacity, so it asks for
    // capacity / target: the rise is then bounded by up_fraction alone.
    const double tick_s = sim::to_seconds(now - c.last_tick);
    const double up_to = desired_acu(tick_s > 0 ? (busy - c.last_busy) / tick_s : 0.0, inst.connections());
    c.last_busy = busy;
    c.last_tick = now;
    if (up_to > c.own) {
      c.own = std::min(up_to, round_up_half(c.own + std::max(0.5, sc.up_fraction * c.own)));
      c.last_up = now;
    }
    // Down: the window's mean CPU, unless capacity rose within it (its CPU may have been capped).
    if (now - c.window_start >= sc.down_interval) {
      const double window_s = sim::to_seconds(now - c.window_start);
      const double down_to = desired_acu((busy - c.window_busy) / window_s, inst.connections());
      const bool rose = c.last_up >= 0 && now - c.last_up < sc.down_interval;
      if (down_to < c.own && !rose) {
        c.own = std::max(down_to, round_down_half(c.own - std::max(0.5, sc.down_fraction * c.own)));
      }
      c.window_busy = busy;
      c.window_start = now;
    }
  }
  if (!paused) apply_capacity();
  sim_.schedule(sc.up_interval, [this] { on_tick(); });
}

void DbCluster::connections_changed() {
  if (!serverless() || config_.min_acu > 0.0 || !config_.auto_pause_after) return;
  int total = 0;
  for (const auto& inst : instances_) total += inst->connections();
  if (total > 0 || instances_[0]->paused() || resuming_) {
    if (pause_timer_.valid()) sim_.cancel(pause_timer_);
    pause_timer_ = {};
    return;
  }
  if (!pause_timer_.valid() || !sim_.is_pending(pause_timer_)) {
    pause_timer_ = sim_.schedule(*config_.auto_pause_after, [this] { on_pause_timer(); });
  }
}

void DbCluster::on_pause_timer() {
  pause_timer_ = {};
  pause();
}

void DbCluster::pause() {
  ++pauses_;
  for (auto& inst : instances_) {
    if (inst->paused()) continue;
    const double from = inst->acu();
    inst->set_capacity(0.0, 0.0);
    inst->set_paused(true);
    events_.add(sim_.now(), "acu", inst->name(), from, 0.0, "auto-pause after " + sim::format_duration(*config_.auto_pause_after) + " without connections");
  }
}

void DbCluster::request_resume(ConnectWaiter* waiter, DbInstance* instance) {
  resume_waiters_.emplace_back(waiter, instance);
  if (resuming_) return;
  resuming_ = true;
  events_.add(sim_.now(), "db_resume", instances_[0]->name(), std::nullopt, std::nullopt, "connection attempt on a paused cluster");
  sim_.schedule(config_.resume_time, [this] { on_resumed(); });
}

void DbCluster::on_resumed() {
  resuming_ = false;
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    instances_[i]->set_paused(false);
    controllers_[i].own = active_floor();
  }
  apply_capacity();
  auto waiters = std::move(resume_waiters_);
  resume_waiters_.clear();
  for (auto& [waiter, inst] : waiters) {
    const ConnectResult r = inst->connect(nullptr);
    waiter->connect_result(inst, r == ConnectResult::kOk);
  }
  connections_changed();
}

void DbCluster::add_usage(cost::Usage& usage, sim::Time end) const {
  const auto storage = config_.io_optimized ? cost::AuroraStorage::kIoOptimized : cost::AuroraStorage::kStandard;
  for (const auto& inst : instances_) {
    if (serverless()) {
      usage.aurora_serverless_for(inst->name(), config_.name, storage).acu_seconds += inst->acu_area(end);
    } else if (config_.type == DbType::kAuroraProvisioned) {
      const sim::Time until = inst->removed() >= 0 ? inst->removed() : end;
      usage.aurora_provisioned_for(inst->name(), config_.name, inst->instance_class(), storage).instance_seconds +=
          static_cast<double>(cost::aurora_instance_billed_seconds(until - inst->created()));
    }
  }
  if (config_.type == DbType::kRds) return;
  cost::AuroraClusterUsage& c = usage.aurora_cluster_for(config_.name, storage);
  const cost::VolumeMeterConfig& v = config_.volume;
  if (!v.metered) return;
  const double span = sim::to_seconds(end);
  c.storage_gb_seconds += v.gb * span;
  c.backup_gb_seconds += v.backup_gb * span;
  const double reads = static_cast<double>(read_queries_) * v.io_per_read;
  const double writes = static_cast<double>(write_queries_) * v.io_per_write;
  c.read_io_requests += reads;
  c.write_io_requests += writes;
  c.io_requests += reads + writes;
}

void DbCluster::on_warmup_end() {
  stats_start_ = sim_.now();
  for (auto& inst : instances_) inst->restart_statistics(sim_.now());
  cpu_peak_.assign(instances_.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    sample_busy_[i] = instances_[i]->busy_area(stats_start_);
    sample_capacity_[i] = instances_[i]->capacity_area(stats_start_);
    sample_acu_[i] = instances_[i]->acu_area(stats_start_);
  }
}

void DbCluster::sample(sim::Time start, sim::Time end, SeriesRow& row) {
  const double span = sim::to_seconds(end - start);
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    const DbInstance& inst = *instances_[i];
    const double busy = inst.busy_area(end);
    const double capacity = inst.capacity_area(end);
    const double acu = inst.acu_area(end);
    const double dcap = capacity - sample_capacity_[i];
    if (serverless()) row.set(inst.name() + ".acu", span > 0 ? (acu - sample_acu_[i]) / span : inst.acu());
    const double cpu = dcap > 0 ? 100.0 * (busy - sample_busy_[i]) / dcap : std::numeric_limits<double>::quiet_NaN();
    row.set(inst.name() + ".cpu_utilization", cpu);
    if (cpu_peak_.size() <= i) cpu_peak_.resize(i + 1, std::numeric_limits<double>::quiet_NaN());
    if (!std::isnan(cpu) && end > stats_start_) cpu_peak_[i] = std::isnan(cpu_peak_[i]) ? cpu : std::max(cpu_peak_[i], cpu);
    row.set(inst.name() + ".connections", static_cast<double>(inst.connections()));
    sample_busy_[i] = busy;
    sample_capacity_[i] = capacity;
    sample_acu_[i] = acu;
  }
}

void DbCluster::finish(RunOutput& out) {
  const sim::Time now = sim_.now();
  const double span = sim::to_seconds(now - stats_start_);
  reports::Json& dbs = out.sections["databases"];
  for (std::size_t i = 0; i < instances_.size(); ++i) {
    const auto& inst = instances_[i];
    reports::Json j;
    j["role"] = inst->writer() ? "writer" : "reader";
    j["type"] = serverless() ? "aurora_serverless_v2" : config_.type == DbType::kAuroraProvisioned ? "aurora_provisioned" : "rds";
    if (serverless()) {
      j["acu_mean"] = span > 0 ? inst->acu_area(now) / span : inst->acu();
      j["acu_max"] = inst->acu_peak();
      j["acu_seconds"] = inst->acu_area(now);
    } else {
      j["instance_class"] = inst->instance_class();
    }
    const double cap = inst->capacity_area(now);
    j["cpu_utilization_mean"] = cap > 0 ? 100.0 * inst->busy_area(now) / cap : 0.0;
    const double peak = i < cpu_peak_.size() ? cpu_peak_[i] : std::numeric_limits<double>::quiet_NaN();
    j["cpu_utilization_peak"] = std::isnan(peak) ? reports::Json(nullptr) : reports::Json(peak);
    j["connections_max"] = inst->peak_connections();
    j["connections_peak"] = inst->peak_connections();
    j["max_connections"] = inst->max_connections();
    if (serverless()) j["max_acu"] = config_.max_acu;
    dbs[inst->name()] = j;
  }
  if (serverless() && config_.min_acu == 0.0) dbs["pauses"] = pauses_;
}

}  // namespace loadcast::models
