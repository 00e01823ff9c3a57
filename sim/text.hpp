// Text helpers shared by the scenario-text parsers of sim/: durations (time.hpp) and
// distributions (distribution_text.hpp), and the UTF-8 check every name read from a file passes
// (JSON, and so result.json, holds only valid UTF-8). Pure functions, thread safe.
#pragma once

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace loadcast::sim {

// `s` without leading and trailing white space (std::isspace: blanks, tabs, CR, LF, ...).
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The length of the longest prefix of `s` that is valid UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF): s.size() when all of it is.
inline std::size_t valid_utf8_prefix(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c < 0x80) n = 1;
    else if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + n > s.size()) return i;
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return i;
    }
    i += n;
  }
  return i;
}

// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD.
inline std::string to_valid_utf8(std::string_view s) {
  std::string out;
  while (!s.empty()) {
    const std::size_t ok = valid_utf8_prefix(s);
    out.append(s.substr(0, ok));
    if (ok == s.size()) break;
    out.append("\xEF\xBF\xBD");
    s.remove_prefix(ok + 1);
  }
  return out;
}

}  // namespace loadcast::sim
