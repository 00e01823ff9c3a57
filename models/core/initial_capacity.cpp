#include "models/core/initial_capacity.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <variant>

#include "models/core/component.hpp"
#include "models/data/db_instance_classes.hpp"
#include "workload/flow_visits.hpp"

namespace loadcast::models {

namespace {

constexpr double kFirstMinuteS = 60.0;
constexpr double kDefaultCpuTarget = 70.0;  // without policies

// What flows into one service or worker per second at the first minute's load.
struct Demand {
  double rate = 0.0;       // requests (messages) per second
  double cpu = 0.0;        // busy vCPUs: rate x CPU seconds per request
  double in_flight = 0.0;  // requests in progress (Little's law, unloaded response time)
};

struct DbDemand {
  double reads = 0.0;   // vCPUs of read queries
  double writes = 0.0;  // vCPUs of write queries
};

struct Context {
  const ModelConfig& model;
  std::vector<Demand> services;  // parallel to model.services
  std::vector<Demand> workers;   // parallel to model.workers
  std::vector<double> inflow;    // messages per second, parallel to model.queues
  DbDemand db;
};

double read_mean(const ModelConfig& m, const DbStepConfig& s) {
  if (s.read) return s.read->mean();
  return m.database ? m.database->query.read.mean() : 0.0;
}
double write_mean(const ModelConfig& m, const DbStepConfig& s) {
  if (s.write) return s.write->mean();
  return m.database ? m.database->query.write.mean() : 0.0;
}

double api_latency(const ModelConfig& m, const PublishConfig& p) {
  if (p.to_topic) return p.target_index < m.topics.size() ? m.topics[p.target_index].client.latency.mean() : 0.0;
  return p.target_index < m.queues.size() ? m.queues[p.target_index].client.latency.mean() : 0.0;
}

// Per execution of `steps` on a task of `service`: CPU seconds, unloaded time, DB demand, and
// the messages each queue receives.
struct StepTotals {
  double cpu = 0.0;
  double time = 0.0;
  DbDemand db;
  std::vector<double> messages;  // per queue
};

StepTotals step_totals(const ModelConfig& m, const std::vector<StepConfig>& steps, const ServiceConfig* service) {
  StepTotals t;
  t.messages.assign(m.queues.size(), 0.0);
  const double speed = service != nullptr ? std::min(1.0, std::min(static_cast<double>(service->threads), service->vcpu())) : 1.0;
  for (const auto& s : steps) {
    switch (s.kind) {
      case StepKind::kCpu:
        t.cpu += s.service.mean();
        t.time += s.service.mean() / std::max(speed, 1e-9);
        break;
      case StepKind::kDb: {
        const double r = static_cast<double>(s.db.reads) * read_mean(m, s.db);
        const double w = static_cast<double>(s.db.writes) * write_mean(m, s.db);
        t.db.reads += r;
        t.db.writes += w;
        t.time += r + w;
        break;
      }
      case StepKind::kPublish:
        t.time += api_latency(m, s.publish);
        if (s.publish.to_topic) {
          if (s.publish.target_index < m.topics.size()) {
            for (std::size_t q : m.topics[s.publish.target_index].subscription_indices) {
              if (q < t.messages.size()) t.messages[q] += 1.0;
            }
          }
        } else if (s.publish.target_index < t.messages.size()) {
          t.messages[s.publish.target_index] += 1.0;
        }
        break;
      case StepKind::kDelay:
      case StepKind::kStation:
        t.time += s.service.mean();
        break;
    }
  }
  return t;
}

// Seconds a worker's poller spends per message: its steps plus its share of the receive and
// delete calls.
double worker_message_time(const ModelConfig& m, const WorkerConfig& w, const StepTotals& t) {
  const double latency = w.queue_index < m.queues.size() ? m.queues[w.queue_index].client.latency.mean() : 0.0;
  const double batch = static_cast<double>(std::max<std::int64_t>(1, w.batch_size));
  return t.time + latency / batch + (w.delete_batch ? latency / batch : latency);
}

// The requests of each class one arrival brings with flows: the expected requests of a session
// (workload/flow_visits.hpp). Without flows the weights' shares are used, as written below.
std::vector<double> session_requests(const workload::WorkloadSpec& workload) {
  return workload.flows.empty() ? std::vector<double>{} : workload::session_demand(workload).requests;
}

Context demands(const workload::WorkloadSpec& workload, const ModelConfig& m) {
  Context c{m, std::vector<Demand>(m.services.size()), std::vector<Demand>(m.workers.size()),
            std::vector<double>(m.queues.size(), 0.0), {}};
  const double rate = first_minute_rate(workload, m);
  double weights = 0.0;
  for (const auto& cls : workload.classes) weights += cls.weight;
  const std::vector<double> per_session = session_requests(workload);
  std::vector<double> base(m.queues.size(), 0.0);
  for (std::size_t k = 0; k < m.classes.size() && k < workload.classes.size(); ++k) {
    const double share = !per_session.empty() ? rate * per_session[k] : weights > 0 ? rate * workload.classes[k].weight / weights : 0.0;
    const auto& cls = m.classes[k];
    const ServiceConfig* svc = cls.service && *cls.service < m.services.size() ? &m.services[*cls.service] : nullptr;
    const StepTotals t = step_totals(m, cls.steps, svc);
    if (svc != nullptr) {
      Demand& d = c.services[*cls.service];
      d.rate += share;
      d.cpu += share * t.cpu;
      d.in_flight += share * t.time;
    }
    c.db.reads += share * t.db.reads;
    c.db.writes += share * t.db.writes;
    for (std::size_t q = 0; q < base.size(); ++q) base[q] += share * t.messages[q];
  }
  for (std::size_t q = 0; q < m.queues.size(); ++q) {
    for (const auto& f : m.queues[q].schedules) {
      const double every = sim::to_seconds(f.every);
      if (every > 0 && f.start < sim::from_seconds(kFirstMinuteS)) base[q] += static_cast<double>(f.messages) / every;
    }
  }
  // Workers re-publish what they process: iterate to the fixed point of the flow (a chain of
  // workers needs one pass per link).
  std::vector<StepTotals> worker_steps;
  for (const auto& w : m.workers) worker_steps.push_back(step_totals(m, w.steps, &w.service));
  c.inflow = base;
  for (std::size_t pass = 0; pass <= m.workers.size(); ++pass) {
    std::vector<double> next = base;
    for (std::size_t i = 0; i < m.workers.size(); ++i) {
      const double processed = m.workers[i].queue_index < c.inflow.size() ? c.inflow[m.workers[i].queue_index] : 0.0;
      for (std::size_t q = 0; q < next.size(); ++q) next[q] += processed * worker_steps[i].messages[q];
    }
    c.inflow = std::move(next);
  }
  for (std::size_t i = 0; i < m.workers.size(); ++i) {
    const auto& w = m.workers[i];
    const double processed = w.queue_index < c.inflow.size() ? c.inflow[w.queue_index] : 0.0;
    Demand& d = c.workers[i];
    d.rate = processed;
    d.cpu = processed * worker_steps[i].cpu;
    d.in_flight = processed * worker_message_time(m, w, worker_steps[i]);
    c.db.reads += processed * worker_steps[i].db.reads;
    c.db.writes += processed * worker_steps[i].db.writes;
  }
  return c;
}

std::string num(double v) { return format_number(v, 4); }

struct Need {
  double tasks = 0.0;
  std::string basis;
};

// The tasks one policy metric holds at `target`, or nullopt for a metric not estimated.
std::optional<Need> tasks_for(const std::string& metric, double target, const ServiceConfig& s, const Demand& d,
                              double worker_throughput) {
  if (!(target > 0)) return std::nullopt;
  if (metric == "cpu") {
    const double n = d.cpu / (s.vcpu() * target / 100.0);
    return Need{n, num(d.cpu) + " busy vCPU / (" + num(s.vcpu()) + " vCPU x " + num(target) + " %)"};
  }
  if (metric == "memory") {
    const double room = target / 100.0 * s.memory_mib - s.base_memory_mib();
    if (room <= 0) return Need{1e9, "memory target below the base memory"};
    const double n = d.in_flight * s.memory_per_request_mib / room;
    return Need{n, num(d.in_flight) + " requests in flight x " + num(s.memory_per_request_mib) + " MiB / (" + num(target) +
                       " % x " + std::to_string(s.memory_mib) + " MiB - base)"};
  }
  if (metric == "requests_per_target") {
    return Need{d.rate * 60.0 / target, num(d.rate * 60.0) + " requests/min / " + num(target) + " per target"};
  }
  if (metric == "backlog_per_task" && worker_throughput > 0) {
    return Need{d.rate / worker_throughput, num(d.rate) + " messages/s / " + num(worker_throughput) + " per task"};
  }
  return std::nullopt;
}

CapacityEstimate estimate_service(const std::string& path, const ServiceConfig& s, const Demand& d, double worker_throughput) {
  std::optional<Need> best;
  const auto consider = [&](const std::optional<Need>& n) {
    if (n && (!best || n->tasks > best->tasks)) best = n;
  };
  if (s.autoscaling) {
    for (const auto& p : s.autoscaling->policies) {
      if (const auto* tt = std::get_if<TargetTrackingConfig>(&p.spec)) {
        consider(tasks_for(tt->metric, tt->target, s, d, worker_throughput));
      } else {
        const auto& st = std::get<StepScalingConfig>(p.spec);
        const bool high = st.comparison == Comparison::kGreater || st.comparison == Comparison::kGreaterOrEqual;
        if (high) consider(tasks_for(st.metric, st.threshold, s, d, worker_throughput));
      }
    }
  }
  if (!best) consider(tasks_for("cpu", kDefaultCpuTarget, s, d, worker_throughput));
  // Never fewer tasks than the CPU demand needs to be served at all.
  const double capacity = std::min(static_cast<double>(s.threads), s.vcpu());
  const double stable = capacity > 0 ? std::floor(d.cpu / capacity) + 1.0 : 1.0;
  double tasks = std::ceil(best->tasks - 1e-9);
  std::string basis = best->basis + " = " + num(std::max(0.0, tasks));
  if (d.cpu > 0 && tasks < stable) {
    tasks = stable;
    basis += "; " + num(d.cpu) + " busy vCPU needs " + num(stable) + " tasks of " + num(capacity) + " vCPU";
  }
  int lo = 0, hi = 1 << 20;
  if (s.autoscaling) {
    lo = s.autoscaling->min;
    hi = s.autoscaling->max;
  }
  const double floor = d.rate > 0 || d.cpu > 0 ? std::max(lo, 1) : lo;  // no load: the minimum may be 0
  const double clamped = std::clamp(tasks, floor, static_cast<double>(std::max(hi, static_cast<int>(floor))));
  if (clamped != tasks) basis += "; clamped to " + num(clamped) + " (autoscaling " + std::to_string(lo) + ".." + std::to_string(hi) + ")";
  return CapacityEstimate{path, clamped, basis};
}

}  // namespace

double first_minute_rate(const workload::WorkloadSpec& workload, const ModelConfig& model) {
  const sim::Time minute = sim::from_seconds(kFirstMinuteS);
  if (const auto* open = std::get_if<workload::OpenWorkload>(&workload.model)) return open->rate.integral(minute) / kFirstMinuteS;
  const auto& closed = std::get<workload::ClosedWorkload>(workload.model);
  const double users = closed.users.integral(minute) / kFirstMinuteS;
  if (!workload.flows.empty()) {
    // A user's cycle: its think time, then a session (its requests and its steps' think times).
    const workload::SessionDemand d = workload::session_demand(workload);
    double session = d.think_s;
    for (std::size_t k = 0; k < workload.classes.size() && k < model.classes.size(); ++k) {
      const auto& cls = model.classes[k];
      const ServiceConfig* svc = cls.service && *cls.service < model.services.size() ? &model.services[*cls.service] : nullptr;
      session += d.requests[k] * step_totals(model, cls.steps, svc).time;
    }
    const double cycle = closed.think_time.mean() + session;
    return cycle > 0 ? users / cycle : 0.0;
  }
  double weights = 0.0, response = 0.0;
  for (std::size_t k = 0; k < workload.classes.size() && k < model.classes.size(); ++k) {
    const auto& cls = model.classes[k];
    const ServiceConfig* svc = cls.service && *cls.service < model.services.size() ? &model.services[*cls.service] : nullptr;
    weights += workload.classes[k].weight;
    response += workload.classes[k].weight * step_totals(model, cls.steps, svc).time;
  }
  const double cycle = closed.think_time.mean() + (weights > 0 ? response / weights : 0.0);
  return cycle > 0 ? users / cycle : 0.0;
}

std::vector<CapacityEstimate> estimate_initial_capacity(const workload::WorkloadSpec& workload, const ModelConfig& m) {
  std::vector<CapacityEstimate> out;
  const Context c = demands(workload, m);
  for (std::size_t i = 0; i < m.services.size(); ++i) {
    out.push_back(estimate_service("services." + m.services[i].name + ".desired", m.services[i], c.services[i], 0.0));
  }
  for (std::size_t i = 0; i < m.workers.size(); ++i) {
    const WorkerConfig& w = m.workers[i];
    const Demand& d = c.workers[i];
    const StepTotals t = step_totals(m, w.steps, &w.service);
    const double per_message = worker_message_time(m, w, t);
    const double capacity = std::min(static_cast<double>(w.service.threads), w.service.vcpu());
    double throughput = per_message > 0 ? static_cast<double>(w.pollers) / per_message : 0.0;
    if (t.cpu > 0) throughput = std::min(throughput, capacity / t.cpu);
    out.push_back(estimate_service("workers." + w.service.name + ".desired", w.service, d, throughput));
  }
  if (m.database && m.replica_scaling) {
    const DatabaseConfig& db = *m.database;
    const AutoscalingConfig& a = m.replica_scaling->autoscaling;
    double readers = db.readers;
    std::string basis = "configured readers (a reader_connections policy is not estimated)";
    for (const auto& p : a.policies) {
      const auto* tt = std::get_if<TargetTrackingConfig>(&p.spec);
      if (tt == nullptr || tt->metric != "reader_cpu" || !(tt->target > 0)) continue;
      // New replicas have the writer's class (cluster_control.hpp).
      const DbInstanceClass* cls = find_db_instance_class(db.instance_class);
      const double vcpus = cls != nullptr ? cls->vcpu : 2.0;
      const double n = std::ceil(c.db.reads / (vcpus * tt->target / 100.0) - 1e-9);
      readers = n;
      basis = num(c.db.reads) + " vCPU of reads / (" + num(vcpus) + " vCPU x " + num(tt->target) + " %) = " + num(n);
    }
    const double clamped = std::clamp(readers, static_cast<double>(std::max(a.min, db.readers)), static_cast<double>(a.max));
    if (clamped != readers) basis += "; clamped to " + num(clamped);
    out.push_back(CapacityEstimate{"database.replica_autoscaling.desired", clamped, basis});
  }
  if (m.database && m.database->type == DbType::kAuroraServerlessV2) {
    const DatabaseConfig& db = *m.database;
    const double writer = c.db.writes + (db.readers > 0 ? 0.0 : c.db.reads);
    // The Serverless v2 controller settles where the writer's CPU is target_utilization of its
    // capacity (models/data/aurora.hpp); its connection and memory floors are not estimated here.
    const double utilization = db.scaling.target_utilization;
    const double per_acu = db.scaling.vcpu_per_acu * utilization;
    const double acu = per_acu > 0 ? std::ceil(writer / per_acu * 2.0 - 1e-9) / 2.0 : db.min_acu;
    const double lo = std::max(0.5, db.min_acu);
    const double clamped = std::clamp(acu, lo, db.max_acu);
    std::string basis = num(writer) + " vCPU on the writer / (" + num(db.scaling.vcpu_per_acu) + " vCPU per ACU x " +
                        num(utilization * 100.0) + " %) = " + num(std::max(acu, 0.0)) + " ACU";
    if (clamped != acu) basis += "; clamped to " + num(clamped) + " (" + num(lo) + ".." + num(db.max_acu) + ")";
    out.push_back(CapacityEstimate{"database.initial_acu", clamped, basis});
  }
  return out;
}

}  // namespace loadcast::models
