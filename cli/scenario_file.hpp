// The scenario file a command is given, read with its --overlay files (scenario.hpp read_overlay)
// and then its --set overrides. An invalid scenario is
// printed, every problem on its own line ("file:line:col: path: sentence"), to stderr; the
// command then exits 2. Throws UsageError for a malformed --set.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::cli {

// The --overlay files' overrides in order, then --set's: what read_scenario() applies.
std::vector<scenario::Override> scenario_overrides(const Args& args);

// nullopt when the scenario is invalid (its problems printed).
std::optional<scenario::Scenario> read_scenario(const std::string& path, const Args& args);

void print_load_errors(const scenario::LoadError& e);

// Before a run: the output directory can be created and written (a file, when `file`), else a
// UsageError naming it, so a bad --out costs no run.
void check_output(const std::string& path, bool file = false);

}  // namespace loadcast::cli
