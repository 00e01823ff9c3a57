#include "models/faults/faults.hpp"

#include <algorithm>

namespace loadcast::models {

const char* to_string(FaultType t) {
  switch (t) {
    case FaultType::kDbFailover: return "db_failover";
    case FaultType::kKillTasks: return "kill_tasks";
    case FaultType::kWorkerErrors: return "worker_errors";
  }
  return "?";
}

Faults::Faults(sim::Simulation& sim, const std::vector<FaultConfig>& faults, FaultTargets& targets, EventLog& events)
    : sim_(sim), faults_(faults), targets_(targets), events_(events) {}

void Faults::start() {
  for (std::size_t i = 0; i < faults_.size(); ++i) sim_.schedule_at(faults_[i].at, [this, i] { begin(i); });
}

void Faults::begin(std::size_t i) {
  const FaultConfig& f = faults_[i];
  ++started_;
  const sim::Time now = sim_.now();
  switch (f.type) {
    case FaultType::kDbFailover: {
      const std::string what = targets_.begin_db_failover(f.duration);
      events_.add(now, "fault_start", "database", std::nullopt, std::nullopt,
                  "db_failover for " + sim::format_duration(f.duration) + (what.empty() ? "" : ": " + what));
      sim_.schedule(f.duration, [this, i] { end(i); });
      break;
    }
    case FaultType::kKillTasks: {
      const int killed = targets_.kill_tasks(f.service_index, f.worker, f.count);
      events_.add(now, "fault_start", f.service, std::nullopt, static_cast<double>(killed),
                  "kill_tasks: " + std::to_string(killed) + " of " + std::to_string(f.count) + " requested tasks killed");
      break;
    }
    case FaultType::kWorkerErrors: {
      worker_errors_[f.service_index].push_back(i);
      apply_worker_errors(f.service_index);
      events_.add(now, "fault_start", f.service, std::nullopt, f.failure_probability,
                  "worker_errors: each message fails with probability " + format_number(f.failure_probability, 6) +
                      " for " + sim::format_duration(f.duration));
      sim_.schedule(f.duration, [this, i] { end(i); });
      break;
    }
  }
}

void Faults::end(std::size_t i) {
  const FaultConfig& f = faults_[i];
  if (f.type == FaultType::kWorkerErrors) {
    auto& active = worker_errors_[f.service_index];
    active.erase(std::find(active.begin(), active.end(), i));
    apply_worker_errors(f.service_index);
  }
  events_.add(sim_.now(), "fault_end", f.type == FaultType::kDbFailover ? std::string("database") : f.service,
              std::nullopt, std::nullopt, std::string(to_string(f.type)) + " over");
}

void Faults::apply_worker_errors(std::size_t worker) {
  const auto& active = worker_errors_[worker];
  double p = -1.0;  // none active: the worker's own probability
  for (std::size_t k : active) p = std::max(p, faults_[k].failure_probability);
  targets_.set_worker_failure(worker, p);
}

}  // namespace loadcast::models
