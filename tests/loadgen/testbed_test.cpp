#include <catch2/catch.hpp>

#include <chrono>

#include "tests/loadgen/servers.hpp"

using namespace loadcast;

namespace {

loadgen::TestbedConfig testbed(std::uint64_t workers, const std::string& service) {
  loadgen::TestbedConfig c;
  c.workers = workers;
  c.service = *sim::parse_distribution(service).value;
  return c;
}

}  // namespace

TEST_CASE("Testbed: parses stall specifications") {
  const auto ok = loadgen::parse_stall("500ms@3s");
  CHECK(ok.error.empty());
  CHECK(ok.duration == 500 * sim::kMillisecond);
  CHECK(ok.at == 3 * sim::kSecond);
  for (const char* bad : {"500ms", "500@3s", "0s@1s", "1s@", "@1s"}) {
    INFO(bad);
    CHECK_FALSE(loadgen::parse_stall(bad).error.empty());
  }
}

TEST_CASE("Testbed: rejects impossible configurations") {
  auto c = testbed(0, "const(1ms)");
  CHECK_THROWS_WITH(loadgen::Testbed(c), Catch::Contains("--workers"));
  c = testbed(1, "const(1ms)");
  c.fail_rate = 1.5;
  CHECK_THROWS_WITH(loadgen::Testbed(c), Catch::Contains("--fail-rate"));
}

TEST_CASE("Testbed: C slots serve in FIFO order") {
  // Four looping users on two 50 ms slots: each request waits one service, so every response
  // takes ~100 ms and the server completes 40 requests/s.
  test::TestbedThread tb(testbed(2, "const(50ms)"));
  auto c = test::quick(tb.url(), 4, 2 * sim::kSecond);
  const auto r = test::run(c);
  CHECK(r.result.requests.errors == 0);
  CHECK(r.result.throughput_rps == Approx(40.0).epsilon(0.1));
  CHECK(r.result.latency_ms.p50 == Approx(100.0).margin(15.0));
  CHECK(tb.stats().max_queue >= 2);
}

TEST_CASE("Testbed: the health check bypasses busy slots") {
  test::TestbedThread tb(testbed(1, "const(400ms)"));
  auto busy = test::quick(tb.url(), 3, 400 * sim::kMillisecond);
  std::thread load([&] { test::run(busy); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto health = test::quick(tb.url("/health"), 1, 200 * sim::kMillisecond);
  health.threads = 1;
  const auto r = test::run(health);
  load.join();
  CHECK(r.result.requests.ok > 5);
  CHECK(r.result.latency_ms.p99 < 100.0);
  CHECK(tb.stats().health == r.result.requests.ok);
}

TEST_CASE("Testbed: fail rate answers that share of requests with 500") {
  auto tc = testbed(8, "const(0ms)");
  tc.fail_rate = 0.3;
  test::TestbedThread tb(tc);
  auto c = test::quick(tb.url(), 8, 500 * sim::kMillisecond, 2000.0);
  const auto r = test::run(c);
  const auto& q = r.result.requests;
  REQUIRE(q.total == 999);
  const double share = static_cast<double>(q.by_status.at("500")) / static_cast<double>(q.total);
  CHECK(share == Approx(0.3).margin(0.05));  // binomial sd 0.0145: ±3.4 sd
  CHECK(q.balanced());
}

TEST_CASE("Testbed: cpu mode holds a slot for the CPU time drawn") {
  auto tc = testbed(1, "const(20ms)");
  tc.mode = loadgen::ServiceMode::kCpu;
  test::TestbedThread tb(tc);
  auto c = test::quick(tb.url(), 1, 600 * sim::kMillisecond);
  c.threads = 1;
  const auto r = test::run(c);
  CHECK(r.result.requests.ok >= 5);
  CHECK(r.result.latency_ms.p50 >= 19.5);
  CHECK(r.result.throughput_rps <= 51.0);
}
