// WorkerConfig: validate() on plain structs — polling limits and scaling out from zero tasks.
#include <catch2/catch.hpp>

#include "models/messaging/worker_config.hpp"
#include "tests/models/config_problems.hpp"

using namespace loadcast;
using namespace loadcast::models;
using testing::Lines;
using testing::lines;

namespace {

WorkerConfig at_zero(ScalingPolicyConfig policy) {
  WorkerConfig w;
  AutoscalingConfig a;
  a.min = 0;
  a.max = 4;
  a.policies.push_back(std::move(policy));
  w.service.autoscaling = a;
  return w;
}

ScalingPolicyConfig tracking(const std::string& metric) {
  TargetTrackingConfig tt;
  tt.metric = metric;
  return ScalingPolicyConfig{metric, tt};
}

const std::string kNoWayBack =
    "autoscaling.min: is 0 but no policy can scale the worker out from zero tasks (without a RUNNING task cpu and memory have no "
    "datapoint, nor has backlog_per_task unless its metric math is guarded): declare backlog_metric_math: 'IF(running > 0, visible / "
    "running, visible)' (the expression your policy must use) with a backlog_per_task policy, or set min to 1";

WorkerConfig guarded(WorkerConfig w) {
  w.backlog_math = BacklogMath::kGuarded;
  return w;
}

}  // namespace

TEST_CASE("WorkerConfig: ReceiveMessage limits and the failure probability") {
  WorkerConfig w;
  CHECK(w.validate().empty());
  w.pollers = 0;
  w.batch_size = 11;
  w.wait_time = 30 * sim::kSecond;
  w.failure_probability = 2;
  w.service.threads = 0;  // the service's keys are the worker's own
  CHECK(lines(w.validate()) == Lines{"threads: must be at least 1", "pollers: must be between 1 and 1000",
                                     "batch_size: must be between 1 and 10 (ReceiveMessage MaxNumberOfMessages)",
                                     "wait_time: must be between 0s and 20s (WaitTimeSeconds)", "failure_probability: must be between 0 and 1"});
}

TEST_CASE("WorkerConfig: at min 0 a policy must be able to scale out from zero tasks") {
  CHECK(lines(at_zero(tracking("cpu")).validate()) == Lines{kNoWayBack});
  CHECK(lines(at_zero(tracking("oldest_message_age")).validate()) == Lines{kNoWayBack});
  // AWS's m1 / m2 has no datapoint at zero tasks; the guarded expression has the whole backlog.
  CHECK(lines(at_zero(tracking("backlog_per_task")).validate()) == Lines{kNoWayBack});
  CHECK(guarded(at_zero(tracking("backlog_per_task"))).validate().empty());
  CHECK(lines(guarded(at_zero(tracking("cpu"))).validate()) == Lines{kNoWayBack});
  StepScalingConfig st;
  st.metric = "oldest_message_age";
  st.steps = {{0.0, std::nullopt, 1}};
  CHECK(at_zero(ScalingPolicyConfig{"age", st}).validate().empty());
  st.metric = "backlog_per_task";
  CHECK(lines(at_zero(ScalingPolicyConfig{"backlog", st}).validate()) == Lines{kNoWayBack});
  CHECK(guarded(at_zero(ScalingPolicyConfig{"backlog", st})).validate().empty());
  st.metric = "oldest_message_age";
  st.adjustment_type = AdjustmentType::kPercentChangeInCapacity;  // a percentage of 0 tasks
  CHECK(lines(at_zero(ScalingPolicyConfig{"age", st}).validate()) == Lines{kNoWayBack});
}

TEST_CASE("WorkerConfig: the backlog metric math, as users write it in their policy") {
  CHECK(parse_backlog_math("visible / running") == BacklogMath::kDivide);
  CHECK(parse_backlog_math("m1/m2") == BacklogMath::kDivide);
  CHECK(parse_backlog_math("IF(running > 0, visible / running, visible)") == BacklogMath::kGuarded);
  CHECK(parse_backlog_math("IF(m2>0,m1/m2,m1)") == BacklogMath::kGuarded);
  CHECK(parse_backlog_math(kBacklogDivide) == BacklogMath::kDivide);
  CHECK(parse_backlog_math(kBacklogGuarded) == BacklogMath::kGuarded);
  CHECK_FALSE(parse_backlog_math("IF(running > 0, visible / running, 0)"));  // 0 at zero tasks: never scales out
  CHECK_FALSE(parse_backlog_math("visible / m2"));                          // one naming or the other
  CHECK_FALSE(parse_backlog_math("visible"));
}

TEST_CASE("WorkerConfig: a scheduled action raising min brings a worker back from zero") {
  WorkerConfig w = at_zero(tracking("cpu"));
  w.service.autoscaling->scheduled.push_back(ScheduledActionConfig{sim::kMinute, 1, std::nullopt});
  CHECK(w.validate().empty());
  w.service.autoscaling->scheduled[0].max = 0;  // wrong on its own: it does not count
  CHECK(lines(w.validate()) == Lines{"autoscaling.scheduled[0]: max must be >= min", kNoWayBack});
}
