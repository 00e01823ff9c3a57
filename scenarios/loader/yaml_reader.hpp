// Strict YAML reading with located errors — the toolkit every section loader uses.
//
// A Context collects every problem as "file:line:col: yaml.path: sentence" instead of stopping at
// the first (the first kMaxReportedErrors of them, then how many more). A MapReader wraps one mapping: each key read is marked used, and finish() reports
// every key nobody read as unknown, listing the accepted ones. Typed getters check the type and
// range and report with the node's own location. Values set by --set overrides are located as
// "--set <path>" instead of a line. Internal to the loader: only scenarios/loader/*.cpp include
// it (tests that read YAML themselves may), so yaml-cpp stays out of every public header.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::scenario {

// Enough to fix a file by; more would only repeat one mistake (a hostile file can make millions).
inline constexpr std::size_t kMaxReportedErrors = 100;

class Context {
 public:
  Context(std::string file, std::string base_dir) : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

  void error(const YAML::Node& node, const std::string& path, const std::string& message);
  // "file:line:col: path" of a node, as error() starts its messages.
  std::string where(const YAML::Node& node, const std::string& path) const {
    return location(node.IsDefined() ? node.Mark() : YAML::Mark::null_mark(), path) + ": " + path;
  }
  void error_at(const YAML::Mark& mark, const std::string& path, const std::string& message);
  // The problems recorded, the last line saying how many more were left out.
  std::vector<std::string> errors() const;
  bool ok() const { return errors_.empty(); }
  const std::string& file() const { return file_; }
  const std::string& base_dir() const { return base_dir_; }
  void mark_overridden(const std::string& path) { overridden_.insert(path); }

 private:
  std::string location(const YAML::Mark& mark, const std::string& path) const;
  std::string file_;
  std::string base_dir_;
  std::vector<std::string> errors_;
  std::size_t left_out_ = 0;
  std::set<std::string> overridden_;
};

std::string join_path(const std::string& parent, const std::string& key);
std::string index_path(const std::string& parent, std::size_t i);
const char* node_kind(const YAML::Node& node);

class MapReader {
 public:
  // `node` must be a mapping (a null node reads as empty); otherwise an error is recorded.
  MapReader(Context& ctx, const YAML::Node& node, std::string path);

  bool valid() const { return valid_; }
  bool has(const std::string& key) const;
  // The child node, marking the key used; an undefined node when absent.
  YAML::Node get(const std::string& key);
  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  std::string child_path(const std::string& key) const { return join_path(path_, key); }
  Context& ctx() { return ctx_; }

  std::optional<std::string> str(const std::string& key);
  std::optional<double> number(const std::string& key);
  std::optional<std::int64_t> integer(const std::string& key);
  // A whole number for a setting of type T (int, std::int64_t, ...), in [min, max]: checked on
  // the 64-bit value as written, so a value outside is a located error, never wrapped or
  // clamped into range. Narrower bounds are for the loader's own checks; a configuration's
  // validate() keeps its rules.
  template <typename T>
  std::optional<T> whole(const std::string& key, std::int64_t min = lowest<T>(), std::int64_t max = highest<T>()) {
    const auto v = integer_in(key, min, max);
    return v ? std::optional<T>(static_cast<T>(*v)) : std::nullopt;
  }
  std::optional<bool> boolean(const std::string& key);
  std::optional<sim::Time> duration(const std::string& key);
  std::optional<sim::Distribution> distribution(const std::string& key, sim::ValueKind kind = sim::ValueKind::kDuration);

  template <typename T>
  static constexpr std::int64_t lowest() {
    return std::numeric_limits<T>::is_signed ? static_cast<std::int64_t>(std::numeric_limits<T>::min()) : 0;
  }
  template <typename T>
  static constexpr std::int64_t highest() {
    return static_cast<std::uint64_t>(std::numeric_limits<T>::max()) >= static_cast<std::uint64_t>(INT64_MAX)
               ? INT64_MAX
               : static_cast<std::int64_t>(std::numeric_limits<T>::max());
  }
  std::optional<std::int64_t> integer_in(const std::string& key, std::int64_t min, std::int64_t max);

  // Every key of the mapping (in file order), marking none.
  std::vector<std::string> keys() const;
  // Reports keys never read. `expected` lists the accepted keys for the message.
  void finish();

 private:
  Context& ctx_;
  YAML::Node node_;
  std::string path_;
  bool valid_ = true;
  std::set<std::string> used_;
  // Key -> value, built once: yaml-cpp looks a key up by a linear scan of the mapping, which a
  // mapping of many keys would turn quadratic.
  std::unordered_map<std::string, YAML::Node> index_;
};

// A whole number read into an int setting, saturated at int's range: a huge value stays out of
// range for the configuration's validate() instead of wrapping around into it.
inline int to_int(std::int64_t v) {
  return static_cast<int>(std::clamp<std::int64_t>(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

// True when `key` is the plain scalar `auto` (and marks it read).
bool is_auto(MapReader& m, const std::string& key);

// Scalar conversions on a node (report with the node's location; nullopt on error).
std::optional<std::string> read_string(Context& ctx, const YAML::Node& node, const std::string& path);
std::optional<double> read_number(Context& ctx, const YAML::Node& node, const std::string& path);
std::optional<std::int64_t> read_integer(Context& ctx, const YAML::Node& node, const std::string& path);
std::optional<sim::Time> read_duration(Context& ctx, const YAML::Node& node, const std::string& path);
std::optional<sim::Distribution> read_distribution(Context& ctx, const YAML::Node& node, const std::string& path,
                                                   sim::ValueKind kind = sim::ValueKind::kDuration);

// Calls fn(item, path) for each element of a sequence; records an error if `node` is not one.
void for_each_item(Context& ctx, const YAML::Node& node, const std::string& path,
                   const std::function<void(const YAML::Node&, const std::string&)>& fn);

}  // namespace loadcast::scenario
