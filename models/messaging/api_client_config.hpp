// Configuration of the SQS/SNS API client (api_client.hpp) a queue or topic is called through:
// the round-trip latency of a call and the SDK's retry of throttled calls — a queue's or topic's
// `api_latency:` and `retry: { base, max, max_attempts }`. Durations sim::Time, latency in
// seconds. validate() returns the problems with keys relative to the queue or topic.
//
// Defaults and sources: the SDK's standard retry mode makes at most 3 attempts of a call, with a
// backoff of full jitter capped at 20 s: [doc] https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
// Limits: base 1 ms-1 min, max 1 ms-1 h and at least the base, 1-100 attempts (loadcast's).
// Assumptions (parameters): API call latency 10 ms; backoff base 100 ms.
#pragma once

#include "models/core/config_problem.hpp"
#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

struct ApiClientConfig {
  sim::Distribution latency = sim::Distribution::constant(0.010);  // assumption: round trip
  sim::Time retry_base = 100 * sim::kMillisecond;                 // assumption
  sim::Time retry_max = 20 * sim::kSecond;                        // SDK standard mode cap
  int max_attempts = 3;                                           // SDK standard mode: 3 in all

  ConfigProblems validate() const;
};

}  // namespace loadcast::models
