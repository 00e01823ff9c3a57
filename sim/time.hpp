// Simulated time: a signed 64-bit count of nanoseconds since the start of a run.
//
// Integer time keeps event ordering exact (no float ties that collapse distinct instants, the
// problem SimPy warns about) and gives 292 years of range. Durations in scenarios and on the
// command line are written with a unit ("250ms", "1.5s", "90m", "2h"); parse_duration() is the
// one parser for them, and no duration given may exceed kMaxDuration. Arithmetic on times never
// wraps: conversions and sums saturate at kTimeMax, which means "never" (an event scheduled
// then does not run). Pure functions, thread safe.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loadcast::sim {

using Time = std::int64_t;  // nanoseconds

inline constexpr Time kNanosecond = 1;
inline constexpr Time kMicrosecond = 1'000;
inline constexpr Time kMillisecond = 1'000'000;
inline constexpr Time kSecond = 1'000'000'000;
inline constexpr Time kMinute = 60 * kSecond;
inline constexpr Time kHour = 60 * kMinute;
inline constexpr Time kDay = 24 * kHour;
inline constexpr Time kTimeMax = INT64_MAX;  // "never"
// The longest duration a scenario, a distribution's parameter or a flag may give: a year is far
// beyond any run, and sums of a few such durations stay far from overflow.
inline constexpr Time kMaxDuration = 365 * kDay;
inline constexpr const char* kMaxDurationText = "365d";

// t + d, saturating at kTimeMax: a delay that would pass the end of time means never.
inline constexpr Time add_saturated(Time t, Time d) {
  if (d <= 0) return t;
  return t > kTimeMax - d ? kTimeMax : t + d;
}
// A count of nanoseconds held in a double (truncated): kTimeMax beyond the int64 range, 0 for NaN.
inline Time saturated_ns(double ns) {
  if (!(ns < 9.2e18)) return ns != ns ? 0 : kTimeMax;
  if (!(ns > -9.2e18)) return -kTimeMax;
  return static_cast<Time>(ns);
}

// Rounds half away from zero, like llround, without the libm call (hot path). Values beyond the
// int64 range (about 292 years) saturate instead of overflowing.
inline Time from_seconds(double s) {
  const double ns = s * 1e9;
  if (!(ns < 9.2e18)) return ns != ns ? 0 : kTimeMax;
  if (!(ns > -9.2e18)) return -kTimeMax;
  return ns >= 0.0 ? static_cast<Time>(ns + 0.5) : -static_cast<Time>(-ns + 0.5);
}
// Division, not multiplication by 1e-9: it is correctly rounded, so whole seconds convert exactly
// (60 s is 60.0, not 60.00000000000001) and results print as users wrote them.
inline double to_seconds(Time t) { return static_cast<double>(t) / 1e9; }
inline double to_millis(Time t) { return static_cast<double>(t) / 1e6; }

// "1.5s", "250ms", "20us", "100ns", "10m", "2h", "1d". A bare number is rejected: every duration
// names its unit. Returns nullopt on malformed input or a negative value.
std::optional<Time> parse_duration(std::string_view text);

// Shortest exact-ish rendering with a unit, e.g. 90 s -> "1m30s", 0.0015 s -> "1.5ms".
std::string format_duration(Time t);

}  // namespace loadcast::sim
