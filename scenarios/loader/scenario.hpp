// Scenario: a parsed, validated scenario file — the one input both engines share.
//
// load_file() is the only way in: strict YAML (unknown keys are errors), every problem reported
// with file:line:col, the YAML path and a sentence, all problems at once. `overrides`
// ("services.web.autoscaling.min=2", as given to --set and sweep --grid) are applied to the YAML
// tree before validation, so an override is checked exactly like the file itself.
// The result is plain data: the simulator builds its model from it (app/simulate.hpp), the load
// generator reads `workload` and `duration`.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/core/config.hpp"
#include "cost/cost.hpp"
#include "sim/time.hpp"
#include "workload/workload_spec.hpp"

namespace loadcast::scenario {

// Where a run starts one component's capacity, and what `auto` gives there: every service,
// worker, replica set with replica auto scaling and Serverless v2 database has one, so the
// findings can tell a run that starts overloaded (models/core/initial_capacity.hpp).
struct InitialCapacity {
  std::string path;         // the scenario key: "services.web.desired", "database.initial_acu"
  double value = 0.0;       // what the run starts at
  double estimate = 0.0;    // what `auto` gives
  bool from_auto = false;   // the scenario says `auto`
  std::string basis;        // how the estimate was made
};

struct Scenario {
  std::string name;
  std::string path;      // the file it came from
  std::string base_dir;  // its directory: relative file references resolve here
  std::uint64_t seed = 1;
  sim::Time duration = 0;
  sim::Time warmup = 0;
  sim::Time interval = 60 * sim::kSecond;  // time-series resolution (`report_interval`)
  std::string region = "us-east-1";
  workload::WorkloadSpec workload;
  models::ModelConfig model;           // everything the simulator needs beyond the workload
  // Where each request class was read: "workload.requests[2]", or an inline request of a flow,
  // "workload.flows[0].steps[1].request" (parallel to workload.classes).
  std::vector<std::string> class_paths;
  std::vector<std::string> thresholds;  // k6-like expressions, evaluated on the result
  std::vector<std::string> threshold_locations;  // "file:line:col: thresholds[i]", parallel
  cost::CostConfig cost;              // `cost:` pricing file, workload period, fixed costs
  std::vector<InitialCapacity> initial_capacity;
};

struct Override {
  std::string path;   // "services.web.autoscaling.policies[0].target"
  std::string value;  // YAML scalar or flow text, e.g. "50", "[1, 2]", "exp(2ms)"
};

// Parses "path=value"; throws std::invalid_argument with a sentence when malformed.
Override parse_override(const std::string& text);

// An overlay file (`--overlay`, written by `loadcast calibrate`): a YAML mapping of scenario
// paths to scalar values, `workload.requests[0].steps[0].cpu: exp(12ms)`, each an Override in
// file order. Throws LoadError ("file:line:col: sentence") for an unreadable or malformed file.
std::vector<Override> read_overlay(const std::string& path);

// Every problem found, each "file:line:col: yaml.path: sentence".
class LoadError : public std::runtime_error {
 public:
  explicit LoadError(std::vector<std::string> errors);
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<std::string> errors_;
};

Scenario load_file(const std::string& path, const std::vector<Override>& overrides = {});
Scenario load_string(const std::string& yaml_text, const std::string& virtual_path = "<string>",
                     const std::vector<Override>& overrides = {});

}  // namespace loadcast::scenario
