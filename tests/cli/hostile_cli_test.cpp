// End-to-end (issue #21): the binary on hostile input and hostile output locations — located
// exit-2 errors instead of signals, hangs or a lost run; atomic outputs; SIGINT on `sim`.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "tests/support/run_command.hpp"

using namespace loadcast::testing;

namespace {

std::string bin() { return loadcast_binary(); }

const char* kScenario = R"(name: mm1
seed: 1
duration: 10m
workload:
  arrivals: { process: poisson, rate: 100 }
  requests:
    - { name: job, steps: [ { station: s1, service: exp(5ms) } ] }
stations:
  s1: { servers: 1 }
)";

}  // namespace

TEST_CASE("CLI hostile: an alias cycle is a located exit 2, not SIGSEGV") {
  const std::string dir = temp_dir("hostile-alias");
  write_file(dir + "/c.yaml", "duration: 60s\nx: &a [ *a ]\n");
  const auto sim = run_command(bin() + " sim " + dir + "/c.yaml --out " + dir + "/out");
  CHECK(sim.exit_code == 2);
  CHECK_THAT(sim.err, Catch::Contains("must not form a cycle"));
  const auto r = run_command(bin() + " check " + dir + "/c.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/c.yaml:2:9: x[0]: the alias *a refers to the node anchored &a"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("CLI hostile: devices, directories and FIFOs are refused before any read") {
  const std::string dir = temp_dir("hostile-inputs");
  auto r = run_command(bin() + " check /dev/zero");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("/dev/zero: the scenario file is a character device, not a regular file"));
  r = run_command(bin() + " check " + dir);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + ": the scenario file is a directory, not a regular file"));
  REQUIRE(::mkfifo((dir + "/fifo").c_str(), 0600) == 0);
  const auto start = std::chrono::steady_clock::now();
  r = run_command(bin() + " check " + dir + "/fifo");
  CHECK(r.exit_code == 2);
  r = run_command(bin() + " report " + dir + "/fifo");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/fifo: the result file is a FIFO (named pipe), not a regular file"));
  r = run_command(bin() + " gate " + dir + "/fifo");
  CHECK(r.exit_code == 2);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  std::filesystem::remove_all(dir);
}

TEST_CASE("CLI hostile: a bad --out is found before the run, and outputs replace the old ones whole") {
  const std::string dir = temp_dir("hostile-out");
  write_file(dir + "/s.yaml", kScenario);
  // A regular file where the output directory should be: exit 2 before anything runs.
  write_file(dir + "/file", "x");
  auto r = run_command(bin() + " sim " + dir + "/s.yaml --quiet --out " + dir + "/file");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/file: cannot create output directory"));
  r = run_command(bin() + " sim " + dir + "/s.yaml --quiet --out " + dir + "/out --infracost-usage " + dir);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + ": is a directory, not a file to write"));
  CHECK(!std::filesystem::exists(dir + "/out/result.json"));
  // A good run, then a second over it: the files are complete and no temporary is left.
  r = run_command(bin() + " sim " + dir + "/s.yaml --quiet --out " + dir + "/out");
  REQUIRE(r.exit_code == 0);
  r = run_command(bin() + " sim " + dir + "/s.yaml --quiet --seed 2 --out " + dir + "/out");
  REQUIRE(r.exit_code == 0);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/out")) {
    INFO(e.path().string());
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
    ++files;
  }
  CHECK(files == 4);
  CHECK_THAT(read_file(dir + "/out/result.json"), Catch::Contains("\"seed\": 2"));
  // gate --junit into a directory: exit 2 up front, not 1 after the verdict.
  r = run_command(bin() + " gate " + dir + "/out/result.json --junit " + dir);
  CHECK(r.exit_code == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("CLI hostile: SIGINT stops sim with the partial result and exit 105") {
  const std::string dir = temp_dir("hostile-sigint");
  // A long run (a simulated year at 2,000 requests per second) that the signal cuts short.
  std::string yaml = kScenario;
  yaml.replace(yaml.find("duration: 10m"), 13, "duration: 365d");
  yaml.replace(yaml.find("rate: 100"), 9, "rate: 2000");
  write_file(dir + "/s.yaml", yaml);
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_command("( " + bin() + " sim " + dir + "/s.yaml --quiet --out " + dir +
                             "/out & pid=$!; sleep 1; kill -INT $pid; wait $pid )");
  CHECK(r.exit_code == 105);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
  CHECK_THAT(r.err, Catch::Contains("stopped early by a signal"));
  const std::string result = read_file(dir + "/out/result.json");
  CHECK_THAT(result, Catch::Contains("\"stopped_early\": true"));
  CHECK_THAT(result, Catch::Contains("\"simulated_s\""));
  std::filesystem::remove_all(dir);
}

TEST_CASE("CLI hostile: flags that were silently taken are usage errors") {
  auto r = run_command(bin() + " load --url http://127.0.0.1:1/ -d 1s --method ''");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--method must not be empty"));
  r = run_command(bin() + " sim --duration 400d");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--duration must be at most 365d"));
}

namespace {

// A load result of a run in which every connection was refused (port 1: nothing listens).
std::string refused_run(const std::string& dir, const std::string& flags) {
  const auto r = run_command(bin() + " load --url http://127.0.0.1:1/ -d 1s --rate 50 -c 1 -t 1 " + flags + " --out " + dir);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // nothing succeeded: the run failed
  CHECK_THAT(r.out + r.err, Catch::Contains("FAIL"));
  CHECK_THAT(r.out + r.err, Catch::Contains("no samples: latency_ms.p95 is null"));
  return dir + "/result.json";
}

}  // namespace

TEST_CASE("CLI hostile: a run where nothing succeeded fails its latency threshold, and gate says there were no samples") {
  // Issue #21 item 6: this run passed its threshold and gate said "measured 0, PASSED".
  const std::string dir = temp_dir("hostile-null");
  const std::string result = refused_run(dir + "/run", "--threshold 'latency_ms.p95 < 100'");
  const auto j = nlohmann::json::parse(read_file(result));
  CHECK(j["latency_ms"]["p95"].is_null());
  CHECK(j["latency_ms"]["mean"].is_null());
  CHECK(j["thresholds"][0]["value"].is_null());
  CHECK(j["thresholds"][0]["ok"] == false);
  auto r = run_command(bin() + " gate " + result);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 99);
  CHECK_THAT(r.out, Catch::Contains("FAIL  latency_ms.p95 < 100   measured — (no samples: latency_ms.p95 is null"));
  CHECK_THAT(r.out, Catch::Contains("gate: FAILED"));
  // Against a baseline that has latency: the null metric fails by name.
  const std::string base = dir + "/base.json";
  auto b = j;
  for (const char* k : {"mean", "p50", "p90", "p95", "p99", "p999", "max"}) b["latency_ms"][k] = 5.0;
  b["thresholds"] = nlohmann::json::array();
  write_file(base, b.dump());
  nlohmann::json plain = j;
  plain["thresholds"] = nlohmann::json::array();
  write_file(dir + "/plain.json", plain.dump());
  r = run_command(bin() + " gate " + dir + "/plain.json --baseline " + base);
  CHECK(r.exit_code == 99);
  CHECK_THAT(r.out, Catch::Contains("FAIL  latency_ms.p95   — vs baseline 5  no samples: latency_ms.p95 is null in the current result"));
  // report prints the dash, never 0.
  r = run_command(bin() + " report " + result + " --format text");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("p95 — · p99 —"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("CLI hostile: a simulated class that never completes has null latency and its threshold fails") {
  const std::string dir = temp_dir("hostile-sim-null");
  std::string yaml = kScenario;
  yaml.replace(yaml.find("    - { name: job"), 0, "    - { name: stuck, weight: 1, steps: [ { station: s2, service: const(1h) } ] }\n");
  yaml += "  s2: { servers: 1 }\nthresholds:\n  - classes.stuck.latency_ms.p99 < 1e9\n";
  write_file(dir + "/s.yaml", yaml);
  const auto r = run_command(bin() + " sim " + dir + "/s.yaml --quiet --out " + dir + "/out");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 99);
  const auto j = nlohmann::json::parse(read_file(dir + "/out/result.json"));
  CHECK(j["classes"]["stuck"]["requests"]["ok"] == 0);
  for (const char* k : {"mean", "p50", "p95", "p99", "max"}) CHECK(j["classes"]["stuck"]["latency_ms"][k].is_null());
  CHECK(j["classes"]["job"]["latency_ms"]["p99"].is_number());
  CHECK(j["stations"]["s2"]["wait_p99_ms"].is_number());  // FCFS: the queued requests' waits were recorded
  CHECK(j["thresholds"][0]["ok"] == false);
  CHECK_THAT(j["thresholds"][0]["detail"].get<std::string>(), Catch::StartsWith("no samples: classes.stuck.latency_ms.p99 is null"));
  CHECK_THAT(read_file(dir + "/out/report.md"), Catch::Contains("| stuck | 0 | "));
  std::filesystem::remove_all(dir);
}

TEST_CASE("CLI hostile: merge refuses a shard index out of range and warns naming the missing shards") {
  const std::string dir = temp_dir("hostile-merge");
  const auto r0 = run_command(bin() + " load --url http://127.0.0.1:1/ -d 1s --rate 20 -c 1 -t 1 --quiet --out " + dir + "/s0");
  REQUIRE(std::filesystem::exists(dir + "/s0/result.json"));
  auto j = nlohmann::json::parse(read_file(dir + "/s0/result.json"));
  j["load"]["shard"]["count"] = 4;
  j["load"]["shard"]["indices"] = nlohmann::json::array({0});
  write_file(dir + "/a.json", j.dump());
  j["load"]["shard"]["indices"] = nlohmann::json::array({2});
  write_file(dir + "/b.json", j.dump());
  j["load"]["shard"]["indices"] = nlohmann::json::array({4});
  write_file(dir + "/bad.json", j.dump());
  auto r = run_command(bin() + " merge " + dir + "/a.json " + dir + "/bad.json --out " + dir + "/m.json");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/bad.json: load.shard.indices has shard 4 but load.shard.count is 4 (indices run 0..3)"));
  r = run_command(bin() + " merge " + dir + "/a.json " + dir + "/b.json --quiet --out " + dir + "/m.json");
  INFO(r.err);
  CHECK_THAT(r.err, Catch::Contains("warning: merged 2 of 4 shards: shards 1, 3 missing"));
  const auto m = nlohmann::json::parse(read_file(dir + "/m.json"));
  CHECK(m["load"]["shard"]["missing"] == nlohmann::json::array({1, 3}));
  std::filesystem::remove_all(dir);
}

TEST_CASE("CLI hostile: the other inputs of issue 21 item 11 are exit-2 errors that name the input") {
  const std::string dir = temp_dir("hostile-item11");
  // report DIR
  auto r = run_command(bin() + " report " + dir);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + ": the result file is a directory, not a regular file"));
  // empirical(/dev/zero) and uniform_int as a service time: file:line:col.
  std::string yaml = kScenario;
  write_file(dir + "/e.yaml", std::string(yaml).replace(yaml.find("exp(5ms)"), 8, "\"empirical(/dev/zero)\""));
  r = run_command(bin() + " check " + dir + "/e.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/e.yaml:7:53: workload.requests[0].steps[0].service: /dev/zero: the empirical file is a character device"));
  write_file(dir + "/u.yaml", std::string(yaml).replace(yaml.find("exp(5ms)"), 8, "\"uniform_int(1, 10)\""));
  r = run_command(bin() + " check " + dir + "/u.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/u.yaml:7:53: workload.requests[0].steps[0].service: malformed distribution 'uniform_int(1, 10)'"));
  // region: a located error like every other key.
  write_file(dir + "/r.yaml", yaml + "region: eu-mars-1\n");
  r = run_command(bin() + " check " + dir + "/r.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/r.yaml:10:9: region: 'eu-mars-1' has no built-in price table"));
  // A percentile the result does not hold.
  write_file(dir + "/s.yaml", yaml);
  REQUIRE(run_command(bin() + " sim " + dir + "/s.yaml --quiet --duration 1m --out " + dir + "/out").exit_code == 0);
  r = run_command(bin() + " gate " + dir + "/out/result.json --threshold 'latency_ms.p(99.99) < 5'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("threshold 'latency_ms.p(99.99) < 5': unknown metric 'latency_ms.p(99.99)'"));
  CHECK_THAT(r.err, Catch::Contains("(keys: mean, p50, p90, p95, p99, p999, max); did you mean 'latency_ms.p999'?"));
  // gate --junit that cannot be written: exit 2 before the verdict, whether the checks pass or fail.
  for (const char* expr : {"latency_ms.p95 < 1e9", "latency_ms.p95 < 0"}) {
    r = run_command(bin() + " gate " + dir + "/out/result.json --threshold '" + expr + "' --junit " + dir + "/s.yaml/j.xml");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(dir + "/s.yaml: cannot create output directory"));
  }
  // A URL with two ports.
  r = run_command(bin() + " load --url http://127.0.0.1:1:2/ -d 1s");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--url: invalid URL 'http://127.0.0.1:1:2/': more than one ':' in host:port"));
  std::filesystem::remove_all(dir);
}
