#include "loadgen/arrivals.hpp"

namespace loadcast::loadgen {

ArrivalSlice::ArrivalSlice(const workload::RateSchedule& rate, workload::ArrivalProcess process, std::uint32_t batch,
                           const sim::WeightedChoice& classes, std::uint64_t seed, SliceId id, sim::Time end)
    : sequence_(rate, process, batch, classes, seed, 0, end), id_(id) {}

std::optional<Arrival> ArrivalSlice::next() {
  // This slice's arrivals are those with index k ≡ mine (mod period).
  const std::uint64_t period = id_.shards * id_.threads;
  const std::uint64_t mine = id_.shard + id_.shards * id_.thread;
  const std::uint64_t k = sequence_.walked();
  sequence_.pass((mine + period - k % period) % period);
  const auto a = sequence_.next();
  if (!a) return std::nullopt;
  return Arrival{a->at, a->cls};
}

std::uint64_t users_for(std::uint64_t global_users, SliceId id) {
  const std::uint64_t in_shard = global_users > id.shard ? (global_users - id.shard - 1) / id.shards + 1 : 0;
  return in_shard > id.thread ? (in_shard - id.thread - 1) / id.threads + 1 : 0;
}

}  // namespace loadcast::loadgen
