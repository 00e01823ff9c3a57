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
  SECTION("on an unknown metric: refused before the run, with its location and the metric meant") {
    CHECK_THROWS_AS(app::run_sim(mm1("thresholds:\n  - latency_ms.p97 < 1\n"), {}), app::UsageError);
    CHECK_THROWS_WITH(app::run_sim(mm1("thresholds:\n  - p99 < 1\n"), {}),
                      Catch::StartsWith("mm1.yaml:12:5: thresholds[0]: threshold 'p99 < 1': unknown metric 'p99'") &&
                          Catch::EndsWith("did you mean 'latency_ms.p99'?"));
    const auto problems = app::check_scenario_thresholds(mm1("thresholds:\n  - latency_ms.p95 < 50\n  - requests.error_rat < 1\n"));
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0], Catch::EndsWith("did you mean 'requests.error_rate'?"));
    // A count that fills only when it happens is left to the real result.
    CHECK(app::check_scenario_thresholds(mm1("thresholds:\n  - requests.by_status.503 < 1\n")).empty());
  }
}

TEST_CASE("SimOutcome: a scenario threshold on what only a load run measures (checks) is n/a, neither passing nor failing") {
  const auto sc = mm1("thresholds:\n  - checks.rate > 0.99\n  - latency_ms.p95 < 50\n");
  CHECK(app::check_scenario_thresholds(sc).empty());
  const auto run = app::run_sim(sc, {});
  REQUIRE(run.result.thresholds.size() == 1);
  CHECK(run.result.thresholds[0].expr == "latency_ms.p95 < 50");
  const auto& na = run.result.sections.at("thresholds_not_applicable");
  REQUIRE(na.size() == 1);
  CHECK(na[0].at("expr") == "checks.rate > 0.99");
  CHECK(na[0].at("detail") == "n/a (load generator only)");
  CHECK(app::exit_code(run.verdict) == app::ExitCode::kOk);
}

TEST_CASE("SimOutcome: --duration must be longer than the warm-up") {
  app::SimOptions o;
  o.duration = 10 * sim::kSecond;
  CHECK_THROWS_WITH(app::run_sim(mm1(""), o), "the scenario's warm-up 10s must be shorter than --duration 10s");
  o.duration = 11 * sim::kSecond;
  CHECK_NOTHROW(app::run_sim(mm1(""), o));
}

TEST_CASE("SimOutcome: --warmup overrides the scenario's, and --window must lie in the measured span") {
  app::SimOptions o;
  o.duration = 20 * sim::kSecond;
  o.warmup = 20 * sim::kSecond;
  CHECK_THROWS_WITH(app::run_sim(mm1(""), o), "--warmup 20s must be shorter than --duration 20s");
  o.warmup = 5 * sim::kSecond;
  const auto run = app::run_sim(mm1(""), o);
  CHECK(run.result.warmup_s == 5.0);
  CHECK(run.result.duration_s == 15.0);
  o.window = std::pair{2 * sim::kSecond, 8 * sim::kSecond};
  CHECK_THROWS_WITH(app::run_sim(mm1(""), o), "--window 2s..8s starts inside the warm-up (5s), whose requests are not measured");
  o.window = std::pair{8 * sim::kSecond, 30 * sim::kSecond};
  CHECK_THROWS_WITH(app::run_sim(mm1(""), o), "--window 8s..30s ends after the run (duration 20s)");
  o.window = std::pair{8 * sim::kSecond, 12 * sim::kSecond};
  const auto windowed = app::run_sim(mm1(""), o);
  const auto& w = windowed.result.sections.at("window");
  CHECK(w.at("from_s") == 8.0);
  CHECK(w.at("to_s") == 12.0);
  CHECK(w.at("ok").get<double>() > 0);
  CHECK(windowed.result.sections.at("findings").contains("window"));
}

TEST_CASE("SimOutcome: a run without metered usage writes the scenario's fixed costs as Infracost usage") {
  const auto sc = mm1("cost:\n  fixed_costs:\n    - { name: nat, price: nat_gateway.gb_processed, quantity: 100 }\n");
  const auto run = app::run_sim(sc, {});
  const std::string yaml = app::infracost_usage(run, sc);
  CHECK_THAT(yaml, Catch::Contains("# nothing metered: only fixed monthly costs"));
  CHECK_THAT(yaml, Catch::Contains("version: 0.1\nresource_usage:\n  \"aws_nat_gateway.nat\":\n    monthly_data_processed_gb: 100"));
}
