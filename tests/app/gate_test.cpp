// What `loadcast gate` does: refuse a result with nothing to check, and turn the gate report
// into the verdict every command shares.
#include <catch2/catch.hpp>

#include "app/gate.hpp"

using namespace loadcast;

namespace {

reports::Json result_json(double p95) {
  reports::Result r;
  r.latency_ms.p95 = p95;
  return r.to_json();
}

}  // namespace

TEST_CASE("Gate: nothing to check is a usage error") {
  CHECK_THROWS_WITH(app::gate(result_json(10), std::nullopt, {}), Catch::StartsWith("nothing to check"));
}

TEST_CASE("Gate: thresholds and baselines give the shared exit codes") {
  reports::GateOptions o;
  o.thresholds = {"latency_ms.p95 < 50"};
  CHECK(app::exit_code(app::gate(result_json(10), std::nullopt, o).verdict) == app::ExitCode::kOk);
  CHECK(app::exit_code(app::gate(result_json(60), std::nullopt, o).verdict) == app::ExitCode::kThresholds);
  o.thresholds = {"latency_ms.p97 < 50"};
  const auto bad = app::gate(result_json(10), std::nullopt, o);
  CHECK_THAT(bad.verdict.threshold_error, Catch::Contains("p97"));
  CHECK(app::exit_code(bad.verdict) == app::ExitCode::kUsage);
  const auto regressed = app::gate(result_json(20), result_json(10), {});
  CHECK_FALSE(regressed.report.passed());
  CHECK(app::exit_code(regressed.verdict) == app::ExitCode::kThresholds);
}
