// ArrivalSequence: the open-model arrivals of a run — the one implementation behind both
// `loadcast sim` (models::WorkloadSource) and `loadcast load` (loadgen::ArrivalSlice), so the
// simulator's arrivals and the load generator's intended send times are the same by
// construction.
//
// Arrival k = 1, 2, … is at Λ⁻¹(k) for a uniform process and at Λ⁻¹(E_1 + … + E_k) for a
// Poisson process; in batches of b (OpenWorkload::batch), arrival k is in batch g = ⌈k / b⌉, at
// Λ⁻¹(g·b) or Λ⁻¹(b·(E_1 + … + E_g)) (one exponential per batch), where Λ is the integral of the rate schedule (RateSchedule) and E_i are unit
// exponentials (sim::standard_exponential) drawn from the stream kArrivalStream of the run's
// seed and replication. Its request class is the k-th weighted pick from the stream
// kClassStream. The sequence ends at the first arrival at or after `end`, or when the rate
// never reaches the next position. pass() walks over arrivals another worker sends, keeping
// both streams where they would be. The schedule and the class weights are referenced, not
// copied: they must outlive the sequence. Not thread safe: one sequence per walker.
#pragma once

#include <cstdint>
#include <optional>

#include "sim/distribution.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"
#include "sim/weighted_choice.hpp"
#include "workload/schedule.hpp"
#include "workload/workload_spec.hpp"

namespace loadcast::workload {

inline constexpr const char* kArrivalStream = "workload.arrivals";
inline constexpr const char* kClassStream = "workload.classes";

struct Arrival {
  std::uint64_t index = 0;  // k - 1: 0 for the run's first arrival
  sim::Time at = 0;         // ns from the start of the run
  std::size_t cls = 0;      // request class
};

class ArrivalSequence {
 public:
  ArrivalSequence(const RateSchedule& rate, ArrivalProcess process, std::uint32_t batch, const sim::WeightedChoice& classes,
                  std::uint64_t seed, std::uint64_t replication, sim::Time end);

  // The next arrival, or nullopt once there is none before `end` (and from then on). Inline:
  // the simulator calls it once per arrival.
  std::optional<Arrival> next() {
    Arrival a;
    if (!next(a)) return std::nullopt;
    return a;
  }
  // The same into `out`; false once there is none (the simulator's form: no std::optional).
  bool next(Arrival& out) {
    if (done_) return false;
    out.index = k_;
    const double position = draw(out.cls);
    out.at = rate_.time_at_integral(position);
    if (out.at < 0 || out.at >= end_) {
      done_ = true;
      return false;
    }
    return true;
  }
  // Walks over the next n arrivals without computing their times. Draws nothing, in O(1), when
  // an arrival needs no random number (a uniform process with at most one class).
  void pass(std::uint64_t n);
  // Arrivals walked so far: the index of the next one.
  std::uint64_t walked() const { return k_; }

 private:
  // Moves to the next arrival: its position in Λ-space and its class.
  double draw(std::size_t& cls) {
    double position = 0.0;
    if (process_ == ArrivalProcess::kUniform) {
      position = static_cast<double>((k_ / batch_ + 1) * batch_);
    } else {
      if (k_ % batch_ == 0) area_ += static_cast<double>(batch_) * sim::standard_exponential(arrival_rng_);
      position = area_;
    }
    ++k_;
    cls = classes_.pick(class_rng_);
    return position;
  }

  const RateSchedule& rate_;
  ArrivalProcess process_;
  std::uint64_t batch_;  // >= 1
  const sim::WeightedChoice& classes_;
  sim::Rng arrival_rng_;
  sim::Rng class_rng_;
  sim::Time end_;
  std::uint64_t k_ = 0;  // arrivals walked
  double area_ = 0.0;    // Poisson: b·(E_1 + … + E_g), g the batches begun
  bool done_ = false;
};

}  // namespace loadcast::workload
