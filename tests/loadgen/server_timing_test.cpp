// Server-Timing (loadgen/server_timing.hpp): the header grammar of the W3C specification — several
// metrics, several headers, quoted descriptions holding commas, the first `dur` of a metric —
// and malformed metrics skipped and counted, never fatal; per class the count and mean of each
// metric's durations in result.json (`load.server_timing`), through the native HTTP/1.1 engine
// against a scripted server, kept by a merge, and documented in docs/results.md.
#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "loadgen/load_result.hpp"
#include "loadgen/response_parser.hpp"
#include "loadgen/server_timing.hpp"
#include "reports/format.hpp"
#include "tests/loadgen/servers.hpp"

using namespace loadcast;
using loadgen::ServerTimingRecord;

namespace {

ServerTimingRecord parse(std::initializer_list<std::string_view> headers) {
  ServerTimingRecord r;
  for (const auto h : headers) r.add_header(h);
  return r;
}

std::string entries(const ServerTimingRecord& r) {
  std::string s;
  for (std::size_t i = 0; i < r.count; ++i) s += (i > 0 ? " " : "") + r.entries[i].name + "=" + reports::fmt("%g", r.entries[i].dur_ms);
  return s;
}

}  // namespace

TEST_CASE("Server-Timing: metrics with a dur are kept, in order, from every header of a response") {
  const auto r = parse({R"(db;dur=53, app;dur=47.2;desc="render, then send", cache;desc="hit")", "handler;dur=0.25"});
  CHECK(entries(r) == "db=53 app=47.2 handler=0.25");
  CHECK(r.headers == 2);
  CHECK(r.malformed == 0);
  SECTION("whitespace around ; and = and an empty list element are allowed") {
    const auto w = parse({" a ; dur = 1.5 ;desc=x ,, b;dur=2 "});
    CHECK(entries(w) == "a=1.5 b=2");
    CHECK(w.malformed == 0);
  }
  SECTION("the first dur counts, its name in any case; a quoted dur is a dur") {
    CHECK(entries(parse({"a;DUR=3;dur=4", R"(b;dur="7")"})) == "a=3 b=7");
  }
  SECTION("a quoted description may hold escaped quotes, semicolons and commas") {
    CHECK(entries(parse({R"(a;desc="x\",;y";dur=9, b;dur=1)"})) == "a=9 b=1");
  }
}

TEST_CASE("Server-Timing: a malformed metric is skipped and its header counted, the rest kept") {
  const auto check = [](std::string_view header, const std::string& kept) {
    INFO(header);
    const auto r = parse({header});
    CHECK(entries(r) == kept);
    CHECK(r.malformed == 1);
    CHECK(r.headers == 1);
  };
  check("a;dur=abc, b;dur=2", "b=2");         // dur not a number
  check("a;dur=-1, b;dur=2", "b=2");          // negative
  check("a;dur=1x, b;dur=2", "b=2");          // text after the number
  check("a;dur, b;dur=2", "b=2");             // a parameter without =
  check("a;dur=, b;dur=2", "b=2");            // an empty value
  check("a dur=1, b;dur=2", "b=2");           // no ; before a parameter
  check("(a);dur=1, b;dur=2", "b=2");         // a name that is no token
  check(R"(b;dur=2, a;desc="open;dur=1)", "b=2");  // an unterminated quoted string
  check("a;dur=1, b;dur=x, c;dur=3", "a=1 c=3");   // several good ones around a bad one
  // Two bad metrics in one header count the header once; a good header beside it is not counted.
  const auto two = parse({"a;dur=x, b;dur=y", "c;dur=1"});
  CHECK(two.malformed == 1);
  CHECK(entries(two) == "c=1");
}

TEST_CASE("Server-Timing: the header name matches in any case") {
  CHECK(loadgen::is_server_timing("Server-Timing"));
  CHECK(loadgen::is_server_timing("server-timing"));
  CHECK(loadgen::is_server_timing("SERVER-TIMING"));
  CHECK_FALSE(loadgen::is_server_timing("Server-Timings"));
  CHECK_FALSE(loadgen::is_server_timing("Timing-Allow-Origin"));
}

TEST_CASE("Server-Timing: a class's stats add responses, count and sum per name, and merge") {
  loadgen::ServerTimingStats st;
  st.add(parse({"handler;dur=2, db;dur=1"}));
  st.add(parse({"handler;dur=4", "x;dur=y"}));
  st.add(ServerTimingRecord{});  // a response without the header
  CHECK(st.responses == 2);
  CHECK(st.malformed == 1);
  REQUIRE(st.find("handler") != nullptr);
  CHECK(st.find("handler")->count == 2);
  CHECK(st.find("handler")->sum_ms == 6.0);
  CHECK(st.find("db")->count == 1);
  loadgen::ServerTimingStats other;
  other.add(parse({"db;dur=3"}));
  st.merge(other);
  CHECK(st.responses == 3);
  CHECK(st.find("db")->sum_ms == 4.0);
  SECTION("names beyond the cap are counted as unlisted") {
    loadgen::ServerTimingStats many;
    for (std::size_t i = 0; i < loadgen::kMaxServerTimingNames + 3; ++i) many.add_metric("m" + std::to_string(i), 2, 1.0);
    CHECK(many.metrics.size() == loadgen::kMaxServerTimingNames);
    CHECK(many.unlisted == 6);
  }
}

TEST_CASE("Server-Timing: the HTTP/1.1 response parser reads the fields Beast does not know") {
  ServerTimingRecord rec;
  loadgen::ResponseParser p(64 * 1024, false, nullptr, &rec);
  const std::string response =
      "HTTP/1.1 200 OK\r\nServer-Timing: handler;dur=12.5\r\nX-Other: 1\r\nserver-timing: db;dur=x\r\nContent-Length: 2\r\n\r\nok";
  boost::beast::error_code ec;
  p.put(boost::asio::buffer(response), ec);
  REQUIRE_FALSE(ec);
  REQUIRE(p.is_done());
  CHECK(entries(rec) == "handler=12.5");
  CHECK(rec.headers == 2);
  CHECK(rec.malformed == 1);
}

TEST_CASE("Server-Timing: a load run reports each metric's count and mean per class in load.server_timing") {
  // Every response reports handler 12.5 ms and db 1.25 ms, in two headers, the second with a
  // malformed metric too.
  test::BadServer server(test::Script{
      "HTTP/1.1 200 OK\r\nServer-Timing: handler;dur=12.5;desc=\"route, render\"\r\nServer-Timing: db;dur=1.25, oops;dur=?\r\n"
      "Content-Length: 2\r\n\r\nok",
      {}, false});
  auto c = test::quick(server.url(), 2, 300 * sim::kMillisecond);
  const auto r = test::run(c);
  const auto& q = r.result.requests;
  REQUIRE(q.ok > 10);
  const auto& st = r.result.sections.at("load").at("server_timing").at("default");
  // Every completed response (counted or not: those of the measured window) carried them.
  CHECK(st.at("responses").get<std::uint64_t>() == q.ok);
  CHECK(st.at("malformed").get<std::uint64_t>() == q.ok);
  CHECK(st.at("unlisted").get<std::uint64_t>() == 0);
  CHECK(st.at("metrics").at("handler").at("count").get<std::uint64_t>() == q.ok);
  CHECK(st.at("metrics").at("handler").at("mean_ms").get<double>() == Approx(12.5));
  CHECK(st.at("metrics").at("db").at("mean_ms").get<double>() == Approx(1.25));
  CHECK(st.at("metrics").size() == 2);
  SECTION("a merge of the result keeps them") {
    loadgen::LoadTotals t = loadgen::totals_from_result(r.result);
    loadgen::LoadTotals twice = t;
    twice.add(t);
    const auto merged = loadgen::build_result(twice, loadgen::info_from_result(r.result));
    const auto& m = merged.sections.at("load").at("server_timing").at("default");
    CHECK(m.at("responses").get<std::uint64_t>() == 2 * q.ok);
    CHECK(m.at("metrics").at("handler").at("count").get<std::uint64_t>() == 2 * q.ok);
    CHECK(m.at("metrics").at("handler").at("mean_ms").get<double>() == Approx(12.5));
  }
}

TEST_CASE("Server-Timing: responses without the header leave load.server_timing empty") {
  test::BadServer server(test::Script{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", {}, false});
  const auto r = test::run(test::quick(server.url(), 2, 200 * sim::kMillisecond));
  REQUIRE(r.result.requests.ok > 0);
  CHECK(r.result.sections.at("load").at("server_timing") == reports::Json::object());
}

TEST_CASE("Server-Timing: docs/results.md documents every key of load.server_timing") {
  loadgen::LoadTotals t({"a"});
  t.classes[0].server_timing.add(parse({"handler;dur=1"}));
  loadgen::LoadInfo info;
  info.model = "open";
  const auto r = loadgen::build_result(t, info);
  const auto& st = r.sections.at("load").at("server_timing");
  std::set<std::string> keys{"server_timing"};
  for (const auto& [k, v] : st.at("a").items()) keys.insert(k);
  for (const auto& [k, v] : st.at("a").at("metrics").at("handler").items()) keys.insert(k);
  std::ifstream in(std::filesystem::path(LOADCAST_SOURCE_DIR) / "docs/results.md");
  std::stringstream text;
  text << in.rdbuf();
  // The words of the page's code spans, as tests/scenarios/results_doc_test.cpp reads them.
  std::set<std::string> words;
  const std::string page = text.str();
  for (std::size_t at = page.find('`'); at != std::string::npos;) {
    const std::size_t end = page.find('`', at + 1);
    if (end == std::string::npos) break;
    std::string word;
    for (std::size_t i = at + 1; i <= end; ++i) {
      const char ch = page[i];
      if (std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_') {
        word += ch;
      } else if (!word.empty()) {
        words.insert(word);
        word.clear();
      }
    }
    at = page.find('`', end + 1);
  }
  for (const auto& k : keys) {
    INFO(k);
    CHECK(words.count(k) == 1);
  }
  CHECK(keys.size() == 7);  // server_timing, responses, malformed, unlisted, metrics, count, mean_ms
}
