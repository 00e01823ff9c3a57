// Bad scenarios: every error names file:line:col, the YAML path and what is wrong.
#include <catch2/catch.hpp>

#include <string>

#include "scenarios/loader/scenario.hpp"

using namespace loadcast;

namespace {

const char* kGood = R"(name: ok
duration: 10m
workload:
  arrivals:
    process: poisson
    rate: 100
  requests:
    - name: job
      steps:
        - station: s1
          service: exp(1ms)
stations:
  s1:
    servers: 2
)";

std::string error_of(const std::string& yaml) {
  try {
    scenario::load_string(yaml, "bad.yaml");
  } catch (const scenario::LoadError& e) {
    return e.what();
  }
  FAIL("expected a LoadError for:\n" << yaml);
  return {};
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("Loader: the reference scenario loads") {
  const auto s = scenario::load_string(kGood, "good.yaml");
  CHECK(s.name == "ok");
  CHECK(s.model.stations.size() == 1);
  CHECK(s.workload.classes.size() == 1);
}

TEST_CASE("Loader: an unknown key is an error with its location and the accepted keys") {
  const auto e = error_of(replace(kGood, "    servers: 2\n", "    servers: 2\n    servrs: 3\n"));
  CHECK_THAT(e, Catch::Contains("bad.yaml:15:5: stations.s1.servrs: unknown key 'servrs'"));
  CHECK_THAT(e, Catch::Contains("servers"));
  CHECK_THAT(error_of(std::string(kGood) + "colour: blue\n"), Catch::Contains("bad.yaml:15:1: colour: unknown key 'colour'"));
}

TEST_CASE("Loader: a value of the wrong type names the expected type") {
  CHECK_THAT(error_of(replace(kGood, "servers: 2", "servers: many")),
             Catch::Contains("bad.yaml:14:14: stations.s1.servers: must be a whole number, found 'many'"));
  CHECK_THAT(error_of(replace(kGood, "duration: 10m", "duration: 10")),
             Catch::Contains("bad.yaml:2:11: duration: must be a duration with a unit"));
  CHECK_THAT(error_of(replace(kGood, "    rate: 100", "    rate: [1, 2]")),
             Catch::Contains("workload.arrivals.rate: must be a number, found a list"));
}

TEST_CASE("Loader: a negative rate is rejected") {
  CHECK_THAT(error_of(replace(kGood, "rate: 100", "rate: -5")),
             Catch::Contains("bad.yaml:6:11: workload.arrivals.rate: rate must be > 0 requests per second, found -5"));
}

TEST_CASE("Loader: zero servers is rejected") {
  CHECK_THAT(error_of(replace(kGood, "servers: 2", "servers: 0")),
             Catch::Contains("bad.yaml:14:14: stations.s1.servers: servers (0) must be at least 1"));
}

TEST_CASE("Loader: a malformed distribution explains the grammar") {
  CHECK_THAT(error_of(replace(kGood, "exp(1ms)", "exp(1)")),
             Catch::Contains("bad.yaml:11:20: workload.requests[0].steps[0].service: malformed distribution 'exp(1)'"));
  CHECK_THAT(error_of(replace(kGood, "exp(1ms)", "gaussian(1ms)")), Catch::Contains("unknown distribution 'gaussian'"));
}

TEST_CASE("Loader: an unknown station lists the defined ones") {
  CHECK_THAT(error_of(replace(kGood, "station: s1", "station: db")),
             Catch::Contains("bad.yaml:10:20: workload.requests[0].steps[0].station: unknown station 'db' (defined: s1)"));
}

TEST_CASE("Loader: a missing empirical file is named") {
  CHECK_THAT(error_of(replace(kGood, "exp(1ms)", "empirical(missing-latencies.csv)")),
             Catch::Contains("cannot open empirical file './missing-latencies.csv'"));
}

TEST_CASE("Loader: stages out of order are rejected") {
  const auto e = error_of(replace(kGood, "    rate: 100\n",
                                  "    stages:\n      - { at: 10m, rate: 10 }\n      - { at: 5m, rate: 20 }\n"));
  CHECK_THAT(e, Catch::Contains("bad.yaml:8:9: workload.arrivals.stages: stages out of order: stage 2 (at 5m) comes before stage 1 (at 10m)"));
}

TEST_CASE("Loader: every problem is reported at once") {
  std::string yaml = replace(kGood, "servers: 2", "servers: 0");
  yaml = replace(yaml, "rate: 100", "rate: -1");
  const auto e = error_of(yaml);
  CHECK_THAT(e, Catch::Contains("servers (0)"));
  CHECK_THAT(e, Catch::Contains("rate must be > 0"));
}

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

TEST_CASE("Loader: an empty request list is rejected, not simulated") {
  CHECK_THAT(error_of(replace(kGood, "  requests:\n    - name: job\n      steps:\n        - station: s1\n          service: exp(1ms)\n",
                              "  requests: []\n")),
             Catch::Contains("bad.yaml:7:13: workload.requests: needs at least one request class"));
}

TEST_CASE("Loader: a missing workload is a located error, also with a load balancer") {
  const std::string no_workload = "duration: 10m\nstations:\n  s1:\n    servers: 2\n";
  CHECK_THAT(error_of(no_workload), Catch::Contains("bad.yaml:1:1: workload: is required"));
  // The web-tier linker looks the workload up again; a missing one must not throw from yaml-cpp.
  const std::string web = no_workload + "load_balancer:\n  type: alb\n  rules: [ { path: \"/*\", service: api } ]\n"
                                        "services:\n  api: { cpu: 256, memory: 512 }\n";
  CHECK_THAT(error_of(web), Catch::Contains("bad.yaml:1:1: workload: is required"));
}

TEST_CASE("Loader: a key given twice is an error naming both lines") {
  const auto e = error_of(replace(kGood, "    servers: 2\n", "    servers: 2\n    servers: 3\n"));
  CHECK_THAT(e, Catch::Contains("bad.yaml:15:5: stations.s1.servers: key 'servers' appears twice in this mapping (first at line 14)"));
  CHECK_THAT(error_of(replace(kGood, "duration: 10m\n", "duration: 10m\nduration: 20m\n")),
             Catch::Contains("bad.yaml:3:1: duration: key 'duration' appears twice"));
  CHECK_THAT(error_of(replace(kGood, "    - name: job\n", "    - name: job\n      name: job2\n")),
             Catch::Contains("workload.requests[0].name: key 'name' appears twice"));
}

TEST_CASE("Loader: an empty file points at its first line") {
  CHECK_THAT(error_of(""), Catch::Contains("bad.yaml:1:1: (top level): a scenario must be a mapping"));
}

TEST_CASE("Loader: a negative stage rate is reported once") {
  const auto e = error_of(replace(kGood, "    rate: 100\n", "    stages:\n      - { at: 0m, rate: 10 }\n      - { at: 5m, rate: -20 }\n"));
  CHECK_THAT(e, Catch::Contains("bad.yaml:8:25: workload.arrivals.stages[1].rate: rate must be >= 0, found -20"));
  CHECK(e.find('\n') == std::string::npos);
}

TEST_CASE("Loader: a closed model that takes no simulated time is rejected instead of hanging") {
  const std::string closed = replace(kGood, "  arrivals:\n    process: poisson\n    rate: 100\n", "  users:\n    count: 2\n");
  CHECK_THAT(error_of(replace(closed, "service: exp(1ms)", "service: const(0ms)")),
             Catch::Contains("workload.requests[0]: takes no simulated time and workload.users has no think_time"));
  // Either a think time or a step that takes time makes it a proper closed model.
  CHECK_NOTHROW(scenario::load_string(closed, "ok.yaml"));
  CHECK_NOTHROW(scenario::load_string(replace(replace(closed, "service: exp(1ms)", "service: const(0ms)"), "    count: 2\n",
                                              "    count: 2\n    think_time: exp(1s)\n"),
                                      "ok.yaml"));
}

TEST_CASE("Loader: the HTTP side of a request class is checked before any load runs") {
  CHECK_THAT(error_of(replace(kGood, "    - name: job\n", "    - name: job\n      method: GE T\n")),
             Catch::Contains("bad.yaml:9:15: workload.requests[0].method: 'GE T' is not an HTTP method"));
  CHECK_THAT(error_of(replace(kGood, "    - name: job\n", "    - name: job\n      path: /a b\n")),
             Catch::Contains("workload.requests[0].path: must not contain spaces or control characters"));
  CHECK_THAT(error_of(replace(kGood, "    - name: job\n", "    - name: job\n      headers: { Bad Name: v }\n")),
             Catch::Contains("workload.requests[0].headers.Bad Name: 'Bad Name' is not an HTTP header name"));
  CHECK_THAT(error_of(replace(kGood, "    - name: job\n", "    - name: job\n      headers: { Content-Length: '5' }\n")),
             Catch::Contains("workload.requests[0].headers.Content-Length: is set by the load generator"));
  CHECK_THAT(error_of(replace(kGood, "    - name: job\n", "    - name: job\n      headers: { X-A: \"a\\r\\nInjected: 1\" }\n")),
             Catch::Contains("workload.requests[0].headers.X-A: a header value must not contain a line break"));
}
