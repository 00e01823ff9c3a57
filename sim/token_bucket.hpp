// TokenBucket: an API rate limit (calls or messages per second) with a burst allowance.
//
// Tokens refill continuously at `rate` per second up to `depth`; a call takes one (or `n`)
// token and is throttled when there are not enough. Refill is computed lazily from the time of
// the last call, so an idle limiter costs nothing. A rate <= 0 means unlimited.
// Assumption: AWS publishes the sustained limits (per second) but not the burst allowance; the
// models use a depth of one second's worth of calls, a parameter of the component that owns it.
// Not thread safe.
#pragma once

#include "sim/time.hpp"

namespace loadcast::sim {

class TokenBucket {
 public:
  TokenBucket() = default;
  TokenBucket(double rate_per_s, double depth) : rate_(rate_per_s), depth_(depth), tokens_(depth) {}

  bool unlimited() const { return rate_ <= 0.0; }
  double rate() const { return rate_; }

  // Takes n tokens at time `now` if available.
  bool try_take(sim::Time now, double n = 1.0) {
    if (!can_take(now, n)) return false;
    take(n);
    return true;
  }
  // Whether n tokens are available at `now` (checking several limits before taking from any).
  bool can_take(sim::Time now, double n = 1.0) {
    if (rate_ <= 0.0) return true;
    refill(now);
    return tokens_ + 1e-9 >= n;
  }
  // Takes n tokens; call after can_take() at the same time.
  void take(double n = 1.0) {
    if (rate_ > 0.0) tokens_ -= n;
  }

 private:
  void refill(sim::Time now) {
    if (now > last_) {
      tokens_ += rate_ * sim::to_seconds(now - last_);
      if (tokens_ > depth_) tokens_ = depth_;
      last_ = now;
    }
  }

  double rate_ = 0.0;
  double depth_ = 0.0;
  double tokens_ = 0.0;
  sim::Time last_ = 0;
};

}  // namespace loadcast::sim
