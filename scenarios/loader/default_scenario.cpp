#include "scenarios/loader/default_scenario.hpp"

#include <filesystem>

namespace loadcast::scenario {

Scenario load_default_scenario(const std::vector<std::string>& search_dirs, const std::vector<Override>& overrides) {
  for (const auto& dir : search_dirs) {
    const std::filesystem::path p = std::filesystem::path(dir) / kDefaultScenario;
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return load_file(dir == "." ? std::string(kDefaultScenario) : p.string(), overrides);
  }
  return load_string(std::string(embedded_default_scenario()), kEmbeddedDefaultScenario, overrides);
}

}  // namespace loadcast::scenario
