// The slice of the global workload that one worker thread of one shard drives.
//
// Open model: the global arrival sequence k = 0, 1, 2, … has intended send times
// Λ⁻¹(k + 1) for a uniform process and Λ⁻¹(E_1 + … + E_{k+1}) for a Poisson process, where Λ
// is the integral of the rate schedule and E_i are unit exponentials drawn from the named
// stream kArrivalStream of the run's seed — the same construction the simulator uses
// (sim/schedule.hpp). Arrival k belongs to shard k mod N; within the shard, its m-th arrival
// (m = k div N) belongs to thread m mod T. Every worker walks the whole sequence and keeps its
// own arrivals, so slices are disjoint, together exactly the schedule, and independent of the
// thread count of other shards' machines. The request class of arrival k is the k-th pick from
// the stream kClassStream — again the simulator's draw — so a scenario's load and its
// simulation see the same sequence of classes at the same intended times.
// Closed model: global user u belongs to shard u mod N and, as the shard's m-th user, to
// thread m mod T; users_for() says how many of a worker's users are active when the schedule
// asks for U users in total. Not thread safe: one ArrivalSlice per worker.
#pragma once

#include <cstdint>
#include <optional>

#include "sim/rng.hpp"
#include "sim/schedule.hpp"
#include "sim/time.hpp"
#include "sim/workload.hpp"

namespace loadcast::loadgen {

inline constexpr const char* kArrivalStream = "workload.arrivals";
inline constexpr const char* kClassStream = "workload.classes";

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
  ArrivalSlice(const sim::RateSchedule& rate, sim::ArrivalProcess process, const sim::WeightedChoice& classes,
               std::uint64_t seed, SliceId id, sim::Time end);

  // The next arrival of this slice, or nullopt when the schedule has no more before `end`.
  std::optional<Arrival> next();
  // Global arrivals walked so far (this slice's and the others').
  std::uint64_t walked() const { return k_; }

 private:
  const sim::RateSchedule& rate_;
  sim::ArrivalProcess process_;
  const sim::WeightedChoice& classes_;
  sim::Rng rng_;
  sim::Rng class_rng_;
  SliceId id_;
  sim::Time end_;
  std::uint64_t k_ = 0;      // next global arrival index to consider
  double area_ = 0.0;        // Poisson: E_1 + … + E_k_
  bool done_ = false;
};

// Number of users of worker `id` active when U users are active globally.
std::uint64_t users_for(std::uint64_t global_users, SliceId id);

}  // namespace loadcast::loadgen
