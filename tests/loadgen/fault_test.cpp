// Fault tests: every failure lands in its bucket, nothing crashes, accounting balances.
#include <catch2/catch.hpp>

#include "tests/loadgen/servers.hpp"

using namespace loadcast;
using test::BadServer;
using test::Misbehaviour;

namespace {

loadgen::RunOutput against(const std::string& url, sim::Time timeout = 2 * sim::kSecond) {
  auto c = test::quick(url, 2, 300 * sim::kMillisecond);
  c.engine.timeout = timeout;
  return test::run(c);
}

// Every request failed for `cause` (or was still in flight at the end); failures have no latency.
void only(const loadgen::RunOutput& r, const std::string& cause) {
  const auto& q = r.result.requests;
  INFO("causes: " << r.result.to_json()["requests"]["by_cause"].dump());
  CHECK(q.total > 0);
  CHECK(q.ok == 0);
  CHECK(test::cause(r, cause) + q.in_flight == q.total);
  CHECK(q.balanced());
  CHECK(r.result.latency_histogram.count() == 0);
}

}  // namespace

TEST_CASE("Faults: connection refused") {
  const auto r = against("http://127.0.0.1:" + std::to_string(test::free_port()) + "/");
  only(r, "connect_refused");
  CHECK(r.result.requests.errors == r.result.requests.total);
  CHECK(r.info.preconnect_failures == 2);
}

TEST_CASE("Faults: server closing mid response") {
  BadServer s(Misbehaviour::kCloseMidResponse);
  only(against(s.url()), "reset");
}

TEST_CASE("Faults: connection reset") {
  BadServer s(Misbehaviour::kReset);
  only(against(s.url()), "reset");
}

TEST_CASE("Faults: responses slower than the timeout") {
  BadServer s(Misbehaviour::kSilent);
  const auto r = against(s.url(), 100 * sim::kMillisecond);
  only(r, "read_timeout");
  CHECK(r.result.requests.timeouts == r.result.requests.total);
  CHECK(r.result.requests.errors == 0);
}

TEST_CASE("Faults: malformed status line") {
  BadServer s(Misbehaviour::kMalformedStatus);
  only(against(s.url()), "malformed_response");
}

TEST_CASE("Faults: oversized response headers") {
  BadServer s(Misbehaviour::kOversizedHeaders);
  only(against(s.url()), "malformed_response");
}

TEST_CASE("Faults: connect timeout when the server never accepts") {
  BadServer s(Misbehaviour::kNoAccept);
  auto c = test::quick(s.url(), 6, 300 * sim::kMillisecond);
  c.engine.timeout = 150 * sim::kMillisecond;
  const auto r = test::run(c);
  const auto& q = r.result.requests;
  CHECK(q.ok == 0);
  CHECK(test::cause(r, "connect_timeout") > 0);
  CHECK(q.timeouts == test::cause(r, "connect_timeout") + test::cause(r, "read_timeout"));
  CHECK(q.balanced());
}

TEST_CASE("Faults: a 5xx storm from the testbed") {
  loadgen::TestbedConfig tc;
  tc.workers = 4;
  tc.fail_rate = 1.0;
  test::TestbedThread tb(tc);
  const auto r = against(tb.url());
  only(r, "http_5xx");
  CHECK(r.result.requests.by_status.at("500") == r.result.requests.errors);
}

TEST_CASE("Faults: a 5xx storm from nginx") {
  test::Nginx nginx;
  const auto r = against(nginx.url("/fail"));
  only(r, "http_5xx");
  CHECK(r.result.requests.by_status.at("503") == r.result.requests.errors);
}
