// The hostile-server suite: one table of server behaviours (interim responses, odd status lines,
// header blocks around the limit, contradictory framing, truncation), each with ONE expected
// outcome, run against every engine that speaks it — the native HTTP/1.1 engine and libcurl
// (HTTP/1.1) against a scripted HTTP/1.1 server, the native HTTP/2 engine (h2c) against a
// scripted nghttp2 server. The policy the expectations encode is loadgen/http_policy.hpp's
// (docs/load-generator.md, "How responses are judged"). Each case asserts exact accounting and
// that the server's bytes decided it: no request waits out its 5 s timeout, so the run ends
// within its 200 ms plus a second. Loopback only; each run lasts 200 ms on 2 connections.
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/http_policy.hpp"
#include "loadgen/response_parser.hpp"
#include "tests/loadgen/h2_server.hpp"
#include "tests/loadgen/servers.hpp"

using namespace loadcast;

namespace {

constexpr std::size_t kKiB = 1024;

// An HTTP/1.1 response whose header block (status line to blank line, CRLFs included) is
// exactly `header_bytes` long, with body "ok".
std::string http1_with_header_of(std::size_t header_bytes) {
  std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n";
  std::size_t room = header_bytes - 2 - head.size();
  for (int i = 100; room > 0; ++i) {
    const std::string name = "X-Fill-" + std::to_string(i) + ": ";
    std::size_t line = std::min<std::size_t>(room, 4000);
    if (room - line != 0 && room - line < 20) line -= 20;  // leave room for a whole last line
    REQUIRE(line >= name.size() + 2);
    head += name + std::string(line - name.size() - 2, 'a') + "\r\n";
    room -= line;
  }
  head += "\r\n";
  REQUIRE(head.size() == header_bytes);
  return head + "ok";
}

// The outcome every engine must report for a row: all completed requests answered with
// `status` (ok), or all failed with `cause`.
struct Expect {
  int status = 0;
  const char* cause = nullptr;
};
constexpr Expect ok200{200, nullptr};
constexpr Expect malformed{0, "malformed_response"};
constexpr Expect reset{0, "reset"};

struct Row {
  const char* name;
  Expect expect;
  std::optional<test::Script> http1;   // the HTTP/1.1 server's script, when the row applies to HTTP/1.1
  std::optional<test::H2Script> http2;  // the HTTP/2 server's, when it applies to HTTP/2
};

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

std::vector<Row> rows() {
  const auto h1 = [](std::string response, bool close = false) {
    return std::optional<test::Script>(test::Script{std::move(response), {}, close});
  };
  const auto h2 = [](std::vector<std::string> interim, std::string final_status = "200", std::size_t bytes = 0) {
    return std::optional<test::H2Script>(test::H2Script{std::move(interim), 1, std::move(final_status), bytes});
  };
  std::vector<Row> r;
  r.push_back({"100 Continue then 200", ok200, h1("HTTP/1.1 100 Continue\r\n\r\n" + kOk), h2({"100"})});
  r.push_back({"only 100s, forever", malformed, test::Script{"", "HTTP/1.1 100 Continue\r\n\r\n", false},
               test::H2Script{{"100"}, 200, "", 0}});
  r.push_back({"103 Early Hints then 200", ok200,
               h1("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n" + kOk), h2({"103"})});
  r.push_back({"199 then 200", ok200, h1("HTTP/1.1 199 Odd\r\n\r\n" + kOk), h2({"199"})});
  const auto continues = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "HTTP/1.1 100 Continue\r\n\r\n";
    return s;
  };
  r.push_back({"as many interim responses as the cap, then 200", ok200,
               h1(continues(loadgen::kMaxInterimResponses) + kOk),
               test::H2Script{{"100"}, loadgen::kMaxInterimResponses, "200", 0}});
  r.push_back({"one interim response over the cap, then 200", malformed,
               h1(continues(loadgen::kMaxInterimResponses + 1) + kOk),
               test::H2Script{{"100"}, loadgen::kMaxInterimResponses + 1, "200", 0}});
  r.push_back({"unrequested 101 Switching Protocols", malformed,
               h1("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"),
               h2({}, "101")});
  r.push_back({"status 000", malformed, h1("HTTP/1.1 000 Zero\r\nContent-Length: 2\r\n\r\nok"), h2({}, "000")});
  r.push_back({"status 600", malformed, h1("HTTP/1.1 600 Beyond\r\nContent-Length: 2\r\n\r\nok"), h2({}, "600")});
  r.push_back({"status 999", malformed, h1("HTTP/1.1 999 Beyond\r\nContent-Length: 2\r\n\r\nok"), h2({}, "999")});
  r.push_back({"no status at all", malformed, std::nullopt, h2({}, ":none")});
  r.push_back({"status line without reason phrase", ok200, h1("HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok"),
               std::nullopt});
  r.push_back({"status line with an empty reason phrase", ok200, h1("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok"),
               std::nullopt});
  r.push_back({"LF-only line endings", ok200, h1("HTTP/1.1 200 OK\nContent-Length: 2\n\nok"), std::nullopt});
  r.push_back({"LF-only 100 Continue then 200 without reason phrase", ok200,
               h1("HTTP/1.1 100 Continue\n\nHTTP/1.1 200\nContent-Length: 2\n\nok"), std::nullopt});
  r.push_back({"HTTP/2.0 status line over HTTP/1", ok200, h1("HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok"),
               std::nullopt});
  r.push_back({"HTTP/3.0 status line over HTTP/1", malformed, h1("HTTP/3.0 200 OK\r\nContent-Length: 2\r\n\r\nok"),
               std::nullopt});
  r.push_back({"HTTP/2 status line without minor version", malformed,
               h1("HTTP/2 200 OK\r\nContent-Length: 2\r\n\r\nok"), std::nullopt});
  r.push_back({"header block of 63 KiB", ok200, h1(http1_with_header_of(63 * kKiB)), h2({}, "200", 63 * kKiB)});
  r.push_back({"header block of 65 KiB", malformed, h1(http1_with_header_of(65 * kKiB)), h2({}, "200", 65 * kKiB)});
  r.push_back({"header block of 80 KiB", malformed, h1(http1_with_header_of(80 * kKiB)), h2({}, "200", 80 * kKiB)});
  r.push_back({"interim 100 and final header together over the limit", malformed,
               h1("HTTP/1.1 100 Continue\r\nX-Pad: " + std::string(2 * kKiB, 'p') + "\r\n\r\n" +
                  http1_with_header_of(63 * kKiB)),
               std::nullopt});
  r.push_back({"conflicting Content-Lengths", malformed,
               h1("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok"), std::nullopt});
  r.push_back({"duplicate identical Content-Lengths", ok200,
               h1("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok"), std::nullopt});
  r.push_back({"Transfer-Encoding and Content-Length", malformed,
               h1("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
               std::nullopt});
  r.push_back({"truncated body", reset, h1("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc", true), std::nullopt});
  r.push_back({"close mid-header", reset, h1("HTTP/1.1 200 OK\r\nContent-Le", true), std::nullopt});
  return r;
}

struct EngineCase {
  const char* name;
  loadgen::EngineChoice choice;
  bool http2;
};

constexpr sim::Time kRun = 200 * sim::kMillisecond;
constexpr sim::Time kTimeout = 5 * sim::kSecond;

void check(const Row& row, const EngineCase& engine, const std::string& url) {
  auto c = test::quick(url, 2, kRun);
  c.engine.timeout = kTimeout;
  c.engine_choice = engine.choice;
  c.engine.http2 = engine.http2;
  const auto started = std::chrono::steady_clock::now();
  const auto r = test::run(c);
  const auto took = std::chrono::steady_clock::now() - started;
  const auto& q = r.result.requests;
  INFO("row '" << row.name << "', engine " << engine.name << ": " << r.result.to_json()["requests"].dump());
  // The server's bytes decided every request: none waited for its timeout, none is left over.
  CHECK(took < std::chrono::milliseconds(1200));
  CHECK(q.timeouts == 0);
  CHECK(q.in_flight == 0);
  CHECK(q.dropped == 0);
  CHECK(q.total >= 2);
  CHECK(q.balanced());
  CHECK(r.result.sections["load"]["accounting"]["balanced"] == true);
  if (row.expect.cause == nullptr) {
    CHECK(q.ok == q.total);
    CHECK(q.errors == 0);
    CHECK(q.by_status.size() == 1);
    CHECK(q.by_status.count(std::to_string(row.expect.status)) == 1);
    CHECK(r.result.latency_histogram.count() == q.ok);
  } else {
    CHECK(q.ok == 0);
    CHECK(q.errors == q.total);
    CHECK(test::cause(r, row.expect.cause) == q.total);
    CHECK(q.by_status.empty());
    CHECK(r.result.latency_histogram.count() == 0);
  }
}

}  // namespace

TEST_CASE("Hostile servers: every HTTP/1.1 engine reports the same outcome for each behaviour") {
  constexpr EngineCase kEngines[] = {{"http1", loadgen::EngineChoice::kNative, false},
                                     {"libcurl", loadgen::EngineChoice::kCurl, false}};
  for (const auto& row : rows()) {
    if (!row.http1) continue;
    DYNAMIC_SECTION(row.name) {
      test::BadServer server(*row.http1);
      for (const auto& engine : kEngines) check(row, engine, server.url());
    }
  }
}

TEST_CASE("Hostile servers: the HTTP/2 engine (h2c) reports the same outcome for each behaviour") {
  const EngineCase engine{"h2c", loadgen::EngineChoice::kNative, true};
  for (const auto& row : rows()) {
    if (!row.http2) continue;
    DYNAMIC_SECTION(row.name) {
      test::H2ServerOptions o;
      o.how = test::H2Behaviour::kScripted;
      o.script = *row.http2;
      test::H2Server server(o);
      check(row, engine, server.url());
    }
  }
}

TEST_CASE("Hostile servers: the HTTP/1 status line parser follows the policy") {
  using loadgen::parse_http1_status_line;
  CHECK(parse_http1_status_line("HTTP/1.1 200 OK\r\n") == 200);
  CHECK(parse_http1_status_line("HTTP/1.0 404 Not Found\n") == 404);
  CHECK(parse_http1_status_line("HTTP/1.1 200") == 200);
  CHECK(parse_http1_status_line("HTTP/1.1 200 ") == 200);
  CHECK(parse_http1_status_line("HTTP/1.1 600 X") == 600);
  CHECK(parse_http1_status_line("HTTP/2.0 200 OK") == 200);
  CHECK_FALSE(parse_http1_status_line("HTTP/3.0 200 OK"));
  CHECK_FALSE(parse_http1_status_line("HTTP/0.9 200 OK"));
  CHECK_FALSE(parse_http1_status_line("HTTP/2 200"));
  CHECK_FALSE(parse_http1_status_line("HTTP/1.1 20 OK"));
  CHECK_FALSE(parse_http1_status_line("HTTP/1.1 2000 OK"));
  CHECK_FALSE(parse_http1_status_line("HTTP/1.1  200 OK"));
  CHECK_FALSE(parse_http1_status_line("HTTX/1.1 200 OK"));
  CHECK(loadgen::interim_status(100));
  CHECK(loadgen::interim_status(199));
  CHECK_FALSE(loadgen::interim_status(101));
  CHECK_FALSE(loadgen::status_in_range(99));
  CHECK_FALSE(loadgen::status_in_range(600));
}

TEST_CASE("Hostile servers: the HTTP/1 header is delimited across reads and rewritten for Beast") {
  const std::string raw = "HTTP/1.1 200\nContent-Length: 2\r\n\nok";
  SECTION("the end is found whatever the read boundaries") {
    for (std::size_t split = 0; split <= raw.size(); ++split) {
      loadgen::HeaderScanner scanner;
      std::size_t end = scanner.scan(raw.data(), split);
      if (end == 0) end = scanner.scan(raw.data(), raw.size());
      INFO("split at " << split);
      CHECK(end == raw.size() - 2);
    }
  }
  SECTION("bare LFs become CRLF and the status line gets the space of its empty reason") {
    std::string out;
    loadgen::normalise_header(std::string_view(raw).substr(0, raw.size() - 2), out);
    CHECK(out == "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\n");
    loadgen::normalise_header("HTTP/2.0 204 No Content\r\n\r\n", out);
    CHECK(out == "HTTP/1.1 204 No Content\r\n\r\n");
  }
  SECTION("a header still open is not delimited") {
    loadgen::HeaderScanner scanner;
    const std::string_view open = "HTTP/1.1 200 OK\r\nX: \r\n";
    CHECK(scanner.scan(open.data(), open.size()) == 0);
  }
}
