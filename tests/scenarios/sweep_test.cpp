// What-if sweeps: grid parsing, point numbering, determinism across thread counts, shards that
// merge back to the whole sweep, and bad points reported before anything runs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "scenarios/loader/sweep.hpp"

using namespace loadcast;

namespace {

const char* kScenario = R"(name: sweep-mm
seed: 5
duration: 40s
warmup: 5s
workload:
  arrivals:
    process: poisson
    rate: 300
  requests:
    - name: job
      steps:
        - station: s1
          service: exp(10ms)
stations:
  s1:
    servers: 4
)";

struct ScenarioFile {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("loadcast_sweep_" + std::to_string(::getpid()));
  std::string path;
  ScenarioFile() {
    std::filesystem::create_directories(dir);
    path = (dir / "s.yaml").string();
    std::ofstream(path) << kScenario;
  }
  ~ScenarioFile() { std::filesystem::remove_all(dir); }
};

scenario::SweepOptions options(unsigned threads) {
  scenario::SweepOptions o;
  o.axes = {scenario::parse_grid("stations.s1.servers=4,8,16"),
            scenario::parse_grid("workload.requests[0].steps[0].service=exp(10ms),const(10ms)")};
  o.sim.threads = threads;
  o.sim.replications = 2;
  return o;
}

}  // namespace

TEST_CASE("Sweep: grid values split at top-level commas only") {
  const auto a = scenario::parse_grid("workload.requests[0].steps[0].service=exp(1ms),lognormal(mean=2ms, p99=9ms), const(3ms)");
  CHECK(a.path == "workload.requests[0].steps[0].service");
  CHECK(a.values == std::vector<std::string>{"exp(1ms)", "lognormal(mean=2ms, p99=9ms)", "const(3ms)"});
  CHECK(scenario::parse_grid("database.max_acu=2,4,8").values.size() == 3);
  CHECK_THROWS_WITH(scenario::parse_grid("database.max_acu"), Catch::Contains("is not PATH=V1,V2,..."));
  CHECK_THROWS_WITH(scenario::parse_grid("a=1,,2"), Catch::Contains("empty value in the list (value 2)"));
  CHECK_THROWS_WITH(scenario::parse_grid("a=exp(1ms"), Catch::Contains("never closed"));
}

TEST_CASE("Sweep: points are numbered with the last axis varying fastest") {
  const auto o = options(1);
  CHECK(scenario::grid_size(o.axes) == 6);
  const auto p = scenario::grid_point(o.axes, 3);
  CHECK(p[0].second == "8");
  CHECK(p[1].second == "const(10ms)");
  CHECK(scenario::grid_point(o.axes, 5)[0].second == "16");
}

TEST_CASE("Sweep: every point runs and the table does not depend on the thread count") {
  ScenarioFile f;
  const auto one = scenario::run_sweep(f.path, options(1));
  const auto two = scenario::run_sweep(f.path, options(2));
  REQUIRE(one.table.points.size() == 6);
  CHECK(one.table.to_json().dump() == two.table.to_json().dump());
  CHECK(one.table.total_points == 6);
  CHECK(one.table.replications == 2);
  for (const auto& p : one.table.points) {
    INFO(p.index);
    CHECK(p.requests > 10000);
    CHECK(p.p95_ci.has_value());
  }
  // More servers, shorter waits: 16 servers beat 4 at the same service law.
  CHECK(one.table.points[4].p95_ms < one.table.points[0].p95_ms);
  // Deterministic service beats exponential at the same servers.
  CHECK(one.table.points[1].p95_ms < one.table.points[0].p95_ms);
  CHECK_THAT(one.table.csv(), Catch::StartsWith("point,stations.s1.servers,workload.requests[0].steps[0].service,p50_ms"));
}

TEST_CASE("Sweep: shards merge back into the whole sweep") {
  ScenarioFile f;
  auto o = options(2);
  o.sim.replications = 1;
  const auto whole = scenario::run_sweep(f.path, o);
  std::vector<reports::SweepTable> shards;
  for (std::size_t i = 0; i < 3; ++i) {
    o.shard = i;
    o.shards = 3;
    shards.push_back(reports::SweepTable::from_json(scenario::run_sweep(f.path, o).table.to_json()));
    CHECK(shards.back().points.size() == 2);
    CHECK(shards.back().shard == std::to_string(i) + "/3");
  }
  CHECK(reports::merge_sweeps(shards).to_json().dump() == whole.table.to_json().dump());
  shards.pop_back();
  CHECK_THROWS_WITH(reports::merge_sweeps(shards), Catch::Contains("point 2 is missing"));
}

TEST_CASE("Sweep: a bad value is reported with its point before anything runs") {
  ScenarioFile f;
  auto o = options(1);
  o.axes[0] = scenario::parse_grid("stations.s1.servers=4,-1");
  try {
    scenario::run_sweep(f.path, o);
    FAIL("expected a LoadError");
  } catch (const scenario::LoadError& e) {
    REQUIRE(e.errors().size() == 2);
    CHECK_THAT(e.errors()[0], Catch::StartsWith("point 2 (stations.s1.servers=-1, workload.requests[0].steps[0].service=exp(10ms)): "
                                                "--set stations.s1.servers"));
  }
}
