#include <catch2/catch.hpp>

#include "loadgen/load_result.hpp"

using namespace loadcast;
using loadgen::Cause;
using loadgen::Completion;
using loadgen::WorkerMetrics;

namespace {

constexpr sim::Time kT0 = 1000 * sim::kSecond;

// A worker that saw `n` requests, one every 10 ms, with some failures.
WorkerMetrics worker(int n, int offset) {
  WorkerMetrics w(2);
  w.start(kT0, kT0, kT0 + 10 * sim::kSecond);
  for (int i = 0; i < n; ++i) {
    const std::size_t cls = static_cast<std::size_t>(i % 2);
    const sim::Time intended = kT0 + (i + offset) * 10 * sim::kMillisecond;
    w.on_scheduled(cls, intended);
    w.on_sent(intended, intended + 1000);
    Completion c;
    c.sent = intended + 1000;
    c.done = intended + (1 + i % 7) * sim::kMillisecond;
    c.bytes = 100;
    if (i % 10 == 3) {
      c.cause = Cause::kReadTimeout;
    } else if (i % 10 == 5) {
      c.status = 503;
      c.cause = Cause::kHttp5xx;
    } else {
      c.status = 200;
    }
    w.on_completed(cls, c, intended);
  }
  w.on_scheduled(0, kT0 + 5 * sim::kSecond);
  w.on_dropped(0, Cause::kBacklogFull, kT0 + 5 * sim::kSecond, kT0 + 5 * sim::kSecond);
  w.on_lag(20 * sim::kMicrosecond);
  w.finish();
  return w;
}

loadgen::LoadInfo info() {
  loadgen::LoadInfo i;
  i.target = "http://127.0.0.1:1/";
  i.model = "open";
  i.engine = "http1";
  i.duration_s = 10.0;
  i.target_rps = 100.0;
  i.threads = 1;
  i.connections = 4;
  return i;
}

}  // namespace

TEST_CASE("LoadResult: accounting and keys match the simulator's") {
  loadgen::LoadTotals t({"a", "b"});
  t.add_worker(worker(300, 0), {0, 0});
  const auto r = loadgen::build_result(t, info());
  CHECK(r.kind == "load");
  CHECK(r.requests.total == 301);
  CHECK(r.requests.timeouts == 30);
  CHECK(r.requests.errors == 30);
  CHECK(r.requests.dropped == 1);
  CHECK(r.requests.in_flight == 0);
  CHECK(r.requests.ok == 240);
  CHECK(r.requests.balanced());
  CHECK(r.requests.by_status.at("503") == 30);
  CHECK(r.requests.by_cause.at("read_timeout") == 30);
  CHECK(r.requests.by_cause.at("backlog_full") == 1);
  CHECK(r.latency_histogram.count() == 240);  // successful requests only, as the simulator
  const auto j = r.to_json();
  for (const char* key : {"requests_per_s", "errors_per_s", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms"}) {
    CHECK(j["timeseries"]["series"].contains(key));
  }
  CHECK(j["timeseries"]["series"]["requests_per_s"][0].get<double>() == 100.0);
  CHECK(j["timeseries"]["series"]["errors_per_s"][0].get<double>() == 20.0);
  CHECK(j["timeseries"]["series"]["errors_per_s"][5].get<double>() == 1.0);
  CHECK(j["load"]["accounting"]["scheduled"] == 301);
  CHECK(j["load"]["generator_saturated"] == false);
}

TEST_CASE("LoadResult: merging shard results equals measuring them together") {
  const auto a = worker(250, 0);
  const auto b = worker(250, 1);
  loadgen::LoadTotals together({"a", "b"});
  together.add_worker(a, {0, 0});
  together.add_worker(b, {0, 0});
  loadgen::LoadTotals ta({"a", "b"});
  ta.add_worker(a, {0, 0});
  loadgen::LoadTotals tb({"a", "b"});
  tb.add_worker(b, {0, 0});
  // Through JSON and back, as `loadcast merge` does.
  const auto ra = reports::Result::from_json(loadgen::build_result(ta, info()).to_json());
  const auto rb = reports::Result::from_json(loadgen::build_result(tb, info()).to_json());
  auto merged = loadgen::totals_from_result(ra);
  merged.add(loadgen::totals_from_result(rb));
  auto i = info();
  const auto whole = loadgen::build_result(together, i).to_json();
  const auto from_merge = loadgen::build_result(merged, i).to_json();
  CHECK(from_merge["requests"] == whole["requests"]);
  CHECK(from_merge["histograms"] == whole["histograms"]);
  CHECK(from_merge["timeseries"] == whole["timeseries"]);
  CHECK(from_merge["load"]["per_second"] == whole["load"]["per_second"]);
  CHECK(from_merge["latency_ms"] == whole["latency_ms"]);
}

TEST_CASE("LoadResult: requests before the warm-up are not counted") {
  WorkerMetrics w(1);
  w.start(kT0, kT0 + sim::kSecond, kT0 + 2 * sim::kSecond);
  Completion c;
  c.status = 200;
  c.sent = kT0 + 1;
  c.done = kT0 + 100;
  w.on_scheduled(0, kT0);
  w.on_completed(0, c, kT0);
  CHECK(w.classes()[0].scheduled == 0);
  CHECK(w.classes()[0].latency.count() == 0);
  c.done = kT0 + sim::kSecond + 100;
  w.on_scheduled(0, kT0 + sim::kSecond);
  w.on_completed(0, c, kT0 + sim::kSecond);
  CHECK(w.classes()[0].scheduled == 1);
  CHECK(w.classes()[0].latency.count() == 1);
}
