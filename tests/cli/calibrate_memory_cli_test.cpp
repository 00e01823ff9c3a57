// loadcast calibrate --memory / --db-connections / --fit-latency end to end: a simulated run with
// 700 MiB per task and 3 MiB per request in progress, its CPU, task and memory series written as
// get-metric-data output, gives them back in the table and the overlay; bad ids and flags that
// cannot go together exit 2 with a sentence.
#include <catch2/catch.hpp>

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

const std::string kScenario = deployment(R"(name: calibrate-memory
seed: 5
duration: 30m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 10 }, { at: 30m, rate: 100 } ]
  requests:
    - name: page
      path: /page
      steps:
        - cpu: exp(4ms)
        - delay: const(40ms)
)",
                                         "    desired: 2\n    app_memory: { base: 700, per_request: 3 }\n");

constexpr double kStart = 1796457600.0;  // 2026-12-05T08:00:00Z
constexpr const char* kStartIso = "2026-12-05T08:00:00Z";

std::string cloudwatch_of(const std::string& result_path) {
  const json r = json::parse(read_file(result_path));
  const auto& ts = r["timeseries"];
  json all = json::array();
  for (const auto& [id, series] : {std::pair{"cpu", "api.cpu_utilization"}, std::pair{"tasks", "api.tasks_running"}, std::pair{"mem", "api.memory_utilization"}}) {
    json q = {{"Id", id}, {"Timestamps", json::array()}, {"Values", json::array()}, {"StatusCode", "Complete"}};
    for (std::size_t k = ts["t_s"].size(); k-- > 0;) {
      q["Timestamps"].push_back(loadcast::reports::iso8601(kStart + ts["t_s"][k].get<double>()));
      q["Values"].push_back(ts["series"][series][k]);
    }
    all.push_back(q);
  }
  return json{{"MetricDataResults", all}, {"Messages", json::array()}}.dump();
}

}  // namespace

TEST_CASE("Calibrate CLI: --memory prints and writes the memory per task and per request, and bad flags exit 2") {
  const std::string dir = temp_dir("calibrate-memory");
  write_file(dir + "/s.yaml", kScenario);
  const std::string bin = loadcast_binary();
  REQUIRE(run_command(bin + " sim " + dir + "/s.yaml --quiet --threads 1 --out " + dir + "/a").exit_code == 0);
  write_file(dir + "/a.cw.json", cloudwatch_of(dir + "/a/result.json"));
  const std::string common = bin + " calibrate " + dir + "/a/result.json --cloudwatch " + dir + "/a.cw.json --start " + kStartIso +
                             " --cpu cpu --tasks tasks --scenario " + dir + "/s.yaml";
  const auto r = run_command(common + " --memory mem --out " + dir + "/cal.yaml");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("service api memory (2048 MiB per task): 30 periods of 60 s"));
  double base = 0, per_request = 0;
  const auto b = r.out.find("\napp_memory.base ");
  const auto p = r.out.find("\napp_memory.per_request ");
  REQUIRE(b != std::string::npos);
  REQUIRE(p != std::string::npos);
  REQUIRE(std::sscanf(r.out.c_str() + b + 17, " %lf MiB", &base) == 1);
  REQUIRE(std::sscanf(r.out.c_str() + p + 24, " %lf MiB", &per_request) == 1);
  CHECK(base == Approx(700.0).epsilon(0.01));
  CHECK(per_request == Approx(3.0).epsilon(0.05));
  const auto overlay = read_file(dir + "/cal.yaml");
  CHECK_THAT(overlay, Catch::Contains("services.api.app_memory.base: "));
  CHECK(run_command(bin + " check " + dir + "/s.yaml --overlay " + dir + "/cal.yaml").exit_code == 0);

  SECTION("an id the data lacks, and the flags that read CloudWatch without it, exit 2") {
    const auto no_id = run_command(common + " --memory MemoryUtilization --out " + dir + "/bad.yaml");
    CHECK(no_id.exit_code == 2);
    CHECK_THAT(no_id.err, Catch::Contains("a.cw.json: MetricDataResults has no Id 'MemoryUtilization' (given to --memory); its ids: cpu, mem, tasks"));
    const auto sampled = run_command(bin + " calibrate " + dir + "/a/result.json --sampled app --memory mem --scenario " + dir + "/s.yaml --out " + dir + "/bad.yaml");
    CHECK(sampled.exit_code == 2);
    CHECK_THAT(sampled.err, Catch::Contains("--memory names a CloudWatch Id: give --cloudwatch data"));
    const auto target = run_command(bin + " calibrate --target http://127.0.0.1:1 --sample app=pid:1 --rate 5 --db-connections conn --scenario " + dir +
                                    "/s.yaml --out " + dir + "/bad.yaml");
    CHECK(target.exit_code == 2);
    CHECK_THAT(target.err, Catch::Contains("--db-connections is for fitting given results, not --target"));
    const auto no_db = run_command(common + " --db-connections mem --out " + dir + "/bad.yaml");
    CHECK(no_db.exit_code == 2);
    CHECK_THAT(no_db.err, Catch::Contains("--db-connections: the scenario has no database"));
  }
  std::filesystem::remove_all(dir);
}
