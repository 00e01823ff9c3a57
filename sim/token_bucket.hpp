// TokenBucket: a rate limit with a burst allowance — the SQS/SNS API limits (calls, messages or
// bytes per second) and the Fargate task-launch rate.
//
// Tokens refill continuously at `rate` per second up to `depth`; a call takes one (or `n`)
// token and is refused when there are not enough. Refill is computed lazily from the time of
// the last look, so an idle bucket costs nothing. A rate <= 0 means unlimited. The bucket starts
// full. `tolerance` is how far short of n the tokens may be and still count as enough: the API
// limiters use kRoundingTolerance, so a caller retrying after a computed wait is not refused
// for a rounding error; the Fargate launch queue uses 0 and waits again for the remainder.
// Assumption: AWS publishes the sustained API limits (per second) but not their burst
// allowance; the models use a depth of one second's worth of calls, a parameter of the
// component that owns the bucket.
// Not thread safe.
#pragma once

#include <cmath>

#include "sim/time.hpp"

namespace loadcast::sim {

class TokenBucket {
 public:
  static constexpr double kRoundingTolerance = 1e-9;

  TokenBucket() = default;
  TokenBucket(double rate_per_s, double depth, double tolerance = kRoundingTolerance)
      : rate_(rate_per_s), depth_(depth), tolerance_(tolerance), tokens_(depth) {}

  bool unlimited() const { return rate_ <= 0.0; }
  double rate() const { return rate_; }

  // Takes n tokens at time `now` if available.
  bool try_take(Time now, double n = 1.0) {
    if (!can_take(now, n)) return false;
    take(n);
    return true;
  }
  // Whether n tokens are available at `now` (checking several limits before taking from any).
  bool can_take(Time now, double n = 1.0) {
    if (rate_ <= 0.0) return true;
    refill(now);
    return tokens_ + tolerance_ >= n;
  }
  // Takes n tokens; call after can_take() at the same time.
  void take(double n = 1.0) {
    if (rate_ > 0.0) tokens_ -= n;
  }
  // How long after the last can_take() until n tokens are there, rounded up to whole
  // nanoseconds; 0 when they already are (or the bucket is unlimited).
  Time time_until(double n = 1.0) const {
    if (rate_ <= 0.0) return 0;
    const double wait_s = (n - tokens_) / rate_;
    return wait_s <= 0.0 ? 0 : saturated_ns(std::ceil(wait_s * 1e9));
  }

 private:
  void refill(Time now) {
    if (now > last_) {
      tokens_ += rate_ * to_seconds(now - last_);
      if (tokens_ > depth_) tokens_ = depth_;
      last_ = now;
    }
  }

  double rate_ = 0.0;
  double depth_ = 0.0;
  double tolerance_ = kRoundingTolerance;
  double tokens_ = 0.0;
  Time last_ = 0;
};

}  // namespace loadcast::sim
