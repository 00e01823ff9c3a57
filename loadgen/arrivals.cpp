#include "loadgen/arrivals.hpp"

#include <cmath>

namespace loadcast::loadgen {

ArrivalSlice::ArrivalSlice(const sim::RateSchedule& rate, sim::ArrivalProcess process, std::uint64_t seed,
                           SliceId id, sim::Time end)
    : rate_(rate), process_(process), rng_(sim::Rng::stream(seed, 0, kArrivalStream)), id_(id), end_(end) {}

std::optional<sim::Time> ArrivalSlice::next() {
  const std::uint64_t period = id_.shards * id_.threads;
  const std::uint64_t mine = id_.shard + id_.shards * id_.thread;
  while (!done_) {
    if (process_ == sim::ArrivalProcess::kUniform && k_ % period != mine) {
      k_ += (mine + period - k_ % period) % period;  // jump straight to this slice's next arrival
    }
    const std::uint64_t k = k_;
    double target = 0.0;
    if (process_ == sim::ArrivalProcess::kUniform) {
      target = static_cast<double>(k + 1);
    } else {
      area_ += -std::log(rng_.uniform_pos());
      target = area_;
    }
    ++k_;
    if (k % period != mine) continue;
    const auto t = rate_.inverse_integral(target);
    if (!t || *t >= end_) {
      done_ = true;
      return std::nullopt;
    }
    return *t;
  }
  return std::nullopt;
}

std::uint64_t users_for(std::uint64_t global_users, SliceId id) {
  const std::uint64_t in_shard = global_users > id.shard ? (global_users - id.shard - 1) / id.shards + 1 : 0;
  return in_shard > id.thread ? (in_shard - id.thread - 1) / id.threads + 1 : 0;
}

}  // namespace loadcast::loadgen
