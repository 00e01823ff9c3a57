// What `loadcast load` does, without the process: quick mode's request and model, scenario
// mode's connection pool, the checks made before any request is sent, and the verdict of a run
// against the in-repo testbed.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <string>
#include <variant>

#include "app/load.hpp"
#include "scenarios/loader/scenario.hpp"
#include "tests/loadgen/servers.hpp"

using namespace loadcast;

namespace {

const std::atomic<bool> kNever{false};

scenario::Scenario scenario_with(const std::string& workload, const std::string& extra = "") {
  return scenario::load_string("name: s\nseed: 9\nduration: 1s\nwarmup: 0s\nworkload:\n" + workload +
                                   "stations:\n  s1: { servers: 1 }\n" + extra,
                               "s.yaml");
}

const std::string kOpen =
    "  arrivals: { process: uniform, stages: [ { at: 0s, rate: 100 }, { at: 500ms, rate: 900 } ] }\n"
    "  requests:\n    - { name: api, path: /, steps: [ { station: s1, service: const(1ms) } ] }\n";
const std::string kClosed =
    "  users: { count: 3 }\n"
    "  requests:\n    - { name: api, path: /, steps: [ { station: s1, service: const(1ms) } ] }\n";

}  // namespace

TEST_CASE("Load: quick mode sends the URL's path to its origin with the given request") {
  const auto c = app::quick_load({"http://127.0.0.1:8080/items?id=1", "POST", "{}", {"X-A:  b", "X-Empty:"}});
  CHECK(c.target.target == "/");
  CHECK(c.label == "http://127.0.0.1:8080/items?id=1");
  REQUIRE(c.workload.classes.size() == 1);
  const auto& rc = c.workload.classes[0];
  CHECK(rc.name == "default");
  CHECK(rc.http.method == "POST");
  CHECK(rc.http.path == "/items?id=1");
  CHECK(rc.http.body == "{}");
  REQUIRE(rc.http.headers.size() == 2);
  CHECK(rc.http.headers[0] == std::pair<std::string, std::string>{"X-A", "b"});
  CHECK(rc.http.headers[1] == std::pair<std::string, std::string>{"X-Empty", ""});
  CHECK_THROWS_WITH(app::quick_load({"ftp://x/", "GET", "", {}}), Catch::StartsWith("--url: "));
  CHECK_THROWS_WITH(app::quick_load({"http://x/", "GET", "", {"novalue"}}),
                    "-H/--header must be 'Name: value', got 'novalue'");
  CHECK_THROWS_AS(app::quick_load({"http://x/", "GET", "", {": v"}}), app::UsageError);
}

TEST_CASE("Load: quick mode is closed with a user per connection and stream, or open at --rate") {
  auto c = app::quick_load({"http://127.0.0.1:8080/", "GET", "", {}});
  SECTION("without a rate every connection loops, like wrk") {
    c.connections = 7;
    app::set_quick_model(c, {});
    const auto* closed = std::get_if<workload::ClosedWorkload>(&c.workload.model);
    REQUIRE(closed != nullptr);
    CHECK(closed->users.max_value() == 7.0);
  }
  SECTION("with HTTP/2 every stream loops") {
    c.connections = 2;
    c.engine.http2 = true;
    c.engine.streams = 5;
    app::set_quick_model(c, {});
    CHECK(std::get<workload::ClosedWorkload>(c.workload.model).users.max_value() == 10.0);
  }
  SECTION("a rate makes it open, uniform unless poisson is asked for") {
    app::set_quick_model(c, {250.0, std::nullopt, true});
    const auto& open = std::get<workload::OpenWorkload>(c.workload.model);
    CHECK(open.process == workload::ArrivalProcess::kUniform);
    CHECK(open.rate.max_value() == 250.0);
    app::set_quick_model(c, {250.0, "poisson", false});
    CHECK(std::get<workload::OpenWorkload>(c.workload.model).process == workload::ArrivalProcess::kPoisson);
  }
  SECTION("open-model options without a rate, and bad rates, are usage errors") {
    CHECK_THROWS_WITH(app::set_quick_model(c, {-5.0, std::nullopt, false}), Catch::StartsWith("--rate must be above 0") && Catch::EndsWith("got -5"));
    CHECK_THROWS_WITH(app::set_quick_model(c, {2e8, std::nullopt, false}), Catch::EndsWith("got 200000000"));
    CHECK_THROWS_WITH(app::set_quick_model(c, {5.0, "bursty", false}), "--arrivals must be uniform or poisson, got 'bursty'");
    CHECK_THROWS_WITH(app::set_quick_model(c, {std::nullopt, "poisson", false}), Catch::StartsWith("--arrivals needs --rate"));
    CHECK_THROWS_WITH(app::set_quick_model(c, {std::nullopt, std::nullopt, true}),
                      "--on-overload and --max-backlog need --rate");
  }
}

TEST_CASE("Load: scenario mode sizes the open model's pool for its peak rate") {
  CHECK(app::connection_pool(100.0) == 25);
  CHECK(app::connection_pool(101.0) == 26);
  CHECK(app::connection_pool(1.0) == 10);
  CHECK(app::connection_pool(1e6) == 10000);
  const auto c = app::scenario_load(scenario_with(kOpen), "http://127.0.0.1:8080", false);
  CHECK(c.connections == 225);  // the peak stage, 900/s, at 250 ms per response
  CHECK(c.scenario == "s");
  CHECK(c.seed == 9);
  CHECK(c.duration == sim::kSecond);
  CHECK(c.workload.classes.size() == 1);
  CHECK_THROWS_WITH(app::scenario_load(scenario_with(kOpen), "nope", false), Catch::StartsWith("--target: "));
}

TEST_CASE("Load: a closed scenario gives every user its own connection and refuses -c") {
  const auto sc = scenario_with(kClosed);
  CHECK_NOTHROW(app::scenario_load(sc, "http://127.0.0.1:8080", false));
  CHECK_THROWS_WITH(app::scenario_load(sc, "http://127.0.0.1:8080", true),
                    Catch::Contains("closed model gives every user its own connection"));
}

TEST_CASE("Load: the config and the thresholds are checked before any request is sent") {
  const auto sc = scenario_with(kOpen, "thresholds:\n  - 'latency_ms.p99 < 5000'\n  - 'cost.monthly_usd.total < 1'\n");
  auto c = app::scenario_load(sc, "http://127.0.0.1:8080", false);
  const auto plan = app::check_load(c, sc.thresholds, {"requests.error_rate < 0.1"});
  CHECK(plan.evaluate == std::vector<std::string>{"latency_ms.p99 < 5000", "requests.error_rate < 0.1"});
  CHECK(plan.not_applicable == std::vector<std::string>{"cost.monthly_usd.total < 1"});
  CHECK_THROWS_WITH(app::check_load(c, {}, {"cost.monthly_usd.total < 5"}), Catch::Contains("exists only in simulated results"));
  CHECK_THROWS_WITH(app::check_load(c, {}, {"latncy_ms.p99 < 5"}), Catch::Contains("has no key 'latncy_ms'"));
  c.shard = 3;
  c.shards = 3;
  CHECK_THROWS_AS(app::check_load(c, {}, {}), app::UsageError);
}

TEST_CASE("Load: the run's thresholds decide its verdict") {
  loadgen::TestbedConfig tc;
  tc.workers = 4;
  tc.service = sim::Distribution::constant(0.001);
  test::TestbedThread tb(tc);
  auto c = app::quick_load({tb.url(), "GET", "", {}});
  c.connections = 2;
  c.duration = 300 * sim::kMillisecond;
  app::set_quick_model(c, {});
  SECTION("a passing threshold exits 0") {
    const auto run = app::run_load(c, app::check_load(c, {}, {"latency_ms.p99 < 5000"}), kNever);
    REQUIRE(run.output.result.thresholds.size() == 1);
    CHECK(run.output.result.thresholds[0].ok);
    CHECK(app::exit_code(run.verdict) == app::ExitCode::kOk);
  }
  SECTION("a failing threshold exits 99") {
    const auto run = app::run_load(c, app::check_load(c, {}, {"latency_ms.p99 < 0.001"}), kNever);
    CHECK(app::exit_code(run.verdict) == app::ExitCode::kThresholds);
  }
  SECTION("a threshold only the real result can check, on a status that never came, exits 2") {
    const auto run = app::run_load(c, app::check_load(c, {}, {"requests.by_status.418 > 0"}), kNever);
    CHECK_THAT(run.verdict.threshold_error, Catch::Contains("by_status"));
    CHECK(run.output.result.requests.ok > 0);
    CHECK(app::exit_code(run.verdict) == app::ExitCode::kUsage);
  }
}

TEST_CASE("Load: simulator-only scenario thresholds are listed as not applicable in the result") {
  loadgen::TestbedConfig tc;
  tc.workers = 4;
  tc.service = sim::Distribution::constant(0.001);
  test::TestbedThread tb(tc);
  const auto sc = scenario_with(kClosed, "thresholds:\n  - 'cost.monthly_usd.total < 1'\n");
  auto c = app::scenario_load(sc, tb.url(), false);
  c.duration = 300 * sim::kMillisecond;
  const auto run = app::run_load(c, app::check_load(c, sc.thresholds, {}), kNever);
  CHECK(run.output.result.thresholds.empty());
  CHECK(run.output.result.sections["load"]["thresholds_not_applicable"][0]["expr"] == "cost.monthly_usd.total < 1");
  CHECK(app::exit_code(run.verdict) == app::ExitCode::kOk);
}

TEST_CASE("Load: a proxy set in the environment is named when the native engine will not use it") {
  std::map<std::string, std::string> vars;
  const auto env = [&](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
  auto https = app::quick_load({"https://api.example.com/", "GET", "", {}});
  auto http = app::quick_load({"http://api.example.com/", "GET", "", {}});
  CHECK(app::ignored_proxy(https, env).empty());
  vars["HTTPS_PROXY"] = "http://proxy:3128";
  CHECK(app::ignored_proxy(https, env).rfind("HTTPS_PROXY is set, but the native engine connects to api.example.com", 0) == 0);
  CHECK(app::ignored_proxy(http, env).empty());  // http:// reads http_proxy (lower case only)
  vars["HTTP_PROXY"] = "http://proxy:3128";
  CHECK(app::ignored_proxy(http, env).empty());
  vars["all_proxy"] = "socks5://proxy:1080";
  CHECK(app::ignored_proxy(http, env).rfind("all_proxy is set", 0) == 0);
  SECTION("no_proxy naming the host, a domain of it, or * silences it") {
    for (const char* np : {"api.example.com", ".example.com", "other, example.com", "*"}) {
      vars["no_proxy"] = np;
      CHECK(app::ignored_proxy(https, env).empty());
    }
    vars["no_proxy"] = "ample.com";
    CHECK_FALSE(app::ignored_proxy(https, env).empty());
  }
  SECTION("--engine curl goes through the proxy") {
    https.engine_choice = loadgen::EngineChoice::kCurl;
    CHECK(app::ignored_proxy(https, env).empty());
  }
}
