// What `loadcast sim` does with a scenario: thresholds judged on the finished result (cost
// included), the exit code they give, and the Infracost usage of the run.
#include <catch2/catch.hpp>

#include "app/sim_outcome.hpp"
#include "scenarios/loader/scenario.hpp"

using namespace loadcast;

namespace {

scenario::Scenario mm1(const std::string& thresholds) {
  return scenario::load_string("name: mm1\nseed: 1\nduration: 60s\nwarmup: 10s\nworkload:\n"
                               "  arrivals: { process: poisson, rate: 50 }\n"
                               "  requests:\n    - { name: job, steps: [ { station: s1, service: exp(1ms) } ] }\n"
                               "stations:\n  s1: { servers: 1 }\n" +
                                   thresholds,
                               "mm1.yaml");
}

}  // namespace

TEST_CASE("SimOutcome: scenario thresholds are judged on the result and decide the exit code") {
  SECTION("passing") {
    const auto run = app::run_sim(mm1("thresholds:\n  - latency_ms.p95 < 50\n"), {});
    REQUIRE(run.result.thresholds.size() == 1);
    CHECK(run.result.thresholds[0].ok);
    CHECK_FALSE(run.cost_error);
    CHECK(run.stats.events > 0);
    CHECK(app::exit_code(run.verdict) == app::ExitCode::kOk);
  }
  SECTION("failing") {
    const auto run = app::run_sim(mm1("thresholds:\n  - latency_ms.p95 < 0.001\n"), {});
    CHECK(app::exit_code(run.verdict) == app::ExitCode::kThresholds);
  }
  SECTION("on an unknown metric") {
    const auto run = app::run_sim(mm1("thresholds:\n  - latency_ms.p97 < 1\n"), {});
    CHECK_THAT(run.verdict.threshold_error, Catch::Contains("p97"));
    CHECK(app::exit_code(run.verdict) == app::ExitCode::kUsage);
  }
}

TEST_CASE("SimOutcome: --duration must be longer than the warm-up") {
  app::SimOptions o;
  o.duration = 10 * sim::kSecond;
  CHECK_THROWS_WITH(app::run_sim(mm1(""), o), "--duration must be longer than the scenario's warm-up (10s)");
  o.duration = 11 * sim::kSecond;
  CHECK_NOTHROW(app::run_sim(mm1(""), o));
}

TEST_CASE("SimOutcome: a run without metered usage writes the scenario's fixed costs as Infracost usage") {
  const auto sc = mm1("cost:\n  fixed_costs:\n    - { name: nat, price: nat_gateway.gb_processed, quantity: 100 }\n");
  const auto run = app::run_sim(sc, {});
  const std::string yaml = app::infracost_usage(run, sc);
  CHECK_THAT(yaml, Catch::Contains("# nothing metered: only fixed monthly costs"));
  CHECK_THAT(yaml, Catch::Contains("version: 0.1\nresource_usage:\n  \"aws_nat_gateway.nat\":\n    monthly_data_processed_gb: 100"));
}
