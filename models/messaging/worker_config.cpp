#include "models/messaging/worker_config.hpp"

#include <string>
#include <utility>
#include <variant>

namespace loadcast::models {

std::optional<BacklogMath> parse_backlog_math(const std::string& text) {
  std::string t;
  for (char c : text) {
    if (c != ' ' && c != '\t') t += c;
  }
  for (const auto& [visible, running] : {std::pair<const char*, const char*>{"visible", "running"}, {"m1", "m2"}}) {
    const std::string v = visible, r = running;
    if (t == v + "/" + r) return BacklogMath::kDivide;
    if (t == "IF(" + r + ">0," + v + "/" + r + "," + v + ")") return BacklogMath::kGuarded;
  }
  return std::nullopt;
}

// At zero tasks a policy acts only on a datapoint: backlog_per_task has one only with the guarded
// expression, and target tracking then computes ceil(max(RUNNING, 1) x backlog / target) > 0;
// oldest_message_age always has one, but target tracking on it gives ceil(0 x age / target) = 0,
// so only a step policy that does not adjust by a percentage (a percentage of 0 tasks) acts on it.
bool scales_from_zero(const ScalingPolicyConfig& policy, BacklogMath math) {
  const bool backlog_defined = math == BacklogMath::kGuarded;
  if (const auto* tt = std::get_if<TargetTrackingConfig>(&policy.spec)) return tt->metric == "backlog_per_task" && backlog_defined;
  const auto& st = std::get<StepScalingConfig>(policy.spec);
  const bool has_datapoint = (st.metric == "backlog_per_task" && backlog_defined) || st.metric == "oldest_message_age";
  return has_datapoint && st.adjustment_type != AdjustmentType::kPercentChangeInCapacity;
}

ConfigProblems WorkerConfig::validate() const {
  ConfigProblems out = service.validate();
  if (pollers < 1 || pollers > 1000) out.push_back({"pollers", "must be between 1 and 1000"});
  // A worker's pool workers are its pollers: each polls, then holds its message for all its
  // steps, so no message ever waits for a worker and there is no backlog.
  if (const ConcurrencyConfig& cc = service.concurrency; cc.pool()) {
    const std::string key = std::string("concurrency.") + to_string(cc.model);
    if (cc.workers >= 1 && pollers != cc.workers) {
      out.push_back({"pollers", "must equal " + key + " (" + std::to_string(cc.workers) + "): each worker of the pool polls for its own messages (leave pollers out)"});
    }
    if (cc.backlog) out.push_back({"concurrency.backlog", "has no meaning on a worker: its workers pull messages, nothing waits for a worker"});
  }
  if (batch_size < 1 || batch_size > 10) out.push_back({"batch_size", "must be between 1 and 10 (ReceiveMessage MaxNumberOfMessages)"});
  if (wait_time < 0 || wait_time > 20 * sim::kSecond) out.push_back({"wait_time", "must be between 0s and 20s (WaitTimeSeconds)"});
  if (failure_probability < 0 || failure_probability > 1) out.push_back({"failure_probability", "must be between 0 and 1"});
  // An error, not a warning: a worker at min 0 that no policy can bring back from zero tasks
  // stops consuming its queue for good the first time it scales in to zero.
  if (const auto& a = service.autoscaling; a && a->min == 0) {
    bool recovers = false;
    for (const auto& p : a->policies) recovers = recovers || scales_from_zero(p, backlog_math);
    // A scheduled action that raises the floor again (one wrong on its own does not count).
    for (const auto& sa : a->scheduled) recovers = recovers || (sa.min && *sa.min > 0 && sa.validate().empty());
    if (!recovers) {
      out.push_back({"autoscaling.min", std::string("is 0 but no policy can scale the worker out from zero tasks (without a RUNNING task cpu "
                                                    "and memory have no datapoint, nor has backlog_per_task unless its metric math is guarded): "
                                                    "declare backlog_metric_math: '") +
                                            kBacklogGuarded + "' (the expression your policy must use) with a backlog_per_task policy, or set min to 1"});
    }
  }
  return out;
}

}  // namespace loadcast::models
