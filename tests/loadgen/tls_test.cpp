// HTTPS and HTTP/2 against nginx with certificates made at test time (a self-signed one, and a
// test CA with a server certificate for 127.0.0.1 and one for another name): through the native
// engines (HTTP/1.1 over TLS, HTTP/2 with ALPN h2, h2c) and through libcurl.
#include <catch2/catch.hpp>

#include "tests/loadgen/servers.hpp"

using namespace loadcast;

namespace {

struct TlsCase {
  const char* engine;  // load.engine expected
  loadgen::EngineChoice choice;
  bool http2;
};
constexpr TlsCase kTlsEngines[] = {{"http1-tls", loadgen::EngineChoice::kNative, false},
                                   {"http2", loadgen::EngineChoice::kNative, true},
                                   {"libcurl-http1.1", loadgen::EngineChoice::kCurl, false},
                                   {"libcurl-http2", loadgen::EngineChoice::kCurl, true}};

loadgen::LoadConfig over(const std::string& url, const TlsCase& e, std::uint64_t conns, sim::Time duration,
                         double rate = 0.0) {
  auto c = test::quick(url, conns, duration, rate);
  c.engine_choice = e.choice;
  c.engine.http2 = e.http2;
  return c;
}

test::NginxOptions with_cert(const std::string& cert, const std::string& key) {
  test::NginxOptions o;
  o.cert = cert;
  o.key = key;
  return o;
}

}  // namespace

TEST_CASE("TLS: certificates are verified by default") {
  test::SelfSignedCert cert;
  test::Nginx nginx(&cert);
  for (const auto& e : kTlsEngines) {
    const auto r = test::run(over(nginx.url("/index.html", true), e, 2, 300 * sim::kMillisecond));
    const auto& q = r.result.requests;
    INFO(e.engine << ": " << r.result.to_json()["requests"].dump());
    CHECK(r.info.engine == e.engine);
    CHECK(q.ok == 0);
    CHECK(test::cause(r, "tls_error") > 0);
    CHECK(test::cause(r, "tls_error") + q.in_flight == q.total);
    CHECK(q.balanced());
  }
}

TEST_CASE("TLS: --cacert trusts a test CA, a certificate for another name still fails, --insecure skips both") {
  test::TestCa ca;
  test::Nginx good(with_cert(ca.cert, ca.key));
  test::Nginx other(with_cert(ca.other_cert, ca.other_key));
  for (const auto& e : kTlsEngines) {
    INFO(e.engine);
    auto c = over(good.url("/index.html", true), e, 4, 300 * sim::kMillisecond);
    c.engine.cacert = ca.ca;
    auto r = test::run(c);
    INFO(r.result.to_json()["requests"].dump());
    CHECK(r.result.requests.ok > 20);
    CHECK(r.result.requests.errors == 0);
    CHECK(r.result.requests.by_status.at("200") == r.result.requests.ok);

    auto mismatch = over(other.url("/index.html", true), e, 2, 200 * sim::kMillisecond);
    mismatch.engine.cacert = ca.ca;
    r = test::run(mismatch);
    CHECK(r.result.requests.ok == 0);
    CHECK(test::cause(r, "tls_error") + r.result.requests.in_flight == r.result.requests.total);

    mismatch.engine.cacert.clear();
    mismatch.engine.insecure = true;
    r = test::run(mismatch);
    CHECK(r.result.requests.ok > 10);
    CHECK(r.result.requests.errors == 0);
  }
}

TEST_CASE("TLS: the native engines offer AES-128-GCM first, as browsers and h2load do, over TLS 1.2 and 1.3") {
  // nginx takes the client's first choice among the suites it supports; /cipher answers 200
  // only when that was AES-128-GCM (OpenSSL's own order would pick AES-256-GCM: 421).
  test::SelfSignedCert cert;
  for (const char* protocols : {"TLSv1.2", "TLSv1.3"}) {
    test::NginxOptions options;
    options.tls = &cert;
    options.tls_protocols = protocols;
    options.locations = "  location = /cipher { if ($ssl_cipher !~ \"AES128-GCM|AES_128_GCM\") { return 421; } return 200; }\n";
    test::Nginx nginx(options);
    for (const auto& e : kTlsEngines) {
      if (e.choice != loadgen::EngineChoice::kNative) continue;
      auto c = over(nginx.url("/cipher", true), e, 2, 300 * sim::kMillisecond);
      c.engine.insecure = true;
      const auto r = test::run(c);
      const auto& q = r.result.requests;
      INFO(protocols << " " << e.engine << ": " << r.result.to_json()["requests"].dump());
      CHECK(q.ok > 10);
      CHECK(q.errors == 0);
      CHECK(q.balanced());
    }
  }
}

TEST_CASE("TLS: HTTP/2 over TLS needs the server to choose h2 by ALPN") {
  // nginx without http2 on its TLS port answers ALPN with http/1.1 only.
  test::TestCa ca;
  test::NginxOptions o = with_cert(ca.cert, ca.key);
  o.http1_only = true;
  test::Nginx nginx(o);
  auto c = over(nginx.url("/index.html", true), kTlsEngines[1], 2, 200 * sim::kMillisecond);
  c.engine.cacert = ca.ca;
  const auto r = test::run(c);
  CHECK(r.result.requests.ok == 0);
  CHECK(test::cause(r, "tls_error") + r.result.requests.in_flight == r.result.requests.total);
  c.engine.http2 = false;  // the same server over HTTP/1.1
  CHECK(test::run(c).result.requests.ok > 10);
}

TEST_CASE("TLS: HTTP/2 multiplexes an open-model schedule") {
  test::SelfSignedCert cert;
  test::Nginx nginx(&cert);
  for (const auto& e : kTlsEngines) {
    if (!e.http2) continue;
    auto c = over(nginx.url("/index.html", true), e, 8, sim::kSecond, 400.0);
    c.engine.insecure = true;
    c.engine.streams = 4;
    c.threads = 1;
    const auto r = test::run(c);
    const auto& q = r.result.requests;
    INFO(e.engine);
    CHECK(q.total == 399);
    CHECK(q.ok == 399);
    CHECK(r.result.sections["load"]["engine"] == e.engine);
    CHECK(r.result.sections["load"]["achieved_rps"].get<double>() == Approx(400.0).epsilon(0.01));
  }
}

TEST_CASE("TLS: failures are classified like plain HTTP's") {
  for (const auto& e : kTlsEngines) {
    INFO(e.engine);
    auto c = over("https://127.0.0.1:" + std::to_string(test::free_port()) + "/", e, 2, 200 * sim::kMillisecond);
    const auto r = test::run(c);
    CHECK(r.result.requests.ok == 0);
    CHECK(test::cause(r, "connect_refused") + r.result.requests.in_flight == r.result.requests.total);
  }
  test::SelfSignedCert cert;
  test::Nginx nginx(&cert);
  for (const auto& e : kTlsEngines) {
    auto f = over(nginx.url("/fail", true), e, 2, 200 * sim::kMillisecond);
    f.engine.insecure = true;
    const auto rf = test::run(f);
    INFO(e.engine);
    CHECK(rf.result.requests.by_status.at("503") == rf.result.requests.errors);
    CHECK(test::cause(rf, "http_5xx") == rf.result.requests.errors);
  }
}

TEST_CASE("TLS: nginx closing connections at keepalive_requests costs no errors, and reconnects resume the session", "[wallclock]") {
  // nginx closes a connection after `keepalive_requests` (HTTP/2: a GOAWAY); requests already
  // on their way over it fail with nothing received and must be retried once. 50 per
  // connection: a 1 s closed-model run rolls every connection over often, and each new
  // connection of the native engines resumes the TLS session of an earlier one.
  test::SelfSignedCert cert;
  test::NginxOptions options;
  options.tls = &cert;
  options.keepalive_requests = 50;
  test::Nginx nginx(options);
  for (const auto& e : kTlsEngines) {
    auto c = over(nginx.url("/index.html", true), e, 4, sim::kSecond);
    c.engine.insecure = true;
    c.threads = 1;
    if (e.http2) {
      c.engine.streams = 10;
      workload::ClosedWorkload closed;
      closed.users = workload::UserSchedule({{0, 40.0}});
      c.workload.model = closed;
    }
    const auto r = test::run(c);
    const auto& q = r.result.requests;
    const auto& ev = r.info.connection_events;
    INFO(e.engine << ": " << r.result.to_json()["requests"].dump() << " "
                  << r.result.sections["load"]["connection_events"].dump());
    CHECK(q.ok > 500);  // more than ten rollovers per connection
    CHECK(q.errors == 0);
    CHECK(q.timeouts == 0);
    CHECK(q.balanced());
    if (e.choice == loadgen::EngineChoice::kNative) {
      CHECK(ev.tls_handshakes > 10);
      CHECK(ev.tls_resumed >= ev.tls_handshakes - 4);  // all but the first connections' handshakes
      if (e.http2) CHECK(ev.goaways > 10);
    }
  }
}

TEST_CASE("TLS: closed-model HTTP/2 reports connections and users apart, and opens only the connections") {
  // -c 10 --streams 10 in quick mode: 100 looping users on 10 connections. Without a connection
  // cap libcurl opened a connection for most transfers of the first instant (~85 here).
  test::SelfSignedCert cert;
  test::Nginx nginx(&cert);
  for (const auto& e : kTlsEngines) {
    if (!e.http2) continue;
    auto c = over(nginx.url("/index.html", true), e, 10, 500 * sim::kMillisecond);
    c.engine.insecure = true;
    c.engine.streams = 10;
    c.threads = 1;
    workload::ClosedWorkload closed;
    closed.users = workload::UserSchedule({{0, 100.0}});
    c.workload.model = closed;
    const auto r = test::run(c);
    const auto& load = r.result.sections["load"];
    INFO(e.engine << ": " << load.dump());
    CHECK(r.result.requests.ok > 100);
    CHECK(r.result.requests.errors == 0);
    CHECK(load["connections"] == 10);
    CHECK(load["users"] == 100);
    CHECK(load["connections_open_peak"].get<std::uint64_t>() <= 10);
    CHECK(r.info.connections == 10);
  }
}

TEST_CASE("TLS: h2c (HTTP/2 with prior knowledge on http://) against nginx") {
  test::NginxOptions o;
  o.h2c = true;
  test::Nginx nginx(o);
  auto c = test::quick(nginx.url("/index.html"), 4, 400 * sim::kMillisecond);
  c.engine.http2 = true;
  c.engine.streams = 4;
  c.threads = 1;
  workload::ClosedWorkload closed;
  closed.users = workload::UserSchedule({{0, 16.0}});
  c.workload.model = closed;
  const auto r = test::run(c);
  CHECK(r.info.engine == "h2c");
  CHECK(r.result.requests.ok > 50);
  CHECK(r.result.requests.errors == 0);
  CHECK(r.result.requests.by_status.at("200") == r.result.requests.ok);
}
