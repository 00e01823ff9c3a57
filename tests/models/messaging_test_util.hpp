// Helpers of the messaging and data-tier timeline tests: run a scenario given as YAML text with
// one thread, and read its events, series, failure causes and numbers.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "app/simulate.hpp"
#include "reports/result.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::testing {

inline reports::Result run(const std::string& yaml) {
  const auto sc = scenario::load_string(yaml, "messaging.yaml");
  app::SimOptions o;
  o.threads = 1;
  return app::simulate(sc, o).to_result();
}

inline std::vector<reports::Event> events(const reports::Result& r, const std::string& type, const std::string& target = "") {
  std::vector<reports::Event> out;
  for (const auto& e : r.events) {
    if (e.type == type && (target.empty() || e.target == target)) out.push_back(e);
  }
  return out;
}

inline const std::vector<double>& series(const reports::Result& r, const std::string& name) {
  auto it = r.timeseries.series.find(name);
  REQUIRE(it != r.timeseries.series.end());
  return it->second;
}

inline std::uint64_t cause(const reports::Result& r, const std::string& name) {
  auto it = r.requests.by_cause.find(name);
  return it == r.requests.by_cause.end() ? 0 : it->second;
}

inline double number(const reports::Json& j) { return j.get<double>(); }

// Scenario pieces shared by the timelines, to splice into their YAML text.
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
