// ApiClient: the client side of SQS and SNS API calls as the AWS SDK makes them, shared by every
// queue and topic — a sampled round trip per call, and the standard retry mode for a throttled
// call: the SDK tries again after the throttling error comes back (one round trip) and a backoff
// with full jitter, uniform(0, min(retry_max, retry_base x 2^retry)), making at most
// `max_attempts` attempts in all, after which the call fails.
// [doc] https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
// assumption: the round-trip latency and the backoff base (ApiClientConfig, api_client_config.hpp).
// The client draws from its owner's random stream (a queue's or a topic's), so draws interleave
// with the owner's own in call order. ThrottleEpisodes tells the first throttle of an episode,
// which the owner reports as one event. Not thread safe: one per queue or topic.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "models/messaging/api_client_config.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

class ApiClient {
 public:
  ApiClient(const ApiClientConfig& config, sim::Rng& rng) : config_(config), rng_(rng) {}

  // The time from a call's issue to its response at the client.
  sim::Time latency() { return config_.latency.sample_time(rng_); }

  // A call was throttled on its attempt number `attempts` + 1 (`attempts` counts the attempts
  // made so far, and is incremented): the delay until the SDK's next attempt (the error's round
  // trip, then the backoff), or nothing when that was its last attempt and the call fails.
  std::optional<sim::Time> retry_delay(std::uint32_t& attempts) {
    if (++attempts >= max_attempts()) return std::nullopt;
    const sim::Time error_back = latency();
    return error_back + backoff(attempts - 1);
  }

  std::uint32_t max_attempts() const { return static_cast<std::uint32_t>(std::max(config_.max_attempts, 1)); }
  // How a throttling event describes what the SDK does: "retried with backoff, 3 attempts at most".
  std::string retry_policy() const {
    return "retried with backoff, " + std::to_string(config_.max_attempts) + " attempts at most";
  }

 private:
  // Full jitter before retry number `retry` + 1.
  sim::Time backoff(std::uint32_t retry) {
    double ceiling = sim::to_seconds(config_.retry_base);
    const double cap = sim::to_seconds(config_.retry_max);
    for (std::uint32_t k = 0; k < retry && ceiling < cap; ++k) ceiling *= 2.0;
    if (ceiling > cap) ceiling = cap;
    return sim::from_seconds(ceiling * rng_.uniform());
  }

  const ApiClientConfig& config_;
  sim::Rng& rng_;
};

// Throttles come in episodes: an episode starts with the first throttle after a minute without
// any, and is reported once.
class ThrottleEpisodes {
 public:
  // A throttle now; true when it starts an episode.
  bool throttled(sim::Time now) {
    const bool starts = !throttling_ || now - last_ >= sim::kMinute;
    throttling_ = true;
    last_ = now;
    return starts;
  }

 private:
  bool throttling_ = false;
  sim::Time last_ = 0;
};

}  // namespace loadcast::models
