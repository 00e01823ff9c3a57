// The load generator runs user journeys (workload.flows) against the testbed's stateful API.
#include <catch2/catch.hpp>

#include "loadgen/flow_plan.hpp"
#include "loadgen/summary.hpp"
#include "reports/threshold.hpp"
#include "tests/loadgen/servers.hpp"

using namespace loadcast;
using workload::CheckKind;
using workload::ExtractSource;

namespace {

constexpr std::size_t kLogin = 0, kCreate = 1, kRead = 2;

workload::RequestClass request(const std::string& name, const std::string& method, const std::string& path,
                               std::vector<std::pair<std::string, std::string>> headers = {}, const std::string& body = "") {
  workload::RequestClass c;
  c.name = name;
  c.http.method = method;
  c.http.path = path;
  c.http.headers = std::move(headers);
  c.http.body = body;
  return c;
}

workload::FlowStep step(const std::string& name, std::size_t request) {
  workload::FlowStep s;
  s.name = name;
  s.request = request;
  return s;
}

workload::ExtractSpec extract(const std::string& var, ExtractSource source, const std::string& expression) {
  return workload::ExtractSpec{var, source, expression};
}

workload::CheckSpec check(const std::string& name, CheckKind kind, const std::string& expression = "",
                          const std::string& expected = "", int status = 0) {
  workload::CheckSpec c;
  c.name = name;
  c.kind = kind;
  c.expression = expression;
  c.expected = expected;
  c.expected_status = status;
  return c;
}

// The buyer journey: setup logs in (token), then create an order (its id) and read it back.
workload::FlowSpec buyer(const std::string& id_pointer = "/id", const std::string& read_path_suffix = "") {
  workload::FlowSpec f;
  f.name = "buyer";
  auto login = step("login", kLogin);
  login.extract = {extract("token", ExtractSource::kJsonPointer, "/token")};
  f.setup = {login};
  auto create = step("create", kCreate);
  create.extract = {extract("order_id", ExtractSource::kJsonPointer, id_pointer),
                    extract("loc", ExtractSource::kHeader, "Location")};
  create.checks = {check("created", CheckKind::kStatus, "", "", 201), check("has-id", CheckKind::kJsonExists, "/id"),
                   check("open", CheckKind::kJsonEquals, "/state", "open")};
  auto read = step("read", kRead);
  read.checks = {check("read-ok", CheckKind::kStatus, "", "", 200), check("says-open", CheckKind::kBodyContains, "", "open")};
  f.steps = {create, read};
  (void)read_path_suffix;
  return f;
}

loadgen::LoadConfig journey(const std::string& url, std::vector<workload::FlowSpec> flows, std::uint64_t users,
                            const std::string& read_path = "/orders/{order_id}", const std::string& create_auth = "Bearer {token}") {
  auto c = test::quick(url, users, 800 * sim::kMillisecond);
  c.workload.classes = {
      request("login", "POST", "/login", {}, R"({"user":"{username}","password":"{password}"})"),
      request("create-order", "POST", "/orders", {{"Authorization", create_auth}}),
      request("get-order", "GET", read_path, {{"Authorization", "Bearer {token}"}})};
  for (auto& f : flows) {
    if (!f.credentials) {
      workload::CredentialsSpec cred;
      cred.csv_path = "users.csv";
      cred.columns = {"username", "password"};
      cred.rows = {{"ann", "pw1"}, {"bob", "pw2"}};
      f.credentials = cred;
    }
  }
  c.workload.flows = std::move(flows);
  c.drain = 2 * sim::kSecond;
  return c;
}

loadgen::TestbedConfig api_testbed(const std::string& service = "const(1ms)") {
  loadgen::TestbedConfig tc;
  tc.workers = 8;
  tc.service = *sim::parse_distribution(service).value;
  return tc;
}

const reports::Json& sessions(const loadgen::RunOutput& r, const std::string& flow) {
  return r.result.sections.at("flows").at(flow);
}

std::uint64_t u64(const reports::Json& j, const std::string& key) { return j.at(key).get<std::uint64_t>(); }

// started = completed + failed + in_flight + dropped for the flow, and the request identity.
void balanced(const loadgen::RunOutput& r, const std::string& flow) {
  const auto& s = sessions(r, flow);
  INFO(s.dump());
  CHECK(u64(s, "started") == u64(s, "completed") + u64(s, "failed") + u64(s, "in_flight") + u64(s, "dropped"));
  CHECK(s.at("balanced") == true);
  std::uint64_t by_cause = 0;
  for (const auto& [k, v] : s.at("failed_by_cause").items()) by_cause += v.get<std::uint64_t>();
  CHECK(by_cause == u64(s, "failed"));
  CHECK(r.result.requests.balanced());
  CHECK(r.result.sections.at("load").at("accounting").at("balanced") == true);
}

std::uint64_t class_total(const loadgen::RunOutput& r, const std::string& cls) { return r.result.classes.at(cls).requests.total; }

}  // namespace

TEST_CASE("Flows: log in once per virtual user, create an order and read it back, every check passing") {
  test::TestbedThread tb(api_testbed());
  const auto r = test::run(journey(tb.url(), {buyer()}, 3));
  const auto st = tb.stats();
  balanced(r, "buyer");
  const auto& s = sessions(r, "buyer");
  CHECK(u64(s, "failed") == 0);
  CHECK(u64(s, "dropped") == 0);
  CHECK(u64(s, "completed") > 20);
  CHECK(u64(s, "in_flight") <= 3);
  // Setup ran once per virtual user: three logins, whatever the number of sessions.
  CHECK(st.api.logins == 3);
  CHECK(class_total(r, "login") == 3);
  CHECK(st.api.unauthorized == 0);
  CHECK(st.api.not_found == 0);
  CHECK(r.result.requests.errors == 0);
  CHECK(st.api.orders_created == r.result.classes.at("create-order").requests.ok);
  const auto& checks = r.result.sections.at("checks");
  CHECK(u64(checks, "fails") == 0);
  CHECK(checks.at("rate").get<double>() == 1.0);
  // Each of the three create checks ran once per create response, the read ones per read.
  CHECK(u64(checks.at("by_check").at("buyer.created"), "passes") == r.result.classes.at("create-order").requests.ok);
  CHECK(u64(checks.at("by_check").at("buyer.says-open"), "passes") == r.result.classes.at("get-order").requests.ok);
  CHECK(reports::evaluate_threshold("checks.rate > 0.99", r.result.to_json()).ok);
  CHECK(reports::evaluate_threshold("flows.buyer.failed == 0", r.result.to_json()).ok);
  // All flows together, as the simulator writes them; per step, the requests of the step.
  CHECK(r.result.sections.at("sessions").at("completed") == s.at("completed"));
  const auto& steps = s.at("steps");
  CHECK(u64(steps.at("setup:login"), "ok") == 3);
  CHECK(u64(steps.at("create"), "ok") == r.result.classes.at("create-order").requests.ok);
  CHECK(u64(steps.at("read"), "requests") == r.result.classes.at("get-order").requests.total -
                                                r.result.classes.at("get-order").requests.in_flight);
  CHECK(steps.at("read").at("latency_ms").at("p50").get<double>() > 0.0);
  SECTION("the result reads back into the same totals: shards merge exactly") {
    const auto again = loadgen::build_result(loadgen::totals_from_result(r.result), loadgen::info_from_result(r.result));
    CHECK(again.sections.at("flows").dump() == r.result.sections.at("flows").dump());
    CHECK(again.sections.at("sessions").dump() == r.result.sections.at("sessions").dump());
    CHECK(again.sections.at("checks").dump() == r.result.sections.at("checks").dump());
  }
}

TEST_CASE("Flows: a wrong extraction path fails the session's remaining steps, counted by cause") {
  test::TestbedThread tb(api_testbed());
  const auto r = test::run(journey(tb.url(), {buyer("/order/id")}, 2));
  balanced(r, "buyer");
  const auto& s = sessions(r, "buyer");
  CHECK(u64(s, "completed") == 0);
  CHECK(u64(s, "failed") > 10);
  CHECK(u64(s.at("failed_by_cause"), "extract_missing") == u64(s, "failed"));
  CHECK(class_total(r, "get-order") == 0);  // never reached
  // The create responses were fine: their checks passed, the requests were ok.
  CHECK(r.result.requests.errors == 0);
  CHECK(u64(r.result.sections.at("checks"), "fails") == 0);
  CHECK_FALSE(reports::evaluate_threshold("flows.buyer.failed == 0", r.result.to_json()).ok);
}

TEST_CASE("Flows: a 401 mid-session (a wrong token) fails the session as http_4xx") {
  test::TestbedThread tb(api_testbed());
  // The create step sends a token nobody issued; login still succeeds in setup.
  const auto r = test::run(journey(tb.url(), {buyer()}, 2, "/orders/{order_id}", "Bearer tb1.0000000000000000"));
  const auto st = tb.stats();
  balanced(r, "buyer");
  const auto& s = sessions(r, "buyer");
  CHECK(u64(s, "completed") == 0);
  CHECK(u64(s.at("failed_by_cause"), "http_4xx") == u64(s, "failed"));
  CHECK(u64(s, "failed") == r.result.classes.at("create-order").requests.errors);
  CHECK(st.api.unauthorized == class_total(r, "create-order") - r.result.classes.at("create-order").requests.in_flight);
  CHECK(class_total(r, "get-order") == 0);
  const auto& checks = r.result.sections.at("checks");
  // created and has-id and open fail on each 401.
  CHECK(u64(checks.at("by_check").at("buyer.created"), "fails") == u64(s, "failed"));
  CHECK(u64(checks, "passes") == 0);
  CHECK(checks.at("rate").get<double>() == 0.0);
  const std::string text = loadgen::format_summary(r.result, r.info);
  CHECK_THAT(text, Catch::Contains("Sessions buyer: started " + std::to_string(u64(s, "started")) + " = completed 0 + failed " +
                                   std::to_string(u64(s, "failed"))));
  CHECK_THAT(text, Catch::Contains("failed: http_4xx " + std::to_string(u64(s, "failed"))));
  CHECK_THAT(text, Catch::Contains("Checks: 0.00% passed"));
  CHECK_FALSE(reports::evaluate_threshold("checks.rate > 0.99", r.result.to_json()).ok);
}

TEST_CASE("Flows: the server dropping the connection mid-flow fails the session as reset") {
  test::TestbedThread tb(api_testbed());
  const auto r = test::run(journey(tb.url(), {buyer()}, 2, "/orders/{order_id}?drop=1"));
  const auto st = tb.stats();
  balanced(r, "buyer");
  const auto& s = sessions(r, "buyer");
  CHECK(u64(s, "completed") == 0);
  CHECK(u64(s, "failed") > 5);
  CHECK(u64(s.at("failed_by_cause"), "reset") == u64(s, "failed"));
  CHECK(r.result.classes.at("get-order").requests.by_cause.at("reset") == u64(s, "failed"));
  // The engine re-sends once a request whose reused connection closed before any byte of the
  // response (the keep-alive race): the server drops each read twice.
  const auto retries = r.result.sections.at("load").at("connection_events").at("retries").get<std::uint64_t>();
  CHECK(retries == u64(s, "failed"));
  CHECK(st.api.dropped == class_total(r, "get-order") - r.result.classes.at("get-order").requests.in_flight + retries);
  // A dropped connection is a new connection for the next session, which still has its token.
  CHECK(st.api.logins == 2);
  CHECK(r.result.classes.at("create-order").requests.errors == 0);
}

TEST_CASE("Flows: cookies kept per session authorize in place of the token") {
  test::TestbedThread tb(api_testbed());
  auto f = buyer();
  f.steps.pop_back();  // create only
  SECTION("with cookies: true the login's session cookie is sent back") {
    f.cookies = true;
    const auto r = test::run(journey(tb.url(), {f}, 1, "/orders/{order_id}", ""));
    balanced(r, "buyer");
    CHECK(u64(sessions(r, "buyer"), "failed") == 0);
    CHECK(u64(sessions(r, "buyer"), "completed") > 5);
    CHECK(tb.stats().api.unauthorized == 0);
  }
  SECTION("without, the server sees no credentials") {
    const auto r = test::run(journey(tb.url(), {f}, 1, "/orders/{order_id}", ""));
    balanced(r, "buyer");
    CHECK(u64(sessions(r, "buyer"), "completed") == 0);
    CHECK(u64(sessions(r, "buyer").at("failed_by_cause"), "http_4xx") == u64(sessions(r, "buyer"), "failed"));
  }
}

TEST_CASE("Flows: open model sessions that find no free virtual user are dropped and counted") {
  // 1 virtual user, sessions of ~2 x 20 ms arriving 50/s: most find the user busy.
  test::TestbedThread tb(api_testbed("const(20ms)"));
  auto c = journey(tb.url(), {buyer()}, 1);
  workload::OpenWorkload open;
  open.process = workload::ArrivalProcess::kUniform;
  open.rate = workload::RateSchedule({{0, 50.0}});
  c.workload.model = open;
  c.connections = 1;
  c.threads = 1;
  c.overload = loadgen::OverloadPolicy::kDrop;
  const auto r = test::run(c);
  balanced(r, "buyer");
  const auto& s = sessions(r, "buyer");
  CHECK(u64(s, "started") == 39);  // 50/s uniform over 0.8 s: the uniform schedule has R·d − 1 arrivals in d
  CHECK(u64(s, "dropped") > 20);
  CHECK(u64(s, "completed") > 3);
  // Each dropped session counts its first request dropped: backlog_full on create-order.
  CHECK(r.result.classes.at("create-order").requests.by_cause.at("backlog_full") == u64(s, "dropped"));
  CHECK(tb.stats().api.logins == 1);
}

TEST_CASE("Flows: a branch graph with repeat and exit follows its probabilities", "[wallclock]") {
  test::TestbedThread tb(api_testbed("const(0ms)"));
  auto f = buyer();
  f.steps[0].repeat = sim::Distribution::constant(2.0);
  f.steps[1].next = {workload::Branch{"read", 1, 0.5}};
  f.steps[1].exit = 0.5;
  const auto r = test::run(journey(tb.url(), {f}, 2));
  balanced(r, "buyer");
  const auto& s = sessions(r, "buyer");
  const double sessions_done = static_cast<double>(u64(s, "completed"));
  REQUIRE(sessions_done > 200);
  // Two creates per session; reads per session geometric with mean 1 / 0.5 = 2.
  const auto creates = static_cast<double>(r.result.classes.at("create-order").requests.ok);
  const auto reads = static_cast<double>(r.result.classes.at("get-order").requests.ok);
  CHECK(creates / sessions_done == Approx(2.0).margin(0.05));
  CHECK(reads / sessions_done == Approx(2.0).margin(0.3));
}

TEST_CASE("Flows: each virtual user takes its own credentials row, for every session") {
  // Three users, two rows: user k takes row k mod 2 (users 0 and 2 are ann, user 1 is bob).
  test::BadServer server(test::Misbehaviour::kRecord);
  workload::FlowSpec f;
  f.name = "who";
  f.steps = {step("who", 0)};
  workload::CredentialsSpec cred;
  cred.csv_path = "users.csv";
  cred.columns = {"username"};
  cred.rows = {{"ann"}, {"bob"}};
  f.credentials = cred;
  auto c = test::quick(server.url(), 3, 500 * sim::kMillisecond);
  c.threads = 1;
  c.workload.classes = {request("who", "GET", "/who/{username}")};
  std::get<workload::ClosedWorkload>(c.workload.model).think_time = sim::Distribution::constant(0.05);
  std::get<workload::ClosedWorkload>(c.workload.model).think_time.set_value_kind(sim::ValueKind::kDuration);
  c.workload.flows = {f};
  const auto r = test::run(c);
  balanced(r, "who");
  std::map<std::string, std::uint64_t> seen;
  for (const auto& line : server.request_lines()) ++seen[line];
  REQUIRE(seen.size() == 2);
  const auto ann = seen["GET /who/ann HTTP/1.1"];
  const auto bob = seen["GET /who/bob HTTP/1.1"];
  CHECK(ann + bob == r.result.requests.total);
  CHECK(static_cast<double>(ann) / static_cast<double>(bob) == Approx(2.0).margin(0.5));
}

TEST_CASE("Flows: a step whose repeat draws 0 is skipped") {
  test::TestbedThread tb(api_testbed("const(0ms)"));
  auto f = buyer();
  auto again = step("login-again", kLogin);  // 0, 1 or 2 extra logins per session, 1 on average
  again.repeat = sim::Distribution::uniform_int(0, 2);
  f.steps.insert(f.steps.begin(), again);
  const auto r = test::run(journey(tb.url(), {f}, 2));
  balanced(r, "buyer");
  const auto& s = sessions(r, "buyer");
  REQUIRE(u64(s, "completed") > 200);
  CHECK(u64(s, "failed") == 0);
  const auto extra = static_cast<double>(u64(s.at("steps").at("login-again"), "ok"));
  CHECK(extra / static_cast<double>(u64(s, "completed")) == Approx(1.0).margin(0.15));
}

TEST_CASE("Flows: a step's latency counts from its intended start, the previous response plus think time", "[wallclock]") {
  // One user; each request takes 50 ms; the read thinks 100 ms first. A session takes
  // 50 + 100 + 50 = 200 ms from its intended start, and no request's latency includes a think.
  auto f = buyer();
  f.steps[1].think = sim::Distribution::constant(0.1);
  f.steps[1].think->set_value_kind(sim::ValueKind::kDuration);
  const auto r = test::run_unheld(api_testbed("const(50ms)"), [&](const std::string& url) {
    auto c = journey(url, {f}, 1);
    c.duration = 1500 * sim::kMillisecond;
    return c;
  });
  balanced(r, "buyer");
  const auto& s = sessions(r, "buyer");
  CHECK(u64(s, "completed") >= 5);
  CHECK(s.at("duration_s").at("p50").get<double>() == Approx(0.200).margin(0.015));
  CHECK(s.at("steps").at("read").at("latency_ms").at("p50").get<double>() == Approx(50.0).margin(10.0));
  CHECK(r.result.classes.at("get-order").latency_ms.p50 == Approx(50.0).margin(10.0));
}

TEST_CASE("Flows: an open-model session that waited for a virtual user has the wait in its first step's latency", "[wallclock]") {
  // One virtual user, sessions of 2 x 50 ms arriving 20/s (capacity 10/s): the backlog grows,
  // and each session's create counts from its arrival; the read after it still takes 50 ms.
  auto f = buyer();
  const auto r = test::run_unheld(api_testbed("const(50ms)"), [&](const std::string& url) {
    auto c = journey(url, {f}, 1);
    workload::OpenWorkload open;
    open.process = workload::ArrivalProcess::kUniform;
    open.rate = workload::RateSchedule({{0, 20.0}});
    c.workload.model = open;
    c.connections = 1;
    c.threads = 1;
    c.duration = 1 * sim::kSecond;
    c.drain = 3 * sim::kSecond;
    return c;
  });
  balanced(r, "buyer");
  const auto& s = sessions(r, "buyer");
  CHECK(u64(s, "started") == 19);
  CHECK(r.result.sections.at("load").at("backlogged").get<std::uint64_t>() >= 15);
  // Sessions still waiting when the schedule ends are dropped, their first request not sent.
  CHECK(u64(s, "dropped") >= 5);
  CHECK(r.result.classes.at("create-order").requests.by_cause.at("not_sent_at_stop") == u64(s, "dropped"));
  // The k-th session starts its create at about 100 ms x k, arriving at 50 ms x k: the wait
  // grows to ~450 ms by the end of the second.
  CHECK(r.result.classes.at("create-order").latency_ms.max > 350.0);
  CHECK(r.result.classes.at("get-order").latency_ms.p50 == Approx(50.0).margin(10.0));
}

TEST_CASE("Flows: engines other than the native HTTP/1.1 one refuse flows") {
  auto c = journey("http://127.0.0.1:9", {buyer()}, 1);
  c.engine.http2 = true;
  const auto problems = c.validate();
  REQUIRE_FALSE(problems.empty());
  CHECK_THAT(problems.front(), Catch::Contains("does not run flows"));
  c.engine.http2 = false;
  CHECK(c.validate().empty());
}

TEST_CASE("FlowPlan: names session variables once and refuses a bad pointer with its place") {
  std::vector<workload::RequestClass> classes{request("a", "GET", "/")};
  workload::FlowSpec f;
  f.name = "f";
  auto s = step("s", 0);
  s.extract = {extract("x", ExtractSource::kJsonPointer, "/x"), extract("x", ExtractSource::kStatus, "")};
  f.steps = {s};
  const auto plan = loadgen::FlowPlan::build({f}, classes);
  CHECK(plan.variables() == std::vector<std::string>{"x"});
  CHECK(plan.at(0).steps[0].capture);
  f.steps[0].extract[0].expression = "x";
  CHECK_THROWS_WITH(loadgen::FlowPlan::build({f}, classes), Catch::Contains("flow 'f' step 's' extract 'x'"));
}

TEST_CASE("Flows: a timeout mid-session fails it as read_timeout, and a variable never set as unset_variable") {
  SECTION("the read outlives the request timeout") {
    // Reads of order 1..: the testbed takes 300 ms for every request, the generator waits 100 ms.
    test::TestbedThread tb(api_testbed("const(300ms)"));
    auto f = buyer();
    f.setup.clear();
    f.steps.erase(f.steps.begin());  // read only, with a token that is never checked in time
    f.steps[0].extract = {};
    auto c = journey(tb.url(), {f}, 2, "/orders/1", "");
    c.workload.classes[kRead].http.headers.clear();
    c.engine.timeout = 100 * sim::kMillisecond;
    c.drain = 200 * sim::kMillisecond;
    const auto r = test::run(c);
    balanced(r, "buyer");
    const auto& s = sessions(r, "buyer");
    CHECK(u64(s, "completed") == 0);
    CHECK(u64(s, "failed") >= 10);
    CHECK(u64(s.at("failed_by_cause"), "read_timeout") == u64(s, "failed"));
    CHECK(r.result.requests.timeouts == u64(s, "failed"));
    // A step without a response fails its status checks.
    CHECK(u64(r.result.sections.at("checks").at("by_check").at("buyer.read-ok"), "fails") == u64(s, "failed"));
  }
  SECTION("a request naming a variable no step has set yet") {
    // The read comes first: {order_id} is extracted only by the create after it, and every
    // session starts from what setup left (the token), so no read is ever sent.
    test::TestbedThread tb(api_testbed());
    auto f = buyer();
    std::swap(f.steps[0], f.steps[1]);
    const auto r = test::run(journey(tb.url(), {f}, 2));
    balanced(r, "buyer");
    const auto& s = sessions(r, "buyer");
    CHECK(u64(s, "failed") > 100);
    CHECK(u64(s.at("failed_by_cause"), "unset_variable") == u64(s, "failed"));
    CHECK(r.result.requests.total == 2);  // the two logins of setup, nothing else
    CHECK(tb.stats().requests == 2);
  }
}
