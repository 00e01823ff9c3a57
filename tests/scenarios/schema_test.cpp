// scenarios/scenario.schema.json is what editors complete and check scenario files against: it
// must accept every scenario we ship, the benchmark and validation scenarios, and the scenario
// fragments of the documentation (README.md and docs/**/*.md), and it must reject what the loader
// rejects for the same reason (an unknown key, a value outside an enum). A key added to the
// loader but not to the schema fails here as soon as a shipped file or documented example uses
// it.
//
// The validator below implements the part of JSON Schema (draft-07) the file uses: $ref into
// #/definitions, allOf, anyOf, oneOf (as "any"), type, properties, additionalProperties,
// required, items, enum and pattern. YAML scalars carry no type, so "number" means "reads as a
// number" and "boolean" "true or false".
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/run_command.hpp"
#include "tests/scenarios/doc_files.hpp"

namespace {

using nlohmann::json;

std::string read(const std::string& path) {
  std::string text = loadcast::testing::read_file(path);
  REQUIRE(!text.empty());
  return text;
}

const json& schema() {
  static const json s = json::parse(read(std::string(LOADCAST_SOURCE_DIR) + "/scenarios/scenario.schema.json"));
  return s;
}

bool is_number(const std::string& text, bool integer) {
  if (text.empty()) return false;
  std::size_t used = 0;
  try {
    if (integer) (void)std::stoll(text, &used);
    else (void)std::stod(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == text.size();
}

bool type_matches(const std::string& type, const YAML::Node& n) {
  if (type == "object") return n.IsMap();
  if (type == "array") return n.IsSequence();
  if (!n.IsScalar()) return type == "null" && n.IsNull();
  const std::string& text = n.Scalar();
  if (type == "string") return true;
  if (type == "number") return is_number(text, false);
  if (type == "integer") return is_number(text, true);
  if (type == "boolean") return text == "true" || text == "false";
  return false;
}

class Validator {
 public:
  explicit Validator(bool check_required) : check_required_(check_required) {}

  // Problems found in `n` against `s`, as "path: sentence".
  std::vector<std::string> problems(const json& s, const YAML::Node& n, const std::string& path) const {
    std::vector<std::string> out;
    check(s, n, path, out);
    return out;
  }

 private:
  bool check_required_;

  const json& resolve(const json& s) const {
    if (!s.contains("$ref")) return s;
    const std::string ref = s["$ref"];
    REQUIRE(ref.rfind("#/definitions/", 0) == 0);
    const std::string name = ref.substr(14);
    INFO("unresolved $ref " << ref);
    REQUIRE(schema()["definitions"].contains(name));
    return resolve(schema()["definitions"][name]);
  }

  void check(const json& raw, const YAML::Node& n, const std::string& path, std::vector<std::string>& out) const {
    const json& s = resolve(raw);
    if (s.is_boolean()) {
      if (!s.get<bool>()) out.push_back(path + ": not allowed");
      return;
    }
    if (s.contains("allOf")) {
      for (const auto& sub : s["allOf"]) check(sub, n, path, out);
    }
    for (const char* any_key : {"anyOf", "oneOf"}) {
      if (!s.contains(any_key)) continue;
      bool one = false;
      std::vector<std::string> first;
      for (const auto& sub : s[any_key]) {
        auto p = problems(sub, n, path);
        if (p.empty()) {
          one = true;
          break;
        }
        if (first.empty()) first = p;
      }
      if (!one) out.push_back(path + ": matches none of " + any_key + " (first: " + (first.empty() ? "?" : first[0]) + ")");
    }
    if (s.contains("type")) {
      bool ok = false;
      if (s["type"].is_array()) {
        for (const auto& t : s["type"]) ok = ok || type_matches(t.get<std::string>(), n);
      } else {
        ok = type_matches(s["type"].get<std::string>(), n);
      }
      if (!ok) {
        out.push_back(path + ": is not of type " + s["type"].dump());
        return;
      }
    }
    if (s.contains("enum") && n.IsScalar()) {
      bool found = false;
      for (const auto& e : s["enum"]) {
        found = found || (e.is_string() ? e.get<std::string>() == n.Scalar() : e.dump() == n.Scalar());
      }
      if (!found) out.push_back(path + ": '" + n.Scalar() + "' is not one of " + s["enum"].dump());
    }
    if (s.contains("pattern") && n.IsScalar()) {
      if (!std::regex_search(n.Scalar(), std::regex(s["pattern"].get<std::string>()))) {
        out.push_back(path + ": '" + n.Scalar() + "' does not match " + s["pattern"].get<std::string>());
      }
    }
    if (n.IsMap()) {
      if (check_required_ && s.contains("required")) {
        for (const auto& r : s["required"]) {
          if (!n[r.get<std::string>()]) out.push_back(path + ": missing required key '" + r.get<std::string>() + "'");
        }
      }
      const bool has_props = s.contains("properties");
      for (const auto& kv : n) {
        const std::string key = kv.first.Scalar();
        const std::string child = path.empty() ? key : path + "." + key;
        if (has_props && s["properties"].contains(key)) {
          check(s["properties"][key], kv.second, child, out);
        } else if (s.contains("additionalProperties")) {
          check(s["additionalProperties"], kv.second, child, out);
        }
      }
    }
    if (n.IsSequence() && s.contains("items")) {
      for (std::size_t i = 0; i < n.size(); ++i) check(s["items"], n[i], path + "[" + std::to_string(i) + "]", out);
    }
  }
};

std::vector<std::string> validate_file(const std::string& file) {
  return Validator(true).problems(schema(), YAML::LoadFile(file), "");
}

std::vector<std::string> validate_text(const std::string& yaml, bool check_required) {
  return Validator(check_required).problems(schema(), YAML::Load(yaml), "");
}

}  // namespace

TEST_CASE("Schema: every shipped, benchmark, validation and tutorial scenario is valid") {
  const std::string root = LOADCAST_SOURCE_DIR;
  for (const char* f : {"scenarios/bookmark-prod.yaml", "scenarios/pdf-app.yaml", "scenarios/pos-production.yaml",
                        "scenarios/step-load.yaml", "tests/bench/mm4-rho09.yaml", "tests/bench/web-day-100rps.yaml",
                        "tests/bench/flow-sessions.yaml", "tests/bench/flow-weighted.yaml", "docs/examples/bookmark-journey.yaml",
                        "tests/loadgen/mm4-validate.yaml", "docs/examples/orders-api.yaml",
                        "docs/examples/orders-black-friday.yaml"}) {
    INFO(f);
    const auto p = validate_file(root + "/" + f);
    CHECK(p == std::vector<std::string>{});
  }
}

TEST_CASE("Schema: the scenarios loadcast import writes are valid") {
  const std::string root = LOADCAST_SOURCE_DIR;
  const std::string dir = loadcast::testing::temp_dir("schema-import");
  const std::vector<std::pair<std::string, std::string>> imports = {
      {"copilot " + root + "/tests/scenarios/import/copilot-pos --env production", dir + "/pos.yaml"},
      {"terraform " + root + "/tests/scenarios/import/terraform-bookmark/plan.json", dir + "/bookmark.yaml"},
      {"terraform " + root + "/tests/scenarios/import/terraform-shop-state/state.json", dir + "/shop.yaml"},
      {"alb-logs " + root + "/tests/scenarios/import/alb-logs/access.log", dir + "/alb.yaml"},
  };
  for (const auto& [args, out] : imports) {
    INFO(args);
    const auto r = loadcast::testing::run_command(loadcast::testing::loadcast_binary() + " import " + args + " --out " + out);
    REQUIRE((r.exit_code == 0 || r.exit_code == 3));
    CHECK(validate_file(out) == std::vector<std::string>{});
  }
}

TEST_CASE("Schema: the scenario fragments of README.md and docs/ are valid") {
  // Every ```yaml block of README.md and docs/**/*.md that starts with a top-level scenario key,
  // except the price-table example (a cost/prices file, not a scenario: it has `prices`);
  // fragments, so required keys are not asked for.
  const std::string root = LOADCAST_SOURCE_DIR;
  const std::regex block("```yaml\n([\\s\\S]*?)```");
  int checked = 0;
  int checked_in_docs = 0;
  for (const auto& file : loadcast::testing::documentation_files(root)) {
    const std::string doc = read(root + "/" + file);
    for (auto it = std::sregex_iterator(doc.begin(), doc.end(), block); it != std::sregex_iterator(); ++it) {
      const std::string text = (*it)[1].str();
      const YAML::Node n = YAML::Load(text);
      if (!n.IsMap() || !schema()["properties"].contains(n.begin()->first.Scalar()) || n["prices"]) continue;
      INFO(file << ":\n" << text);
      CHECK(validate_text(text, false) == std::vector<std::string>{});
      ++checked;
      if (file != "README.md") ++checked_in_docs;
    }
  }
  CHECK(checked >= 5);
  CHECK(checked_in_docs >= 5);
}

TEST_CASE("Schema: it rejects what the loader rejects") {
  const std::string good = read(std::string(LOADCAST_SOURCE_DIR) + "/scenarios/step-load.yaml");
  REQUIRE(validate_text(good, true).empty());
  auto with = [&good](const std::string& from, const std::string& to) {
    std::string t = good;
    const auto pos = t.find(from);
    REQUIRE(pos != std::string::npos);
    return validate_text(t.replace(pos, from.size(), to), true);
  };
  const auto unknown = with("  api:\n", "  api:\n    colour: blue\n");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0] == "services.api.colour: not allowed");
  const auto algorithm = with("algorithm: round_robin", "algorithm: random");
  REQUIRE(algorithm.size() == 1);
  CHECK(algorithm[0].find("load_balancer.algorithm: 'random' is not one of") == 0);
  const auto rounding = with("target: 70,", "target: 70, scale_in_rounding: round,");
  REQUIRE(rounding.size() == 1);
  CHECK(rounding[0].find("services.api.autoscaling.policies[0]") == 0);
  CHECK(with("duration: 90m", "duration: 90 minutes").size() == 1);
  CHECK(with("duration: 90m\n", "") == std::vector<std::string>{": missing required key 'duration'"});
}

TEST_CASE("Schema: it accepts the flows syntax and rejects a misspelt flow key") {
  const std::string flows = R"(duration: 10m
workload:
  arrivals: { rate: 5 }
  requests:
    - { name: login, method: POST, path: /login, steps: [ { delay: exp(2ms) } ] }
    - { name: get-order, path: '/orders/{order_id}', headers: { Authorization: 'Bearer {token}' } }
  flows:
    - name: buyer
      weight: 3
      cookies: true
      credentials: { csv: users.csv }
      setup:
        - request: login
          extract: { token: { json: /token } }
      steps:
        - name: create
          request: { method: POST, path: /orders, steps: [ { delay: exp(3ms) } ] }
          think: exp(2s)
          repeat: 2
          extract:
            order_id: { json: /id }
            loc: { header: Location }
            n: { regex: 'id=([0-9]+)' }
            st: { status: true }
          checks:
            - { name: created, status: 201 }
            - { name: has-id, json: /id, exists: true }
            - { name: open, json: /state, equals: open }
            - { name: says-ok, body_contains: ok }
        - name: read
          request: get-order
          think: const(1s)
          repeat: 'uniform_int(1, 5)'
          next: [ { to: read, p: 0.5 }, { to: create, p: 0.2 } ]
          exit: 0.3
)";
  CHECK(validate_text(flows, true) == std::vector<std::string>{});
  auto with = [&flows](const std::string& from, const std::string& to) {
    std::string t = flows;
    const auto pos = t.find(from);
    REQUIRE(pos != std::string::npos);
    return validate_text(t.replace(pos, from.size(), to), true);
  };
  CHECK(with("          exit: 0.3", "          exits: 0.3") == std::vector<std::string>{"workload.flows[0].steps[1].exits: not allowed"});
  const auto misspelt = with("{ json: /token }", "{ jsn: /token }");
  CHECK(std::find(misspelt.begin(), misspelt.end(), "workload.flows[0].setup[0].extract.token.jsn: not allowed") != misspelt.end());
  CHECK(with("cookies: true", "cookies: yes") == std::vector<std::string>{"workload.flows[0].cookies: is not of type \"boolean\""});
  // A setup step runs once, in order: it has no branches.
  CHECK(with("        - request: login\n", "        - request: login\n          next: []\n") ==
        std::vector<std::string>{"workload.flows[0].setup[0].next: not allowed"});
  CHECK(with("  requests:\n", "  request:\n")[0] == "workload.request: not allowed");
  // A listed request needs its name, an inline one does not.
  CHECK(with("    - { name: login, ", "    - { ") == std::vector<std::string>{"workload.requests[0]: missing required key 'name'"});
}
