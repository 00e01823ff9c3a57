// The scenario `loadcast sim` runs when given none: scenarios/bookmark-prod.yaml. It is looked
// for under each search directory in order (the working directory, then the source tree the
// binary was built from); when none has it, the copy compiled into the binary at build time
// (embed_scenario.cmake) is used, so a copied or installed binary runs it too.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenarios/loader/scenario.hpp"

namespace loadcast::scenario {

inline constexpr const char* kDefaultScenario = "scenarios/bookmark-prod.yaml";
// Scenario::path of the compiled-in copy (error messages name it).
inline constexpr const char* kEmbeddedDefaultScenario = "<built-in>/scenarios/bookmark-prod.yaml";

// The text of scenarios/bookmark-prod.yaml as it was when the binary was built.
std::string_view embedded_default_scenario();

// `<dir>/scenarios/bookmark-prod.yaml` for the first dir that has it, else the compiled-in
// copy; throws LoadError like load_file.
Scenario load_default_scenario(const std::vector<std::string>& search_dirs, const std::vector<Override>& overrides = {});

}  // namespace loadcast::scenario
