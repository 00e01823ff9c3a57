// Loopback tests of the HTTP/1.1 engine, the pacer and the runner against the in-process
// testbed, nginx and small scripted servers.
#include <catch2/catch.hpp>

#include <thread>

#include "tests/loadgen/servers.hpp"

using namespace loadcast;
using test::BadServer;
using test::Misbehaviour;
using test::TestbedThread;

namespace {

loadgen::TestbedConfig testbed(std::uint64_t workers, const std::string& service) {
  loadgen::TestbedConfig c;
  c.workers = workers;
  c.service = *sim::parse_distribution(service).value;
  return c;
}

}  // namespace

TEST_CASE("Http1Engine: closed model completes every request with keep-alive") {
  TestbedThread tb(testbed(4, "const(2ms)"));
  const auto r = test::run(test::quick(tb.url(), 4, 600 * sim::kMillisecond));
  const auto& q = r.result.requests;
  CHECK(q.ok > 200);
  CHECK(q.errors == 0);
  CHECK(q.timeouts == 0);
  CHECK(q.balanced());
  CHECK(q.by_status.at("200") == q.ok);
  CHECK(r.result.latency_ms.p50 >= 1.9);
  CHECK(r.result.latency_ms.p50 < 10.0);
  CHECK(tb.stats().connections == 4);  // no reconnects
}

TEST_CASE("Worker: open model sends at the target rate from intended times", "[wallclock]") {
  TestbedThread tb(testbed(8, "const(1ms)"));
  auto c = test::quick(tb.url(), 8, 2 * sim::kSecond, 500.0);
  const auto r = test::run(c);
  const auto& q = r.result.requests;
  CHECK(q.total == 999);  // arrivals at k/500 s for k = 1..999 fall before 2 s
  CHECK(q.ok == 999);
  CHECK(q.balanced());
  const auto& load = r.result.sections["load"];
  CHECK(load["achieved_rps"].get<double>() == Approx(500.0).epsilon(0.01));
  CHECK(load["target_rps"].get<double>() == Approx(500.0).epsilon(0.001));
  CHECK(load["timer_lag_ms"]["p50"].get<double>() < 5.0);
}

TEST_CASE("Worker: a request waiting for a connection is charged its wait", "[wallclock]") {
  // One connection, 20 ms per request, 100 requests/s: the server can do 50/s, so the backlog
  // grows and latency from the intended time climbs while the actual-send latency stays 20 ms.
  const auto r = test::run_unheld(testbed(1, "const(20ms)"), [](const std::string& url) {
    auto c = test::quick(url, 1, sim::kSecond, 100.0);
    c.threads = 1;
    c.drain = 3 * sim::kSecond;
    return c;
  });
  const auto& load = r.result.sections["load"];
  CHECK(r.result.requests.ok == 99);
  CHECK(r.result.latency_ms.p99 > 500.0);
  CHECK(load["latency_uncorrected_ms"]["p99"].get<double>() < 60.0);
  CHECK(load["achieved_rps"].get<double>() < 80.0);
  CHECK_FALSE(load["warnings"].empty());
}

TEST_CASE("Worker: the drop policy counts what it could not send", "[wallclock]") {
  const auto r = test::run_unheld(testbed(1, "const(20ms)"), [](const std::string& url) {
    auto c = test::quick(url, 1, sim::kSecond, 100.0);
    c.threads = 1;
    c.overload = loadgen::OverloadPolicy::kDrop;
    return c;
  });
  const auto& q = r.result.requests;
  CHECK(q.total == 99);
  CHECK(q.dropped > 30);
  CHECK(q.ok + q.dropped == 99);
  CHECK(q.by_cause.at("backlog_full") == q.dropped);
  CHECK(q.balanced());
  CHECK(r.result.latency_ms.max < 60.0);
}

TEST_CASE("Worker: a bounded backlog drops the overflow") {
  TestbedThread tb(testbed(1, "const(20ms)"));
  auto c = test::quick(tb.url(), 1, sim::kSecond, 100.0);
  c.threads = 1;
  c.max_backlog = 5;
  c.drain = 2 * sim::kSecond;
  const auto r = test::run(c);
  const auto& q = r.result.requests;
  CHECK(q.dropped > 30);
  CHECK(q.ok + q.dropped == 99);
  CHECK(q.balanced());
}

TEST_CASE("Http1Engine: weighted classes are counted per class and per status") {
  test::Nginx nginx;
  loadgen::LoadConfig c = test::quick(nginx.url("/"), 4, 500 * sim::kMillisecond);
  workload::RequestClass found;
  found.name = "found";
  found.weight = 3.0;
  found.http.path = "/index.html";
  workload::RequestClass missing;
  missing.name = "missing";
  missing.weight = 1.0;
  missing.http.path = "/nope-{n}";
  workload::TemplateParam n;
  n.name = "n";
  n.values = {"a", "b"};
  missing.http.params = {n};
  c.workload.classes = {found, missing};
  const auto r = test::run(c);
  const auto& f = r.result.classes.at("found").requests;
  const auto& m = r.result.classes.at("missing").requests;
  CHECK(f.errors == 0);
  CHECK(f.by_status.at("200") == f.ok);
  CHECK(m.ok == 0);
  CHECK(m.by_status.at("404") == m.errors);
  CHECK(m.by_cause.at("http_4xx") == m.errors);
  const double share = static_cast<double>(f.total) / static_cast<double>(f.total + m.total);
  CHECK(share == Approx(0.75).margin(0.05));
  CHECK(r.result.requests.balanced());
}

TEST_CASE("Http1Engine: chunked and close-delimited bodies are complete responses") {
  for (auto how : {Misbehaviour::kChunked, Misbehaviour::kBodyUntilClose}) {
    BadServer server(how);
    const auto r = test::run(test::quick(server.url(), 2, 300 * sim::kMillisecond));
    INFO(static_cast<int>(how));
    CHECK(r.result.requests.ok > 10);
    CHECK(r.result.requests.errors == 0);
    CHECK(r.result.requests.balanced());
  }
}

TEST_CASE("Http1Engine: connections the server closes after a response are reopened cleanly") {
  BadServer server(Misbehaviour::kCloseAfterEach);
  const auto r = test::run(test::quick(server.url(), 2, 400 * sim::kMillisecond));
  CHECK(r.result.requests.ok > 10);
  CHECK(r.result.requests.errors == 0);
  CHECK(r.result.requests.balanced());
}

TEST_CASE("Runner: a stop request ends the run with a balanced partial result") {
  TestbedThread tb(testbed(4, "const(5ms)"));
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    stop = true;
  });
  auto c = test::quick(tb.url(), 4, 30 * sim::kSecond, 200.0);
  const auto r = loadgen::run_load(c, stop);
  stopper.join();
  CHECK(r.info.stopped_early);
  CHECK(r.result.duration_s < 2.0);
  CHECK(r.result.requests.ok > 20);
  CHECK(r.result.requests.balanced());
  CHECK(r.result.sections["load"]["stopped_early"] == true);
}

TEST_CASE("Worker: closed-model users loop with think time", "[wallclock]") {
  // Four users, 10 ms service on four slots, 50 ms think: one request per user every 60 ms.
  TestbedThread tb(testbed(4, "const(10ms)"));
  auto c = test::quick(tb.url(), 4, 2 * sim::kSecond);
  workload::ClosedWorkload closed;
  closed.users = workload::UserSchedule({{0, 4.0}});
  closed.think_time = sim::Distribution::constant(0.050);
  c.workload.model = closed;
  const auto r = test::run(c);
  CHECK(r.result.requests.errors == 0);
  CHECK(r.result.throughput_rps == Approx(4.0 / 0.060).epsilon(0.1));
  CHECK(r.result.latency_ms.p50 == Approx(10.0).margin(3.0));
  CHECK(r.result.sections["load"]["model"] == "closed");
  CHECK(r.result.sections["load"]["timer_lag_ms"]["p50"].get<double>() < 5.0);
}

TEST_CASE("Worker: closed-model user stages start and retire users", "[wallclock]") {
  // 0 -> 6 users over the first second, then held: the second half runs 6 looping users.
  TestbedThread tb(testbed(8, "const(20ms)"));
  auto c = test::quick(tb.url(), 6, 2 * sim::kSecond);
  workload::ClosedWorkload closed;
  closed.users = workload::UserSchedule({{0, 0.0}, {sim::kSecond, 6.0}});
  c.workload.model = closed;
  const auto r = test::run(c);
  const auto& rps = r.result.timeseries.series.at("requests_per_s");
  REQUIRE(rps.size() >= 2);
  CHECK(rps[0] < rps[1]);
  CHECK(rps[1] == Approx(6.0 / 0.020).epsilon(0.15));
  CHECK(r.result.requests.balanced());
}
