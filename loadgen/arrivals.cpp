#include "loadgen/arrivals.hpp"

#include <cmath>

#include "sim/distribution.hpp"

namespace loadcast::loadgen {

ArrivalSlice::ArrivalSlice(const sim::RateSchedule& rate, sim::ArrivalProcess process,
                           const sim::WeightedChoice& classes, std::uint64_t seed, SliceId id, sim::Time end)
    : rate_(rate),
      process_(process),
      classes_(classes),
      rng_(sim::Rng::stream(seed, 0, kArrivalStream)),
      class_rng_(sim::Rng::stream(seed, 0, kClassStream)),
      id_(id),
      end_(end) {}

std::optional<Arrival> ArrivalSlice::next() {
  const std::uint64_t period = id_.shards * id_.threads;
  const std::uint64_t mine = id_.shard + id_.shards * id_.thread;
  while (!done_) {
    // With one class a pick draws nothing, so a uniform slice can jump to its next arrival.
    if (process_ == sim::ArrivalProcess::kUniform && classes_.size() <= 1 && k_ % period != mine) {
      k_ += (mine + period - k_ % period) % period;
    }
    const std::uint64_t k = k_;
    double target = 0.0;
    if (process_ == sim::ArrivalProcess::kUniform) {
      target = static_cast<double>(k + 1);
    } else {
      area_ += sim::standard_exponential(rng_);
      target = area_;
    }
    ++k_;
    const std::size_t cls = classes_.pick(class_rng_);
    if (k % period != mine) continue;
    const auto t = rate_.inverse_integral(target);
    if (!t || *t >= end_) {
      done_ = true;
      return std::nullopt;
    }
    return Arrival{*t, cls};
  }
  return std::nullopt;
}

std::uint64_t users_for(std::uint64_t global_users, SliceId id) {
  const std::uint64_t in_shard = global_users > id.shard ? (global_users - id.shard - 1) / id.shards + 1 : 0;
  return in_shard > id.thread ? (in_shard - id.thread - 1) / id.threads + 1 : 0;
}

}  // namespace loadcast::loadgen
