// Every scenario shipped in scenarios/ passes `loadcast check` and runs, with every request
// accounted for; `loadcast sim` with no scenario runs bookmark-prod.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "reports/result.hpp"

namespace {

int shell(const std::string& command) {
  const int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::vector<std::string> shipped() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(LOADCAST_SOURCE_DIR) + "/scenarios")) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("loadcast-shipped-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace

TEST_CASE("ShippedScenarios: every scenario passes loadcast check and runs") {
  const auto files = shipped();
  REQUIRE(files.size() >= 3);
  for (const auto& file : files) {
    INFO(file);
    CHECK(shell(std::string(LOADCAST_BINARY) + " check " + file + " > /dev/null") == 0);
    const std::string out = temp_dir(std::filesystem::path(file).stem().string());
    REQUIRE(shell(std::string(LOADCAST_BINARY) + " sim " + file + " --duration 20m --threads 1 --quiet --out " + out) == 0);
    const auto r = loadcast::reports::load_result(out + "/result.json");
    CHECK(r.requests.total > 0);
    CHECK(r.requests.balanced());
    CHECK(r.requests.ok > 0);
    std::filesystem::remove_all(out);
  }
}

TEST_CASE("ShippedScenarios: loadcast sim without a scenario runs bookmark-prod") {
  const std::string out = temp_dir("default");
  REQUIRE(shell("cd " + std::string(LOADCAST_SOURCE_DIR) + " && " + LOADCAST_BINARY + " sim --duration 5m --threads 1 --quiet --out " + out) == 0);
  const auto r = loadcast::reports::load_result(out + "/result.json");
  CHECK(r.scenario == "bookmark-prod");
  CHECK(r.requests.balanced());
  std::filesystem::remove_all(out);
}
