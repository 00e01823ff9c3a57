// ConfigProblem: what a component configuration's validate() returns for each thing wrong with
// it — the key it concerns and a sentence — so a configuration can be checked without the file
// it came from, and every problem is found at once (k6's `Validate() []error`).
//
// A key is a path of scenario keys relative to the configuration ("max", "health_check.interval",
// "policies[1].steps"; empty: the configuration as a whole, e.g. a relation between its keys).
// The scenario loader turns it into file:line:col by looking the key up again in the YAML it
// read (scenarios/loader/problem_report.hpp). A relation between two values is checked with the
// values in force: a value wrong on its own is reported, and its default stands in for it in
// the relations it has with the others (as if it had not been set). Pure data; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace loadcast::models {

struct ConfigProblem {
  std::string key;      // scenario keys relative to the configuration; empty: the whole of it
  std::string message;  // a sentence about the value, without the key: "must be at least 1"
  friend bool operator==(const ConfigProblem&, const ConfigProblem&) = default;
};

using ConfigProblems = std::vector<ConfigProblem>;

// "health_check" + "interval" -> "health_check.interval"; an empty side is left out.
std::string join_key(const std::string& prefix, const std::string& key);
// "policies" + 2 -> "policies[2]".
std::string item_key(const std::string& list, std::size_t index);
// Appends `inner` (a nested configuration's problems) to `out`, each key under `prefix`.
void add_problems(ConfigProblems& out, const std::string& prefix, const ConfigProblems& inner);

// The range sentences of the messaging configurations: "must be between 1 and 1000, found 0",
// "must be between 0s and 12h, found 13h" (durations as in the scenario, 0 as "0s").
std::string between(std::int64_t lo, std::int64_t hi, std::int64_t found);
std::string between_durations(sim::Time lo, sim::Time hi, sim::Time found);
// A duration as the scenario writes it: "30s", "12h", "0s".
std::string show_duration(sim::Time t);
// A number as the scenario writes it: 40 -> "40", 0.5 -> "0.5".
std::string show_number(double v);

}  // namespace loadcast::models
