// Workload schedules: a quantity that changes over the run as a piecewise-linear function of
// time — the arrival rate of an open model, the number of users of a closed one.
//
// PiecewiseLinear holds points (at, value). Between points the value is interpolated linearly;
// two points at the same time make a step; before the first point and after the last the value
// is held. integral() is Λ(t) = ∫_0^t value, and inverse_integral() its inverse, which turns a
// position in Λ-space into a time: ArrivalSequence places the k-th arrival with it, for both
// engines. RateSchedule (requests per second) and UserSchedule (users) are its two uses.
// Immutable after construction; thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace loadcast::workload {

// The highest arrival rate either engine accepts, requests per second (`load --rate` and a
// scenario's rates alike): beyond it arrivals a nanosecond apart would share one instant.
inline constexpr double kMaxRate = 1e8;
// The most concurrent users of a closed model (`load --connections` has the same bound).
inline constexpr double kMaxUsers = 1e6;

struct RatePoint {
  sim::Time at = 0;
  double value = 0.0;
};

class PiecewiseLinear {
 public:
  PiecewiseLinear() = default;
  // Points must be sorted by time (equal times allowed: a step). Use validate() first.
  explicit PiecewiseLinear(std::vector<RatePoint> points);

  // Empty string when the points are usable, else a sentence naming the first problem.
  static std::string validate(const std::vector<RatePoint>& points);

  double value_at(sim::Time t) const;
  // ∫_0^t value(s) ds, with value in per-second units and t in ns: result in "value × seconds".
  double integral(sim::Time t) const;
  // Smallest t >= 0 with integral(t) >= target, or nullopt if the integral never reaches it.
  std::optional<sim::Time> inverse_integral(double target) const {
    const sim::Time t = time_at_integral(target);
    if (t < 0) return std::nullopt;
    return t;
  }
  // The same as a plain time, -1 when the integral never reaches the target. Inline for a
  // constant positive rate (one point at t = 0): the simulator places every Poisson arrival with
  // it, so the common case costs one division, no call and no std::optional (whose bytes GCC
  // stores in two parts and reloads as one, a store-forwarding stall).
  sim::Time time_at_integral(double target) const {
    if (constant_rate_ > 0.0 && target > 0.0) return sim::from_seconds(target / constant_rate_);
    return time_at_integral_general(target);
  }
  double max_value() const;
  const std::vector<RatePoint>& points() const { return points_; }

 private:
  // The i with points_[i].at <= t < points_[i + 1].at, for points_.front().at < t <
  // points_.back().at (at a step, the later of the two points starts the next segment).
  std::size_t segment(sim::Time t) const;
  sim::Time time_at_integral_general(double target) const;

  std::vector<RatePoint> points_;
  std::vector<double> cumulative_;  // integral at each point
  double constant_rate_ = 0.0;      // the rate when it is one positive point at t = 0, else 0
};

using RateSchedule = PiecewiseLinear;
using UserSchedule = PiecewiseLinear;

}  // namespace loadcast::workload
