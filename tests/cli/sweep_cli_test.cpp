// End-to-end: `loadcast sweep` writes the table files and per-point results; shards merge with
// `loadcast sweep --merge`; bad grids exit 2.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/cli/run_command.hpp"

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
