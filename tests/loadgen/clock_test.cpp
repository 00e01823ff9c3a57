// The start epoch of distributed runs, and the libcurl features a run needs: judged before a
// run, with the sentence a user reads.
#include <catch2/catch.hpp>

#include "loadgen/clock.hpp"
#include "loadgen/curl_engine.hpp"
#include "loadgen/load_config.hpp"

using namespace loadcast;

TEST_CASE("Clock: --start-at is accepted up to a day ahead and a second behind") {
  const double now = 1.7e9;
  CHECK(loadgen::start_at_problem(now + 60.0, now).empty());
  CHECK(loadgen::start_at_problem(now - 0.5, now).empty());
  CHECK(loadgen::start_at_problem(now + 86000.0, now).empty());
  CHECK_THAT(loadgen::start_at_problem(now + 2 * 86400.0, now), Catch::Contains("more than a day"));
  CHECK_THAT(loadgen::start_at_problem(now - 5.0, now), Catch::Contains("5.0 s in the past"));
  CHECK_THAT(loadgen::start_at_problem(0.0, now), Catch::Contains("Unix time in seconds"));
  // `date +%s%3N` gives milliseconds: ~1.7e12 "seconds" is 54,000 years ahead.
  const auto ms = loadgen::start_at_problem(now * 1000.0, now);
  CHECK_THAT(ms, Catch::Contains("looks like milliseconds"));
}

TEST_CASE("Clock: an epoch far away is refused instead of overflowing the steady clock") {
  const double now = loadgen::wall_now_s();
  CHECK_NOTHROW(loadgen::steady_at_epoch(now + 10.0));
  CHECK(loadgen::steady_at_epoch(now + 10.0) > loadgen::steady_now());
  // 1.7e12 s is ~5.4e21 ns: far past int64 nanoseconds.
  CHECK_THROWS_AS(loadgen::steady_at_epoch(now * 1000.0), std::invalid_argument);
  CHECK_THROWS_AS(loadgen::steady_at_epoch(-1e30), std::invalid_argument);
}

TEST_CASE("Clock: a LoadConfig with a millisecond start epoch does not validate") {
  loadgen::LoadConfig c;
  c.target = *loadgen::parse_url("http://127.0.0.1:1/").value;
  workload::RequestClass rc;
  rc.name = "default";
  c.workload.classes = {rc};
  workload::ClosedWorkload closed;
  closed.users = workload::UserSchedule({{0, 1.0}});
  c.workload.model = closed;
  c.start_at = loadgen::wall_now_s() * 1000.0;
  const auto problems = c.validate();
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::Contains("looks like milliseconds"));
}

TEST_CASE("CurlVersion: h2c needs libcurl 8.0.0, HTTP/2 over TLS does not") {
  CHECK_THAT(loadgen::curl_http2_problem(0x075801, "7.88.1", true, true),
             Catch::Contains("needs libcurl 8.0.0 or later; this libcurl is 7.88.1"));
  CHECK(loadgen::curl_http2_problem(0x075801, "7.88.1", true, false).empty());
  CHECK(loadgen::curl_http2_problem(0x080000, "8.0.0", true, true).empty());
  CHECK(loadgen::curl_http2_problem(0x080b01, "8.11.1", true, true).empty());
  CHECK_THAT(loadgen::curl_http2_problem(0x080b01, "8.11.1", false, false), Catch::Contains("without HTTP/2"));
}
