// Hostile scenarios (issue #21): the reproducers of the hostile-input campaign, each a located
// error instead of a crash, a hang, a wrapped number or a result nobody can read.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "scenarios/loader/scenario.hpp"
#include "sim/input_file.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

const char* kGood = kOneStationScenario;

// Seconds `fn` takes on the wall clock.
template <typename F>
double seconds_of(F&& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A scratch file that removes itself.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& name, const std::string& text = "") {
    path = std::filesystem::temp_directory_path() / ("loadcast-hostile-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

std::vector<LoadErrorCase> hostile_scenarios() {
  const std::string good = kGood;
  return {
      // Item 1: aliases.
      {"an alias inside the sequence it names is a located cycle", "duration: 60s\nx: &a [ *a ]\n",
       {"bad.yaml:2:9: x[0]: the alias *a refers to the node anchored &a at line 2 that contains it"}, true},
      {"a merge key inside the block it merges is a located cycle", "duration: 60s\nm: &m\n  a: 1\n  <<: *m\n",
       {"bad.yaml:4:7: m.<<: the alias *m refers to the node anchored &m"}, true},
      {"nesting deeper than 64 levels", "duration: 60s\nx: " + std::string(100, '[') + std::string(100, ']') + "\n",
       {"nests deeper than 64 levels"}, true},
      // Item 2: durations beyond a year.
      {"a duration beyond a year", replace(good, "duration: 10m", "duration: 400d"),
       {"bad.yaml:2:11: duration: must be at most 365d, found '400d'"}, true},
      {"a service time beyond a year", replace(good, "exp(1ms)", "const(1e10s)"),
       {"bad.yaml:11:20: workload.requests[0].steps[0].service:", "is longer than 365d"}, true},
      {"a processor-sharing step of 1e8 s", replace(good, "exp(1ms)", "uniform(1s, 1e8s)"), {"is longer than 365d"}, true},
      {"uniform_int is not a service time", replace(good, "exp(1ms)", "uniform_int(1, 10)"),
       {"uniform_int draws whole numbers, not durations"}, true},
      // Item 3: arrival rates.
      {"a rate of 1e308", replace(good, "rate: 100", "rate: 1e308"),
       {"bad.yaml:6:11: workload.arrivals.rate: rate must be at most 100000000 requests per second (as load --rate), found 1e308"}, true},
      {"a stage rate above the cap", replace(good, "    rate: 100\n", "    stages:\n      - { at: 0s, rate: 1e9 }\n"),
       {"bad.yaml:7:25: workload.arrivals.stages[0].rate: rate must be at most 100000000"}, true},
      {"more users than load --connections takes",
       replace(good, "  arrivals:\n    process: poisson\n    rate: 100\n", "  users:\n    count: 1000001\n"),
       {"workload.users.count: users must be at most 1000000"}, true},
      // Item 4: 64-bit values checked before they are narrowed.
      {"servers: 4294967296 does not wrap to 0", replace(good, "servers: 2", "servers: 4294967296"),
       {"bad.yaml:14:14: stations.s1.servers: must be at most 2147483647, found 4294967296"}, true},
      {"servers: 4294967300 does not wrap to 4", replace(good, "servers: 2", "servers: 4294967300"),
       {"stations.s1.servers: must be at most 2147483647, found 4294967300"}, true},
      {"a whole number beyond int64", replace(good, "servers: 2", "servers: 99999999999999999999"),
       {"stations.s1.servers: must be a whole number between -9223372036854775808 and 9223372036854775807, found 99999999999999999999"},
       true},
      {"a negative seed", "seed: -1\n" + good, {"bad.yaml:1:7: seed: must be at least 0, found -1"}, true},
      // Item 5: invalid UTF-8.
      {"a name that is not UTF-8", replace(good, "name: ok", "name: caf\xE9"),
       {"bad.yaml:1:7: name: this value is not valid UTF-8 (byte 0xE9 at position 4)"}, true},
      {"a raw Latin-1 byte in a request name", replace(good, "name: job", "name: caf\xE9"),
       {"workload.requests[0].name: this value is not valid UTF-8"}},
  };
}

}  // namespace

TEST_CASE("Hostile scenarios: each is a located error, never a crash or a wrapped value") { check_load_errors(hostile_scenarios()); }

TEST_CASE("Hostile scenarios: a service with cpu 4294968320 is refused, not read as 1024") {
  const std::string yaml = deployment("duration: 10m\nworkload:\n  arrivals: { process: poisson, rate: 1 }\n"
                                      "  requests: [ { name: r, path: /, steps: [ { cpu: const(1ms) } ] } ]\n",
                                      "");
  const std::string bad = replace(yaml, "cpu: 1024", "cpu: 4294968320");
  CHECK_THAT(load_error(bad), Catch::Contains("services.api.cpu: must be at most 2147483647, found 4294968320"));
  // The same through --set.
  try {
    scenario::load_string(yaml, "set.yaml", {scenario::parse_override("services.api.cpu=4294968320")});
    FAIL("loads");
  } catch (const scenario::LoadError& e) {
    CHECK_THAT(std::string(e.what()), Catch::StartsWith("--set services.api.cpu: "));
    CHECK_THAT(std::string(e.what()), Catch::Contains("services.api.cpu: must be at most 2147483647, found 4294968320"));
  }
}

TEST_CASE("Hostile scenarios: billion laughs and alias chains check in well under a second") {
  // Ten levels of ten aliases each: 10^10 leaves if a walk followed the aliases.
  std::string laughs = "duration: 60s\nl0: &l0 [a, a, a, a, a, a, a, a, a, a]\n";
  for (int i = 1; i <= 10; ++i) {
    laughs += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) laughs += std::string(k ? ", " : "") + "*l" + std::to_string(i - 1);
    laughs += "]\n";
  }
  std::string what;
  const double laughs_s = seconds_of([&] { what = load_error(laughs); });
  CHECK(laughs_s < 1.0);
  CHECK_THAT(what, Catch::Contains("l0: unknown key 'l0'"));

  // A chain of 4,000 anchored mappings each merging the previous (about 100 KB).
  std::string chain = "duration: 60s\nc0: &c0 { k0: 1 }\n";
  for (int i = 1; i < 4000; ++i) {
    chain += "c" + std::to_string(i) + ": &c" + std::to_string(i) + " { <<: *c" + std::to_string(i - 1) + ", k" +
             std::to_string(i) + ": 1 }\n";
  }
  const double chain_s = seconds_of([&] { what = load_error(chain); });
  CHECK(chain_s < 1.0);
}

TEST_CASE("Hostile scenarios: a duplicate-key bomb reports each repeat once and caps the list") {
  // The repeated keys sit in one anchored mapping that 1,000 aliases use: reported where they
  // are written, once, and never more than 100 problems plus a count of the rest.
  std::string bomb = "duration: 60s\nd: &d {";
  for (int i = 0; i < 300; ++i) bomb += std::string(i ? ", " : " ") + "k: " + std::to_string(i);
  bomb += " }\nuse: [";
  for (int i = 0; i < 1000; ++i) bomb += std::string(i ? ", " : "") + "*d";
  bomb += "]\n";
  std::vector<std::string> errors;
  const double s = seconds_of([&] { errors = load_errors(bomb); });
  CHECK(s < 1.0);
  REQUIRE(errors.size() == 101);
  CHECK_THAT(errors[0], Catch::StartsWith("bad.yaml:2:"));
  CHECK_THAT(errors[0], Catch::Contains("d.k: key 'k' appears twice in this mapping (first at line 2)"));
  // 299 repeats, 2 unknown keys (d, use) and the missing workload: 100 shown, 202 counted.
  CHECK(errors.back() == "bad.yaml: ... and 202 more problems");
}

TEST_CASE("Hostile scenarios: only a regular file of bounded size is read") {
  SECTION("a character device is refused before it is read") {
    try {
      scenario::load_file("/dev/zero");
      FAIL("loads");
    } catch (const scenario::LoadError& e) {
      CHECK(std::string(e.what()) == "/dev/zero: the scenario file is a character device, not a regular file");
    }
  }
  SECTION("a directory") {
    const std::string dir = std::filesystem::temp_directory_path().string();
    CHECK_THROWS_WITH(sim::read_input_file(dir, 1024, "scenario file"),
                      dir + ": the scenario file is a directory, not a regular file");
  }
  SECTION("a FIFO without a writer does not hang") {
    const auto fifo = std::filesystem::temp_directory_path() / ("loadcast-hostile-fifo-" + std::to_string(::getpid()));
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_WITH(sim::read_input_file(fifo.string(), 1024, "result file"),
                      fifo.string() + ": the result file is a FIFO (named pipe), not a regular file");
    std::filesystem::remove(fifo);
  }
  SECTION("a file above the limit") {
    TempFile big("big.yaml", std::string(2048, '#'));
    CHECK_THROWS_WITH(sim::read_input_file(big.path.string(), 1024, "scenario file"),
                      big.path.string() + ": the scenario file is larger than 1 KiB, the most it may hold");
    CHECK(sim::read_input_file(big.path.string(), 2048, "scenario file").size() == 2048);
  }
  SECTION("an empirical sample from /dev/zero is refused before any allocation") {
    const std::string yaml = replace(kGood, "exp(1ms)", "empirical(/dev/zero)");
    CHECK_THAT(load_error(yaml), Catch::Contains("/dev/zero: the empirical file is a character device, not a regular file"));
  }
}
