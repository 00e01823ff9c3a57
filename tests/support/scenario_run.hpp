// Runs a scenario on one thread, as the model, cost and loader tests do, and reads what the run
// wrote: its events, series, status codes and failure causes. Test-only.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/simulate.hpp"
#include "reports/result.hpp"
#include "scenarios/loader/scenario.hpp"
#include "sim/time.hpp"

namespace loadcast::testing {

// `sc` simulated on one thread (so a failing case reproduces alone), for `duration` when given.
inline app::SimRun simulate_one_thread(const scenario::Scenario& sc, std::optional<sim::Time> duration = std::nullopt) {
  app::SimOptions o;
  o.threads = 1;
  o.duration = duration;
  return app::simulate(sc, o);
}

// The scenario text `yaml`, loaded as the file `file` and simulated on one thread.
inline app::SimRun simulate_text(const std::string& yaml, const std::string& file = "scenario.yaml") {
  return simulate_one_thread(scenario::load_string(yaml, file));
}

// The result.json of the scenario text `yaml` simulated on one thread.
inline reports::Result run(const std::string& yaml) { return simulate_text(yaml).to_result(); }

// The events of `type`, of `target` when given, in time order.
inline std::vector<reports::Event> events(const reports::Result& r, const std::string& type, const std::string& target = "") {
  std::vector<reports::Event> out;
  for (const auto& e : r.events) {
    if (e.type == type && (target.empty() || e.target == target)) out.push_back(e);
  }
  return out;
}

// The time series `name`; the test fails when the run has none.
inline const std::vector<double>& series(const reports::Result& r, const std::string& name) {
  auto it = r.timeseries.series.find(name);
  REQUIRE(it != r.timeseries.series.end());
  return it->second;
}

// Requests answered with the HTTP status `code` ("502"), 0 when none was.
inline std::uint64_t status(const reports::Result& r, const std::string& code) {
  auto it = r.requests.by_status.find(code);
  return it == r.requests.by_status.end() ? 0 : it->second;
}

// Requests failed with the cause `name` ("db_connection_timeout:api"), 0 when none was.
inline std::uint64_t cause(const reports::Result& r, const std::string& name) {
  auto it = r.requests.by_cause.find(name);
  return it == r.requests.by_cause.end() ? 0 : it->second;
}

// A number of a result section.
inline double number(const reports::Json& j) { return j.get<double>(); }

}  // namespace loadcast::testing
