// Text helpers shared by the scenario-text parsers of sim/: durations (time.hpp) and
// distributions (distribution_text.hpp). Pure functions, thread safe.
#pragma once

#include <cctype>
#include <string_view>

namespace loadcast::sim {

// `s` without leading and trailing white space (std::isspace: blanks, tabs, CR, LF, ...).
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace loadcast::sim
