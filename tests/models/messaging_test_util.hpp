// Helpers of the messaging and data-tier timeline tests: run a scenario given as YAML text with
// one thread, and read its events, series, failure causes and numbers.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "reports/result.hpp"
#include "scenarios/loader/scenario.hpp"
#include "scenarios/loader/simulate.hpp"

namespace loadcast::testing {

inline reports::Result run(const std::string& yaml) {
  const auto sc = scenario::load_string(yaml, "messaging.yaml");
  scenario::SimOptions o;
  o.threads = 1;
  return scenario::simulate(sc, o);
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

}  // namespace loadcast::testing
