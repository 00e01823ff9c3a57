#include "models/core/config_problem.hpp"

#include <cstdio>

namespace loadcast::models {

std::string join_key(const std::string& prefix, const std::string& key) {
  if (prefix.empty()) return key;
  if (key.empty()) return prefix;
  return key.front() == '[' ? prefix + key : prefix + "." + key;
}

std::string item_key(const std::string& list, std::size_t index) { return list + "[" + std::to_string(index) + "]"; }

void add_problems(ConfigProblems& out, const std::string& prefix, const ConfigProblems& inner) {
  for (const auto& p : inner) out.push_back(ConfigProblem{join_key(prefix, p.key), p.message});
}

std::string show_duration(sim::Time t) { return t == 0 ? "0s" : sim::format_duration(t); }

std::string show_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string between(std::int64_t lo, std::int64_t hi, std::int64_t found) {
  return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", found " + std::to_string(found);
}

std::string between_durations(sim::Time lo, sim::Time hi, sim::Time found) {
  return "must be between " + show_duration(lo) + " and " + show_duration(hi) + ", found " + show_duration(found);
}

}  // namespace loadcast::models
