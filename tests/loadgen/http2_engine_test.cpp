// The HTTP/2 engine against a small misbehaving HTTP/2 server (h2_server.hpp, h2c on
// 127.0.0.1): streams capped by the server's SETTINGS, resets, refusals, GOAWAY mid-run, a bad
// frame, silence, oversized headers, flow control — each request lands in exactly one bucket and
// the accounting balances. Over TLS and against nginx: tls_test.cpp and fault_test.cpp.
#include <catch2/catch.hpp>

#include "tests/loadgen/h2_server.hpp"
#include "tests/loadgen/servers.hpp"

using namespace loadcast;
using test::Bucket;
using test::H2Behaviour;
using test::H2Server;
using test::H2ServerOptions;
using test::only;

namespace {

// Closed model, one thread: `conns` connections of `streams` looping streams each.
loadgen::LoadConfig h2c(const std::string& url, std::uint64_t conns, std::uint64_t streams, sim::Time duration,
                        sim::Time timeout = 2 * sim::kSecond) {
  auto c = test::quick(url, conns, duration);
  c.threads = 1;
  c.engine.http2 = true;
  c.engine.streams = streams;
  c.engine.timeout = timeout;
  workload::ClosedWorkload closed;
  closed.users = workload::UserSchedule({{0, static_cast<double>(conns * streams)}});
  c.workload.model = closed;
  return c;
}

H2ServerOptions behaving(H2Behaviour how) {
  H2ServerOptions o;
  o.how = how;
  return o;
}

const loadgen::ConnectionEvents& events(const loadgen::RunOutput& r) { return r.info.connection_events; }

}  // namespace

TEST_CASE("Http2Engine: h2c serves every request, never more streams at once than the server allows") {
  H2ServerOptions o;
  o.max_concurrent = 2;
  o.delay_ms = 20;
  H2Server server(o);
  const auto r = test::run(h2c(server.url(), 1, 8, 600 * sim::kMillisecond));
  const auto& q = r.result.requests;
  INFO(r.result.to_json()["requests"].dump() << " " << r.result.sections["load"]["connection_events"].dump());
  CHECK(r.info.engine == "h2c");
  CHECK(q.ok > 10);
  CHECK(q.errors == 0);
  CHECK(q.timeouts == 0);
  CHECK(q.balanced());
  CHECK(server.max_open_streams() <= 2);
  CHECK(events(r).streams_refused == 0);
  CHECK(server.connections() == 1);
  CHECK(events(r).connects == 1);
}

TEST_CASE("Http2Engine: a server resetting every stream gives reset errors") {
  H2Server server(behaving(H2Behaviour::kResetStreams));
  only(test::run(h2c(server.url(), 1, 4, 300 * sim::kMillisecond)), "reset", Bucket::kErrors);
}

TEST_CASE("Http2Engine: refused streams are retried at most twice, and counted") {
  // The server advertises no limit but refuses a third concurrent stream: each retry of a
  // refused request may be refused again; after two retries it is a `reset` error.
  H2ServerOptions o;
  o.how = H2Behaviour::kRefuseBeyond;
  o.max_concurrent = 0;
  o.limit = 2;
  o.delay_ms = 20;
  H2Server server(o);
  const auto r = test::run(h2c(server.url(), 1, 8, 600 * sim::kMillisecond));
  const auto& q = r.result.requests;
  INFO(r.result.to_json()["requests"].dump() << " " << r.result.sections["load"]["connection_events"].dump());
  CHECK(q.ok > 10);
  CHECK(events(r).streams_refused > 0);
  CHECK(events(r).retries > 0);
  CHECK(events(r).retries <= events(r).streams_refused);
  CHECK(q.errors == test::cause(r, "reset"));
  CHECK(q.timeouts == 0);
  CHECK(q.balanced());
  CHECK(server.connections() == 1);
}

TEST_CASE("Http2Engine: GOAWAY mid-run loses nothing: unprocessed streams go to a new connection") {
  H2ServerOptions o;
  o.how = H2Behaviour::kGoawayAfter;
  o.goaway_after = 5;
  H2Server server(o);
  const auto r = test::run(h2c(server.url(), 1, 4, 600 * sim::kMillisecond));
  const auto& q = r.result.requests;
  const auto& e = events(r);
  INFO(r.result.to_json()["requests"].dump() << " " << r.result.sections["load"]["connection_events"].dump());
  CHECK(q.ok > 20);
  CHECK(q.errors == 0);
  CHECK(q.timeouts == 0);
  CHECK(q.balanced());
  CHECK(e.goaways > 2);
  CHECK(server.connections() >= e.connects);
  CHECK(e.connects >= e.goaways);
  CHECK(e.streams_unprocessed > 0);
  CHECK(e.retries >= e.streams_unprocessed);
  // Every connection answered at most 5 requests (the ones up to its GOAWAY).
  CHECK(server.requests() >= q.ok);
  CHECK(q.ok <= 5 * e.connects);
}

TEST_CASE("Http2Engine: a bad frame is a protocol error: malformed_response, and the connection is replaced") {
  H2Server server(behaving(H2Behaviour::kBadFrame));
  const auto r = test::run(h2c(server.url(), 1, 2, 300 * sim::kMillisecond));
  only(r, "malformed_response", Bucket::kErrors);
  CHECK(server.connections() > 1);
}

TEST_CASE("Http2Engine: streams that get no answer time out") {
  H2Server server(behaving(H2Behaviour::kSilent));
  const auto r = test::run(h2c(server.url(), 1, 4, 300 * sim::kMillisecond, 100 * sim::kMillisecond));
  only(r, "read_timeout", Bucket::kTimeouts);
  CHECK(server.connections() == 1);  // a stream timing out costs the stream, not the connection
}

TEST_CASE("Http2Engine: response headers over the limit are malformed") {
  H2Server server(behaving(H2Behaviour::kBigHeaders));
  only(test::run(h2c(server.url(), 1, 2, 300 * sim::kMillisecond)), "malformed_response", Bucket::kErrors);
}

TEST_CASE("Http2Engine: a request body bigger than the server's window goes out as the window opens") {
  H2ServerOptions o;
  o.initial_window = 16384;
  H2Server server(o);
  auto c = h2c(server.url(), 1, 2, 300 * sim::kMillisecond);
  c.workload.classes[0].http.method = "POST";
  c.workload.classes[0].http.body = std::string(100 * 1024, 'b');
  const auto r = test::run(c);
  const auto& q = r.result.requests;
  INFO(r.result.to_json()["requests"].dump());
  CHECK(q.ok > 2);
  CHECK(q.errors == 0);
  CHECK(q.timeouts == 0);
  CHECK(server.body_bytes() >= q.ok * 100 * 1024);
}

TEST_CASE("Http2Engine: h2c against an HTTP/1.1-only server is a malformed response") {
  test::BadServer http1(test::Misbehaviour::kRecord);
  only(test::run(h2c(http1.url(), 1, 2, 300 * sim::kMillisecond)), "malformed_response", Bucket::kErrors);
}

TEST_CASE("Http2Engine: the open model keeps its schedule over multiplexed streams", "[wallclock]") {
  H2Server server(behaving(H2Behaviour::kServe));
  auto c = test::quick(server.url(), 4, sim::kSecond, 400.0);
  c.engine.http2 = true;
  c.engine.streams = 4;
  c.threads = 1;
  const auto r = test::run(c);
  const auto& q = r.result.requests;
  CHECK(q.total == 399);
  CHECK(q.ok == 399);
  CHECK(r.result.sections["load"]["achieved_rps"].get<double>() == Approx(400.0).epsilon(0.01));
  CHECK(server.connections() <= 4);
}
