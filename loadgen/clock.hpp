// The load generator's clock: steady (monotonic) nanoseconds, comparable across the worker
// threads of one process, and the conversion from a wall-clock epoch (`--start-at`) to it.
// A start epoch is accepted only within a day ahead of now and a small tolerance behind it
// (start_at_problem in load_config.hpp), so the conversion never leaves int64 nanoseconds: a millisecond epoch
// passed as seconds (~1.7e12 s ahead) used to overflow it. Thread safe.
#pragma once

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "sim/time.hpp"

namespace loadcast::loadgen {

// How far ahead a --start-at may be: far enough for image pulls and pod scheduling.
inline constexpr double kMaxStartAheadS = 86400.0;
// How far behind now a --start-at may be when the run starts: the agents' clocks and start-up
// may disagree a little; more than this and the first second of the schedule would be a burst.
inline constexpr double kStartLateToleranceS = 1.0;

inline sim::Time steady_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline double wall_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The steady time at which the wall clock will read `epoch_s` (Unix seconds). Throws
// std::invalid_argument when that is more than kMaxStartAheadS away (the offset would not be
// a sensible schedule origin, and far enough out it would overflow int64 nanoseconds).
inline sim::Time steady_at_epoch(double epoch_s) {
  const sim::Time steady = steady_now();
  const double offset = epoch_s - wall_now_s();
  if (!(std::fabs(offset) <= kMaxStartAheadS)) {
    throw std::invalid_argument("--start-at is " + std::to_string(offset) + " s from now: out of range");
  }
  return steady + sim::from_seconds(offset);
}

}  // namespace loadcast::loadgen
