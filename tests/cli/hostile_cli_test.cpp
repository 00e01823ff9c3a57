// End-to-end (issue #21): the binary on hostile input and hostile output locations — located
// exit-2 errors instead of signals, hangs or a lost run; atomic outputs; SIGINT on `sim`.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <sys/stat.h>

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
