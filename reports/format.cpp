#include "reports/format.hpp"

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <ctime>

namespace loadcast::reports {

namespace {

// Inserts a comma every three digits to the left of `end` (the end of the integer part).
void group_digits(std::string& digits, std::size_t end) {
  for (std::ptrdiff_t i = static_cast<std::ptrdiff_t>(end) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
}

}  // namespace

std::string grouped(std::uint64_t n) {
  std::string s = std::to_string(n);
  group_digits(s, s.size());
  return s;
}

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return kNoValue;
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::string s = fixed_point(v, decimals);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string fmt(const char* format, double v) {
  char buf[160];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string fixed_point(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string money(double usd) {
  if (!std::isfinite(usd)) return "$?";
  std::string digits = fixed_point(std::fabs(usd), 2);
  group_digits(digits, digits.find('.'));
  return (usd < 0 && std::fabs(usd) >= 0.005 ? "-$" : "$") + digits;
}

std::string clock_time(double seconds) {
  if (std::isnan(seconds)) return "?";
  const long long total = std::llround(seconds);
  const long long h = total / 3600, m = (total % 3600) / 60, s = total % 60;
  char buf[48];
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", h, m, s);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", m, s);
  }
  return buf;
}

std::string iso8601(double epoch) {
  const auto t = static_cast<std::time_t>(std::floor(epoch));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string human_duration(double seconds) {
  if (!std::isfinite(seconds)) return "?";
  const long long total = std::llround(std::fabs(seconds));
  const long long d = total / 86400, h = (total % 86400) / 3600, m = (total % 3600) / 60, s = total % 60;
  char buf[64];
  if (d > 0) {
    std::snprintf(buf, sizeof buf, h > 0 ? "%lld d %lld h" : "%lld d", d, h);
  } else if (h > 0) {
    std::snprintf(buf, sizeof buf, m > 0 ? "%lld h %lld m" : "%lld h", h, m);
  } else if (m > 0) {
    if (s > 0) std::snprintf(buf, sizeof buf, "%lld m %lld s", m, s);
    else std::snprintf(buf, sizeof buf, "%lld min", m);
  } else {
    std::snprintf(buf, sizeof buf, "%lld s", s);
  }
  return buf;
}

std::string format_value(double v) {
  if (std::isnan(v)) return kNoValue;
  const double a = std::fabs(v);
  if (a != 0.0 && a < 0.01) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
  }
  return fixed(v, a < 10 ? 4 : a < 1000 ? 2 : 1);
}

}  // namespace loadcast::reports
