// Configuration of a worker service (worker_service.hpp): an ECS service (ServiceConfig, every
// key of a `services:` entry) whose tasks poll one SQS FIFO queue with `pollers` loops, receive
// up to `batch_size` messages with long polling, run the worker's own steps for each, and delete
// them — a `workers.<name>:` section. Durations sim::Time. validate() returns the problems with
// keys relative to the section.
//
// Limits: ReceiveMessage MaxNumberOfMessages 1-10, WaitTimeSeconds 0-20 s: [doc]
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
// A worker that may scale in to zero tasks needs a policy that can scale it out again: only the
// queue's own metrics have datapoints without a RUNNING task (autoscaling.hpp).
// Assumptions (parameters): pollers per task (default: the service's threads), failure
// probability of a message's handler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/core/config_problem.hpp"
#include "models/core/step_config.hpp"
#include "models/web/service_config.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

struct WorkerConfig {
  ServiceConfig service;       // task size, desired count, lifecycle, pools, autoscaling
  std::string queue;
  std::size_t queue_index = 0;
  int pollers = 1;             // poller loops per task
  std::int64_t batch_size = 10;  // MaxNumberOfMessages, 1..10
  sim::Time wait_time = 20 * sim::kSecond;  // WaitTimeSeconds, 0..20 s (0: short polling)
  bool delete_batch = false;   // `delete: batch`: one DeleteMessageBatch per batch, not one call per message
  double failure_probability = 0.0;
  std::vector<StepConfig> steps;

  // The service's keys are the worker's own (`workers.<name>.cpu`).
  ConfigProblems validate() const;
};

// Whether `policy` can take a worker from zero tasks to one (see the header).
bool scales_from_zero(const ScalingPolicyConfig& policy);

}  // namespace loadcast::models
