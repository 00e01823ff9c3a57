// The one number formatter: grouped counts, fixed decimals with and without trailing zeros,
// money, clock times and measured values, byte for byte as the writers print them.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "reports/format.hpp"

using namespace loadcast::reports;

TEST_CASE("Format: counts are grouped by thousands") {
  CHECK(grouped(0) == "0");
  CHECK(grouped(999) == "999");
  CHECK(grouped(1000) == "1,000");
  CHECK(grouped(1787012) == "1,787,012");
  CHECK(grouped(std::numeric_limits<std::uint64_t>::max()) == "18,446,744,073,709,551,615");
}

TEST_CASE("Format: fixed decimals drop trailing zeros, fixed_point keeps them") {
  CHECK(fixed(12.5, 2) == "12.5");
  CHECK(fixed(3.0, 2) == "3");
  CHECK(fixed(1234.5678, 0) == "1235");
  CHECK(fixed(-0.0001, 2) == "0");
  CHECK(fixed(std::nan(""), 2) == "—");
  CHECK(fixed(-std::numeric_limits<double>::infinity(), 2) == "-inf");
  CHECK(fixed_point(12.0, 1) == "12.0");
  CHECK(fixed_point(3.14159, 3) == "3.142");
  CHECK(fixed_point(-0.04, 1) == "-0.0");
}

TEST_CASE("Format: money has two decimals, separators and a sign before the dollar") {
  CHECK(money(1234.5) == "$1,234.50");
  CHECK(money(0.0) == "$0.00");
  CHECK(money(-1234567.891) == "-$1,234,567.89");
  CHECK(money(-0.001) == "$0.00");
  CHECK(money(std::nan("")) == "$?");
}

TEST_CASE("Format: clock times are m:ss below an hour and h:mm:ss above") {
  CHECK(clock_time(75.0) == "1:15");
  CHECK(clock_time(3725.0) == "1:02:05");
  CHECK(clock_time(0.4) == "0:00");
  CHECK(clock_time(std::nan("")) == "?");
}

TEST_CASE("Format: wall-clock times are ISO-8601 in UTC, to the second") {
  CHECK(iso8601(1796457600.0) == "2026-12-05T08:00:00Z");
  CHECK(iso8601(1796457600.9) == "2026-12-05T08:00:00Z");
  CHECK(iso8601(0.0) == "1970-01-01T00:00:00Z");
  CHECK(iso8601(951782400.0) == "2000-02-29T00:00:00Z");
}

TEST_CASE("Format: measured values are formatted readably") {
  CHECK(format_value(412.3456) == "412.35");
  CHECK(format_value(0.0123) == "0.0123");
  CHECK(format_value(0.000123) == "0.000123");
  CHECK(format_value(12345.67) == "12345.7");
  CHECK(format_value(std::nan("")) == "—");
}

TEST_CASE("Format: spans of time read as a sentence says them") {
  CHECK(human_duration(45) == "45 s");
  CHECK(human_duration(1402) == "23 m 22 s");
  CHECK(human_duration(2400) == "40 min");
  CHECK(human_duration(30600) == "8 h 30 m");
  CHECK(human_duration(7200) == "2 h");
  CHECK(human_duration(2 * 86400 + 3 * 3600) == "2 d 3 h");
  CHECK(human_duration(std::nan("")) == "?");
}
