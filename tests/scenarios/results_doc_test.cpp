// docs/results.md documents every key a result has: every shipped and tutorial scenario runs
// (20 minutes, with a --window), a queueing scenario runs with two replications (for ci95 and
// stations), and each key of their result.json — outside the maps keyed by the scenario's own
// names — must appear in a code span of docs/results.md, as must each time series' metric, each
// event type and each bottleneck rule. A key added to the result without a line in the docs
// fails here.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/findings.hpp"
#include "tests/support/run_command.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kRoot = LOADCAST_SOURCE_DIR;

// The words ([A-Za-z0-9_]+) of every inline code span of a Markdown text.
std::set<std::string> code_words(const std::string& text) {
  std::set<std::string> words;
  std::size_t at = 0;
  while ((at = text.find('`', at)) != std::string::npos) {
    const auto end = text.find('`', at + 1);
    if (end == std::string::npos) break;
    std::string word;
    for (std::size_t i = at + 1; i <= end; ++i) {
      const char c = text[i];
      if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_') {
        word += c;
      } else if (!word.empty()) {
        words.insert(word);
        word.clear();
      }
    }
    at = end + 1;
  }
  return words;
}

// Objects whose keys are names from the scenario (or metric paths, for ci95), not result keys.
bool keyed_by_name(const std::string& parent_key) {
  static const std::set<std::string> maps{"by_status", "by_cause",    "classes",   "stations",   "queues",
                                          "services",  "workers",     "databases", "topics",     "target_groups",
                                          "histograms", "items",      "db_proxy",  "pool_limits", "idle_limits",
                                          "replica_autoscaling", "ci95", "series", "unexpected_statuses", "flows",
                                          "steps"};
  return maps.count(parent_key) != 0;
}

// Every key of `j` at `path`, names of the scenario left out (initial_capacity's keys are paths
// such as `services.api.desired`: their last word is checked).
void collect(const json& j, const std::string& parent_key, const std::string& path, std::set<std::string>& out) {
  if (j.is_array()) {
    for (const auto& e : j) collect(e, parent_key, path + "[]", out);
    return;
  }
  if (!j.is_object()) return;
  const bool names = keyed_by_name(parent_key);
  for (const auto& [k, v] : j.items()) {
    if (!names) out.insert(path.empty() ? k : path + "." + k);
    const std::string key = names ? "<name>" : k;
    collect(v, key, path.empty() ? key : path + "." + key, out);
  }
}

std::string leaf(const std::string& path) {
  const auto dot = path.rfind('.');
  std::string k = dot == std::string::npos ? path : path.substr(dot + 1);
  if (k.size() > 2 && k.compare(k.size() - 2, 2, "[]") == 0) k.resize(k.size() - 2);
  return k;
}

}  // namespace

TEST_CASE("Docs: docs/results.md documents every key of the results of the shipped and tutorial scenarios") {
  std::vector<std::string> runs;
  for (const char* dir : {"scenarios", "docs/examples"}) {
    for (const auto& e : fs::directory_iterator(kRoot / dir)) {
      if (e.path().extension() == ".yaml") runs.push_back(e.path().string() + " --duration 20m --window 5m..10m");
    }
  }
  runs.push_back((kRoot / "tests/bench/mm4-rho09.yaml").string() + " --duration 2m --replications 2");
  const std::string words_text = loadcast::testing::read_file((kRoot / "docs/results.md").string());
  const auto words = code_words(words_text);
  REQUIRE(words.count("oldest_age_peak_s") == 1);

  std::set<std::string> keys, series, events;
  const std::string out = loadcast::testing::temp_dir("results-doc");
  for (const auto& run : runs) {
    INFO(run);
    const auto r = loadcast::testing::run_command(loadcast::testing::loadcast_binary() + " sim " + run + " --threads 1 --quiet --out " + out);
    REQUIRE(r.exit_code == 0);
    const json result = json::parse(loadcast::testing::read_file(out + "/result.json"));
    collect(result, "", "", keys);
    for (const auto& [name, values] : result["timeseries"]["series"].items()) {
      const auto dot = name.rfind('.');
      series.insert(dot == std::string::npos ? name : name.substr(dot + 1));
    }
    for (const auto& e : result["events"]) events.insert(e["type"].get<std::string>());
  }
  fs::remove_all(out);
  REQUIRE(keys.count("findings.queues") == 1);
  REQUIRE(keys.count("window.latency_ms.p99") == 1);
  REQUIRE(keys.count("ci95") == 1);

  std::vector<std::string> undocumented;
  for (const auto& k : keys) {
    if (words.count(leaf(k)) == 0) undocumented.push_back(k);
  }
  for (const auto& s : series) {
    const bool per_code = s.rfind("http_", 0) == 0 && s != "http_5xx";  // http_<code>
    if (!per_code && words.count(s) == 0) undocumented.push_back("timeseries.series.*." + s);
  }
  for (const auto& e : events) {
    if (words.count(e) == 0) undocumented.push_back("events[].type " + e);
  }
  for (const auto& rule : loadcast::reports::finding_rules()) {
    if (words.count(rule.id) == 0) undocumented.push_back(std::string("findings rule ") + rule.id);
  }
  CHECK(undocumented == std::vector<std::string>{});
  CHECK(keys.size() > 300);
}
