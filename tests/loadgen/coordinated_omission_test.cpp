// The coordinated-omission test: a server that freezes for 500 ms must show in the latency
// measured from intended send times, while latency from the actual send stays low — the
// difference between wrk2-style and wrk-style measurement.
#include <catch2/catch.hpp>

#include "tests/loadgen/servers.hpp"

using namespace loadcast;

TEST_CASE("CoordinatedOmission: a 500 ms stall shows in corrected latency only") {
  loadgen::TestbedConfig tc;
  tc.workers = 4;
  tc.service = sim::Distribution::constant(0.001);
  tc.stall_at = 3 * sim::kSecond;
  tc.stall_for = 500 * sim::kMillisecond;
  const auto r = test::run_unheld(tc, [](const std::string& url) { return test::quick(url, 10, 10 * sim::kSecond, 1000.0); });
  const auto& q = r.result.requests;
  const auto& load = r.result.sections["load"];
  INFO(r.result.to_json()["latency_ms"].dump() << " uncorrected " << load["latency_uncorrected_ms"].dump());
  CHECK(q.total == 9999);
  CHECK(q.ok == 9999);
  CHECK(q.balanced());
  CHECK(r.result.latency_ms.p99 >= 300.0);
  CHECK(r.result.latency_ms.max >= 450.0);
  CHECK(load["latency_uncorrected_ms"]["p99"].get<double>() < 50.0);
  // The stall is visible second by second: p99 of second 3 is far above second 1's.
  const auto& p99 = r.result.timeseries.series.at("latency_p99_ms");
  CHECK(p99.at(3) > 300.0);
  CHECK(p99.at(1) < 50.0);
}
