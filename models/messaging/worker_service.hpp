// WorkerService: an ECS Fargate service whose tasks consume an SQS FIFO queue — the same task
// model, lifecycle, autoscaling and cost as a web service (EcsService, Task), fed by `pollers`
// poller loops per RUNNING task instead of a load balancer: receive a batch, run each message's
// steps on the task one after another, delete it (or skip the rest of its group in the batch
// when it fails, which keeps the group in order). A stopping task polls no more but finishes what
// it holds; what it holds when it stops or dies is `lost` and reappears after the visibility
// timeout. Every received message ends as exactly one of deleted, not deleted, failed, skipped,
// lost or held at the end (the accounting of `workers.<name>`). It publishes `backlog_per_task`
// and `oldest_message_age` for autoscaling.
// Randomness: "worker.<name>" (failures) and "worker.<name>.step.<i>"; a publish step's group
// is drawn from its message's derived deduplication id, so a re-publish keeps its group. Its CPU
// steps are scaled by the replication's demand factor ("worker.<name>.cpu_demand_factor",
// models/web/demand_factor.hpp; 1 without `cpu_demand_sd`).
// [doc] https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html
// [doc] https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
// Facts and assumptions: docs/models/messaging.md#behaviour and
// docs/models/messaging.md#worker-services
// Not thread safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/core/component.hpp"
#include "models/core/outbound_call.hpp"
#include "models/messaging/worker_config.hpp"
#include "models/web/ecs_service.hpp"
#include "models/messaging/fifo_queue.hpp"
#include "sim/index_pool.hpp"
#include "models/messaging/messaging.hpp"
#include "models/core/request.hpp"
#include "reports/histogram.hpp"
#include "sim/simulation.hpp"

namespace loadcast::models {

class WorkerService final : public Component, public RequestSink, public MessageClient {
 public:
  WorkerService(sim::Simulation& sim, EventLog& events, const WorkerConfig& config, Messaging& messaging, DbCluster* db,
                FargateLaunchBucket& bucket);
  ~WorkerService() override;
  WorkerService(const WorkerService&) = delete;
  WorkerService& operator=(const WorkerService&) = delete;

  void start();

  const std::string& name() const { return config_.service.name; }
  EcsService& service() { return *service_; }
  FifoQueue& queue() { return queue_; }
  // A fault: messages fail with `probability` until cleared with a negative value.
  void set_failure_override(double probability) { failure_override_ = probability; }
  // A fault: kills up to `count` RUNNING tasks (newest first); returns how many.
  int kill_tasks(int count, const std::string& reason);

  // The backlog_per_task datapoint now: visible messages / RUNNING tasks; at zero tasks the
  // whole backlog with the guarded metric math, else none.
  std::optional<double> backlog_per_task() const;
  std::uint64_t processed() const { return processed_; }
  std::uint64_t failed() const { return failed_; }
  std::uint64_t lost() const { return lost_; }
  std::uint64_t received() const { return received_; }
  std::uint64_t deleted() const { return deleted_; }
  // Messages held by pollers now (received, not yet deleted, failed, skipped or lost).
  std::uint64_t held() const;
  // received = deleted + not deleted + failed + skipped + lost + held.
  bool balanced() const;

  // RequestSink: the task hands a message's job back.
  void step_done(Request* r) override;
  void step_failed(Request* r, const Failure& f) override;
  void respond_early(Request* r, const Failure& f) override;
  // MessageClient: a publish step's job is the message's Request; pollers are the consumers.
  void on_sent(Request* job, bool duplicate) override;
  void on_received(ConsumerId poller, std::span<const ReceivedMessage> messages) override;
  void on_deleted(ConsumerId poller, std::uint32_t deleted, std::uint32_t mask) override;
  void on_send_failed(Request* job, const std::string* cause) override;
  void on_receive_failed(ConsumerId poller, const std::string* cause) override;
  void on_delete_failed(ConsumerId poller, const std::string* cause) override;

  void on_warmup_end() override;
  void sample(sim::Time start, sim::Time end, SeriesRow& row) override;
  void finish(RunOutput& out) override;
  // Its tasks' Fargate billing and the calls out of the VPC its delay steps declare.
  void add_usage(cost::Usage& usage, sim::Time end) const {
    service_->add_usage(usage, end);
    outbound_.add_usage(usage);
  }

 private:
  class Backlog;
  class Host;
  struct Poller {
    Task* task = nullptr;
    bool busy = false;      // an API call or a message is outstanding
    std::uint32_t count = 0;  // messages in the batch
    std::uint32_t next = 0;   // the next one to start
    std::uint32_t held = 0;   // of the batch, not yet deleted, failed, skipped or lost
    std::uint32_t failed_group = UINT32_MAX;
    std::uint32_t done = 0;      // succeeded messages awaiting the batch delete
    std::uint32_t deleting = 0;  // messages of the outstanding delete call
    std::array<ReceivedMessage, kMaxReceiveBatch> batch;
    std::array<std::uint8_t, kMaxReceiveBatch> done_at;      // their batch positions
    std::array<std::uint8_t, kMaxReceiveBatch> deleting_at;
  };

  void start_pollers(Task& task);
  void poll(std::uint32_t p);
  void process_next(std::uint32_t p);
  void end_batch(std::uint32_t p);
  void delete_held(std::uint32_t p, std::uint32_t n);
  void run_step(Request* r);
  void message_done(Request* r, bool ok);
  void abandon(std::uint32_t p);
  void retire(std::uint32_t p);
  static bool gone(const Poller& p);
  double failure_probability() const { return failure_override_ >= 0.0 ? failure_override_ : config_.failure_probability; }

  sim::Simulation& sim_;
  const WorkerConfig& config_;
  Messaging& messaging_;
  FifoQueue& queue_;
  std::unique_ptr<Backlog> backlog_;
  std::unique_ptr<Backlog> age_;
  std::unique_ptr<Host> host_;
  std::unique_ptr<EcsService> service_;
  OutboundMeter outbound_;
  sim::Rng rng_;
  double cpu_factor_;  // this replication's CPU demand factor (models/web/demand_factor.hpp)
  std::vector<sim::Rng> step_rngs_;
  RequestPool requests_;
  sim::IndexPool<Poller, 6> pollers_;
  double failure_override_ = -1.0;
  bool measuring_ = true;
  std::uint64_t processed_ = 0, failed_ = 0, lost_ = 0;
  std::uint64_t received_ = 0, deleted_ = 0, not_deleted_ = 0, skipped_ = 0;
  std::uint64_t failed_publishes_ = 0, failed_deletes_ = 0, failed_receives_ = 0;
  std::uint64_t sampled_processed_ = 0;
  reports::Histogram latency_;       // enqueue to delete, measured after the warm-up
  reports::Histogram age_at_start_;  // enqueue to processing start
  reports::Histogram end_to_end_;    // the chain's first publish to delete
};

}  // namespace loadcast::models
