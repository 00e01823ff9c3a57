// loadcast calibrate --memory / --db-connections on CloudWatch data generated from simulated runs
// with known truth: the memory per task and per request in progress come back within their
// intervals, the connections per task are set against the scenario's pool, and bad inputs are
// named with their location.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "app/calibrate.hpp"
#include "app/calibrate_memory.hpp"
#include "app/cloudwatch.hpp"
#include "app/exit_code.hpp"
#include "scenarios/loader/scenario.hpp"
#include "tests/support/iso_time.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

constexpr double kStart = 1796000400.0;  // 2026-11-30T01:00:00Z

// One service of 2 tasks (1 vCPU, 2048 MiB) whose rate ramps 10 -> 120 requests/s and back, so the
// requests in progress vary; each request holds 30 ms of delay (a call) besides its CPU. The truth:
// 600 MiB per task, 4 MiB per request in progress; a provisioned writer with a pool of 3 per task.
const std::string kScenario = deployment(R"(name: memory-fit
seed: 9
duration: 40m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 10 }, { at: 20m, rate: 120 }, { at: 40m, rate: 10 } ]
  requests:
    - name: page
      path: /page
      steps:
        - cpu: exp(3ms)
        - delay: const(30ms)
        - db: { reads: 1 }
)",
                                         "    desired: 2\n    app_memory: { base: 600, per_request: 4 }\n    db_pool: { size: 3 }\n",
                                         "database:\n  type: aurora_provisioned\n  engine: postgresql\n  instance_class: db.r6g.large\n"
                                         "  query: { read: exp(1ms), write: exp(2ms) }\n");

// A simulated run as a load result with its CloudWatch data (ids mem, tasks, conn), from kStart.
app::CalibrationInput simulated(const scenario::Scenario& sc) {
  app::CalibrationInput in;
  in.result_path = "run.json";
  in.result = simulate_one_thread(sc).to_result();
  in.start_epoch = kStart;
  const auto& ts = in.result.timeseries;
  std::string text = R"({"MetricDataResults": [)";
  const std::pair<const char*, const char*> queries[] = {{"mem", "api.memory_utilization"}, {"tasks", "api.tasks_running"}, {"conn", "writer.connections"}};
  bool first = true;
  for (const auto& [id, name] : queries) {
    std::string stamps, values;
    for (std::size_t k = ts.t_s.size(); k-- > 0;) {
      const std::string sep = stamps.empty() ? "" : ", ";
      stamps += sep + "\"" + iso_offset(kStart + ts.t_s[k]) + "\"";
      values += sep + std::to_string(ts.series.at(name)[k]);
    }
    text += std::string(first ? "" : ", ") + R"({"Id": ")" + id + R"(", "Timestamps": [)" + stamps + R"(], "Values": [)" + values +
            R"(], "StatusCode": "Complete"})";
    first = false;
  }
  in.cloudwatch = app::parse_cloudwatch(text + R"(], "Messages": []})", "cw.json");
  return in;
}

app::ResourceFitOptions options() {
  app::ResourceFitOptions o;
  o.memory_id = "mem";
  o.tasks_id = "tasks";
  return o;
}

// get-metric-data of one query `id` with `values` per minute from kStart, newest first.
std::string one_series(const std::string& id, const std::vector<double>& values) {
  std::string stamps, v;
  for (std::size_t k = values.size(); k-- > 0;) {
    const std::string sep = stamps.empty() ? "" : ", ";
    stamps += sep + "\"" + iso_offset(kStart + 60.0 * static_cast<double>(k)) + "\"";
    v += sep + std::to_string(values[k]);
  }
  return R"({"Id": ")" + id + R"(", "Timestamps": [)" + stamps + R"(], "Values": [)" + v + R"(]})";
}

}  // namespace

TEST_CASE("Calibrate memory: the base and per-request memory behind MemoryUtilization come back within their intervals") {
  const auto truth = scenario::load_string(kScenario, "mem.yaml");
  const auto in = simulated(truth);
  // The scenario to calibrate has the defaults (25 % of 2048 MiB, 0.25 MiB per request).
  std::string plain = kScenario;
  plain.replace(plain.find("    app_memory: { base: 600, per_request: 4 }\n"), std::string("    app_memory: { base: 600, per_request: 4 }\n").size(), "");
  const auto sc = scenario::load_string(plain, "plain.yaml");
  const auto f = app::fit_resources(sc, {in}, options());
  INFO(app::format_resource_fit(f));
  REQUIRE(f.memory);
  const auto& m = *f.memory;
  CHECK(m.periods == 40);
  CHECK(m.period_s == 60.0);
  CHECK(m.scenario_base_mib == 512.0);
  CHECK(m.scenario_per_request_mib == 0.25);
  REQUIRE(m.base_mib.low);
  REQUIRE(m.per_request_mib.low);
  CHECK(*m.base_mib.low <= 600.0);
  CHECK(600.0 <= *m.base_mib.high);
  CHECK(*m.per_request_mib.low <= 4.0);
  CHECK(4.0 <= *m.per_request_mib.high);
  CHECK(m.base_mib.value == Approx(600.0).epsilon(0.01));
  CHECK(m.per_request_mib.value == Approx(4.0).epsilon(0.05));
  CHECK(m.r2 > 0.99);
  CHECK(f.warnings.empty());
  const auto y = app::resource_overlay_yaml(f);
  CHECK_THAT(y, Catch::Contains("services.api.app_memory.base: "));
  CHECK_THAT(y, Catch::Contains("services.api.app_memory.per_request: "));
  const std::string dir = temp_dir("memory-fit");
  write_file(dir + "/plain.yaml", plain);
  write_file(dir + "/overlay.yaml", y);
  const auto applied = scenario::load_file(dir + "/plain.yaml", scenario::read_overlay(dir + "/overlay.yaml"));
  CHECK(applied.model.services[0].base_memory_mib() == Approx(m.base_mib.value).epsilon(1e-5));
  CHECK(applied.model.services[0].memory_per_request_mib == Approx(m.per_request_mib.value).epsilon(1e-5));

  SECTION("one constant rate cannot separate base and per-request memory, and is flagged") {
    auto flat = truth;
    std::get<workload::OpenWorkload>(flat.workload.model).rate = workload::RateSchedule({{0, 60.0}});
    const auto g = app::fit_resources(sc, {simulated(flat)}, options());
    REQUIRE_FALSE(g.warnings.empty());
    CHECK_THAT(g.warnings.front(), Catch::Contains("cannot be separated: measure at two or more rates"));
  }
  SECTION("bad inputs are named with their location") {
    auto bad = in;
    bad.cloudwatch = app::parse_cloudwatch(R"({"MetricDataResults": [)" + one_series("mem", {40, 140, 40}) + ", " +
                                               one_series("tasks", {2, 2, 2}) + "]}",
                                           "cw.json");
    CHECK_THROWS_WITH(app::fit_resources(sc, {bad}, options()), Catch::Contains("cw.json: MetricDataResults[0].Values: 140 at 2026-11-30T01:01:00Z"));
    auto o = options();
    o.memory_id = "memory";
    CHECK_THROWS_WITH(app::fit_resources(sc, {in}, o), Catch::Contains("MetricDataResults has no Id 'memory' (given to --memory)"));
    o = options();
    o.tasks_id.clear();
    CHECK_THROWS_WITH(app::fit_resources(sc, {in}, o), Catch::Contains("--memory needs the task count"));
    auto old = in;
    old.result.timeseries.series.erase("latency_mean_ms");
    CHECK_THROWS_WITH(app::fit_resources(sc, {old}, options()), Catch::Contains("run.json: timeseries.series.latency_mean_ms is missing"));
    auto sim_result = in;
    sim_result.start_epoch.reset();
    CHECK_THROWS_WITH(app::fit_resources(sc, {sim_result}, options()), Catch::Contains("give the run's start with --start"));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("Calibrate connections: DatabaseConnections per task against the scenario's pool") {
  const auto sc = scenario::load_string(kScenario, "mem.yaml");
  app::ResourceFitOptions o;
  o.connections_id = "conn";
  o.tasks_id = "tasks";
  SECTION("a simulated run: the pool of 3 per task explains the writer's connections") {
    const auto f = app::fit_resources(sc, {simulated(sc)}, o);
    INFO(app::format_resource_fit(f));
    REQUIRE(f.connections);
    CHECK(f.connections->pool_size == 3);
    CHECK_FALSE(f.connections->tasks_varied);
    CHECK(f.connections->per_task.value > 1.0);
    CHECK(f.connections->per_task.value <= 3.0 + 1e-9);
    CHECK_THAT(app::resource_overlay_yaml(f), Catch::Contains("the scenario's pool explains it"));
    CHECK_THAT(f.warnings.front(), Catch::Contains("one task count (2) in every period"));
  }
  SECTION("varied task counts separate 5 connections held by no task from 8 per task, above the pool") {
    app::CalibrationInput in;
    in.result_path = "run.json";
    in.result.duration_s = 360.0;
    in.start_epoch = kStart;
    const std::vector<double> tasks{2, 3, 4, 4, 3, 2};
    std::vector<double> conns;
    for (double n : tasks) conns.push_back(5.0 + 8.0 * n);
    in.cloudwatch = app::parse_cloudwatch(R"({"MetricDataResults": [)" + one_series("conn", conns) + ", " + one_series("tasks", tasks) + "]}", "cw.json");
    const auto f = app::fit_resources(sc, {in}, o);
    REQUIRE(f.connections);
    CHECK(f.connections->tasks_varied);
    CHECK(f.connections->per_task.value == Approx(8.0));
    CHECK(f.connections->other.value == Approx(5.0).margin(1e-6));
    CHECK(f.warnings.empty());
    const auto y = app::resource_overlay_yaml(f);
    CHECK_THAT(y, Catch::Contains("services.api.db_pool.size: 8"));
    CHECK_THAT(app::format_resource_fit(f), Catch::Contains("measured minus modelled ceiling +5"));
  }
  SECTION("behind RDS Proxy, or without a database, the fit is refused") {
    const auto proxied = scenario::load_string(kScenario + "  proxy: {}\n", "p.yaml");
    CHECK_THROWS_WITH(app::fit_resources(proxied, {simulated(sc)}, o), Catch::Contains("--db-connections: the scenario's database is behind RDS Proxy"));
  }
}
