#include "cli/scenario_file.hpp"

#include <cstdio>

#include "app/command_options.hpp"

namespace loadcast::cli {

std::optional<scenario::Scenario> read_scenario(const std::string& path, const Args& args) {
  const auto overrides = app::parse_set(args.get_all("set"));
  try {
    return scenario::load_file(path, overrides);
  } catch (const scenario::LoadError& e) {
    print_load_errors(e);
    return std::nullopt;
  }
}

void print_load_errors(const scenario::LoadError& e) {
  for (const auto& line : e.errors()) std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace loadcast::cli
