#include <catch2/catch.hpp>

#include <stdexcept>

#include "loadgen/request_plan.hpp"
#include "loadgen/session.hpp"

using namespace loadcast;
using loadgen::ExtractFailure;
using workload::CheckKind;
using workload::ExtractSource;

namespace {

workload::ExtractSpec spec(ExtractSource source, const std::string& expression) {
  workload::ExtractSpec s;
  s.variable = "v";
  s.source = source;
  s.expression = expression;
  return s;
}

loadgen::CapturedResponse response(const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  loadgen::CapturedResponse r;
  r.body = body;
  for (const auto& [n, v] : headers) r.add_header(n, v);
  return r;
}

// Extracts into variable 0 of a fresh session; returns the failure and the value.
std::pair<ExtractFailure, std::string> run(const workload::ExtractSpec& s, const loadgen::CapturedResponse& r, int status = 200) {
  const auto e = loadgen::compile_extract(s, 0, "flow 'f' step 's'");
  loadgen::SessionVars vars(1);
  loadgen::ResponseView view(status, &r);
  const auto f = loadgen::extract(e, view, vars);
  CHECK((f == ExtractFailure::kNone) == (vars.set[0] != 0));
  return {f, vars.values[0]};
}

workload::CheckSpec check_spec(CheckKind kind, const std::string& expression, const std::string& expected) {
  workload::CheckSpec c;
  c.name = "c";
  c.kind = kind;
  c.expression = expression;
  c.expected = expected;
  return c;
}

bool passes(const workload::CheckSpec& c, const loadgen::CapturedResponse& r, int status = 200) {
  loadgen::ResponseView view(status, &r);
  return loadgen::check(loadgen::compile_check(c, "flow 'f'"), view);
}

}  // namespace

TEST_CASE("Session: a JSON pointer extracts strings as they are and other values as JSON") {
  const auto r = response(R"({"token":"a b","id":42,"items":[{"n":1.5}],"ok":true})");
  CHECK(run(spec(ExtractSource::kJsonPointer, "/token"), r) == std::pair{ExtractFailure::kNone, std::string("a b")});
  CHECK(run(spec(ExtractSource::kJsonPointer, "/id"), r).second == "42");
  CHECK(run(spec(ExtractSource::kJsonPointer, "/items/0/n"), r).second == "1.5");
  CHECK(run(spec(ExtractSource::kJsonPointer, "/ok"), r).second == "true");
  CHECK(run(spec(ExtractSource::kJsonPointer, "/items/0"), r).second == R"({"n":1.5})");
}

TEST_CASE("Session: a missing pointer, a malformed body and a regex without a match fail the extraction") {
  const auto r = response(R"({"token":"x","items":[1]})");
  CHECK(run(spec(ExtractSource::kJsonPointer, "/id"), r).first == ExtractFailure::kMissing);
  CHECK(run(spec(ExtractSource::kJsonPointer, "/items/3"), r).first == ExtractFailure::kMissing);
  CHECK(run(spec(ExtractSource::kJsonPointer, "/items/x"), r).first == ExtractFailure::kMissing);
  CHECK(run(spec(ExtractSource::kJsonPointer, "/token/deeper"), r).first == ExtractFailure::kMissing);
  CHECK(run(spec(ExtractSource::kJsonPointer, "/token"), response(R"({"token": "x")")).first == ExtractFailure::kNotJson);
  CHECK(run(spec(ExtractSource::kJsonPointer, "/token"), response("")).first == ExtractFailure::kNotJson);
  CHECK(run(spec(ExtractSource::kRegex, "id=([0-9]+)"), response("no id here")).first == ExtractFailure::kNoMatch);
  CHECK(run(spec(ExtractSource::kHeader, "Location"), response("{}")).first == ExtractFailure::kMissing);
  CHECK(std::string(loadgen::extract_failure_name(ExtractFailure::kNotJson)) == "extract_not_json");
  CHECK(std::string(loadgen::extract_failure_name(ExtractFailure::kMissing)) == "extract_missing");
  CHECK(std::string(loadgen::extract_failure_name(ExtractFailure::kNoMatch)) == "extract_no_match");
}

TEST_CASE("Session: headers, regex groups and the status extract") {
  const auto r = response("see id=123 and id=456", {{"location", " /orders/9 "}, {"X-A", "1"}});
  CHECK(run(spec(ExtractSource::kHeader, "Location"), r).second == "/orders/9");
  CHECK(run(spec(ExtractSource::kRegex, "id=([0-9]+)"), r).second == "123");
  CHECK(run(spec(ExtractSource::kRegex, "id=[0-9]+"), r).second == "id=123");
  CHECK(run(spec(ExtractSource::kStatus, ""), r, 201).second == "201");
}

TEST_CASE("Session: invalid pointers and regular expressions are refused when compiled") {
  CHECK_THROWS_WITH(loadgen::compile_extract(spec(ExtractSource::kJsonPointer, "token"), 0, "flow 'f' step 's'"),
                    Catch::Contains("flow 'f' step 's' extract 'v'") && Catch::Contains("not a JSON pointer"));
  CHECK_THROWS_WITH(loadgen::compile_extract(spec(ExtractSource::kRegex, "(unclosed"), 0, "flow 'f' step 's'"),
                    Catch::Contains("not a regular expression"));
  CHECK_THROWS_AS(loadgen::compile_check(check_spec(CheckKind::kJsonExists, "x/y", ""), "flow 'f'"), std::invalid_argument);
}

TEST_CASE("Session: checks judge status, pointers and body text") {
  const auto r = response(R"({"id":7,"state":"open","ok":true})");
  auto status = check_spec(CheckKind::kStatus, "", "");
  status.expected_status = 201;
  CHECK(passes(status, r, 201));
  CHECK_FALSE(passes(status, r, 200));
  CHECK(passes(check_spec(CheckKind::kJsonExists, "/id", ""), r));
  auto absent = check_spec(CheckKind::kJsonExists, "/gone", "");
  absent.exists = false;
  CHECK(passes(absent, r));
  CHECK_FALSE(passes(check_spec(CheckKind::kJsonExists, "/gone", ""), r));
  CHECK(passes(check_spec(CheckKind::kJsonEquals, "/state", "open"), r));
  CHECK(passes(check_spec(CheckKind::kJsonEquals, "/id", "7"), r));
  CHECK(passes(check_spec(CheckKind::kJsonEquals, "/ok", "true"), r));
  CHECK_FALSE(passes(check_spec(CheckKind::kJsonEquals, "/state", "closed"), r));
  CHECK_FALSE(passes(check_spec(CheckKind::kJsonEquals, "/state", "open"), response("not json")));
  CHECK_FALSE(passes(check_spec(CheckKind::kJsonExists, "/id", ""), response("not json")));
  CHECK(passes(check_spec(CheckKind::kBodyContains, "", "\"open\""), r));
  CHECK_FALSE(passes(check_spec(CheckKind::kBodyContains, "", "closed"), r));
}

TEST_CASE("Session: cookies are kept by name and sent back in one header") {
  loadgen::CookieJar jar;
  loadgen::keep_cookies(response("", {{"Set-Cookie", "session=abc; Path=/; HttpOnly"}, {"set-cookie", "theme=dark"},
                                      {"Set-Cookie", "broken"}}),
                        jar);
  loadgen::keep_cookies(response("", {{"Set-Cookie", "session=def; Path=/"}}), jar);
  std::string header;
  loadgen::cookie_header(jar, header);
  CHECK(header == "Cookie: session=def; theme=dark\r\n");
  loadgen::cookie_header({}, header);
  CHECK(header.empty());
}

TEST_CASE("RequestPlan: session variables are substituted in path, headers and body") {
  workload::RequestClass c;
  c.name = "get-order";
  c.http.method = "POST";
  c.http.path = "/orders/{order_id}";
  c.http.headers = {{"Authorization", "Bearer {token}"}};
  c.http.body = R"({"user":"{username}"})";
  const auto plan = loadgen::RequestPlan::build(*loadgen::parse_url("http://127.0.0.1:8080").value, {c},
                                                {"username", "token", "order_id", "unused"});
  REQUIRE(plan.at(0).session_vars == std::vector<std::size_t>{0, 1, 2});
  REQUIRE(plan.at(0).session_vars_in_headers == std::vector<std::size_t>{1});
  auto cursor = plan.make_cursor(0, 1);
  sim::Rng rng(1);
  std::string scratch;
  const std::vector<std::string> vars{"ann", "tok", "a/b c", ""};
  CHECK(plan.http1_session(0, cursor, rng, vars, "Cookie: s=1\r\n", scratch) ==
        "POST /orders/a%2Fb%20c HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer tok\r\nCookie: s=1\r\n"
        "Content-Length: 14\r\n\r\n{\"user\":\"ann\"}");
  SECTION("a class with nothing templated keeps its prebuilt bytes") {
    workload::RequestClass plain;
    plain.name = "home";
    plain.http.path = "/";
    const auto p2 = loadgen::RequestPlan::build(*loadgen::parse_url("http://127.0.0.1:8080").value, {plain}, {"token"});
    auto cur = p2.make_cursor(0, 1);
    const auto bytes = p2.http1_session(0, cur, rng, {"t"}, "", scratch);
    CHECK(bytes.data() == p2.at(0).prebuilt.data());
    CHECK(p2.http1_session(0, cur, rng, {"t"}, "Cookie: a=b\r\n", scratch) ==
          "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nCookie: a=b\r\n\r\n");
  }
}
