// The load generator's clock: steady (monotonic) nanoseconds, comparable across the worker
// threads of one process, and the conversion from a wall-clock epoch (`--start-at`) to it.
// Thread safe.
#pragma once

#include <chrono>

#include "sim/time.hpp"

namespace loadcast::loadgen {

inline sim::Time steady_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline double wall_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The steady time at which the wall clock will read `epoch_s` (Unix seconds).
inline sim::Time steady_at_epoch(double epoch_s) {
  const sim::Time steady = steady_now();
  const double wall = wall_now_s();
  return steady + sim::from_seconds(epoch_s - wall);
}

}  // namespace loadcast::loadgen
