// FifoQueue: an SQS FIFO queue — message groups (each a serial server with at most one batch in
// flight), receive batches with long or short polling, look-ahead and in-flight limits,
// visibility timeout, redrive to a dead-letter queue, deduplication, per-action API limits with
// the SDK's retries (api_client.hpp), retention, and billed requests. A call takes effect when
// issued; its response reaches the client one sampled API latency later.
// Accounting invariant: sent + redriven_in = deleted + dead_lettered + expired + visible + in
// flight, at every instant (sends awaiting a retry are not in the queue yet; they are reported).
// Hot paths allocate nothing in steady state (index pools, intrusive lists, a lazy heap).
// [doc] https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
// [doc] https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/avoid-backlog-with-the-same-message-group-id.html
// [doc] https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html
// [doc] https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
// [doc] https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
// [doc] https://aws.amazon.com/sqs/pricing/
// assumption: in-flight messages count towards the look-ahead; throttled attempts are not billed.
// Facts and assumptions: docs/models/messaging.md#sqs-fifo
// Not thread safe: one queue per replication.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/core/component.hpp"
#include "models/core/request.hpp"
#include "models/messaging/api_client.hpp"
#include "models/messaging/dedup_window.hpp"
#include "sim/index_pool.hpp"
#include "models/messaging/queue_config.hpp"
#include "sim/token_bucket.hpp"
#include "sim/simulation.hpp"

namespace loadcast::models {

inline constexpr std::uint32_t kMaxReceiveBatch = 10;
// DLQ moves and expiry episodes are listed in `events` up to this many per queue, then
// summarised once at the end of the run.
inline constexpr std::uint64_t kListedEvents = 50;

enum class SqsAction : std::uint8_t { kSend = 0, kReceive = 1, kDelete = 2 };
inline constexpr std::size_t kSqsActions = 3;
const char* to_string(SqsAction a);

// SQS FIFO per-action API limit (calls per second, non-batched) for a mode and region.
// Default mode: 300. High throughput: 70,000 in us-east-1, us-west-2, eu-west-1; 19,000 in
// us-east-2, eu-central-1; 9,000 in ap-south-1, ap-southeast-1, ap-southeast-2,
// ap-northeast-1; assumption: 4,500 elsewhere (AWS says only "lower").
double fifo_api_limit(bool high_throughput, const std::string& region);

// What a producer sends.
struct MessageSpec {
  std::uint64_t dedup = 0;  // deduplication id (explicit id or content hash)
  std::uint64_t tag = 0;    // carried to the consumer untouched
  std::uint32_t group = 0;  // message group id
  std::uint32_t bytes = 1024;
};

// A receipt handle: valid while the message stays in flight from that receive.
struct Receipt {
  std::uint32_t message = sim::kNoIndex;
  std::uint32_t generation = 0;
};

struct ReceivedMessage {
  Receipt receipt;
  MessageSpec spec;
  std::uint64_t group_seq = 0;  // 1-based position in its group, in enqueue order
  sim::Time sent = 0;           // enqueue time
  std::uint32_t receive_count = 0;
};

// Whom a ReceiveMessage or DeleteMessage call is for, in its client's numbering (a worker
// service numbers its pollers); handed back with the call's completion.
struct ConsumerId {
  std::uint32_t index = 0;
};

// Completion callbacks of API calls, each from its own event. A send (or a topic's Publish)
// names the job it is made for — the request, or the message a worker is processing; null when
// nobody waits for it — and gets it back; a receive or a delete gets back its consumer.
class MessageClient {
 public:
  virtual ~MessageClient() = default;
  virtual void on_sent(Request* job, bool duplicate) {
    (void)job;
    (void)duplicate;
  }
  // Empty span: an empty receive. The span is valid during the call only.
  virtual void on_received(ConsumerId consumer, std::span<const ReceivedMessage> messages) {
    (void)consumer;
    (void)messages;
  }
  // `deleted` of the call's receipts deleted; bit k of `mask` set when receipt k was (the others
  // were stale: their visibility timeout had run out).
  virtual void on_deleted(ConsumerId consumer, std::uint32_t deleted, std::uint32_t mask) {
    (void)consumer;
    (void)deleted;
    (void)mask;
  }
  // The call was throttled on every one of its attempts and failed; nothing of it took effect.
  // `cause` (owned by the queue or topic) is `sqs_throttled:<queue>` or `sns_throttled:<topic>`.
  virtual void on_send_failed(Request* job, const std::string* cause) {
    (void)job;
    (void)cause;
  }
  virtual void on_receive_failed(ConsumerId consumer, const std::string* cause) {
    (void)consumer;
    (void)cause;
  }
  virtual void on_delete_failed(ConsumerId consumer, const std::string* cause) {
    (void)consumer;
    (void)cause;
  }
};

struct FifoQueueStats {
  std::uint64_t sent = 0;           // accepted from producers and subscriptions (not duplicates)
  std::uint64_t redriven_in = 0;    // arrived as a dead-letter queue
  std::uint64_t duplicates = 0;     // sends dropped by deduplication
  std::uint64_t deleted = 0;
  std::uint64_t dead_lettered = 0;  // moved to the dead-letter queue
  std::uint64_t expired = 0;        // retention ran out: lost
  std::uint64_t received = 0;       // messages returned by receives (redeliveries included)
  std::uint64_t redelivered = 0;    // visibility timeouts that made a message visible again
  std::uint64_t stale_deletes = 0;  // deletes whose receipt had expired
  std::uint64_t calls = 0;          // API calls that were served
  std::uint64_t receive_calls = 0;
  std::uint64_t empty_receives = 0;
  std::array<std::uint64_t, kSqsActions> throttled{};  // throttled attempts per action
  std::array<std::uint64_t, kSqsActions> failed{};     // calls that failed: throttled max_attempts times
  std::uint64_t billed_requests = 0;  // 64 KB chunks of every served call
  std::uint64_t sns_deliveries = 0;   // the part of billed_requests that SNS deliveries made
  std::uint64_t payload_bytes = 0;    // sent and received payload
};

class FifoQueue {
 public:
  FifoQueue(sim::Simulation& sim, const QueueConfig& config, EventLog* events);
  FifoQueue(const FifoQueue&) = delete;
  FifoQueue& operator=(const FifoQueue&) = delete;

  void set_dead_letter_queue(FifoQueue* dlq) { dlq_ = dlq; }

  // SendMessage for `job`. `client` may be null (fire and forget).
  void send(const MessageSpec& message, MessageClient* client, Request* job);
  // ReceiveMessage of up to `max_messages` (1..10), waiting up to `wait` (0: short polling).
  void receive(MessageClient* client, ConsumerId consumer, std::uint32_t max_messages, sim::Time wait);
  // DeleteMessage (one receipt) or DeleteMessageBatch (up to 10): one call.
  void delete_messages(std::span<const Receipt> receipts, MessageClient* client, ConsumerId consumer);
  // A delivery from an SNS subscription: not subject to the queue's API limit (SNS batches and
  // retries internally, assumption), billed as one request. Not deduplicated again: the topic
  // already dropped duplicates of the same id within the same 5-minute window.
  void deliver(const MessageSpec& message);

  const std::string& name() const { return config_.name; }
  const QueueConfig& config() const { return config_; }
  std::size_t visible() const { return visible_; }
  std::size_t in_flight() const { return in_flight_; }
  std::size_t stored() const { return visible_ + in_flight_; }
  std::size_t waiting_receives() const { return waiters_; }
  // Calls throttled and waiting for their next attempt, per action.
  std::size_t awaiting_retry(SqsAction a) const { return awaiting_retry_[static_cast<std::size_t>(a)]; }
  const std::string* cause_throttled() const { return &cause_throttled_; }
  std::uint64_t expiry_episodes() const { return expiry_episodes_; }
  // Age of the oldest stored message (ApproximateAgeOfOldestMessage); 0 when empty.
  sim::Time oldest_age() const;
  // The largest age the oldest stored message reached in the run so far (exact: recorded when
  // each oldest message leaves the queue, and now).
  sim::Time oldest_age_peak() const;
  // The most visible messages at any instant of the run so far.
  std::size_t visible_peak() const { return visible_peak_; }
  const FifoQueueStats& stats() const { return stats_; }
  // The accounting identity; true when every message is accounted for.
  bool balanced() const;

  // `<queue>.visible`, `.in_flight`, `.oldest_age_s`, `.dlq` (moved to the DLQ so far),
  // `.empty_receives`, `.sent` (redriven in included), `.deleted`, `.expired`, `.throttled`
  // (per interval counts): the accounting identity holds at every interval end over them.
  void sample(SeriesRow& row);
  // The `queues.<name>` entry of the result: the accounting above, `oldest_age_s` and the other
  // gauges at the end of the run, `oldest_age_peak_s` and `visible_peak` over the whole run, and
  // the API limit it ran with (`api_calls_per_s`, `high_throughput`).
  reports::Json accounting() const;

 private:
  enum class State : std::uint8_t { kFree, kVisible, kInFlight };
  struct Msg {
    MessageSpec spec;
    std::uint64_t seq = 0;
    std::uint64_t group_seq = 0;
    sim::Time sent = 0;
    std::uint32_t receives = 0;
    std::uint32_t generation = 0;
    std::uint32_t prev = sim::kNoIndex, next = sim::kNoIndex;  // stored list, enqueue order
    std::uint32_t group_next = sim::kNoIndex;             // the group's visible list
    std::uint32_t batch = sim::kNoIndex;
    State state = State::kFree;
    bool in_window = false;
  };
  struct Group {
    std::uint32_t head = sim::kNoIndex, tail = sim::kNoIndex;  // visible messages, enqueue order
    std::uint32_t in_flight = 0;
    std::uint64_t next_seq = 0;
    bool queued = false;  // has an entry in the available heap
  };
  struct Batch {
    std::array<Receipt, kMaxReceiveBatch> receipts;
    std::uint32_t count = 0;
    std::uint32_t unresolved = 0;
    sim::EventId timer;
  };
  struct Call {
    SqsAction action = SqsAction::kSend;
    MessageClient* client = nullptr;
    Request* job = nullptr;  // send
    ConsumerId consumer;     // receive, delete
    std::uint32_t attempt = 0;
    std::uint32_t count = 0;  // receive: messages returned; delete: receipts
    std::uint32_t max = 0;
    std::uint32_t deleted = 0;
    std::uint32_t deleted_mask = 0;
    sim::Time wait = 0;
    MessageSpec spec;
    bool duplicate = false;
    bool failed = false;  // throttled on every attempt
    std::uint32_t prev = sim::kNoIndex, next = sim::kNoIndex;  // waiting long polls
    sim::EventId timer;
    std::array<ReceivedMessage, kMaxReceiveBatch> msgs;
  };
  struct Available {
    std::uint64_t seq;
    std::uint32_t group;
    bool operator>(const Available& o) const { return seq > o.seq; }
  };

  void issue(std::uint32_t call);
  bool admit(Call& c);  // rate limits; false when throttled
  void respond(std::uint32_t call);
  void complete(std::uint32_t call);
  void apply_send(Call& c);
  void apply_delete(Call& c);
  std::uint32_t take(Call& c);
  void park(std::uint32_t call);
  void unpark(std::uint32_t call);
  void on_wait_end(std::uint32_t call);
  void serve_waiters();

  void enqueue(const MessageSpec& spec, bool redriven);
  Group& group(std::uint32_t id);
  // The FIFO rule: a group can give a receive its head message when that message is visible
  // inside the look-ahead window and none of the group's messages is in flight — a group is
  // blocked while it has a message in flight.
  bool servable(const Group& g) const;
  sim::TokenBucket& group_limiter(std::uint32_t id);
  void maybe_available(std::uint32_t group_id);  // queues the group in the heap if servable
  void append_stored(std::uint32_t m);
  void remove_stored(std::uint32_t m);
  void free_message(std::uint32_t m);
  void resolve_in_flight(std::uint32_t m);
  void on_visibility_timeout(std::uint32_t batch);
  void move_to_dlq(std::uint32_t m);
  void schedule_retention();
  void on_retention();
  void note_throttle(SqsAction a);
  void retry(std::uint32_t call);

  sim::Simulation& sim_;
  QueueConfig config_;
  EventLog* events_;
  FifoQueue* dlq_ = nullptr;
  sim::Rng rng_;
  ApiClient api_;
  DedupWindow dedup_;
  std::array<sim::TokenBucket, kSqsActions> limiters_;

  sim::IndexPool<Msg> msgs_;
  sim::IndexPool<Batch> batches_;
  sim::IndexPool<Call, 6> calls_;  // a call holds a whole batch: small chunks
  std::vector<Group> groups_;
  std::vector<sim::TokenBucket> group_limiters_;  // high-throughput mode: per-group call limits
  std::vector<Available> heap_;  // min-heap on the head's seq (lazy entries)

  std::uint32_t stored_head_ = sim::kNoIndex, stored_tail_ = sim::kNoIndex;
  std::uint32_t horizon_ = sim::kNoIndex;  // last stored message inside the look-ahead window
  std::size_t window_count_ = 0;
  std::uint32_t waiters_head_ = sim::kNoIndex, waiters_tail_ = sim::kNoIndex;
  std::size_t waiters_ = 0;
  std::uint64_t seq_ = 0;
  std::size_t visible_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t visible_peak_ = 0;
  sim::Time oldest_age_peak_ = 0;
  sim::EventId retention_event_;
  bool retention_pending_ = false;
  std::array<ThrottleEpisodes, kSqsActions> throttles_{};
  std::array<std::size_t, kSqsActions> awaiting_retry_{};
  std::string cause_throttled_;
  std::uint64_t dlq_events_ = 0;
  sim::Time last_expiry_ = 0;
  std::uint64_t expiry_episodes_ = 0;

  FifoQueueStats stats_;
  FifoQueueStats sampled_;  // stats at the previous sample, for per-interval counts
};

}  // namespace loadcast::models
