// End-to-end: the loadcast binary's sim and check subcommands, exit codes and messages.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/run_command.hpp"

using namespace loadcast::testing;

namespace {

const char* kScenario = R"(name: mm4
seed: 1
duration: 2h
warmup: 10m
workload:
  arrivals:
    process: poisson
    rate: 3200            # requests per second
  requests:
    - name: job
      weight: 1
      steps:
        - station: s1
          service: exp(1ms)
stations:
  s1:
    servers: 4
    discipline: fcfs
)";

std::string bin() { return loadcast_binary(); }

struct BadCase {
  const char* what;
  const char* from;
  const char* to;
  const char* expect;
};

std::string replaced(const std::string& from, const std::string& to) {
  std::string s = kScenario;
  const auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("CLI: help and version and unknown commands") {
  auto r = run_command(bin() + " --help");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("sim") && Catch::Contains("check"));
  r = run_command(bin() + " --version");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("loadcast "));
  r = run_command(bin() + " frobnicate");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown command 'frobnicate'"));
  r = run_command(bin() + " sim --no-such-flag");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown option '--no-such-flag'"));
  r = run_command(bin() + " sim x.yaml --replications zero");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--replications must be"));
}

TEST_CASE("CLI: the issue's mm4 scenario simulates and writes result.json") {
  const std::string dir = temp_dir("mm4");
  write_file(dir + "/mm4.yaml", kScenario);
  auto r = run_command(bin() + " sim " + dir + "/mm4.yaml --duration 20m --out " + dir + "/out");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("throughput") && Catch::Contains("latency ms"));
  const std::string result = read_file(dir + "/out/result.json");
  CHECK_THAT(result, Catch::Contains("\"schema\": \"loadcast.result/v1\""));
  for (const char* key : {"\"requests\"", "\"throughput_rps\"", "\"latency_ms\"", "\"p999\"", "\"classes\"", "\"stations\"",
                          "\"utilization\"", "\"mean_queue\"", "\"histograms\""}) {
    CHECK_THAT(result, Catch::Contains(key));
  }
  CHECK_THAT(read_file(dir + "/out/timeseries.csv"), Catch::StartsWith("t_s,"));
  r = run_command(bin() + " check " + dir + "/mm4.yaml");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("ok"));
}

TEST_CASE("CLI: replications add confidence intervals and the same seed gives the same file") {
  const std::string dir = temp_dir("reps");
  write_file(dir + "/mm4.yaml", kScenario);
  const std::string cmd = bin() + " sim " + dir + "/mm4.yaml --duration 15m --replications 4 --seed 9 --quiet --out ";
  REQUIRE(run_command(cmd + dir + "/a --threads 1").exit_code == 0);
  REQUIRE(run_command(cmd + dir + "/b --threads 2").exit_code == 0);
  const std::string a = read_file(dir + "/a/result.json");
  CHECK_THAT(a, Catch::Contains("\"latency_ms_ci95\""));
  CHECK(a == read_file(dir + "/b/result.json"));
}

TEST_CASE("CLI: bad scenarios exit 2 with a located sentence") {
  const BadCase cases[] = {
      {"unknown key", "    discipline: fcfs\n", "    discipline: fcfs\n    colour: red\n", ":19:5: stations.s1.colour: unknown key 'colour'"},
      {"wrong type", "servers: 4", "servers: four", ":17:14: stations.s1.servers: must be a whole number, found 'four'"},
      {"negative rate", "rate: 3200", "rate: -3200", ":8:11: workload.arrivals.rate: rate must be > 0"},
      {"zero servers", "servers: 4", "servers: 0", ":17:14: stations.s1.servers: servers (0) must be at least 1"},
      {"malformed distribution", "exp(1ms)", "exp(1ms", ":14:20: workload.requests[0].steps[0].service: malformed distribution 'exp(1ms'"},
      {"unknown station", "station: s1", "station: s9", ":13:20: workload.requests[0].steps[0].station: unknown station 's9'"},
      {"missing empirical file", "exp(1ms)", "empirical(nowhere.csv)", "cannot open empirical file"},
      {"stages out of order", "    rate: 3200            # requests per second\n",
       "    stages:\n      - { at: 20m, rate: 10 }\n      - { at: 10m, rate: 20 }\n", "stages out of order"},
  };
  const std::string dir = temp_dir("bad");
  for (const auto& c : cases) {
    INFO(c.what);
    write_file(dir + "/bad.yaml", replaced(c.from, c.to));
    for (const char* cmd : {" sim ", " check "}) {
      const auto res = run_command(bin() + cmd + dir + "/bad.yaml");
      CHECK(res.exit_code == 2);
      CHECK_THAT(res.err, Catch::Contains(c.expect));
      CHECK_THAT(res.err, Catch::Contains("bad.yaml"));
    }
  }
  const auto missing = run_command(bin() + " sim " + dir + "/does-not-exist.yaml");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("cannot open scenario file"));
}

TEST_CASE("CLI: scenario thresholds decide the exit code of sim") {
  const std::string dir = temp_dir("thresholds");
  const std::string base = std::string(kScenario) + "thresholds:\n";
  write_file(dir + "/pass.yaml", base + "  - latency_ms.p95 < 50\n  - requests.error_rate < 0.01\n");
  auto r = run_command(bin() + " sim " + dir + "/pass.yaml --duration 15m --out " + dir + "/pass");
  CHECK(r.exit_code == 0);
  CHECK_THAT(read_file(dir + "/pass/result.json"), Catch::Contains("\"expr\": \"latency_ms.p95 < 50\""));
  write_file(dir + "/fail.yaml", base + "  - latency_ms.p95 < 1\n");
  r = run_command(bin() + " sim " + dir + "/fail.yaml --duration 15m --out " + dir + "/fail");
  CHECK(r.exit_code == 99);
  CHECK_THAT(read_file(dir + "/fail/result.json"), Catch::Contains("\"ok\": false"));
  write_file(dir + "/unknown.yaml", base + "  - latency_ms.p97 < 1\n");
  r = run_command(bin() + " sim " + dir + "/unknown.yaml --duration 15m --out " + dir + "/unknown");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("p97"));
  // `check` knows the metrics a result of the scenario has, and names the one meant.
  write_file(dir + "/bare.yaml", base + "  - p99 < 200\n");
  r = run_command(bin() + " check " + dir + "/bare.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bare.yaml:20:5: thresholds[0]: threshold 'p99 < 200': unknown metric 'p99'"));
  CHECK_THAT(r.err, Catch::Contains("did you mean 'latency_ms.p99'?"));
  // sim refuses it before the run, with the same words.
  r = run_command(bin() + " sim " + dir + "/bare.yaml --out " + dir + "/bare");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("did you mean 'latency_ms.p99'?"));
  write_file(dir + "/malformed.yaml", base + "  - latency_ms.p95 <<< 1\n");
  r = run_command(bin() + " check " + dir + "/malformed.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("malformed.yaml:20:5: thresholds[0]"));
}

TEST_CASE("CLI: sim --warmup and --window, and range errors that name the values") {
  const std::string dir = temp_dir("window");
  write_file(dir + "/mm4.yaml", kScenario);
  auto r = run_command(bin() + " sim " + dir + "/mm4.yaml --duration 20m --warmup 5m --window 10m..15m --out " + dir + "/w");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("  window 0:10–0:15 ("));
  CHECK_THAT(read_file(dir + "/w/result.json"), Catch::Contains("\"warmup_s\": 300.0"));
  r = run_command(bin() + " sim " + dir + "/mm4.yaml --duration 20m --window 10m..30m --out " + dir + "/x");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--window 10m..30m ends after the run (duration 20m)"));
  r = run_command(bin() + " sim " + dir + "/mm4.yaml --duration 20m --warmup 20m --out " + dir + "/x");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--warmup 20m must be shorter than --duration 20m"));
  r = run_command(bin() + " sim " + dir + "/mm4.yaml --replications 0 --out " + dir + "/x");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--replications must be between 1 and 100000, got 0"));
}
