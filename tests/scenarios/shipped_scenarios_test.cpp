// Every scenario shipped in scenarios/ and docs/examples/ (the tutorial's) passes `loadcast check`
// and runs, with every request accounted for; `loadcast sim` with no scenario runs bookmark-prod.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "reports/result.hpp"
#include "scenarios/loader/default_scenario.hpp"
#include "tests/support/run_command.hpp"

using loadcast::testing::read_file;
using loadcast::testing::temp_dir;

namespace {

// The exit code of `command` run by the shell (its output is captured and dropped).
int shell(const std::string& command) { return loadcast::testing::run_command(command).exit_code; }

std::vector<std::string> shipped() {
  std::vector<std::string> out;
  for (const char* dir : {"/scenarios", "/docs/examples"}) {
    for (const auto& e : std::filesystem::directory_iterator(std::string(LOADCAST_SOURCE_DIR) + dir)) {
      if (e.path().extension() == ".yaml") out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("ShippedScenarios: every scenario passes loadcast check and runs") {
  const auto files = shipped();
  REQUIRE(files.size() >= 3);
  for (const auto& file : files) {
    INFO(file);
    CHECK(shell(std::string(LOADCAST_BINARY) + " check " + file) == 0);
    const std::string out = temp_dir("shipped-" + std::filesystem::path(file).stem().string());
    REQUIRE(shell(std::string(LOADCAST_BINARY) + " sim " + file + " --duration 20m --threads 1 --quiet --out " + out) == 0);
    const auto r = loadcast::reports::load_result(out + "/result.json");
    CHECK(r.requests.total > 0);
    CHECK(r.requests.balanced());
    CHECK(r.requests.ok > 0);
    std::filesystem::remove_all(out);
  }
}

TEST_CASE("ShippedScenarios: loadcast sim without a scenario runs bookmark-prod") {
  const std::string out = temp_dir("shipped-default");
  REQUIRE(shell("cd " + std::string(LOADCAST_SOURCE_DIR) + " && " + LOADCAST_BINARY + " sim --duration 5m --threads 1 --quiet --out " + out) == 0);
  const auto r = loadcast::reports::load_result(out + "/result.json");
  CHECK(r.scenario == "bookmark-prod");
  CHECK(r.requests.balanced());
  std::filesystem::remove_all(out);
}

TEST_CASE("ShippedScenarios: the default scenario is compiled in and used when no file is found") {
  const std::string file = std::string(LOADCAST_SOURCE_DIR) + "/" + loadcast::scenario::kDefaultScenario;
  CHECK(std::string(loadcast::scenario::embedded_default_scenario()) == read_file(file));
  // A binary copied away from the source tree finds no file and runs its own copy...
  const auto built_in = loadcast::scenario::load_default_scenario({"/nonexistent-dir"});
  CHECK(built_in.name == "bookmark-prod");
  CHECK(built_in.path == loadcast::scenario::kEmbeddedDefaultScenario);
  CHECK(built_in.model.services.size() == 2);
  // ...and the file wins where there is one.
  const auto from_file = loadcast::scenario::load_default_scenario({"/nonexistent-dir", LOADCAST_SOURCE_DIR});
  CHECK(from_file.path == file);
  CHECK(from_file.duration == built_in.duration);
  // Overrides apply to the built-in copy like to a file.
  const auto overridden = loadcast::scenario::load_default_scenario({"/nonexistent-dir"}, {loadcast::scenario::parse_override("duration=5m")});
  CHECK(overridden.duration == 5 * loadcast::sim::kMinute);
}
