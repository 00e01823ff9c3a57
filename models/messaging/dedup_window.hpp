// DedupWindow: the SQS/SNS FIFO deduplication interval. An id accepted at time t makes every
// later send with the same id a duplicate until t + window; duplicates do not extend it.
//
// Source: "If a message with a particular message deduplication ID is sent successfully, any
// messages sent with the same message deduplication ID are accepted successfully but aren't
// delivered during the 5-minute deduplication interval."
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html
// and for SNS FIFO https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html
//
// Layout: an open-addressing hash table (linear probing, backward-shift deletion) of the ids
// inside the window, plus a ring of (expiry, id) in acceptance order; as the window is the same
// for every id, the ring is sorted by expiry and old ids leave from its front. Both grow by
// doubling only, so steady state allocates nothing. Not thread safe.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/ring.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

class DedupWindow {
 public:
  explicit DedupWindow(sim::Time window = 5 * sim::kMinute);

  // True when `id` was accepted less than one window before `now` (a duplicate, to be dropped);
  // otherwise records it and returns false.
  bool check_and_insert(std::uint64_t id, sim::Time now);

  std::size_t size() const { return ring_.size(); }
  sim::Time window() const { return window_; }

 private:
  struct Slot {
    std::uint64_t id = 0;
    bool used = false;
  };
  struct Entry {
    sim::Time expiry = 0;
    std::uint64_t id = 0;
  };

  void expire(sim::Time now);
  std::size_t find(std::uint64_t id) const;  // slot index, or table_.size() when absent
  void insert(std::uint64_t id);
  void erase(std::uint64_t id);
  void grow_table();
  std::size_t home(std::uint64_t id) const;

  sim::Time window_;
  std::vector<Slot> table_;
  std::size_t used_ = 0;
  sim::Ring<Entry> ring_;
};

}  // namespace loadcast::models
