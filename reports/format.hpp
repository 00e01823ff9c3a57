// Number formatting for everything loadcast prints or writes as text: grouped counts, fixed
// decimals, money, clock times and measured values. One copy, so the summary, the reports and
// the tables render a number the same way. Output is locale-independent (C locale printf).
// Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <string>

namespace loadcast::reports {

// One number through a printf format of the caller's ("%.3g ms", "%+.1f%%"), C locale; the
// result is cut at 159 characters. The one copy of the helper every message builder used.
std::string fmt(const char* format, double v);

// A count with thousands separators: 1787012 -> "1,787,012".
std::string grouped(std::uint64_t n);

// printf-style "%.*f" with trailing zeros removed ("12.50" -> "12.5", "3.00" -> "3"; "-0" -> "0"; NaN -> "—").
std::string fixed(double v, int decimals);

// How reports print a value that has no samples (NaN, null in result.json).
inline constexpr const char* kNoValue = "—";

// printf-style "%.*f", every decimal kept (SVG coordinates: 12.0 -> "12.0").
std::string fixed_point(double v, int decimals);

// US dollars with two decimals and thousands separators: 1234.5 -> "$1,234.50".
std::string money(double usd);

// Simulated time as a clock: 75 s -> "1:15", 3725 s -> "1:02:05".
std::string clock_time(double seconds);

// A wall-clock time in UTC, whole seconds: 1796457600 -> "2026-12-05T08:00:00Z".
std::string iso8601(double epoch);

// A span of time for a sentence: "45 s", "23 m 22 s", "40 min", "8 h 30 m", "2 d 3 h" (rounded
// to the unit below the largest); "?" when not finite.
std::string human_duration(double seconds);

// Shortest readable rendering of a measured value ("412.35", "0.0123", "—" for NaN: no samples): three
// significant digits below 0.01, otherwise fixed() with 4, 2 or 1 decimals by magnitude.
std::string format_value(double v);

}  // namespace loadcast::reports
