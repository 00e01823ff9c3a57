// What-if sweeps: grid parsing, point numbering, determinism across thread counts, shards that
// merge back to the whole sweep, bad points reported before anything runs, and a priced scenario
// swept over an indexed path and the region with its cost column and Pareto frontier filled.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/exit_code.hpp"
#include "app/sweep.hpp"

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

app::SweepOptions options(unsigned threads) {
  app::SweepOptions o;
  o.axes = {app::parse_grid("stations.s1.servers=4,8,16"),
            app::parse_grid("workload.requests[0].steps[0].service=exp(10ms),const(10ms)")};
  o.sim.threads = threads;
  o.sim.replications = 2;
  return o;
}

}  // namespace

TEST_CASE("Sweep: grid values split at top-level commas only") {
  const auto a = app::parse_grid("workload.requests[0].steps[0].service=exp(1ms),lognormal(mean=2ms, p99=9ms), const(3ms)");
  CHECK(a.path == "workload.requests[0].steps[0].service");
  CHECK(a.values == std::vector<std::string>{"exp(1ms)", "lognormal(mean=2ms, p99=9ms)", "const(3ms)"});
  CHECK(app::parse_grid("database.max_acu=2,4,8").values.size() == 3);
  CHECK_THROWS_WITH(app::parse_grid("database.max_acu"), Catch::Contains("is not PATH=V1,V2,..."));
  CHECK_THROWS_WITH(app::parse_grid("a=1,,2"), Catch::Contains("empty value in the list (value 2)"));
  CHECK_THROWS_WITH(app::parse_grid("a=exp(1ms"), Catch::Contains("never closed"));
}

TEST_CASE("Sweep: --grid texts parse in order, and a malformed one is a usage error naming the option") {
  const auto axes = app::parse_grids({"stations.s1.servers=4,8", "workload.arrivals.rate=100"});
  REQUIRE(axes.size() == 2);
  CHECK(axes[0].values == std::vector<std::string>{"4", "8"});
  CHECK(axes[1].path == "workload.arrivals.rate");
  CHECK_THROWS_AS(app::parse_grids({"a=1", "b"}), app::UsageError);
  CHECK_THROWS_WITH(app::parse_grids({"b"}), Catch::StartsWith("--grid 'b' is not PATH=V1,V2,..."));
}

TEST_CASE("Sweep: points are numbered with the last axis varying fastest") {
  const auto o = options(1);
  CHECK(app::grid_size(o.axes) == 6);
  const auto p = app::grid_point(o.axes, 3);
  CHECK(p[0].second == "8");
  CHECK(p[1].second == "const(10ms)");
  CHECK(app::grid_point(o.axes, 5)[0].second == "16");
}

TEST_CASE("Sweep: every point runs and the table does not depend on the thread count") {
  ScenarioFile f;
  const auto one = app::run_sweep(f.path, options(1));
  const auto two = app::run_sweep(f.path, options(2));
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
  const auto whole = app::run_sweep(f.path, o);
  std::vector<reports::SweepTable> shards;
  for (std::size_t i = 0; i < 3; ++i) {
    o.shard = i;
    o.shards = 3;
    shards.push_back(reports::SweepTable::from_json(app::run_sweep(f.path, o).table.to_json()));
    CHECK(shards.back().points.size() == 2);
    CHECK(shards.back().shard == std::to_string(i) + "/3");
  }
  CHECK(reports::merge_sweeps(shards).to_json().dump() == whole.table.to_json().dump());
  shards.pop_back();
  CHECK_THROWS_WITH(reports::merge_sweeps(shards), Catch::Contains("point 2 is missing"));
}

TEST_CASE("Sweep: shard outputs written to disk merge from their directories and files") {
  ScenarioFile f;
  auto o = options(2);
  o.sim.replications = 1;
  const auto whole = app::run_sweep(f.path, o);
  std::vector<std::string> outputs;
  for (std::size_t i = 0; i < 2; ++i) {
    o.shard = i;
    o.shards = 2;
    const auto run = app::run_sweep(f.path, o);
    const std::string dir = (f.dir / ("shard" + std::to_string(i))).string();
    app::write_sweep_run(run, dir);
    for (const auto& p : run.table.points) {
      CHECK(std::filesystem::exists(dir + "/points/" + std::to_string(p.index) + ".json"));
    }
    outputs.push_back(i == 0 ? dir : dir + "/sweep.json");
  }
  CHECK(app::merge_sweep_files(outputs).to_json().dump() == whole.table.to_json().dump());
  CHECK_THROWS_AS(app::merge_sweep_files({outputs[0]}), app::UsageError);
  CHECK_THROWS_AS(app::merge_sweep_files({(f.dir / "nowhere").string()}), app::UsageError);
}

TEST_CASE("Sweep: a bad value is reported with its point before anything runs") {
  ScenarioFile f;
  auto o = options(1);
  o.axes[0] = app::parse_grid("stations.s1.servers=4,-1");
  try {
    app::run_sweep(f.path, o);
    FAIL("expected a LoadError");
  } catch (const scenario::LoadError& e) {
    REQUIRE(e.errors().size() == 2);
    CHECK_THAT(e.errors()[0], Catch::StartsWith("point 2 (stations.s1.servers=-1, workload.requests[0].steps[0].service=exp(10ms)): "
                                                "--set stations.s1.servers"));
  }
}

TEST_CASE("Sweep: an indexed policy path and the region sweep a priced scenario, with cost and frontier filled") {
  app::SweepOptions o;
  o.axes = {app::parse_grid("services.api.autoscaling.policies[0].target=10,70"),
            app::parse_grid("region=us-east-1,ap-northeast-1")};
  o.sim.duration = 9 * sim::kMinute;  // before step-load's step: 20 req/s on a 20 % busy task
  o.sim.threads = 2;
  const auto run = app::run_sweep(std::string(LOADCAST_SOURCE_DIR) + "/scenarios/step-load.yaml", o);
  REQUIRE(run.table.points.size() == 4);
  const auto& p = run.table.points;
  for (const auto& x : p) REQUIRE(x.monthly_usd.has_value());
  // The indexed path reached the policy: a 10 % CPU target scales the task out (more cost, less
  // waiting), 70 % keeps one task.
  CHECK(p[0].values[0] == std::make_pair(std::string("services.api.autoscaling.policies[0].target"), std::string("10")));
  CHECK(*p[0].monthly_usd > *p[2].monthly_usd);
  CHECK(p[0].p95_ms < p[2].p95_ms);
  CHECK(run.results[0].sections["services"]["api"]["tasks_max"].get<double>() > 1);
  CHECK(run.results[2].sections["services"]["api"]["tasks_max"].get<double>() == 1);
  // The region changes the prices only: the same seed gives the same latency, Tokyo costs more.
  CHECK(run.results[1].sections["cost"]["region"] == "ap-northeast-1");
  CHECK(run.results[0].sections["cost"]["region"] == "us-east-1");
  CHECK(p[1].p95_ms == p[0].p95_ms);
  CHECK(*p[1].monthly_usd > *p[0].monthly_usd * 1.2);
  CHECK(*p[3].monthly_usd > *p[2].monthly_usd * 1.2);
  // The frontier: the cheap us-east-1 point and the fast one; Tokyo's points cost more for the same p95.
  CHECK(p[0].frontier);
  CHECK(p[2].frontier);
  CHECK_FALSE(p[1].frontier);
  CHECK_FALSE(p[3].frontier);
  const std::string csv = run.table.csv();
  CHECK_THAT(csv, Catch::Contains(",us-east-1,") && Catch::Contains(",yes,"));
  const std::string html = run.table.html();
  std::size_t circles = 0, frontier = 0;
  for (auto at = html.find("<circle class=\"point"); at != std::string::npos; at = html.find("<circle class=\"point", at + 1)) {
    ++circles;
    if (html.compare(at, 29, "<circle class=\"point frontier") == 0) ++frontier;
  }
  CHECK(circles == 4);
  CHECK(frontier == 2);
  CHECK_THAT(html, Catch::Contains("class=\"series frontier\""));
}

TEST_CASE("Sweep: --where and --minimize answer the question, and a short run is priced as an event") {
  // Two hours of the scenario's 24 h period: the cost to compare is what those hours cost.
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("loadcast_sweep_q_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "event.yaml").string();
  std::ofstream(path) << R"(name: event
seed: 5
duration: 10m
region: us-east-1
workload:
  arrivals: { process: poisson, rate: 200 }
  requests:
    - { name: order, steps: [ { cpu: exp(10ms) }, { publish: { queue: orders, groups: 100 } } ] }
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 1024, memory: 2048, desired: 1 }
queues:
  orders: {}
cost:
  period: 24h
)";
  app::SweepOptions o;
  o.axes = {app::parse_grid("services.api.desired=1,4,8")};
  o.sim.threads = 2;
  o.where = {"latency_ms.p99 < 100", "requests.by_cause.idle_timeout:api == 0"};
  o.columns = {"latency_ms.p99", "cost.event_usd.total", "queues.orders.oldest_age_peak_s"};
  const auto run = app::run_sweep(path, o);
  const auto& t = run.table;
  CHECK(t.minimize == "cost.event_usd.total");  // the event, not the event repeated all month
  REQUIRE(t.points.size() == 3);
  CHECK_FALSE(t.points[0].feasible);  // one task for 2 busy vCPU: overloaded
  // A cause that did not happen at a point reads as 0 there.
  CHECK(t.points[2].metrics.at("requests.by_cause.idle_timeout:api") == 0.0);
  REQUIRE(t.best());
  CHECK(*t.best() == 1);  // three tasks are enough; six cost more
  CHECK(t.points[1].metrics.at("cost.event_usd.total") < t.points[2].metrics.at("cost.event_usd.total"));
  CHECK(t.points[1].metrics.at("cost.event_usd.total") * 100 < *t.points[1].monthly_usd);
  CHECK_THAT(t.answer(), Catch::StartsWith("Answer: the lowest cost.event_usd.total with latency_ms.p99 < 100 and "
                                           "requests.by_cause.idle_timeout:api == 0 and error rate <= 1 %: point 1 "
                                           "(services.api.desired=4) at $"));
  CHECK_THAT(t.markdown(), Catch::Contains("| p99 ms | event USD | queues.orders.oldest_age_peak_s | qualifies |"));
  // A question about a metric the result does not have is refused before anything runs.
  o.where = {"p99 < 100"};
  CHECK_THROWS_WITH(app::run_sweep(path, o), Catch::Contains("did you mean 'latency_ms.p99'?"));
  o.where = {};
  o.minimize = "cost.montly_usd.total";
  CHECK_THROWS_WITH(app::run_sweep(path, o), Catch::Contains("did you mean 'cost.monthly_usd.total'?"));
  std::filesystem::remove_all(dir);
}

