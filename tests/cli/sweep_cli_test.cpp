// End-to-end: `loadcast sweep` writes the table files and per-point results; shards merge with
// `loadcast sweep --merge` and with `loadcast merge`, which dispatches on the inputs' schema;
// bad grids exit 2.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "reports/result.hpp"
#include "tests/support/run_command.hpp"

using namespace loadcast::testing;

namespace {

const char* kScenario = R"(name: sweep-cli
seed: 2
duration: 30s
workload:
  arrivals:
    process: poisson
    rate: 200
  requests:
    - name: job
      steps:
        - station: s1
          service: exp(10ms)
stations:
  s1:
    servers: 4
)";

CommandResult sweep(const std::string& args) { return run_command(loadcast_binary() + " sweep " + args); }
CommandResult merge(const std::string& args) { return run_command(loadcast_binary() + " merge " + args); }

}  // namespace

TEST_CASE("SweepCli: a grid writes the table and one result per point") {
  const std::string dir = temp_dir("sweep_cli");
  write_file(dir + "/s.yaml", kScenario);
  auto r = sweep(dir + "/s.yaml --grid stations.s1.servers=3,6 --grid 'workload.arrivals.rate=100,200' --out " + dir + "/out -t 2");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("4 of 4 points"));
  for (const char* f : {"sweep.json", "sweep.csv", "sweep.md", "sweep.html", "points/0.json", "points/3.json"}) {
    INFO(f);
    CHECK(std::filesystem::exists(dir + "/out/" + f));
  }
  CHECK_THAT(read_file(dir + "/out/sweep.csv"), Catch::StartsWith("point,stations.s1.servers,workload.arrivals.rate,"));
  CHECK(run_command(loadcast_binary() + " report " + dir + "/out/points/2.json").exit_code == 0);

  for (int i = 0; i < 2; ++i) {
    r = sweep(dir + "/s.yaml --grid stations.s1.servers=3,6 --grid workload.arrivals.rate=100,200 -q --shard " +
              std::to_string(i) + "/2 --out " + dir + "/shard" + std::to_string(i));
    REQUIRE(r.exit_code == 0);
  }
  r = sweep("--merge " + dir + "/shard0 " + dir + "/shard1 -q --out " + dir + "/merged");
  REQUIRE(r.exit_code == 0);
  CHECK(read_file(dir + "/merged/sweep.json") == read_file(dir + "/out/sweep.json"));
  r = sweep("--merge " + dir + "/shard0 --out " + dir + "/half");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("point 1 is missing"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("SweepCli: bad grids and bad points exit 2 with a reason") {
  const std::string dir = temp_dir("sweep_cli_bad");
  write_file(dir + "/s.yaml", kScenario);
  auto r = sweep(dir + "/s.yaml --out " + dir + "/o");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("give at least one --grid"));
  r = sweep(dir + "/s.yaml --grid stations.s1.servers --out " + dir + "/o");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("is not PATH=V1,V2,..."));
  r = sweep(dir + "/s.yaml --grid stations.s1.servers=2,zero --out " + dir + "/o");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("point 1 (stations.s1.servers=zero)"));
  r = sweep(dir + "/s.yaml --grid stations.s1.servers=2 --shard 2/2 --out " + dir + "/o");
  CHECK(r.exit_code == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("MergeCli: sweep shards merge into the sweep of the whole grid") {
  const std::string dir = temp_dir("merge_cli");
  write_file(dir + "/s.yaml", kScenario);
  const std::string grid = " --grid stations.s1.servers=2,3,4 --grid workload.arrivals.rate=100,150 -q -t 1";
  REQUIRE(sweep(dir + "/s.yaml" + grid + " --out " + dir + "/whole").exit_code == 0);
  for (int i = 0; i < 3; ++i) {
    const std::string shard = std::to_string(i);
    REQUIRE(sweep(dir + "/s.yaml" + grid + " --shard " + shard + "/3 --out " + dir + "/shard" + shard).exit_code == 0);
  }
  // Shard directories and sweep.json files both work; FILE.json gets its .csv/.md/.html beside it.
  auto r = merge(dir + "/shard0 " + dir + "/shard1/sweep.json " + dir + "/shard2 --out " + dir + "/merged/all.json");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("3 shards, 6 points"));
  CHECK(read_file(dir + "/merged/all.json") == read_file(dir + "/whole/sweep.json"));
  CHECK(read_file(dir + "/merged/all.csv") == read_file(dir + "/whole/sweep.csv"));
  CHECK(std::filesystem::exists(dir + "/merged/all.html"));
  CHECK(std::filesystem::exists(dir + "/merged/all.md"));
  // A directory as --out gets sweep.{json,csv,md,html}.
  std::filesystem::create_directories(dir + "/mergedir");
  REQUIRE(merge(dir + "/shard0 " + dir + "/shard1 " + dir + "/shard2 -q --out " + dir + "/mergedir").exit_code == 0);
  CHECK(read_file(dir + "/mergedir/sweep.json") == read_file(dir + "/whole/sweep.json"));

  // A missing shard, and a sweep mixed with a run result, are refused with a reason.
  r = merge(dir + "/shard0 " + dir + "/shard2 --out " + dir + "/half.json");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("is missing"));
  loadcast::reports::Result run;
  run.scenario = "merge-cli";
  loadcast::reports::save_result(run, dir + "/result.json");
  r = merge(dir + "/shard0 " + dir + "/result.json --out " + dir + "/mixed.json");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("schema is loadcast.result/v1 but"));
  write_file(dir + "/other.json", "{\"schema\": \"something/v9\"}");
  r = merge(dir + "/other.json --out " + dir + "/o.json");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("schema is 'something/v9'"));
  std::filesystem::remove_all(dir);
}
