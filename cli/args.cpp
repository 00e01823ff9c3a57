#include "cli/args.hpp"

#include <charconv>
#include <cstdint>

#include "sim/time.hpp"

namespace loadcast::cli {

const OptionSpec* Args::find(const std::string& key, bool is_alias) const {
  for (const auto& s : specs_) {
    if ((is_alias ? s.alias : s.name) == key && !key.empty()) return &s;
  }
  return nullptr;
}

void Args::parse(int argc, char** argv, int first) {
  bool only_positionals = false;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (only_positionals || arg.size() < 2 || arg[0] != '-' || (arg[1] >= '0' && arg[1] <= '9')) {
      positionals_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positionals = true;
      continue;
    }
    const bool is_long = arg.rfind("--", 0) == 0;
    std::string key = arg.substr(is_long ? 2 : 1);
    std::optional<std::string> inline_value;
    if (const auto eq = key.find('='); eq != std::string::npos) {
      inline_value = key.substr(eq + 1);
      key = key.substr(0, eq);
    }
    const OptionSpec* spec = find(key, !is_long);
    if (spec == nullptr && !is_long) spec = find(key, false);  // one dash also takes a long name: -seed 3
    if (spec == nullptr) throw UsageError("unknown option '" + arg + "' (see loadcast " + command_ + " --help)");
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else {
        if (i + 1 >= argc) throw UsageError("option --" + spec->name + " needs a value");
        value = argv[++i];
      }
    } else if (inline_value) {
      throw UsageError("option --" + spec->name + " takes no value");
    }
    auto& slot = values_[spec->name];
    if (!slot.empty() && !spec->repeatable) throw UsageError("option --" + spec->name + " given twice");
    slot.push_back(value);
  }
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::get_all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<std::uint64_t> Args::get_u64(const std::string& name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  std::uint64_t out = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size() || v->empty()) {
    throw UsageError("--" + name + " must be a non-negative whole number, got '" + *v + "'");
  }
  return out;
}

std::optional<double> Args::get_double(const std::string& name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  double out = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size() || v->empty()) {
    throw UsageError("--" + name + " must be a number, got '" + *v + "'");
  }
  return out;
}

std::optional<std::int64_t> Args::get_duration_ns(const std::string& name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  auto d = sim::parse_duration(*v);
  if (!d) throw UsageError("--" + name + " must be a duration with a unit (e.g. 30s, 5m), got '" + *v + "'");
  if (*d > sim::kMaxDuration) throw UsageError("--" + name + " must be at most " + sim::kMaxDurationText + ", got '" + *v + "'");
  return *d;
}

std::string Args::help() const {
  std::string out;
  for (const auto& s : specs_) {
    std::string left = "  ";
    if (!s.alias.empty()) left += "-" + s.alias + ", ";
    left += "--" + s.name;
    std::string h = s.help;
    if (s.takes_value) {
      const auto space = h.find("  ");
      if (space != std::string::npos) {
        left += " " + h.substr(0, space);
        h = h.substr(space + 2);
      }
    }
    if (left.size() < 28) left.resize(28, ' ');
    else left += "  ";
    out += left + h + "\n";
  }
  return out;
}

}  // namespace loadcast::cli
