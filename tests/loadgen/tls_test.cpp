// HTTPS and HTTP/2 through the libcurl engine against nginx with a self-signed certificate
// generated at test time.
#include <catch2/catch.hpp>

#include "tests/loadgen/servers.hpp"

using namespace loadcast;

TEST_CASE("CurlEngine: verifies certificates by default") {
  test::SelfSignedCert cert;
  test::Nginx nginx(&cert);
  auto c = test::quick(nginx.url("/index.html", true), 2, 300 * sim::kMillisecond);
  const auto r = test::run(c);
  const auto& q = r.result.requests;
  CHECK(q.ok == 0);
  CHECK(test::cause(r, "tls_error") + q.in_flight == q.total);
  CHECK(q.balanced());
}

TEST_CASE("CurlEngine: HTTPS with a trusted CA and with --insecure") {
  test::SelfSignedCert cert;
  test::Nginx nginx(&cert);
  auto c = test::quick(nginx.url("/index.html", true), 4, 400 * sim::kMillisecond);
  c.engine.cacert = cert.cert;
  auto r = test::run(c);
  INFO(r.result.to_json()["requests"].dump());
  CHECK(r.result.requests.ok > 20);
  CHECK(r.result.requests.errors == 0);
  CHECK(r.result.requests.by_status.at("200") == r.result.requests.ok);
  CHECK(r.result.sections["load"]["engine"] == "libcurl-http1.1");
  c.engine.cacert.clear();
  c.engine.insecure = true;
  r = test::run(c);
  CHECK(r.result.requests.ok > 20);
  CHECK(r.result.requests.errors == 0);
}

TEST_CASE("CurlEngine: HTTP/2 multiplexes an open-model schedule") {
  test::SelfSignedCert cert;
  test::Nginx nginx(&cert);
  auto c = test::quick(nginx.url("/index.html", true), 8, sim::kSecond, 400.0);
  c.engine.insecure = true;
  c.engine.http2 = true;
  c.engine.streams = 4;
  c.threads = 1;
  const auto r = test::run(c);
  const auto& q = r.result.requests;
  CHECK(q.total == 399);
  CHECK(q.ok == 399);
  CHECK(r.result.sections["load"]["engine"] == "libcurl-http2");
  CHECK(r.result.sections["load"]["achieved_rps"].get<double>() == Approx(400.0).epsilon(0.01));
}

TEST_CASE("CurlEngine: failures are classified like the HTTP/1.1 engine's") {
  auto c = test::quick("https://127.0.0.1:" + std::to_string(test::free_port()) + "/", 2, 200 * sim::kMillisecond);
  const auto r = test::run(c);
  CHECK(r.result.requests.ok == 0);
  CHECK(test::cause(r, "connect_refused") + r.result.requests.in_flight == r.result.requests.total);
  test::SelfSignedCert cert;
  test::Nginx nginx(&cert);
  auto f = test::quick(nginx.url("/fail", true), 2, 200 * sim::kMillisecond);
  f.engine.insecure = true;
  const auto rf = test::run(f);
  CHECK(rf.result.requests.by_status.at("503") == rf.result.requests.errors);
  CHECK(test::cause(rf, "http_5xx") == rf.result.requests.errors);
}

TEST_CASE("CurlEngine: nginx closing connections at keepalive_requests costs no errors") {
  // nginx closes a connection after `keepalive_requests` (HTTP/2: a GOAWAY); requests already
  // on their way over it fail with nothing received and must be retried once, as the HTTP/1.1
  // engine does. 50 per connection: a 1 s closed-model run rolls every connection over often.
  test::SelfSignedCert cert;
  test::NginxOptions options;
  options.tls = &cert;
  options.keepalive_requests = 50;
  test::Nginx nginx(options);
  for (const bool h2 : {true, false}) {
    auto c = test::quick(nginx.url("/index.html", true), 4, sim::kSecond);
    c.engine.insecure = true;
    c.engine.http2 = h2;
    c.threads = 1;
    if (h2) {
      c.engine.streams = 10;
      workload::ClosedWorkload closed;
      closed.users = workload::UserSchedule({{0, 40.0}});
      c.workload.model = closed;
    }
    const auto r = test::run(c);
    const auto& q = r.result.requests;
    INFO((h2 ? "HTTP/2: " : "HTTP/1.1: ") << r.result.to_json()["requests"].dump());
    CHECK(q.ok > 500);  // more than ten rollovers per connection
    CHECK(q.errors == 0);
    CHECK(q.timeouts == 0);
    CHECK(q.balanced());
  }
}

TEST_CASE("CurlEngine: closed-model HTTP/2 reports connections and users apart, and opens only the connections") {
  // -c 10 --streams 10 in quick mode: 100 looping users on 10 connections. Without a connection
  // cap libcurl opened a connection for most transfers of the first instant (~85 here).
  test::SelfSignedCert cert;
  test::Nginx nginx(&cert);
  auto c = test::quick(nginx.url("/index.html", true), 10, 500 * sim::kMillisecond);
  c.engine.insecure = true;
  c.engine.http2 = true;
  c.engine.streams = 10;
  c.threads = 1;
  workload::ClosedWorkload closed;
  closed.users = workload::UserSchedule({{0, 100.0}});
  c.workload.model = closed;
  const auto r = test::run(c);
  const auto& load = r.result.sections["load"];
  INFO(load.dump());
  CHECK(r.result.requests.ok > 100);
  CHECK(r.result.requests.errors == 0);
  CHECK(load["connections"] == 10);
  CHECK(load["users"] == 100);
  CHECK(load["connections_open_peak"].get<std::uint64_t>() <= 10);
  CHECK(r.info.connections == 10);
}
