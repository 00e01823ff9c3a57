#include <catch2/catch.hpp>

#include "sim/time.hpp"

using namespace loadcast::sim;

TEST_CASE("parse_duration: every unit and compound forms") {
  CHECK(parse_duration("250ms") == 250 * kMillisecond);
  CHECK(parse_duration("1.5s") == 1500 * kMillisecond);
  CHECK(parse_duration("20us") == 20 * kMicrosecond);
  CHECK(parse_duration("10m") == 10 * kMinute);
  CHECK(parse_duration("2h") == 2 * kHour);
  CHECK(parse_duration("1m30s") == 90 * kSecond);
  CHECK(parse_duration("0s") == 0);
  CHECK_FALSE(parse_duration("10").has_value());
  CHECK_FALSE(parse_duration("-5s").has_value());
  CHECK_FALSE(parse_duration("5 parsecs").has_value());
  CHECK_FALSE(parse_duration("").has_value());
}

TEST_CASE("format_duration: round numbers print with their natural unit") {
  CHECK(format_duration(90 * kMinute) == "90m");
  CHECK(format_duration(2 * kHour) == "2h");
  CHECK(format_duration(1500 * kMillisecond) == "1.5s");
  CHECK(format_duration(250 * kMicrosecond) == "250us");
}

TEST_CASE("parse_duration: white space around the text and between its parts is ignored") {
  CHECK(parse_duration(" 1m 30s\r\n") == 90 * kSecond);
  CHECK(parse_duration("\t250 ms") == 250 * kMillisecond);
  CHECK_FALSE(parse_duration(" \n").has_value());
}
