// Bad scenarios: every error names file:line:col, the YAML path and what is wrong. The bad
// scenarios are one table, each row an edit of the reference scenario; overrides and the good
// scenarios around the bad ones are cases of their own.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "scenarios/loader/scenario.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

const char* kGood = kOneStationScenario;

// The reference scenario as a closed model of two users without think time.
std::string closed() { return replace(kGood, "  arrivals:\n    process: poisson\n    rate: 100\n", "  users:\n    count: 2\n"); }

// The reference scenario with `line` added to its request class.
std::string request_with(const std::string& line) { return replace(kGood, "    - name: job\n", "    - name: job\n      " + line + "\n"); }

std::vector<LoadErrorCase> bad_scenarios() {
  const std::string good = kGood;
  const std::string no_workload = "duration: 10m\nstations:\n  s1:\n    servers: 2\n";
  return {
      {"an unknown key is located and the accepted keys are listed",
       replace(good, "    servers: 2\n", "    servers: 2\n    servrs: 3\n"),
       {"bad.yaml:15:5: stations.s1.servrs: unknown key 'servrs'", "servers"}},
      {"an unknown top-level key", good + "colour: blue\n", {"bad.yaml:15:1: colour: unknown key 'colour'"}},
      {"a word where a whole number belongs", replace(good, "servers: 2", "servers: many"),
       {"bad.yaml:14:14: stations.s1.servers: must be a whole number, found 'many'"}},
      {"a duration without a unit", replace(good, "duration: 10m", "duration: 10"),
       {"bad.yaml:2:11: duration: must be a duration with a unit"}},
      {"a list where a number belongs", replace(good, "    rate: 100", "    rate: [1, 2]"),
       {"workload.arrivals.rate: must be a number, found a list"}},
      {"a negative rate", replace(good, "rate: 100", "rate: -5"),
       {"bad.yaml:6:11: workload.arrivals.rate: rate must be > 0 requests per second, found -5"}},
      {"a batch of zero", replace(good, "    rate: 100\n", "    rate: 100\n    batch: 0\n"),
       {"bad.yaml:7:12: workload.arrivals.batch: must be 1 to 1000 requests per batch, found 0"}},
      {"a fractional batch", replace(good, "    rate: 100\n", "    rate: 100\n    batch: 2.5\n"),
       {"workload.arrivals.batch: must be"}},
      {"zero servers", replace(good, "servers: 2", "servers: 0"),
       {"bad.yaml:14:14: stations.s1.servers: servers (0) must be at least 1"}},
      {"a distribution without a unit explains the grammar", replace(good, "exp(1ms)", "exp(1)"),
       {"bad.yaml:11:20: workload.requests[0].steps[0].service: malformed distribution 'exp(1)'"}},
      {"an unknown distribution", replace(good, "exp(1ms)", "gaussian(1ms)"), {"unknown distribution 'gaussian'"}},
      {"an unknown station lists the defined ones", replace(good, "station: s1", "station: db"),
       {"bad.yaml:10:20: workload.requests[0].steps[0].station: unknown station 'db' (defined: s1)"}},
      {"a missing empirical file is named", replace(good, "exp(1ms)", "empirical(missing-latencies.csv)"),
       {"cannot open empirical file './missing-latencies.csv'"}},
      {"stages out of order",
       replace(good, "    rate: 100\n", "    stages:\n      - { at: 10m, rate: 10 }\n      - { at: 5m, rate: 20 }\n"),
       {"bad.yaml:8:9: workload.arrivals.stages: stages out of order: stage 2 (at 5m) comes before stage 1 (at 10m)"}},
      {"every problem is reported at once", replace(replace(good, "servers: 2", "servers: 0"), "rate: 100", "rate: -1"),
       {"servers (0)", "rate must be > 0"}},
      {"an empty request list",
       replace(good, "  requests:\n    - name: job\n      steps:\n        - station: s1\n          service: exp(1ms)\n", "  requests: []\n"),
       {"bad.yaml:7:13: workload.requests: needs at least one request class"}},
      {"a missing workload", no_workload, {"bad.yaml:1:1: workload: is required"}},
      // The web-tier linker looks the workload up again; a missing one must not throw from yaml-cpp.
      {"a missing workload with a load balancer",
       no_workload + "load_balancer:\n  type: alb\n  rules: [ { path: \"/*\", service: api } ]\nservices:\n  api: { cpu: 256, memory: 512 }\n",
       {"bad.yaml:1:1: workload: is required"}},
      {"a key given twice names both lines", replace(good, "    servers: 2\n", "    servers: 2\n    servers: 3\n"),
       {"bad.yaml:15:5: stations.s1.servers: key 'servers' appears twice in this mapping (first at line 14)"}},
      {"a top-level key given twice", replace(good, "duration: 10m\n", "duration: 10m\nduration: 20m\n"),
       {"bad.yaml:3:1: duration: key 'duration' appears twice"}},
      {"a key of a list item given twice", replace(good, "    - name: job\n", "    - name: job\n      name: job2\n"),
       {"workload.requests[0].name: key 'name' appears twice"}},
      {"an empty file points at its first line", "", {"bad.yaml:1:1: (top level): a scenario must be a mapping"}},
      {"a negative stage rate is reported once",
       replace(good, "    rate: 100\n", "    stages:\n      - { at: 0m, rate: 10 }\n      - { at: 5m, rate: -20 }\n"),
       {"bad.yaml:8:25: workload.arrivals.stages[1].rate: rate must be >= 0, found -20"}, true},
      {"a closed model that takes no simulated time would hang", replace(closed(), "service: exp(1ms)", "service: const(0ms)"),
       {"workload.requests[0]: takes no simulated time and workload.users has no think_time"}},
      {"an HTTP method with a space", request_with("method: GE T"),
       {"bad.yaml:9:15: workload.requests[0].method: 'GE T' is not an HTTP method"}},
      {"a path with a space", request_with("path: /a b"),
       {"workload.requests[0].path: must not contain spaces or control characters"}},
      {"a header name with a space", request_with("headers: { Bad Name: v }"),
       {"workload.requests[0].headers.Bad Name: 'Bad Name' is not an HTTP header name"}},
      {"a header the load generator sets", request_with("headers: { Content-Length: '5' }"),
       {"workload.requests[0].headers.Content-Length: is set by the load generator"}},
      {"a header value with a line break", request_with("headers: { X-A: \"a\\r\\nInjected: 1\" }"),
       {"workload.requests[0].headers.X-A: a header value must not contain a line break"}},
      // Issue #21 item 11: region errors had no file:line:col.
      {"a region that is not a region code", good + "region: Tokyo\n",
       {"bad.yaml:15:9: region: 'Tokyo' is not an AWS region code (a code like us-east-1 or ap-northeast-1; built-in prices: "
        "ap-northeast-1, us-east-1)"}},
      {"a region without built-in prices and no cost.pricing", good + "region: eu-central-9\n",
       {"bad.yaml:15:9: region: 'eu-central-9' has no built-in price table (built in: ap-northeast-1, us-east-1); give one with "
        "cost.pricing: FILE"}},
      {"a region that is not text", good + "region: [us-east-1]\n", {"bad.yaml:15:9: region: must be"}},
  };
}

}  // namespace

TEST_CASE("Loader: the reference scenario loads") {
  const auto s = scenario::load_string(kGood, "good.yaml");
  CHECK(s.name == "ok");
  CHECK(s.model.stations.size() == 1);
  CHECK(s.workload.classes.size() == 1);
}

TEST_CASE("Loader: each bad scenario is one located error naming what is wrong") { check_load_errors(bad_scenarios()); }

TEST_CASE("Loader: overrides are applied before validation and located as --set") {
  const auto s = scenario::load_string(kGood, "good.yaml", {scenario::parse_override("stations.s1.servers=4")});
  CHECK(s.model.stations[0].servers == 4);
  try {
    scenario::load_string(kGood, "good.yaml", {scenario::parse_override("stations.s1.servers=0")});
    FAIL("expected an error");
  } catch (const scenario::LoadError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("--set stations.s1.servers: stations.s1.servers: servers (0) must be at least 1"));
  }
  const auto r = scenario::load_string(kGood, "good.yaml", {scenario::parse_override("workload.requests[0].steps[0].service=const(2ms)")});
  CHECK(r.model.classes[0].steps[0].service.mean() == Approx(0.002));
  CHECK_THROWS_AS(scenario::parse_override("no-equals-sign"), std::invalid_argument);
}

TEST_CASE("Loader: a region set with --set is checked like one in the file") {
  try {
    scenario::load_string(kGood, "good.yaml", {scenario::parse_override("region=eu-mars-9")});
    FAIL("expected an error");
  } catch (const scenario::LoadError& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK_THAT(e.errors()[0], Catch::StartsWith("--set region: region: 'eu-mars-9' has no built-in price table"));
  }
  CHECK(scenario::load_string(kGood, "good.yaml", {scenario::parse_override("region=ap-northeast-1")}).region == "ap-northeast-1");
}

TEST_CASE("Loader: a closed model with a think time or a step that takes time loads") {
  // The bad closed model of the table made proper either way.
  CHECK_NOTHROW(scenario::load_string(closed(), "ok.yaml"));
  CHECK_NOTHROW(scenario::load_string(replace(replace(closed(), "service: exp(1ms)", "service: const(0ms)"), "    count: 2\n",
                                              "    count: 2\n    think_time: exp(1s)\n"),
                                      "ok.yaml"));
}
