// Golden results: each shipped scenario, run by the loadcast binary with its own seed, gives its
// approved result.json bit for bit. This is the simulator's determinism promise checked where it
// matters — across builds and machines: the Release and the sanitizer builds (-O2 and -O1) of CI
// compare against the same approved files in tests/golden/.
//
// An approved file holds a 64-bit FNV-1a hash of result.json and a summary of what a reader
// checks first (counts, latency, cost, how many events of each type, each service's scaling), so
// a failure says what moved. After an intended change of the model, one command re-approves:
//
//   LOADCAST_APPROVE=1 build/release/tests/cli/test_cli "Golden: *"
//
// and the diff of tests/golden/ shows what the change did to every shipped scenario.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/run_command.hpp"

using namespace loadcast::testing;
using nlohmann::json;

namespace {

std::string fnv1a64(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  static const char* kHex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = kHex[h & 0xF];
  return out;
}

void flatten(const json& j, const std::string& prefix, json& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out);
  } else if (!j.is_array()) {
    out[prefix] = j;
  }
}

// What a reader looks at first; every value is in the hashed file too.
json summary_of(const json& r) {
  json s = json::object();
  flatten(r.at("requests"), "requests", s);
  s["throughput_rps"] = r.at("throughput_rps");
  flatten(r.at("latency_ms"), "latency_ms", s);
  if (r.contains("cost") && r.at("cost").contains("monthly_usd")) {
    s["cost.monthly_usd.total"] = r.at("cost").at("monthly_usd").at("total");
  }
  std::map<std::string, int> by_type;
  for (const auto& e : r.at("events")) ++by_type[e.at("type").get<std::string>()];
  for (const auto& [type, n] : by_type) s["events." + type] = n;
  for (const char* section : {"services", "workers"}) {
    if (!r.contains(section)) continue;
    for (const auto& [name, svc] : r.at(section).items()) {
      for (const char* key : {"tasks_max", "tasks_launched", "scale_outs", "scale_ins"}) {
        if (svc.contains(key)) s[std::string(section) + "." + name + "." + key] = svc.at(key);
      }
    }
  }
  return s;
}

// The keys whose values differ (or exist on one side only), one per line.
std::string differences(const json& approved, const json& now) {
  std::string out;
  for (const auto& [k, v] : approved.items()) {
    if (!now.contains(k)) {
      out += "  " + k + ": approved " + v.dump() + ", now absent\n";
    } else if (now.at(k) != v) {
      out += "  " + k + ": approved " + v.dump() + ", now " + now.at(k).dump() + "\n";
    }
  }
  for (const auto& [k, v] : now.items()) {
    if (!approved.contains(k)) out += "  " + k + ": new, " + v.dump() + "\n";
  }
  return out;
}

void check_golden(const std::string& name, const std::string& args) {
  const std::string source = LOADCAST_SOURCE_DIR;
  const std::string golden_path = source + "/tests/golden/" + name + ".json";
  const std::string dir = temp_dir("golden-" + name);
  const auto r = run_command("cd " + source + " && " + loadcast_binary() + " sim " + args + " --quiet --out " + dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string bytes = read_file(dir + "/result.json");
  REQUIRE(!bytes.empty());
  const json now = {{"command", "loadcast sim " + args},
                    {"result_fnv1a64", fnv1a64(bytes)},
                    {"result_bytes", bytes.size()},
                    {"summary", summary_of(json::parse(bytes))}};
  std::filesystem::remove_all(dir);

  const char* approve = std::getenv("LOADCAST_APPROVE");
  if (approve != nullptr && std::string(approve) == "1") {
    write_file(golden_path, now.dump(2) + "\n");
    WARN("approved " << golden_path);
    return;
  }
  const std::string text = read_file(golden_path);
  INFO("no approved result at " << golden_path
                                << ": run LOADCAST_APPROVE=1 build/release/tests/cli/test_cli \"Golden: *\"");
  REQUIRE(!text.empty());
  const json approved = json::parse(text);
  REQUIRE(approved.at("command") == now.at("command"));
  std::string changes = differences(approved.at("summary"), now.at("summary"));
  if (changes.empty()) changes = "  none: the change is outside the summary; compare with a run of the approved build\n";
  INFO(name << ": result.json differs from the approved one (" << now.at("result_bytes") << " bytes now, "
            << approved.at("result_bytes") << " approved). Summary changes:\n"
            << changes << "If the change is intended: LOADCAST_APPROVE=1 build/release/tests/cli/test_cli \"Golden: *\"");
  CHECK(now.at("result_fnv1a64") == approved.at("result_fnv1a64"));
}

}  // namespace

TEST_CASE("Golden: bookmark-prod (the default scenario) gives its approved result") {
  check_golden("bookmark-prod", "scenarios/bookmark-prod.yaml");
}

TEST_CASE("Golden: step-load with three replications gives its approved result") {
  check_golden("step-load", "scenarios/step-load.yaml --replications 3 --threads 2");
}

TEST_CASE("Golden: pdf-app gives its approved result") { check_golden("pdf-app", "scenarios/pdf-app.yaml"); }

TEST_CASE("Golden: pos-production gives its approved result") {
  check_golden("pos-production", "scenarios/pos-production.yaml");
}
