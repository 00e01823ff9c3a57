#include "models/messaging/worker_config.hpp"

#include <variant>

namespace loadcast::models {

// Target tracking scales from zero only on backlog_per_task (its formula uses max(RUNNING, 1);
// on oldest_message_age it is ceil(0 x age / target) = 0). A step policy on a queue metric adds
// tasks unless it adjusts by a percentage (a percentage of 0 tasks).
bool scales_from_zero(const ScalingPolicyConfig& policy) {
  if (const auto* tt = std::get_if<TargetTrackingConfig>(&policy.spec)) return tt->metric == "backlog_per_task";
  const auto& st = std::get<StepScalingConfig>(policy.spec);
  const bool queue_metric = st.metric == "backlog_per_task" || st.metric == "oldest_message_age";
  return queue_metric && st.adjustment_type != AdjustmentType::kPercentChangeInCapacity;
}

ConfigProblems WorkerConfig::validate() const {
  ConfigProblems out = service.validate();
  if (pollers < 1 || pollers > 1000) out.push_back({"pollers", "must be between 1 and 1000"});
  if (batch_size < 1 || batch_size > 10) out.push_back({"batch_size", "must be between 1 and 10 (ReceiveMessage MaxNumberOfMessages)"});
  if (wait_time < 0 || wait_time > 20 * sim::kSecond) out.push_back({"wait_time", "must be between 0s and 20s (WaitTimeSeconds)"});
  if (failure_probability < 0 || failure_probability > 1) out.push_back({"failure_probability", "must be between 0 and 1"});
  // An error, not a warning: a worker at min 0 that no policy can bring back from zero tasks
  // stops consuming its queue for good the first time it scales in to zero.
  if (const auto& a = service.autoscaling; a && a->min == 0) {
    bool recovers = false;
    for (const auto& p : a->policies) recovers = recovers || scales_from_zero(p);
    // A scheduled action that raises the floor again (one wrong on its own does not count).
    for (const auto& sa : a->scheduled) recovers = recovers || (sa.min && *sa.min > 0 && sa.validate().empty());
    if (!recovers) {
      out.push_back({"autoscaling.min", "is 0 but no policy can scale the worker out from zero tasks (cpu and memory have no "
                                        "datapoint without a RUNNING task): add a backlog_per_task target tracking policy or set min to 1"});
    }
  }
  return out;
}

}  // namespace loadcast::models
