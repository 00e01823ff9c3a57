// Helpers of the web-tier timeline tests: run a scenario text on one thread and read its events,
// series, status codes and failure causes. Test-only.
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
  const auto sc = scenario::load_string(yaml, "timeline.yaml");
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

inline std::uint64_t status(const reports::Result& r, const std::string& code) {
  auto it = r.requests.by_status.find(code);
  return it == r.requests.by_status.end() ? 0 : it->second;
}

inline std::uint64_t cause(const reports::Result& r, const std::string& name) {
  auto it = r.requests.by_cause.find(name);
  return it == r.requests.by_cause.end() ? 0 : it->second;
}

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

}  // namespace loadcast::testing
