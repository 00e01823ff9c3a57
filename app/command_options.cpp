#include "app/command_options.hpp"

#include <charconv>
#include <stdexcept>

#include "app/exit_code.hpp"

namespace loadcast::app {

std::vector<scenario::Override> parse_set(const std::vector<std::string>& texts) {
  std::vector<scenario::Override> out;
  for (const auto& text : texts) {
    try {
      out.push_back(scenario::parse_override(text));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--set ") + e.what());
    }
  }
  return out;
}

Shard parse_shard(const std::string& text, std::string_view example) {
  const auto slash = text.find('/');
  Shard shard;
  const auto parse = [](std::string_view s, std::uint64_t& v) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
  };
  if (slash == std::string::npos || !parse(std::string_view(text).substr(0, slash), shard.index) ||
      !parse(std::string_view(text).substr(slash + 1), shard.count)) {
    throw UsageError("--shard must be i/N with whole numbers, e.g. " + std::string(example) + ", got '" + text + "'");
  }
  if (shard.count == 0 || shard.index >= shard.count) throw UsageError("--shard i/N needs 0 <= i < N, got '" + text + "'");
  return shard;
}

Window parse_window(const std::string& text) {
  const auto dots = text.find("..");
  if (dots == std::string::npos) throw UsageError("--window must be FROM..TO (e.g. 12h..13h), got '" + text + "'");
  const auto from = sim::parse_duration(text.substr(0, dots));
  const auto to = sim::parse_duration(text.substr(dots + 2));
  if (!from || !to) {
    throw UsageError("--window " + text + ": FROM and TO must be durations with a unit (e.g. 12h..13h, 90m..2h)");
  }
  if (*from < 0 || *to <= *from) {
    throw UsageError("--window " + text + ": FROM (" + sim::format_duration(*from) + ") must be >= 0 and before TO (" +
                     sim::format_duration(*to) + ")");
  }
  return Window{*from, *to};
}

}  // namespace loadcast::app
