// connect_backoff(): how long a request slot waits after its connection could not be made
// (refused, timed out, no descriptor, any other connect failure) before it takes its next
// request.
//
// Exponential with "equal jitter": after the n-th failure in a row the ceiling is
// min(kConnectBackoffCap, kConnectBackoffBase * 2^(n-1)) and the wait is drawn uniformly from
// [ceiling/2, ceiling] — never less than half the ceiling, so a refused port cannot be hammered
// by slots whose draws came out small, and spread enough that the slots of a run do not retry in
// lock-step. A success (any request that got a connection) resets the count. The base (200 ms)
// and cap (5 s) are the generator's own choice — wrk, wrk2 and k6 have no such option and no
// backoff at all, so they are not flags: a target that refuses connections is down, and 200 ms
// lets a restarting target (a deployment, a crashed process) come back without being flooded,
// while the 5 s cap still notices its return within seconds. The draw comes from the worker's
// own seeded backoff stream, so a run's retries are reproducible for its seed.
// Pure function of its arguments and the stream: thread safe per Rng.
#pragma once

#include <algorithm>
#include <cstdint>

#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace loadcast::loadgen {

inline constexpr sim::Time kConnectBackoffBase = 200 * sim::kMillisecond;
inline constexpr sim::Time kConnectBackoffCap = 5 * sim::kSecond;

// The ceiling after `failures` (>= 1) connect failures in a row.
constexpr sim::Time connect_backoff_ceiling(std::uint32_t failures) {
  sim::Time d = kConnectBackoffBase;
  for (std::uint32_t i = 1; i < failures && d < kConnectBackoffCap; ++i) d *= 2;
  return std::min(d, kConnectBackoffCap);
}

inline sim::Time connect_backoff(std::uint32_t failures, sim::Rng& rng) {
  const sim::Time ceiling = connect_backoff_ceiling(failures);
  const sim::Time half = ceiling / 2;
  return half + static_cast<sim::Time>(rng.uniform() * static_cast<double>(ceiling - half));
}

}  // namespace loadcast::loadgen
