// loadcast calibrate --fit-latency: the low-load residual latency of each class split into the
// load balancer's latency and the database round trip per query, from classes that send
// different query counts; with one query count the split is refused and said so.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>

#include "app/calibrate.hpp"
#include "app/cloudwatch.hpp"
#include "scenarios/loader/scenario.hpp"
#include "tests/support/iso_time.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

constexpr double kStart = 1796000400.0;  // 2026-11-30T01:00:00Z

// Two classes on one service with const demands: `list` sends 1 query, `save` 5 (2 reads, 3
// writes); a provisioned writer with idle cores.
std::string scenario_text(const std::string& save_db) {
  return deployment(R"(name: latency-fit
seed: 5
duration: 20m
workload:
  arrivals:
    process: poisson
    rate: 20
  requests:
    - name: list
      weight: 1
      path: /list
      steps:
        - cpu: const(4ms)
        - db: { reads: 1 }
    - name: save
      weight: 1
      path: /save
      steps:
        - cpu: const(6ms)
        - db: )" + save_db + R"(
)",
                    "    desired: 2\n",
                    "database:\n  type: aurora_provisioned\n  engine: postgresql\n  instance_class: db.r6g.large\n"
                    "  query: { read: const(1ms), write: const(2ms) }\n");
}

// A simulated run as the measured one, with its CPU as CloudWatch data.
app::CalibrationInput measured(const scenario::Scenario& sc) {
  app::CalibrationInput in;
  in.result_path = "measured.json";
  in.result = simulate_one_thread(sc).to_result();
  in.start_epoch = kStart;
  const auto& ts = in.result.timeseries;
  std::string text = R"({"MetricDataResults": [)";
  const std::pair<const char*, const char*> queries[] = {{"cpu", "api.cpu_utilization"}, {"tasks", "api.tasks_running"}};
  bool first = true;
  for (const auto& [id, name] : queries) {
    std::string stamps, values;
    for (std::size_t k = ts.t_s.size(); k-- > 0;) {
      const std::string sep = stamps.empty() ? "" : ", ";
      stamps += sep + "\"" + iso_offset(kStart + ts.t_s[k]) + "\"";
      values += sep + std::to_string(ts.series.at(name)[k]);
    }
    text += std::string(first ? "" : ", ") + R"({"Id": ")" + id + R"(", "Timestamps": [)" + stamps + R"(], "Values": [)" + values + R"(]})";
    first = false;
  }
  in.cloudwatch = app::parse_cloudwatch(text + "]}", "cw.json");
  return in;
}

app::CalibrateOptions cpu_options() {
  app::CalibrateOptions o;
  o.cpu_id = "cpu";
  o.tasks_id = "tasks";
  return o;
}

}  // namespace

TEST_CASE("Calibrate: --fit-latency splits the residual into the load balancer latency and a known database round trip") {
  // The truth: 2 ms at the load balancer and 0.8 ms per query; the scenario has neither.
  const std::string dir = temp_dir("fit-round-trip");
  const std::string path = dir + "/s.yaml";
  write_file(path, scenario_text("{ reads: 2, writes: 3 }"));
  const auto truth = scenario::load_file(path, {{"load_balancer.latency", "const(2ms)"}, {"database.round_trip", "const(800us)"}});
  const auto in = measured(truth);
  const auto sc = scenario::load_file(path, {});
  const auto c = app::calibrate(sc, {in}, cpu_options());
  const auto f = app::fit_latency(sc, {}, {in}, c);
  INFO(app::format_latency_fit(f));
  REQUIRE(f.round_trip_ms);
  CHECK(f.note.empty());
  CHECK(*f.round_trip_ms == Approx(0.8).margin(0.08));
  CHECK(f.latency_ms == Approx(2.0).margin(0.2));
  REQUIRE(f.queries.size() == 2);
  CHECK(f.queries[0].second == 1.0);
  CHECK(f.queries[1].second == 5.0);
  const auto y = app::latency_overlay_yaml(f);
  CHECK_THAT(y, Catch::Contains("database.round_trip: \"const("));
  CHECK_THAT(app::format_latency_fit(f), Catch::Contains("database round trip"));
  // Applied, the overlay sets both keys.
  write_file(dir + "/lat.yaml", y);
  const auto fitted = scenario::load_file(path, scenario::read_overlay(dir + "/lat.yaml"));
  CHECK(fitted.model.database->round_trip.mean() == Approx(*f.round_trip_ms * 1e-3).epsilon(1e-5));
  REQUIRE(fitted.model.load_balancer->latency);
  CHECK(fitted.model.load_balancer->latency->mean() == Approx(f.latency_ms * 1e-3).epsilon(1e-5));

  SECTION("a scenario that already has part of it: the fit gives the totals, not the remainder") {
    const auto half = scenario::load_file(path, {{"load_balancer.latency", "const(1ms)"}, {"database.round_trip", "const(400us)"}});
    const auto g = app::fit_latency(half, {}, {in}, app::calibrate(half, {in}, cpu_options()));
    REQUIRE(g.round_trip_ms);
    CHECK(*g.round_trip_ms == Approx(0.8).margin(0.08));
    CHECK(g.latency_ms == Approx(2.0).margin(0.2));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("Calibrate: --fit-latency keeps the whole residual at the load balancer when every class sends as many queries") {
  const std::string dir = testing::temp_dir("fit-round-trip-same");
  const std::string path = dir + "/s.yaml";
  write_file(path, scenario_text("{ writes: 1 }"));
  const auto truth = scenario::load_file(path, {{"load_balancer.latency", "const(2ms)"}, {"database.round_trip", "const(800us)"}});
  const auto in = measured(truth);
  const auto sc = scenario::load_file(path, {});
  const auto f = app::fit_latency(sc, {}, {in}, app::calibrate(sc, {in}, cpu_options()));
  CHECK_FALSE(f.round_trip_ms);
  CHECK_THAT(f.note, Catch::Contains("every class measured sends 1 queries per request, so the database round trip cannot be told"));
  CHECK(f.latency_ms == Approx(2.8).margin(0.2));  // 2 ms + 1 query x 0.8 ms, all at the load balancer
  const auto y = app::latency_overlay_yaml(f);
  CHECK_THAT(y, Catch::Contains("load_balancer.latency: \"const("));
  CHECK_THAT(y, !Catch::Contains("database.round_trip:"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("Calibrate: cold_wakeup_shares simulates each run at its measured rate, mix and batch: the share of wake-ups after wakeup_cold_after of sleep") {
  // One event-loop task, Poisson arrivals at 40/s, 2 ms of CPU and no wait: the loop sleeps
  // between its busy periods, each sleep exponential of rate 40/s (memoryless), so a wake-up is
  // cold with probability exp(-40 x 25 ms) = exp(-1). In batches of 4 the sleeps have rate 10/s:
  // exp(-0.25).
  const std::string dir = temp_dir("cold-share");
  const std::string path = dir + "/s.yaml";
  write_file(path, R"(name: cold-share
seed: 9
duration: 10m
workload:
  arrivals: { process: poisson, rate: 40 }
  requests:
    - { name: work, path: /work, steps: [ { cpu: const(2ms) } ] }
load_balancer: { type: alb, default: app }
services:
  app: { cpu: 1024, memory: 2048, desired: 1, wakeup_cold_after: 25ms }
)");
  const auto sc = scenario::load_file(path, {});
  app::CalibrationInput in;
  in.result_path = "measured.json";
  in.result = simulate_one_thread(sc).to_result();
  const auto direct = app::cold_wakeup_share(in.result, "app");
  REQUIRE(direct);
  CHECK(*direct == Approx(std::exp(-1.0)).margin(0.02));
  auto batched = in;
  batched.result.sections["load"]["fingerprint"]["batch"] = 4;
  const auto shares = app::cold_wakeup_shares(sc, {}, {in, batched}, "");
  REQUIRE(shares.size() == 2);
  CHECK(shares[0] == Approx(std::exp(-1.0)).margin(0.02));
  CHECK(shares[1] == Approx(std::exp(-0.25)).margin(0.02));
  // wakeup_cold_after 0 (every wake-up is charged): no shares, and no count in the result.
  const auto warm = scenario::load_file(path, {{"services.app.wakeup_cold_after", "0s"}});
  CHECK(app::cold_wakeup_shares(warm, {{"services.app.wakeup_cold_after", "0s"}}, {in}, "").empty());
  CHECK_FALSE(app::cold_wakeup_share(simulate_one_thread(warm).to_result(), "app"));
  std::filesystem::remove_all(dir);
}
