#include "sim/time.hpp"

#include <charconv>
#include <cstdio>

#include "sim/text.hpp"

namespace loadcast::sim {

namespace {

std::optional<double> unit_ns(std::string_view unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us" || unit == "µs") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  if (unit == "m" || unit == "min") return 60e9;
  if (unit == "h") return 3600e9;
  if (unit == "d") return 86400e9;
  return std::nullopt;
}

}  // namespace

std::optional<Time> parse_duration(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  // Compound forms such as "1m30s" are accepted: a sequence of number+unit parts.
  double total = 0.0;
  bool any = false;
  while (!text.empty()) {
    std::size_t i = 0;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    double value = 0.0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, value);
    if (ec != std::errc() || ptr != text.data() + i) return std::nullopt;
    text.remove_prefix(i);
    std::size_t j = 0;
    while (j < text.size() && !((text[j] >= '0' && text[j] <= '9') || text[j] == '.')) ++j;
    auto scale = unit_ns(trim(text.substr(0, j)));
    if (!scale) return std::nullopt;
    text.remove_prefix(j);
    total += value * *scale;
    any = true;
  }
  if (!any || !(total >= 0.0) || total > 9.2e18) return std::nullopt;
  return static_cast<Time>(std::llround(total));
}

std::string format_duration(Time t) {
  char buf[64];
  const double a = static_cast<double>(t < 0 ? -t : t);
  const char* sign = t < 0 ? "-" : "";
  if (t % kHour == 0 && t != 0) {
    std::snprintf(buf, sizeof buf, "%s%lldh", sign, static_cast<long long>(a / 3600e9));
  } else if (t % kMinute == 0 && t != 0) {
    std::snprintf(buf, sizeof buf, "%s%lldm", sign, static_cast<long long>(a / 60e9));
  } else if (a >= 1e9) {
    std::snprintf(buf, sizeof buf, "%s%gs", sign, a / 1e9);
  } else if (a >= 1e6) {
    std::snprintf(buf, sizeof buf, "%s%gms", sign, a / 1e6);
  } else if (a >= 1e3) {
    std::snprintf(buf, sizeof buf, "%s%gus", sign, a / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%s%lldns", sign, static_cast<long long>(a));
  }
  return buf;
}

}  // namespace loadcast::sim
