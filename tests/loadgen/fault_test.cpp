// Fault tests: every failure lands in its bucket, nothing crashes, accounting balances — through
// every engine the fault applies to: the native HTTP/1.1 engine and libcurl (forced onto plain
// http://) against scripted HTTP/1.1 servers and the testbed; all of them — the native engines
// over TLS, HTTP/2 over TLS and h2c too — against a port that refuses or never accepts, and
// against nginx (its own faults, and nginx in front of a misbehaving upstream, as in a real
// deployment). HTTP/2's own faults (resets, GOAWAY, refusals, bad frames) are in
// http2_engine_test.cpp, TLS's (certificates) in tls_test.cpp.
#include <catch2/catch.hpp>

#include "tests/loadgen/servers.hpp"

using namespace loadcast;
using test::BadServer;
using test::Bucket;
using test::Misbehaviour;
using test::only;

namespace {

struct EngineCase {
  const char* name;
  loadgen::EngineChoice choice;
  bool tls = false;
  bool http2 = false;
};
// HTTP/1.1 on plain TCP: what the scripted HTTP/1.1 servers can talk to.
constexpr EngineCase kEngines[] = {{"http1", loadgen::EngineChoice::kNative},
                                   {"libcurl", loadgen::EngineChoice::kCurl}};
// Every engine: for faults below HTTP (refused, never accepted) and nginx's.
constexpr EngineCase kAllEngines[] = {{"http1", loadgen::EngineChoice::kNative},
                                      {"libcurl", loadgen::EngineChoice::kCurl},
                                      {"http1-tls", loadgen::EngineChoice::kNative, true, false},
                                      {"http2", loadgen::EngineChoice::kNative, true, true},
                                      {"h2c", loadgen::EngineChoice::kNative, false, true}};

// `url` (http://) with the engine's scheme.
std::string for_engine(const std::string& url, const EngineCase& engine) {
  return engine.tls ? "https" + url.substr(4) : url;
}

loadgen::LoadConfig config_for(const std::string& url, const EngineCase& engine, sim::Time timeout) {
  auto c = test::quick(for_engine(url, engine), 2, 300 * sim::kMillisecond);
  c.engine.timeout = timeout;
  c.engine_choice = engine.choice;
  c.engine.http2 = engine.http2;
  c.engine.insecure = engine.tls;
  return c;
}

loadgen::RunOutput against(const std::string& url, const EngineCase& engine, sim::Time timeout = 2 * sim::kSecond) {
  return test::run(config_for(url, engine, timeout));
}

// nginx's faults: closing without a response (444), response headers over the 64 KiB limit,
// and locations proxying to upstreams that stall, close mid-response or answer garbage; over
// HTTP/1.1 and, for an engine that needs them, TLS (HTTP/1.1 and h2 by ALPN) or h2c.
class NginxFaults {
 public:
  explicit NginxFaults(const EngineCase& engine = kEngines[0]) : nginx_(options(engine)) {}
  std::string url(const std::string& path) const { return nginx_.url(path); }

 private:
  test::NginxOptions options(const EngineCase& engine) {
    test::NginxOptions o;
    if (engine.tls) {
      o.cert = ca_.cert;
      o.key = ca_.key;
    }
    o.h2c = engine.http2 && !engine.tls;
    // 20 headers of 4,000 bytes (nginx caps one configuration token at 4 KiB): ~80 KB in all.
    std::string big;
    for (int i = 0; i < 20; ++i) big += " add_header X-Big-" + std::to_string(i) + " " + std::string(4000, 'a') + ";";
    const auto upstream = [](const BadServer& s) { return " proxy_pass http://127.0.0.1:" + std::to_string(s.port()) + ";"; };
    o.locations = "  location /close { return 444; }\n"
                  "  location /big-headers {" + big + " return 200 \"ok\"; }\n"
                  "  location /stall {" + upstream(silent_) + " }\n"
                  "  location /cut {" + upstream(cut_) + " }\n"
                  "  location /garbage {" + upstream(garbage_) + " }\n";
    return o;
  }

  test::TestCa ca_;
  BadServer silent_{Misbehaviour::kSilent};
  BadServer cut_{Misbehaviour::kCloseMidResponse};
  BadServer garbage_{Misbehaviour::kMalformedClose};
  test::Nginx nginx_;
};

}  // namespace

TEST_CASE("Faults: connection refused") {
  for (const auto& e : kAllEngines) {
    const auto r = against("http://127.0.0.1:" + std::to_string(test::free_port()) + "/", e);
    only(r, "connect_refused", Bucket::kErrors);
    if (e.choice == loadgen::EngineChoice::kNative) CHECK(r.info.preconnect_failures == 2);
  }
}

TEST_CASE("Faults: server closing mid response") {
  BadServer s(Misbehaviour::kCloseMidResponse);
  for (const auto& e : kEngines) only(against(s.url(), e), "reset", Bucket::kErrors);
}

TEST_CASE("Faults: connection reset") {
  BadServer s(Misbehaviour::kReset);
  for (const auto& e : kEngines) only(against(s.url(), e), "reset", Bucket::kErrors);
}

TEST_CASE("Faults: responses slower than the timeout") {
  BadServer s(Misbehaviour::kSilent);
  for (const auto& e : kEngines) only(against(s.url(), e, 100 * sim::kMillisecond), "read_timeout", Bucket::kTimeouts);
}

TEST_CASE("Faults: malformed status line") {
  BadServer s(Misbehaviour::kMalformedStatus);
  for (const auto& e : kEngines) only(against(s.url(), e), "malformed_response", Bucket::kErrors);
}

TEST_CASE("Faults: oversized response headers") {
  BadServer s(Misbehaviour::kOversizedHeaders);
  for (const auto& e : kEngines) only(against(s.url(), e), "malformed_response", Bucket::kErrors);
}

TEST_CASE("Faults: connect timeout when the server never accepts") {
  BadServer s(Misbehaviour::kNoAccept);
  for (const auto& e : kAllEngines) {
    auto c = config_for(s.url(), e, 150 * sim::kMillisecond);
    c.connections = 6;
    workload::ClosedWorkload closed;
    closed.users = workload::UserSchedule({{0, 6.0}});
    c.workload.model = closed;
    const auto r = test::run(c);
    const auto& q = r.result.requests;
    INFO(e.name << ": " << r.result.to_json()["requests"].dump());
    CHECK(q.ok == 0);
    CHECK(test::cause(r, "connect_timeout") > 0);
    CHECK(q.timeouts == test::cause(r, "connect_timeout") + test::cause(r, "read_timeout"));
    CHECK(q.balanced());
  }
}

TEST_CASE("Faults: a request body the server will not take is a write error") {
  // The server reads the request header and resets the connection while 16 MiB of body are
  // still being sent: the request could not be sent.
  BadServer s(Misbehaviour::kReset);
  for (const auto& e : kEngines) {
    auto c = test::quick(s.url(), 2, 300 * sim::kMillisecond);
    c.engine_choice = e.choice;
    c.workload.classes[0].http.method = "POST";
    c.workload.classes[0].http.body = std::string(16 << 20, 'b');
    only(test::run(c), "write_error", Bucket::kErrors);
  }
}

TEST_CASE("Faults: a 5xx storm from the testbed") {
  loadgen::TestbedConfig tc;
  tc.workers = 4;
  tc.fail_rate = 1.0;
  test::TestbedThread tb(tc);
  for (const auto& e : kEngines) {
    const auto r = against(tb.url(), e);
    only(r, "http_5xx", Bucket::kErrors);
    CHECK(r.result.requests.by_status.at("500") == r.result.requests.errors);
  }
}

TEST_CASE("Faults: testbed responses slower than the timeout") {
  loadgen::TestbedConfig tc;
  tc.workers = 4;
  tc.service = sim::Distribution::constant(1.0);
  test::TestbedThread tb(tc);
  for (const auto& e : kEngines) only(against(tb.url(), e, 100 * sim::kMillisecond), "read_timeout", Bucket::kTimeouts);
}

TEST_CASE("Faults: a 5xx storm from nginx") {
  for (const auto& e : kAllEngines) {
    const NginxFaults nginx(e);
    const auto r = against(nginx.url("/fail"), e);
    only(r, "http_5xx", Bucket::kErrors);
    CHECK(r.result.requests.by_status.at("503") == r.result.requests.errors);
  }
}

TEST_CASE("Faults: nginx closing without a response (return 444)") {
  for (const auto& e : kAllEngines) {
    const NginxFaults nginx(e);
    only(against(nginx.url("/close"), e), "reset", Bucket::kErrors);
  }
}

TEST_CASE("Faults: nginx sending response headers over the limit") {
  for (const auto& e : kAllEngines) {
    const NginxFaults nginx(e);
    only(against(nginx.url("/big-headers"), e), "malformed_response", Bucket::kErrors);
  }
}

TEST_CASE("Faults: nginx in front of a stalled upstream, slower than the timeout") {
  for (const auto& e : kAllEngines) {
    const NginxFaults nginx(e);
    only(against(nginx.url("/stall"), e, 200 * sim::kMillisecond), "read_timeout", Bucket::kTimeouts);
  }
}

TEST_CASE("Faults: nginx cutting a response when its upstream closes mid-body") {
  for (const auto& e : kAllEngines) {
    const NginxFaults nginx(e);
    only(against(nginx.url("/cut"), e), "reset", Bucket::kErrors);
  }
}

TEST_CASE("Faults: nginx passing on an upstream's malformed status line") {
  // Over HTTP/1.1 nginx relays the upstream's bytes as an HTTP/0.9 answer; over HTTP/2 it
  // answers `:status: 000` (nghttp -v shows it). Both are malformed to every engine.
  for (const auto& e : kAllEngines) {
    const NginxFaults nginx(e);
    only(against(nginx.url("/garbage"), e), "malformed_response", Bucket::kErrors);
  }
}
