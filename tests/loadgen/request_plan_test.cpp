#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>

#include "loadgen/request_plan.hpp"

using namespace loadcast;
using loadgen::RequestPlan;

namespace {

loadgen::Url origin() { return *loadgen::parse_url("http://127.0.0.1:8080").value; }

workload::RequestClass cls(const std::string& name, const std::string& path) {
  workload::RequestClass c;
  c.name = name;
  c.http.path = path;
  return c;
}

// A parameter taking its values from a list (a CSV column), in order or at random.
workload::TemplateParam listed(const std::string& name, std::vector<std::string> values, bool sequential) {
  workload::TemplateParam p;
  p.name = name;
  p.values = std::move(values);
  p.sequential = sequential;
  return p;
}

}  // namespace

TEST_CASE("RequestPlan: serializes a fixed request once") {
  auto c = cls("home", "/index.html");
  c.http.headers = {{"Accept", "text/html"}};
  const auto plan = RequestPlan::build(origin(), {c});
  auto cursor = plan.make_cursor(0, 1);
  sim::Rng rng(1);
  std::string scratch;
  const auto bytes = plan.http1(0, cursor, rng, scratch);
  CHECK(bytes == "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: text/html\r\n\r\n");
  CHECK(scratch.empty());
  CHECK_FALSE(plan.at(0).templated);
}

TEST_CASE("RequestPlan: expands path templates per request") {
  auto c = cls("item", "/api/items/{id}");
  workload::TemplateParam id;
  id.name = "id";
  id.distribution = sim::Distribution::uniform_int(1, 5);
  id.distribution->set_value_kind(sim::ValueKind::kPlain);
  c.http.params = {id};
  const auto plan = RequestPlan::build(origin(), {c});
  REQUIRE(plan.at(0).templated);
  auto cursor = plan.make_cursor(0, 1);
  sim::Rng rng(7);
  std::string scratch;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string bytes(plan.http1(0, cursor, rng, scratch));
    const auto start = bytes.find("/api/items/") + 11;
    const std::string value = bytes.substr(start, bytes.find(' ', start) - start);
    seen.insert(value);
  }
  CHECK(seen == std::set<std::string>{"1", "2", "3", "4", "5"});
}

TEST_CASE("RequestPlan: computes Content-Length of a templated body") {
  auto c = cls("create", "/api/items");
  c.http.method = "POST";
  c.http.body = R"({"name": "item-{n}"})";
  c.http.headers = {{"Content-Type", "application/json"}};
  workload::TemplateParam n;
  n.name = "n";
  n.values = {"a", "bbbb"};
  n.sequential = true;
  c.http.params = {n};
  const auto plan = RequestPlan::build(origin(), {c});
  auto cursor = plan.make_cursor(0, 1);
  sim::Rng rng(1);
  std::string scratch;
  CHECK(std::string(plan.http1(0, cursor, rng, scratch)) ==
        "POST /api/items HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
        "Content-Length: 18\r\n\r\n{\"name\": \"item-a\"}");
  CHECK(std::string(plan.http1(0, cursor, rng, scratch)).find("Content-Length: 21\r\n\r\n{\"name\": \"item-bbbb\"}") !=
        std::string::npos);
}

TEST_CASE("RequestPlan: sequential values interleave across workers") {
  auto c = cls("seq", "/v/{k}");
  c.http.params = {listed("k", {"0", "1", "2", "3"}, true)};
  const auto plan = RequestPlan::build(origin(), {c});
  sim::Rng rng(1);
  loadgen::RenderedParts parts;
  auto w1 = plan.make_cursor(1, 2);
  plan.parts(0, w1, rng, parts);
  CHECK(parts.url == "http://127.0.0.1:8080/v/1");
  plan.parts(0, w1, rng, parts);
  CHECK(parts.url == "http://127.0.0.1:8080/v/3");
}

TEST_CASE("RequestPlan: prefixes the target base path") {
  const auto plan = RequestPlan::build(*loadgen::parse_url("http://h/staging/").value, {cls("a", "/x")});
  sim::Rng rng(1);
  auto cursor = plan.make_cursor(0, 1);
  std::string scratch;
  CHECK(plan.http1(0, cursor, rng, scratch).substr(0, 20) == "GET /staging/x HTTP/");
}

TEST_CASE("RequestPlan: rejects headers it must own or cannot send") {
  auto a = cls("a", "/");
  a.http.headers = {{"Content-Length", "3"}};
  CHECK_THROWS_WITH(RequestPlan::build(origin(), {a}), Catch::Contains("set by the load generator"));
  auto b = cls("b", "/");
  b.http.headers = {{"X-Evil", "a\r\nInjected: 1"}};
  CHECK_THROWS_WITH(RequestPlan::build(origin(), {b}), Catch::Contains("line break"));
  auto d = cls("d", "/");
  d.http.headers = {{"Bad Name", "v"}};
  CHECK_THROWS_WITH(RequestPlan::build(origin(), {d}), Catch::Contains("not an HTTP token"));
  auto e = cls("e", "relative");
  CHECK_THROWS_WITH(RequestPlan::build(origin(), {e}), Catch::Contains("must start with '/'"));
}

TEST_CASE("RequestPlan: values substituted into the path are percent-encoded") {
  auto c = cls("item", "/items/{id}?q={id}&x=1");
  c.http.params = {listed("id", {"A 1", "a/b?c&d=#", "ok-._~9", "é"}, true)};
  c.http.headers = {{"X-Id", "{id}"}};
  c.http.body = "{id}";
  const auto plan = RequestPlan::build(origin(), {c});
  auto cursor = plan.make_cursor(0, 1);
  sim::Rng rng(1);
  std::string scratch;
  // Path and query get the encoded value; header and body get it as it is.
  CHECK(std::string(plan.http1(0, cursor, rng, scratch)) ==
        "GET /items/A%201?q=A%201&x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-Id: A 1\r\nContent-Length: 3\r\n\r\nA 1");
  CHECK(std::string(plan.http1(0, cursor, rng, scratch)).rfind("GET /items/a%2Fb%3Fc%26d%3D%23?q=", 0) == 0);
  CHECK(std::string(plan.http1(0, cursor, rng, scratch)).rfind("GET /items/ok-._~9?q=ok-._~9&x=1 ", 0) == 0);
  CHECK(std::string(plan.http1(0, cursor, rng, scratch)).rfind("GET /items/%C3%A9?q=%C3%A9&x=1 ", 0) == 0);
  loadgen::RenderedParts parts;
  plan.parts(0, cursor, rng, parts);
  CHECK(parts.url == "http://127.0.0.1:8080/items/A%201?q=A%201&x=1");
  CHECK(parts.header_lines.back() == "X-Id: A 1");
}

TEST_CASE("RequestPlan: a listed value that would break a header is refused at build time") {
  auto c = cls("item", "/items");
  c.http.params = {listed("tok", {"good", "evil\r\nInjected: 1"}, false)};
  c.http.headers = {{"Authorization", "Bearer {tok}"}};
  CHECK_THROWS_WITH(RequestPlan::build(origin(), {c}),
                    Catch::Contains("header 'Authorization' takes parameter 'tok', whose value 2 has a line break"));
  c.http.params[0].values = {"tab\tok", "bell\x07"};
  CHECK_THROWS_WITH(RequestPlan::build(origin(), {c}), Catch::Contains("whose value 2 has a control character"));
  // The same values are fine in a path (encoded) or a body (as they are).
  c.http.headers.clear();
  c.http.path = "/items/{tok}";
  c.http.params[0].values = {"good", "evil\r\nInjected: 1"};
  CHECK_NOTHROW(RequestPlan::build(origin(), {c}));
  auto d = cls("d", "/");
  d.http.headers = {{"X-Ctl", std::string("a\x01z")}};
  CHECK_THROWS_WITH(RequestPlan::build(origin(), {d}), Catch::Contains("control character"));
}
