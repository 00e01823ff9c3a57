#include <catch2/catch.hpp>

#include <cmath>

#include "reports/threshold.hpp"

using namespace loadcast::reports;

namespace {

Json sample() {
  Result r;
  r.scenario = "t";
  r.requests.total = 1000;
  r.requests.ok = 990;
  r.requests.errors = 10;
  r.latency_ms.p50 = 12.5;
  r.latency_ms.p95 = 240.0;
  r.latency_ms.p99 = 812.0;
  r.classes["list-items"].latency_ms.p99 = 700.0;
  r.classes["v1.items"].latency_ms.p95 = 33.0;
  r.sections["cost"] = Json{{"monthly_usd", {{"total", 412.5}, {"items", {{"fargate", 300.0}}}}}};
  r.sections["services"] = Json{{"web", {{"cpu_utilization_mean", nullptr}}}};
  return r.to_json();
}

std::string error_of(const std::string& expr) {
  try {
    evaluate_threshold(expr, sample());
  } catch (const ThresholdError& e) {
    return e.what();
  }
  FAIL("expected a ThresholdError for " << expr);
  return {};
}

}  // namespace

TEST_CASE("Threshold: expressions compare the measured value with every operator") {
  const Json j = sample();
  CHECK(evaluate_threshold("latency_ms.p95 < 300", j).ok);
  CHECK_FALSE(evaluate_threshold("latency_ms.p95 < 240", j).ok);
  CHECK(evaluate_threshold("latency_ms.p95 <= 240", j).ok);
  CHECK(evaluate_threshold("latency_ms.p95 > 239.9", j).ok);
  CHECK(evaluate_threshold("latency_ms.p95 >= 240", j).ok);
  CHECK(evaluate_threshold("latency_ms.p95 == 240", j).ok);
  CHECK(evaluate_threshold("latency_ms.p95 != 240", j).ok == false);
  CHECK(evaluate_threshold("  latency_ms.p95<1e3  ", j).ok);
  const auto v = evaluate_threshold("requests.error_rate < 0.01", j);
  CHECK_FALSE(v.ok);
  CHECK(v.value == Approx(0.01));
  CHECK(evaluate_threshold("cost.monthly_usd.total < 500", j).value == 412.5);
  CHECK(evaluate_threshold("cost.monthly_usd.items.fargate <= 300", j).ok);
}

TEST_CASE("Threshold: class names with dashes and dots resolve and k6 spellings are accepted") {
  const Json j = sample();
  CHECK(evaluate_threshold("classes.list-items.latency_ms.p99 < 800", j).value == 700.0);
  CHECK(evaluate_threshold("classes.v1.items.latency_ms.p95 < 50", j).value == 33.0);
  CHECK(evaluate_threshold("latency_ms.p(95) < 300", j).value == 240.0);
  CHECK(evaluate_threshold("latency_ms.p(50) < 20", j).value == 12.5);
  CHECK(evaluate_threshold("latency_ms.med < 20", j).value == 12.5);
}

TEST_CASE("Threshold: a null metric fails with value NaN") {
  const auto v = evaluate_threshold("services.web.cpu_utilization_mean < 70", sample());
  CHECK_FALSE(v.ok);
  CHECK(std::isnan(v.value));
  CHECK_THAT(v.detail, Catch::Contains("no samples: services.web.cpu_utilization_mean is null"));
}

TEST_CASE("Threshold: a latency threshold on a run where nothing succeeded fails, saying there were no samples") {
  // Issue #21 item 6: `load --url http://127.0.0.1:1/ -d 1s --threshold 'latency_ms.p95 < 100'`
  // passed with latency 0 when every connection was refused.
  Result r;
  r.kind = "load";
  r.requests.total = 36185;
  r.requests.errors = 36185;
  r.requests.by_cause["connect_refused"] = 36185;
  r.latency_ms = LatencySummary::from(Histogram{});
  r.classes["default"].requests = r.requests;
  const Json j = r.to_json();
  REQUIRE(j["latency_ms"]["p95"].is_null());
  for (const char* expr : {"latency_ms.p95 < 100", "latency_ms.p(99) <= 1e9", "latency_ms.mean > -1", "latency_ms.max != 5",
                           "classes.default.latency_ms.p50 < 1"}) {
    const auto v = evaluate_threshold(expr, j);
    INFO(expr);
    CHECK_FALSE(v.ok);
    CHECK(std::isnan(v.value));
    CHECK_THAT(v.detail, Catch::StartsWith("no samples: "));
  }
}

TEST_CASE("Threshold: malformed expressions point at the bad token") {
  CHECK_THAT(error_of("latency_ms.p95 <> 300"), Catch::Contains("unexpected '>' at column 17"));
  CHECK_THAT(error_of("latency_ms.p95 = 300"), Catch::Contains("'=' at column 16 is not an operator; write =="));
  CHECK_THAT(error_of("latency_ms.p95 300"), Catch::Contains("expected an operator (<, <=, >, >=, ==, !=) after "
                                                             "'latency_ms.p95' at column 16, found '300'"));
  CHECK_THAT(error_of("latency_ms.p95 < 300ms"), Catch::Contains("expected a number at column 18, found '300ms' "
                                                                 "(write the number without a unit"));
  CHECK_THAT(error_of("latency_ms.p95 <"), Catch::Contains("expected a number after '<' at the end"));
  CHECK_THAT(error_of("< 3"), Catch::Contains("expected a metric name at column 1"));
  CHECK_THAT(error_of(""), Catch::Contains("empty expression"));
  CHECK_THAT(error_of("latency_ms..p95 < 3"), Catch::Contains("empty key between dots"));
  CHECK_THROWS_AS(parse_threshold("a ! 3"), ThresholdError);
}

TEST_CASE("Threshold: an unknown metric names the missing key and what exists") {
  const auto e = error_of("latency_ms.p96 < 300");
  CHECK_THAT(e, Catch::Contains("threshold 'latency_ms.p96 < 300': unknown metric 'latency_ms.p96': 'latency_ms' has no "
                                "key 'p96' (keys: mean, p50, p90, p95, p99, p999, max)"));
  CHECK_THAT(error_of("latency_ms < 3"), Catch::Contains("it is an object, not a number"));
  CHECK_THAT(error_of("nothing.here < 3"), Catch::Contains("the result has no key 'nothing'"));
  try {
    evaluate_thresholds({"latency_ms.p95 < 300", "latency_ms.p96 < 1", "x <> 2"}, sample());
    FAIL("expected an error");
  } catch (const ThresholdError& err) {
    CHECK(err.kind() == ThresholdError::Kind::kMalformed);
    CHECK_THAT(std::string(err.what()), Catch::Contains("p96") && Catch::Contains("'x <> 2'"));
  }
}

TEST_CASE("Threshold: an unknown metric suggests the one meant") {
  // A bare percentile is the run's own latency, not a class's.
  CHECK(suggest_metric(sample(), "p99") == "latency_ms.p99");
  CHECK(suggest_metric(sample(), "p(95)") == "latency_ms.p95");
  CHECK(suggest_metric(sample(), "requests.error_rat") == "requests.error_rate");
  CHECK(suggest_metric(sample(), "cost.monthly_usd.totl") == "cost.monthly_usd.total");
  CHECK(suggest_metric(sample(), "nothing.like.this.at.all") == "");
  CHECK_THAT(error_of("p99 < 200"), Catch::EndsWith("; did you mean 'latency_ms.p99'?"));
}

TEST_CASE("Threshold: a count that never happened is unknown to the gate, 0 to a sweep's filter") {
  CHECK_THROWS_AS(resolve_metric(sample(), "requests.by_cause.sqs_throttled:orders"), ThresholdError);
  CHECK(resolve_metric(sample(), "requests.by_cause.sqs_throttled:orders", MissingCounts::kZero) == 0.0);
  CHECK(resolve_metric(sample(), "classes.list-items.requests.by_status.503", MissingCounts::kZero) == 0.0);
  // Only count maps read as 0: any other unknown key is still an error.
  CHECK_THROWS_AS(resolve_metric(sample(), "requests.nope", MissingCounts::kZero), ThresholdError);
}
