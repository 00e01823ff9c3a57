#include "cli/scenario_file.hpp"

#include <cstdio>

#include "app/command_options.hpp"
#include "reports/run_outputs.hpp"

namespace loadcast::cli {

std::vector<scenario::Override> scenario_overrides(const Args& args) {
  const auto sets = app::parse_set(args.get_all("set"));
  // Overlays first, in order, then --set: the command line has the last word.
  std::vector<scenario::Override> overrides;
  for (const auto& file : args.get_all("overlay")) {
    const auto more = scenario::read_overlay(file);
    overrides.insert(overrides.end(), more.begin(), more.end());
  }
  overrides.insert(overrides.end(), sets.begin(), sets.end());
  return overrides;
}

std::optional<scenario::Scenario> read_scenario(const std::string& path, const Args& args) {
  try {
    return scenario::load_file(path, scenario_overrides(args));
  } catch (const scenario::LoadError& e) {
    print_load_errors(e);
    return std::nullopt;
  }
}

void print_load_errors(const scenario::LoadError& e) {
  for (const auto& line : e.errors()) std::fprintf(stderr, "%s\n", line.c_str());
}

void check_output(const std::string& path, bool file) {
  try {
    if (file) reports::check_output_file(path);
    else reports::check_output_dir(path);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
}

}  // namespace loadcast::cli
