// Problems of a configuration's validate() as "key: message" lines, so a failing check prints
// them readably.
#pragma once

#include <string>
#include <vector>

#include "models/core/config_problem.hpp"

namespace loadcast::models::testing {

inline std::vector<std::string> lines(const ConfigProblems& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back((p.key.empty() ? std::string("(itself)") : p.key) + ": " + p.message);
  return out;
}

using Lines = std::vector<std::string>;

}  // namespace loadcast::models::testing
