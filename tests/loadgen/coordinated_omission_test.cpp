// The coordinated-omission test, on every engine: a server that freezes for 500 ms must show in
// the latency measured from intended send times, while latency from the actual send stays low —
// the difference between wrk2-style and wrk-style measurement. Plain HTTP/1.1 (native and
// libcurl) talks to the testbed directly; HTTP/1.1 over TLS, HTTP/2 over TLS and h2c go through
// nginx proxying to the testbed, so the open model's pacing is checked over each protocol.
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>

#include "tests/loadgen/servers.hpp"

using namespace loadcast;

namespace {

struct CoCase {
  const char* engine;
  loadgen::EngineChoice choice;
  bool tls;
  bool http2;
};

void stall_shows_in_corrected_latency_only(const CoCase& e) {
  loadgen::TestbedConfig tc;
  tc.workers = 4;
  tc.service = sim::Distribution::constant(0.001);
  tc.stall_at = 3 * sim::kSecond;
  tc.stall_for = 500 * sim::kMillisecond;
  std::optional<test::TestCa> ca;
  if (e.tls) ca.emplace();
  const auto run_for = [&](const std::string& testbed_url) {
    const bool proxied = e.tls || e.http2;
    std::optional<test::Nginx> nginx;
    std::string url = testbed_url;
    if (proxied) {
      test::NginxOptions o;
      o.upstream = testbed_url.substr(std::string("http://").size());
      o.upstream.pop_back();  // the trailing '/'
      if (e.tls) {
        o.cert = ca->cert;
        o.key = ca->key;
      }
      o.h2c = e.http2 && !e.tls;
      nginx.emplace(o);
      url = nginx->url("/", e.tls);
    }
    auto c = test::quick(url, 10, 10 * sim::kSecond, 1000.0);
    c.engine_choice = e.choice;
    c.engine.http2 = e.http2;
    if (ca) c.engine.cacert = ca->ca;
    return test::run(c);
  };
  const auto r = test::run_unheld(tc, std::function<loadgen::RunOutput(const std::string&)>(run_for));
  const auto& q = r.result.requests;
  const auto& load = r.result.sections["load"];
  INFO(e.engine << ": " << r.result.to_json()["latency_ms"].dump() << " uncorrected " << load["latency_uncorrected_ms"].dump());
  CHECK(r.info.engine == e.engine);
  CHECK(q.total == 9999);
  CHECK(q.ok == 9999);
  CHECK(q.balanced());
  CHECK(r.result.latency_ms.p99 >= 300.0);
  CHECK(r.result.latency_ms.max >= 450.0);
  CHECK(load["latency_uncorrected_ms"]["p99"].get<double>() < 50.0);
  // The stall is visible second by second: the p99 of the second it starts in (the 3rd second of
  // the testbed, which started a little before the load — more so behind nginx and TLS) is far
  // above second 1's.
  const auto& p99 = r.result.timeseries.series.at("latency_p99_ms");
  CHECK(std::max(p99.at(2), p99.at(3)) > 300.0);
  CHECK(p99.at(1) < 50.0);
}

}  // namespace

TEST_CASE("CoordinatedOmission: a 500 ms stall shows in corrected latency only (HTTP/1.1)", "[wallclock]") {
  stall_shows_in_corrected_latency_only({"http1", loadgen::EngineChoice::kNative, false, false});
}

TEST_CASE("CoordinatedOmission: a 500 ms stall shows in corrected latency only (HTTP/1.1 over TLS)", "[wallclock]") {
  stall_shows_in_corrected_latency_only({"http1-tls", loadgen::EngineChoice::kNative, true, false});
}

TEST_CASE("CoordinatedOmission: a 500 ms stall shows in corrected latency only (HTTP/2 over TLS)", "[wallclock]") {
  stall_shows_in_corrected_latency_only({"http2", loadgen::EngineChoice::kNative, true, true});
}

TEST_CASE("CoordinatedOmission: a 500 ms stall shows in corrected latency only (h2c)", "[wallclock]") {
  stall_shows_in_corrected_latency_only({"h2c", loadgen::EngineChoice::kNative, false, true});
}

TEST_CASE("CoordinatedOmission: a 500 ms stall shows in corrected latency only (libcurl)", "[wallclock]") {
  stall_shows_in_corrected_latency_only({"libcurl-http1.1", loadgen::EngineChoice::kCurl, false, false});
}
