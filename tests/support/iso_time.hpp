// Wall-clock times as the tests write them into CloudWatch-format inputs: reports::iso8601 gives
// the "…Z" form loadcast prints; this gives the "+00:00" offset form, which get-metric-data
// output can also carry, so the tests exercise the zone parsing too. Test-only helper.
#pragma once

#include <ctime>
#include <string>

namespace loadcast::testing {

// 1796457600 -> "2026-12-05T08:00:00+00:00" (whole seconds, UTC).
inline std::string iso_offset(double epoch) {
  const auto t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buf;
}

}  // namespace loadcast::testing
