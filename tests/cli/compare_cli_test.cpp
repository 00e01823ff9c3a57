// loadcast compare end to end: the step-load scenario simulated, its task series written as
// get-metric-data output two minutes late and its CPU 10 % high; compare prints the pairs and the
// error and writes compare.json, compare.md and compare.html. Bad usage exits 2 with a sentence.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/format.hpp"
#include "tests/support/run_command.hpp"

using namespace loadcast::testing;
using nlohmann::json;

namespace {

constexpr double kStart = 1796457600.0;  // 2026-12-05T08:00:00Z

std::string iso(double epoch) { return loadcast::reports::iso8601(epoch); }

std::string cloudwatch_of(const std::string& result_path) {
  const json r = json::parse(read_file(result_path));
  const auto& ts = r["timeseries"];
  json tasks = {{"Id", "tasks"}, {"Timestamps", json::array()}, {"Values", json::array()}};
  json cpu = {{"Id", "cpu"}, {"Timestamps", json::array()}, {"Values", json::array()}};
  for (std::size_t k = ts["t_s"].size(); k-- > 0;) {
    const double t = ts["t_s"][k].get<double>();
    tasks["Timestamps"].push_back(iso(kStart + t + 120.0));
    tasks["Values"].push_back(ts["series"]["api.tasks_running"][k]);
    if (ts["series"]["api.cpu_utilization"][k].is_number()) {
      cpu["Timestamps"].push_back(iso(kStart + t));
      cpu["Values"].push_back(ts["series"]["api.cpu_utilization"][k].get<double>() * 1.1);
    }
  }
  return json{{"MetricDataResults", {tasks, cpu}}, {"Messages", json::array()}}.dump();
}

}  // namespace

TEST_CASE("Compare CLI: a simulated run against its own series, late and scaled, writes the comparison") {
  const std::string dir = temp_dir("compare");
  const std::string bin = loadcast_binary();
  REQUIRE(run_command(bin + " sim " + std::string(LOADCAST_SOURCE_DIR) + "/scenarios/step-load.yaml --quiet --threads 1 --out " + dir + "/sim")
              .exit_code == 0);
  write_file(dir + "/cw.json", cloudwatch_of(dir + "/sim/result.json"));
  const std::string base = bin + " compare " + dir + "/sim/result.json --cloudwatch " + dir + "/cw.json";
  const auto r = run_command(base + " --tasks tasks --cpu cpu --out " + dir + "/cmp");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("simulated t = 0 is 2026-12-05T08:00:00Z (the first observed timestamp; set it with --start)"));
  CHECK_THAT(r.out, Catch::Contains("out   predicted 16:00 1 -> 10          observed 18:00 1 -> 10          predicted 120 s earlier"));
  CHECK_THAT(r.out, Catch::Contains("scale events of api tasks running (a move of 1 or more): 7 paired, 0 unmatched"));
  CHECK_THAT(r.out, Catch::Contains("9.1 %"));
  for (const char* f : {"compare.json", "compare.md", "compare.html"}) CHECK(std::filesystem::exists(dir + "/cmp/" + f));
  const json c = json::parse(read_file(dir + "/cmp/compare.json"));
  CHECK(c["series"]["cpu"]["mape_pct"].get<double>() == Approx(100.0 * 0.1 / 1.1));
  CHECK(c["scale_events"]["tasks"]["pairs"][1]["difference_s"] == -120.0);

  SECTION("bad usage exits 2 with a sentence") {
    const auto none = run_command(base + " --out " + dir + "/bad");
    CHECK(none.exit_code == 2);
    CHECK_THAT(none.err, Catch::Contains("loadcast compare: give at least one series to compare: --tasks, --cpu"));
    const auto unknown = run_command(base + " --memory mem --out " + dir + "/bad");
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("cw.json: MetricDataResults has no Id 'mem' (given to --memory); its ids: cpu, tasks"));
    const auto acu = run_command(base + " --acu cpu --database reader --out " + dir + "/bad");
    CHECK(acu.exit_code == 2);
    CHECK_THAT(acu.err, Catch::Contains("loadcast compare: --database reader: the result has no database instance of that name (its instances: writer)"));
    const auto start = run_command(base + " --cpu cpu --start 2026-12-05 --out " + dir + "/bad");
    CHECK(start.exit_code == 2);
    CHECK_THAT(start.err, Catch::Contains("--start 2026-12-05: not an ISO-8601 time with a zone"));
    const auto no_source = run_command(bin + " compare " + dir + "/sim/result.json --tasks tasks --out " + dir + "/bad");
    CHECK(no_source.exit_code == 2);
    CHECK_THAT(no_source.err, Catch::Contains("--cloudwatch DATA.json (aws cloudwatch get-metric-data output) or --alb-logs FILE is required"));
    write_file(dir + "/access.log", "");
    const auto id_without_cw = run_command(bin + " compare " + dir + "/sim/result.json --alb-logs " + dir + "/access.log --tasks tasks --out " + dir + "/bad");
    CHECK(id_without_cw.exit_code == 2);
    CHECK_THAT(id_without_cw.err, Catch::Contains("--tasks names a CloudWatch Id: give --cloudwatch DATA.json too"));
    const auto empty_logs = run_command(bin + " compare " + dir + "/sim/result.json --alb-logs " + dir + "/access.log --out " + dir + "/bad");
    CHECK(empty_logs.exit_code == 2);
    CHECK_THAT(empty_logs.err, Catch::Contains("access.log: no access-log entry in the files given"));
  }
  std::filesystem::remove_all(dir);
}
