#include <catch2/catch.hpp>

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
