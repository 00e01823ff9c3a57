// The one exit-code policy: a threshold that cannot be judged is a usage error (2), before a
// failed run (1), before failed checks (99); thresholds are judged on the finished result.
#include <catch2/catch.hpp>

#include "app/exit_code.hpp"

using namespace loadcast;
using app::ExitCode;

TEST_CASE("ExitCode: the codes are the documented ones") {
  CHECK(static_cast<int>(ExitCode::kOk) == 0);
  CHECK(static_cast<int>(ExitCode::kFailure) == 1);
  CHECK(static_cast<int>(ExitCode::kUsage) == 2);
  CHECK(static_cast<int>(ExitCode::kThresholds) == 99);
}

TEST_CASE("ExitCode: an unjudgeable threshold wins over a failed run, which wins over failed checks") {
  app::Verdict v;
  CHECK(app::exit_code(v) == ExitCode::kOk);
  v.checks_failed = true;
  CHECK(app::exit_code(v) == ExitCode::kThresholds);
  v.run_failed = true;
  CHECK(app::exit_code(v) == ExitCode::kFailure);
  v.threshold_error = "threshold 'latency_ms.p97 < 1': no key";
  CHECK(app::exit_code(v) == ExitCode::kUsage);
}

TEST_CASE("ExitCode: thresholds are judged on the result and stored in it") {
  reports::Result r;
  r.latency_ms.p95 = 40.0;
  SECTION("passing thresholds leave the checks passed") {
    app::Verdict v;
    app::judge_thresholds(r, {"latency_ms.p95 < 50"}, v);
    REQUIRE(r.thresholds.size() == 1);
    CHECK(r.thresholds[0].ok);
    CHECK(app::exit_code(v) == ExitCode::kOk);
  }
  SECTION("a failing threshold fails the checks") {
    app::Verdict v;
    app::judge_thresholds(r, {"latency_ms.p95 < 50", "latency_ms.p95 < 10"}, v);
    REQUIRE(r.thresholds.size() == 2);
    CHECK_FALSE(app::all_passed(r.thresholds));
    CHECK(app::exit_code(v) == ExitCode::kThresholds);
  }
  SECTION("an unknown metric is a usage error and nothing is stored") {
    app::Verdict v;
    app::judge_thresholds(r, {"latency_ms.p95 < 50", "latency_ms.p97 < 1"}, v);
    CHECK(r.thresholds.empty());
    CHECK_THAT(v.threshold_error, Catch::Contains("p97"));
    CHECK(app::exit_code(v) == ExitCode::kUsage);
  }
  SECTION("no thresholds pass") {
    app::Verdict v;
    app::judge_thresholds(r, {}, v);
    CHECK(app::all_passed(r.thresholds));
    CHECK(app::exit_code(v) == ExitCode::kOk);
  }
}
