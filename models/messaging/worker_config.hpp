// Configuration of a worker service (worker_service.hpp): an ECS service (ServiceConfig, every
// key of a `services:` entry) whose tasks poll one SQS FIFO queue with `pollers` loops, receive
// up to `batch_size` messages with long polling, run the worker's own steps for each, and delete
// them — a `workers.<name>:` section. Durations sim::Time. validate() returns the problems with
// keys relative to the section, including a worker at zero tasks that no policy can scale out
// again (backlog_per_task needs the guarded `backlog_metric_math`; cpu and memory never can).
// [doc] https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
// [doc] https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
// [source] https://github.com/aws/copilot-cli/blob/mainline/cf-custom-resources/lib/backlog-per-task-calculator.js
// assumption (keys): pollers per task, the handler's failure probability; no datapoint from
// `m1 / m2` at zero RUNNING tasks.
// Facts and assumptions: docs/models/messaging.md#worker-services
// With `concurrency: { thread_pool: N }` (or process_pool) each of the N workers is a poller
// holding its message for all its steps: pollers and threads are N, and there is no backlog.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/core/config_problem.hpp"
#include "models/core/step_config.hpp"
#include "models/web/service_config.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

// The metric-math expression behind backlog_per_task (`backlog_metric_math`).
enum class BacklogMath {
  kDivide,   // "visible / running": no datapoint at zero RUNNING tasks (AWS's documented example)
  kGuarded,  // "IF(running > 0, visible / running, visible)": the whole backlog at zero tasks
};
inline constexpr const char* kBacklogDivide = "visible / running";
inline constexpr const char* kBacklogGuarded = "IF(running > 0, visible / running, visible)";
// The expression `text` declares (whitespace ignored; `m1`/`m2`, AWS's example ids, may stand for
// visible/running); nullopt when it is neither form.
std::optional<BacklogMath> parse_backlog_math(const std::string& text);

struct WorkerConfig {
  ServiceConfig service;       // task size, desired count, lifecycle, pools, autoscaling
  std::string queue;
  std::size_t queue_index = 0;
  int pollers = 1;             // poller loops per task
  std::int64_t batch_size = 10;  // MaxNumberOfMessages, 1..10
  sim::Time wait_time = 20 * sim::kSecond;  // WaitTimeSeconds, 0..20 s (0: short polling)
  bool delete_batch = false;   // `delete: batch`: one DeleteMessageBatch per batch, not one call per message
  double failure_probability = 0.0;
  BacklogMath backlog_math = BacklogMath::kDivide;  // `backlog_metric_math`
  std::vector<StepConfig> steps;

  // The service's keys are the worker's own (`workers.<name>.cpu`).
  ConfigProblems validate() const;
};

// Whether `policy` can take a worker from zero tasks to one, with backlog_per_task defined by
// `math` (see the header).
bool scales_from_zero(const ScalingPolicyConfig& policy, BacklogMath math);

}  // namespace loadcast::models
