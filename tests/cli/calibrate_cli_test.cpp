// loadcast calibrate end to end: two simulator runs of a two-class service with different mixes
// stand in for measurements; their CPU series, written as get-metric-data output, give back the
// scenario's demands; the overlay applies with loadcast sim --overlay. Bad inputs exit 2.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/format.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast::testing;
using nlohmann::json;

namespace {

// Demands 8 ms (light) and 20 ms (heavy) on two fixed 1-vCPU tasks.
const std::string kScenario = deployment(R"(name: calibrate-two
seed: 5
duration: 30m
workload:
  arrivals:
    process: poisson
    rate: 40
  requests:
    - name: light
      weight: 3
      path: /light
      steps:
        - cpu: exp(8ms)
    - name: heavy
      weight: 1
      path: /heavy
      steps:
        - cpu: exp(20ms)
)",
                                            "    desired: 2\n");

constexpr double kStart = 1796457600.0;  // 2026-12-05T08:00:00Z
constexpr const char* kStartIso = "2026-12-05T08:00:00Z";

std::string iso(double epoch) { return loadcast::reports::iso8601(epoch); }

// The result's api CPU and task series as `aws cloudwatch get-metric-data` prints them.
std::string cloudwatch_of(const std::string& result_path) {
  const json r = json::parse(read_file(result_path));
  const auto& ts = r["timeseries"];
  json cpu = {{"Id", "cpu"}, {"Label", "CPUUtilization"}, {"Timestamps", json::array()}, {"Values", json::array()}, {"StatusCode", "Complete"}};
  json tasks = {{"Id", "tasks"}, {"Label", "RunningTaskCount"}, {"Timestamps", json::array()}, {"Values", json::array()}, {"StatusCode", "Complete"}};
  for (std::size_t k = ts["t_s"].size(); k-- > 0;) {  // newest first, as CloudWatch
    const std::string t = iso(kStart + ts["t_s"][k].get<double>());
    cpu["Timestamps"].push_back(t);
    cpu["Values"].push_back(ts["series"]["api.cpu_utilization"][k]);
    tasks["Timestamps"].push_back(t);
    tasks["Values"].push_back(ts["series"]["api.tasks_running"][k]);
  }
  return json{{"MetricDataResults", {cpu, tasks}}, {"Messages", json::array()}}.dump();
}

// "light   8.01 ms   7.9 .. 8.12 ms ..." -> demand, low, high in ms.
void row(const std::string& out, const std::string& name, double& demand, double& low, double& high) {
  const auto pos = out.find("\n" + name + " ");
  REQUIRE(pos != std::string::npos);
  REQUIRE(std::sscanf(out.c_str() + pos + 1 + name.size(), " %lf ms %lf .. %lf ms", &demand, &low, &high) == 3);
}

}  // namespace

TEST_CASE("Calibrate CLI: demands of two simulated runs with different mixes are recovered, and the overlay applies") {
  const std::string dir = temp_dir("calibrate");
  write_file(dir + "/two.yaml", kScenario);
  const std::string bin = loadcast_binary();
  REQUIRE(run_command(bin + " sim " + dir + "/two.yaml --quiet --threads 1 --out " + dir + "/a").exit_code == 0);
  REQUIRE(run_command(bin + " sim " + dir + "/two.yaml --quiet --threads 1 --set workload.requests[0].weight=1 "
                            "--set workload.requests[1].weight=3 --set workload.arrivals.rate=25 --out " + dir + "/b")
              .exit_code == 0);
  write_file(dir + "/a.cw.json", cloudwatch_of(dir + "/a/result.json"));
  write_file(dir + "/b.cw.json", cloudwatch_of(dir + "/b/result.json"));
  const auto r = run_command(bin + " calibrate " + dir + "/a/result.json " + dir + "/b/result.json --cloudwatch " + dir +
                             "/a.cw.json --cloudwatch " + dir + "/b.cw.json --start " + kStartIso + " --start " + kStartIso +
                             " --cpu cpu --tasks tasks --scenario " + dir + "/two.yaml --out " + dir + "/cal.yaml");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("service api (1 vCPU per task): 60 periods of 60 s"));
  CHECK(r.out.find("warning") == std::string::npos);
  double d = 0, lo = 0, hi = 0;
  row(r.out, "light", d, lo, hi);
  CHECK(lo <= 8.0);
  CHECK(8.0 <= hi);
  CHECK(hi - lo < 1.0);
  row(r.out, "heavy", d, lo, hi);
  CHECK(lo <= 20.0);
  CHECK(20.0 <= hi);
  CHECK(hi - lo < 2.0);

  const auto overlay = read_file(dir + "/cal.yaml");
  CHECK_THAT(overlay, Catch::Contains("workload.requests[0].steps[0].cpu: \"exp("));
  CHECK_THAT(overlay, Catch::Contains("workload.requests[1].steps[0].cpu: \"exp("));
  // The fit's uncertainty as the service's cpu_demand_sd (app/calibrate_timing.hpp), which the loader takes.
  CHECK_THAT(overlay, Catch::Contains("\nservices.api.cpu_demand_sd: 0.0"));
  const auto check = run_command(bin + " check " + dir + "/two.yaml --overlay " + dir + "/cal.yaml");
  CHECK(check.exit_code == 0);

  SECTION("--handler-metric on results without Server-Timing is refused after the fit is written") {
    std::filesystem::remove(dir + "/cal.yaml");
    const auto bad = run_command(bin + " calibrate " + dir + "/a/result.json " + dir + "/b/result.json --cloudwatch " + dir +
                                 "/a.cw.json --cloudwatch " + dir + "/b.cw.json --start " + kStartIso + " --start " + kStartIso +
                                 " --cpu cpu --tasks tasks --scenario " + dir + "/two.yaml --handler-metric handler --out " + dir + "/cal.yaml");
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("--handler-metric handler: no input has load.server_timing"));
    CHECK_THAT(read_file(dir + "/cal.yaml"), Catch::Contains("services.api.cpu_demand_sd: "));
  }
  SECTION("--shape empirical writes each class's hold shape beside the overlay, which names it and applies; a bad --shape exits 2") {
    const auto e = run_command(bin + " calibrate " + dir + "/a/result.json " + dir + "/b/result.json --cloudwatch " + dir +
                               "/a.cw.json --cloudwatch " + dir + "/b.cw.json --start " + kStartIso + " --start " + kStartIso +
                               " --cpu cpu --tasks tasks --scenario " + dir + "/two.yaml --shape empirical --bounds --out " + dir + "/emp.yaml");
    INFO(e.out << e.err);
    REQUIRE(e.exit_code == 0);
    const auto emp = read_file(dir + "/emp.yaml");
    const std::string light = std::filesystem::absolute(dir + "/emp.light.cpu.csv").lexically_normal().string();
    CHECK_THAT(emp, Catch::Contains("workload.requests[0].steps[0].cpu: \"empirical(" + light + ")\""));
    CHECK_THAT(emp, Catch::Contains("workload.requests[1].steps[0].cpu: \"empirical("));
    const auto csv = read_file(light);
    CHECK(csv.rfind("cpu_ms\n", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 1001);
    // The bounds have files of their own, at their demands.
    CHECK(std::filesystem::exists(dir + "/emp.low.light.cpu.csv"));
    CHECK_THAT(read_file(dir + "/emp.high.yaml"), Catch::Contains("emp.high.heavy.cpu.csv)"));
    // The overlay loads: the simulator reads the files it names.
    const auto sim = run_command(bin + " sim " + dir + "/two.yaml --overlay " + dir + "/emp.yaml --quiet --threads 1 --out " + dir + "/emp-sim");
    INFO(sim.err);
    REQUIRE(sim.exit_code == 0);
    const auto bad = run_command(bin + " calibrate " + dir + "/a/result.json --cloudwatch " + dir + "/a.cw.json --start " + kStartIso +
                                 " --cpu cpu --tasks tasks --scenario " + dir + "/two.yaml --shape hist --out " + dir + "/bad.yaml");
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("--shape must be keep, fit or empirical, got 'hist'"));
    const auto no_metric = run_command(bin + " calibrate " + dir + "/a/result.json --cloudwatch " + dir + "/a.cw.json --start " + kStartIso +
                                       " --cpu cpu --tasks tasks --scenario " + dir + "/two.yaml --fit-overhead --out " + dir + "/bad.yaml");
    CHECK(no_metric.exit_code == 2);
    CHECK_THAT(no_metric.err, Catch::Contains("--fit-overhead takes each class's handler time from --handler-metric NAME: give both"));
    const auto no_count = run_command(bin + " calibrate " + dir + "/a/result.json --cloudwatch " + dir + "/a.cw.json --start " + kStartIso +
                                      " --cpu cpu --tasks tasks --scenario " + dir + "/two.yaml --fit-wakeup --out " + dir + "/bad.yaml");
    CHECK(no_count.exit_code == 2);
    CHECK_THAT(no_count.err, Catch::Contains("--fit-wakeup needs --sampled NAME"));
  }
  SECTION("a CloudWatch file of other minutes is refused with both spans") {
    const auto bad = run_command(bin + " calibrate " + dir + "/a/result.json --cloudwatch " + dir + "/a.cw.json --start 2026-12-06T08:00:00Z" +
                                 " --cpu cpu --tasks tasks --scenario " + dir + "/two.yaml --out " + dir + "/bad.yaml");
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("a.cw.json: MetricDataResults[0]: no period of cpu (2026-12-05T08:00:00Z .. 2026-12-05T08:30:00Z) lies inside "
                                        "the measured window of"));
    CHECK_THAT(bad.err, Catch::Contains("(2026-12-06T08:00:00Z .. 2026-12-06T08:30:00Z)"));
  }
  SECTION("a sim result needs --start, and a missing id lists the ids there are") {
    const auto no_start = run_command(bin + " calibrate " + dir + "/a/result.json --cloudwatch " + dir + "/a.cw.json --cpu cpu --tasks tasks --scenario " +
                                      dir + "/two.yaml --out " + dir + "/bad.yaml");
    CHECK(no_start.exit_code == 2);
    CHECK_THAT(no_start.err, Catch::Contains("load.started_epoch is missing or null (a sim result, or a load result from before it was recorded): give the run's start with --start"));
    const auto no_id = run_command(bin + " calibrate " + dir + "/a/result.json --cloudwatch " + dir + "/a.cw.json --start " + kStartIso +
                                   " --cpu CPUUtilization --tasks tasks --scenario " + dir + "/two.yaml --out " + dir + "/bad.yaml");
    CHECK(no_id.exit_code == 2);
    CHECK_THAT(no_id.err, Catch::Contains("a.cw.json: MetricDataResults has no Id 'CPUUtilization' (given to --cpu); its ids: cpu, tasks"));
  }
  SECTION("an overlay that is not a mapping of paths to scalars is refused with its location") {
    write_file(dir + "/list.yaml", "- a\n- b\n");
    const auto bad = run_command(bin + " check " + dir + "/two.yaml --overlay " + dir + "/list.yaml");
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("list.yaml:1:1: an overlay is a mapping of scenario paths to values"));
  }
}
