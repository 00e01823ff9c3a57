// Scenario texts for tests: editing a reference scenario, the errors a bad one loads with, and
// the pieces the model timelines splice into their YAML. Test-only.
#pragma once

#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "scenarios/loader/scenario.hpp"

namespace loadcast::testing {

// A valid scenario of one two-server station: the base the loader tests break one key of.
inline constexpr const char* kOneStationScenario = R"(name: ok
duration: 10m
workload:
  arrivals:
    process: poisson
    rate: 100
  requests:
    - name: job
      steps:
        - station: s1
          service: exp(1ms)
stations:
  s1:
    servers: 2
)";

// `text` with the first `from` replaced by `to`; the test fails when `from` is not there.
inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

// The message of the LoadError that loading `yaml` as the file `file` throws (every error, one
// per line); the test fails when it loads.
inline std::string load_error(const std::string& yaml, const std::string& file = "bad.yaml") {
  try {
    scenario::load_string(yaml, file);
  } catch (const scenario::LoadError& e) {
    return e.what();
  }
  FAIL("expected a LoadError for:\n" << yaml);
  return {};
}

// Every error of loading `yaml` as the file `file`, one string each.
inline std::vector<std::string> load_errors(const std::string& yaml, const std::string& file = "bad.yaml") {
  try {
    scenario::load_string(yaml, file);
  } catch (const scenario::LoadError& e) {
    return e.errors();
  }
  FAIL("expected a LoadError for:\n" << yaml);
  return {};
}

// One row of a table of bad scenarios: what is wrong (the name a failure is reported under), the
// scenario text, and what the error must say: "file:line:col: path: sentence", or the part of
// it the row pins.
struct LoadErrorCase {
  std::string name;
  std::string yaml;
  std::vector<std::string> expected;  // each a part of the message (all errors, one per line)
  bool single = false;                // the scenario has exactly this one error
};

// Loads every row's scenario as "bad.yaml", each in its own section named after the row: it
// must fail with every expected part in its message, and every error must start with its
// location "bad.yaml:line:col: ".
inline void check_load_errors(const std::vector<LoadErrorCase>& table) {
  // A section runs once per name: of two rows with one name, the second would never run.
  std::set<std::string> names;
  std::string repeated;
  for (const auto& row : table) {
    if (!names.insert(row.name).second) repeated += " '" + row.name + "'";
  }
  {
    INFO("rows named twice:" << repeated);
    CHECK(repeated.empty());
  }
  for (const auto& row : table) {
    DYNAMIC_SECTION(row.name) {
      std::vector<std::string> errors;
      std::string message;
      try {
        scenario::load_string(row.yaml, "bad.yaml");
        FAIL_CHECK("loads without an error:\n" << row.yaml);
      } catch (const scenario::LoadError& e) {
        errors = e.errors();
        message = e.what();
      }
      for (const auto& e : errors) {
        INFO(e);
        CHECK(std::regex_search(e, std::regex("^bad\\.yaml:[0-9]+:[0-9]+: ")));
      }
      for (const auto& part : row.expected) CHECK_THAT(message, Catch::Contains(part));
      if (row.single) {
        CHECK(errors.size() == 1);
        CHECK(message.find('\n') == std::string::npos);
      }
    }
  }
}

// ---------------------------------------------------------------- pieces of model timelines

// One service `api` behind an ALB: `head` (seed, duration, workload), the service's keys, and
// whatever follows (a database).
inline std::string deployment(const std::string& head, const std::string& service, const std::string& tail = "") {
  return head + R"(
load_balancer:
  type: alb
  default: api
services:
  api:
    cpu: 1024
    memory: 2048
)" + service + tail;
}

// `  requests:` of one class `order` publishing to `target` ("queue: q" or "topic: t") over
// `groups` message groups; it follows `workload:` and its `arrivals:`.
inline std::string publish_requests(const std::string& target, int groups) {
  return "  requests:\n    - { name: order, path: /o, steps: [ { publish: { " + target + ", groups: " + std::to_string(groups) +
         " } } ] }\n";
}

// `  requests:` of one class `read` (1 ms of CPU, then one read) or `write` (2 ms, then one
// write), and the ALB in front of the service `api` given as a flow mapping.
inline std::string db_requests(bool writes, const std::string& api) {
  const char* cls = writes ? "{ name: write, path: /w, steps: [ { cpu: const(2ms) }, { db: { writes: 1 } } ] }"
                           : "{ name: read, path: /r, steps: [ { cpu: const(1ms) }, { db: { reads: 1 } } ] }";
  return std::string("  requests:\n    - ") + cls + "\nload_balancer: { type: alb, default: api }\nservices:\n  api: " + api + "\n";
}

// The service of the read timelines: 4 vCPUs, 4 threads, 2 tasks, pools of 100.
inline const std::string kReadApi = "{ cpu: 4096, memory: 8192, threads: 4, desired: 2, db_pool: { size: 100 } }";

// `database:`: a provisioned Aurora MySQL writer db.r8g.large with `query` and further keys
// `extra` (lines indented by two).
inline std::string aurora_mysql(const std::string& query, const std::string& extra = "") {
  return "database:\n  type: aurora_provisioned\n  engine: mysql\n  instance_class: db.r8g.large\n  query: " + query + "\n" + extra;
}

}  // namespace loadcast::testing
