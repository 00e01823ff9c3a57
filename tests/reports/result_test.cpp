#include <catch2/catch.hpp>

#include <cmath>

#include "reports/result.hpp"

using namespace loadcast::reports;

TEST_CASE("Result: JSON round trip keeps every field and extra sections") {
  Result r;
  r.scenario = "mm4";
  r.seed = 7;
  r.replications = 3;
  r.duration_s = 6600;
  r.requests.total = 10;
  r.requests.ok = 8;
  r.requests.errors = 1;
  r.requests.in_flight = 1;
  r.requests.by_status["200"] = 8;
  r.requests.by_status["502"] = 1;
  r.latency_histogram.record(1'500'000);
  r.latency_ms = LatencySummary::from(r.latency_histogram);
  r.latency_ms_ci95["p95"] = {1.0, 2.0};
  r.classes["job"].requests = r.requests;
  r.classes["job"].histogram.record(2'000'000);
  r.stations["s1"].servers = 4;
  r.stations["s1"].utilization = 0.8;
  r.events.push_back({12.5, "scale_out", "web", 1.0, 3.0, "cpu 91.2 > 70 for 3 of 3"});
  r.timeseries.interval_s = 60;
  r.timeseries.t_s = {0, 60};
  r.timeseries.series["web.tasks_running"] = {1, std::numeric_limits<double>::quiet_NaN()};
  r.thresholds.push_back({"latency_ms.p95 < 300", 1.5, true, ""});
  r.sections["services"] = Json{{"web", {{"tasks_max", 3}}}};

  CHECK(r.requests.balanced());
  const Json j = r.to_json();
  CHECK(j["schema"] == "loadcast.result/v1");
  CHECK(j["timeseries"]["series"]["web.tasks_running"][1].is_null());
  const Result back = Result::from_json(j);
  CHECK(back.to_json().dump() == j.dump());
  CHECK(back.classes.at("job").histogram.count() == 1);
  CHECK(back.sections["services"]["web"]["tasks_max"] == 3);
}

TEST_CASE("Result: a malformed file names the key at fault") {
  Json j = Result{}.to_json();
  j["requests"]["ok"] = "many";
  CHECK_THROWS_WITH(Result::from_json(j), Catch::Contains("requests.ok"));
  j = Result{}.to_json();
  j["schema"] = "other/v9";
  CHECK_THROWS_WITH(Result::from_json(j), Catch::Contains("expected loadcast.result/v1"));
}

TEST_CASE("Result: statistics without samples are null, never 0, and read back as no samples") {
  Result r;
  r.requests.total = 5;
  r.requests.errors = 5;
  r.latency_ms = LatencySummary::from(r.latency_histogram);  // nothing succeeded
  CHECK_FALSE(r.latency_ms.has_samples());
  r.classes["job"].requests = r.requests;                      // a class with no success: default summary
  r.stations["s1"].servers = 1;                                // no wait recorded
  const Json j = r.to_json();
  for (const char* k : {"mean", "p50", "p90", "p95", "p99", "p999", "max"}) {
    INFO(k);
    CHECK(j["latency_ms"][k].is_null());
    CHECK(j["classes"]["job"]["latency_ms"][k].is_null());
  }
  for (const char* k : {"mean_wait_ms", "wait_p95_ms", "wait_p99_ms"}) CHECK(j["stations"]["s1"][k].is_null());
  CHECK(j.dump().find("NaN") == std::string::npos);
  const Result back = Result::from_json(Json::parse(j.dump()));
  CHECK(std::isnan(back.latency_ms.p95));
  CHECK(std::isnan(back.classes.at("job").latency_ms.max));
  CHECK(std::isnan(back.stations.at("s1").wait_p99_ms));
  CHECK(back.to_json().dump() == j.dump());
  // An older result wrote 0 where nothing was measured: read as it is.
  Json old = j;
  old["latency_ms"]["p95"] = 0.0;
  CHECK(Result::from_json(old).latency_ms.p95 == 0.0);
  // One sample: every statistic has it.
  Histogram h;
  h.record(2'000'000);
  const auto one = LatencySummary::from(h);
  CHECK(one.has_samples());
  CHECK(one.p95 == Approx(2.0).epsilon(0.001));
}
