#include "workload/schedule.hpp"

#include <cmath>

namespace loadcast::workload {

using sim::add_saturated;
using sim::from_seconds;
using sim::Time;
using sim::to_seconds;

PiecewiseLinear::PiecewiseLinear(std::vector<RatePoint> points) : points_(std::move(points)) {
  if (points_.empty()) points_.push_back({0, 0.0});
  cumulative_.resize(points_.size());
  // Before the first point the first value is held from t = 0.
  double acc = points_[0].value * to_seconds(points_[0].at);
  cumulative_[0] = acc;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const double dt = to_seconds(points_[i].at - points_[i - 1].at);
    acc += 0.5 * (points_[i].value + points_[i - 1].value) * dt;
    cumulative_[i] = acc;
  }
  if (points_.size() == 1 && points_[0].at == 0 && points_[0].value > 0.0) constant_rate_ = points_[0].value;
}

std::string PiecewiseLinear::validate(const std::vector<RatePoint>& points) {
  if (points.empty()) return "needs at least one stage";
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].at < 0) return "stage " + std::to_string(i + 1) + " starts before time 0";
    if (!(points[i].value >= 0.0) || !std::isfinite(points[i].value)) {
      return "stage " + std::to_string(i + 1) + " has a negative or non-finite value";
    }
    if (i > 0 && points[i].at < points[i - 1].at) {
      return "stages out of order: stage " + std::to_string(i + 1) + " (at " + sim::format_duration(points[i].at) +
             ") comes before stage " + std::to_string(i) + " (at " + sim::format_duration(points[i - 1].at) + ")";
    }
    if (i > 1 && points[i].at == points[i - 1].at && points[i - 1].at == points[i - 2].at) {
      return "three stages at the same time (" + sim::format_duration(points[i].at) + "): a step needs exactly two";
    }
  }
  return {};
}

std::size_t PiecewiseLinear::segment(Time t) const {
  std::size_t lo = 0;
  std::size_t hi = points_.size() - 1;
  while (hi - lo > 1) {
    const std::size_t mid = (lo + hi) / 2;
    if (points_[mid].at <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

double PiecewiseLinear::value_at(Time t) const {
  if (t <= points_.front().at) return points_.front().value;
  if (t >= points_.back().at) return points_.back().value;
  const std::size_t i = segment(t);
  const auto& a = points_[i];
  const auto& b = points_[i + 1];
  if (b.at == a.at) return b.value;
  const double f = static_cast<double>(t - a.at) / static_cast<double>(b.at - a.at);
  return a.value + f * (b.value - a.value);
}

double PiecewiseLinear::integral(Time t) const {
  if (t <= points_.front().at) return points_.front().value * to_seconds(t);
  if (t >= points_.back().at) return cumulative_.back() + points_.back().value * to_seconds(t - points_.back().at);
  const std::size_t i = segment(t);
  const auto& a = points_[i];
  const auto& b = points_[i + 1];
  const double dt = to_seconds(t - a.at);
  const double slope = (b.value - a.value) / to_seconds(b.at - a.at);
  return cumulative_[i] + a.value * dt + 0.5 * slope * dt * dt;
}

Time PiecewiseLinear::time_at_integral_general(double target) const {
  if (target <= 0.0) return Time{0};
  if (points_.size() == 1 && points_[0].at == 0) {  // constant rate: the common case, kept cheap
    if (points_[0].value <= 0.0) return -1;
    return from_seconds(target / points_[0].value);
  }
  // Before the first point.
  const double first_area = cumulative_.front();
  if (target <= first_area) {
    return from_seconds(target / points_.front().value);
  }
  for (std::size_t i = 1; i < points_.size(); ++i) {
    if (target > cumulative_[i]) continue;
    const auto& a = points_[i - 1];
    const auto& b = points_[i];
    const double need = target - cumulative_[i - 1];
    const double span = to_seconds(b.at - a.at);
    if (span <= 0.0) continue;
    const double slope = (b.value - a.value) / span;
    double dt = 0.0;
    if (std::fabs(slope) < 1e-15) {
      dt = need / a.value;
    } else {
      // a.value * dt + slope/2 * dt^2 = need; the root in [0, span], written to avoid cancellation.
      const double disc = a.value * a.value + 2.0 * slope * need;
      const double root = std::sqrt(disc > 0.0 ? disc : 0.0);
      dt = 2.0 * need / (a.value + root);
    }
    if (dt > span) dt = span;
    return add_saturated(a.at, from_seconds(dt));
  }
  const double tail_rate = points_.back().value;
  if (tail_rate <= 0.0) return -1;
  return add_saturated(points_.back().at, from_seconds((target - cumulative_.back()) / tail_rate));
}

double PiecewiseLinear::max_value() const {
  double m = 0.0;
  for (const auto& p : points_) m = p.value > m ? p.value : m;
  return m;
}

}  // namespace loadcast::workload
