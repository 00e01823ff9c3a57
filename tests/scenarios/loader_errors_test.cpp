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
