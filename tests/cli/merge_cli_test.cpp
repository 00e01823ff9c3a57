// End-to-end: `loadcast merge` dispatches on the schema of its inputs, so the shards of a sweep
// (`loadcast sweep --shard i/N`) merge like the shards of a load run.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "reports/result.hpp"
#include "tests/cli/run_command.hpp"

using namespace loadcast::testing;

namespace {

const char* kScenario = R"(name: merge-cli
seed: 4
duration: 30s
workload:
  arrivals:
    process: poisson
    rate: 150
  requests:
    - name: job
      steps:
        - station: s1
          service: exp(10ms)
stations:
  s1:
    servers: 3
)";

CommandResult cli(const std::string& args) { return run_command(loadcast_binary() + " " + args); }

}  // namespace

TEST_CASE("MergeCli: sweep shards merge into the sweep of the whole grid") {
  const std::string dir = temp_dir("merge_cli");
  write_file(dir + "/s.yaml", kScenario);
  const std::string grid = " --grid stations.s1.servers=2,3,4 --grid workload.arrivals.rate=100,150 -q -t 1";
  REQUIRE(cli("sweep " + dir + "/s.yaml" + grid + " --out " + dir + "/whole").exit_code == 0);
  for (int i = 0; i < 3; ++i) {
    const std::string shard = std::to_string(i);
    REQUIRE(cli("sweep " + dir + "/s.yaml" + grid + " --shard " + shard + "/3 --out " + dir + "/shard" + shard).exit_code == 0);
  }
  // Shard directories and sweep.json files both work; FILE.json gets its .csv/.md/.html beside it.
  auto r = cli("merge " + dir + "/shard0 " + dir + "/shard1/sweep.json " + dir + "/shard2 --out " + dir + "/merged/all.json");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("3 shards, 6 points"));
  CHECK(read_file(dir + "/merged/all.json") == read_file(dir + "/whole/sweep.json"));
  CHECK(read_file(dir + "/merged/all.csv") == read_file(dir + "/whole/sweep.csv"));
  CHECK(std::filesystem::exists(dir + "/merged/all.html"));
  CHECK(std::filesystem::exists(dir + "/merged/all.md"));
  // A directory as --out gets sweep.{json,csv,md,html}.
  std::filesystem::create_directories(dir + "/mergedir");
  REQUIRE(cli("merge " + dir + "/shard0 " + dir + "/shard1 " + dir + "/shard2 -q --out " + dir + "/mergedir").exit_code == 0);
  CHECK(read_file(dir + "/mergedir/sweep.json") == read_file(dir + "/whole/sweep.json"));

  // A missing shard, and a sweep mixed with a run result, are refused with a reason.
  r = cli("merge " + dir + "/shard0 " + dir + "/shard2 --out " + dir + "/half.json");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("is missing"));
  loadcast::reports::Result run;
  run.scenario = "merge-cli";
  loadcast::reports::save_result(run, dir + "/result.json");
  r = cli("merge " + dir + "/shard0 " + dir + "/result.json --out " + dir + "/mixed.json");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("schema is loadcast.result/v1 but"));
  write_file(dir + "/other.json", "{\"schema\": \"something/v9\"}");
  r = cli("merge " + dir + "/other.json --out " + dir + "/o.json");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("schema is 'something/v9'"));
  std::filesystem::remove_all(dir);
}
