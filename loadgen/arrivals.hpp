// The slice of the global workload that one worker thread of one shard drives.
//
// Open model: the global arrival sequence is workload::ArrivalSequence of the run's seed
// (replication 0) — the simulator's arrivals, with their request classes, at the same intended
// send times. Arrival k belongs to shard k mod N; within the shard, its m-th arrival
// (m = k div N) belongs to thread m mod T. Every worker walks the whole sequence, passing over
// the others' arrivals, so slices are disjoint, together exactly the schedule, and independent
// of the thread count of other shards' machines.
// Closed model: global user u belongs to shard u mod N and, as the shard's m-th user, to
// thread m mod T; users_for() says how many of a worker's users are active when the schedule
// asks for U users in total. Not thread safe: one ArrivalSlice per worker.
#pragma once

#include <cstdint>
#include <optional>

#include "sim/time.hpp"
#include "sim/weighted_choice.hpp"
#include "workload/arrival_sequence.hpp"
#include "workload/schedule.hpp"
#include "workload/workload_spec.hpp"

namespace loadcast::loadgen {

struct SliceId {
  std::uint64_t shard = 0;
  std::uint64_t shards = 1;
  std::uint64_t thread = 0;
  std::uint64_t threads = 1;
};

struct Arrival {
  sim::Time at = 0;     // intended send time, ns from the run's start
  std::size_t cls = 0;  // request class
};

class ArrivalSlice {
 public:
  ArrivalSlice(const workload::RateSchedule& rate, workload::ArrivalProcess process, std::uint32_t batch,
               const sim::WeightedChoice& classes, std::uint64_t seed, SliceId id, sim::Time end);

  // The next arrival of this slice, or nullopt when the schedule has no more before `end`.
  std::optional<Arrival> next();
  // Global arrivals walked so far (this slice's and the others').
  std::uint64_t walked() const { return sequence_.walked(); }

 private:
  workload::ArrivalSequence sequence_;
  SliceId id_;
};

// Number of users of worker `id` active when U users are active globally.
std::uint64_t users_for(std::uint64_t global_users, SliceId id);

}  // namespace loadcast::loadgen
