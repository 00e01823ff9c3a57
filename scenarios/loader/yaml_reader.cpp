#include "scenarios/loader/yaml_reader.hpp"

#include <charconv>
#include <cmath>

#include "sim/distribution_text.hpp"
#include "sim/text.hpp"

namespace loadcast::scenario {

std::string Context::location(const YAML::Mark& mark, const std::string& path) const {
  for (const auto& o : overridden_) {
    if (path == o || path.rfind(o + ".", 0) == 0 || path.rfind(o + "[", 0) == 0) return "--set " + o;
  }
  if (mark.line < 0) return file_;
  return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

void Context::error(const YAML::Node& node, const std::string& path, const std::string& message) {
  error_at(node.IsDefined() ? node.Mark() : YAML::Mark::null_mark(), path, message);
}

void Context::error_at(const YAML::Mark& mark, const std::string& path, const std::string& message) {
  if (errors_.size() >= kMaxReportedErrors) {
    ++left_out_;
    return;
  }
  // A message quotes what the file says, which may not be UTF-8 (that is reported on its own).
  errors_.push_back(sim::to_valid_utf8(location(mark, path) + ": " + (path.empty() ? std::string("(top level)") : path) + ": " + message));
}

std::vector<std::string> Context::errors() const {
  std::vector<std::string> out = errors_;
  if (left_out_ > 0) out.push_back(file_ + ": ... and " + std::to_string(left_out_) + " more problems");
  return out;
}

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string index_path(const std::string& parent, std::size_t i) { return parent + "[" + std::to_string(i) + "]"; }

const char* node_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Null: return "empty";
    default: return "undefined";
  }
}

MapReader::MapReader(Context& ctx, const YAML::Node& node, std::string path)
    : ctx_(ctx), node_(node.IsDefined() ? node : YAML::Node(YAML::NodeType::Undefined)), path_(std::move(path)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    ctx_.error(node_, path_, std::string("must be a mapping of keys to values, found ") + node_kind(node_));
    valid_ = false;
  }
  if (valid_ && node_.IsMap()) {
    // The first of a repeated key, as yaml-cpp's own lookup finds (the repeat is reported).
    for (const auto& kv : node_) {
      if (kv.first.IsScalar()) index_.emplace(kv.first.Scalar(), kv.second);
    }
  }
}

bool MapReader::has(const std::string& key) const {
  const auto it = index_.find(key);
  return it != index_.end() && it->second.IsDefined() && !it->second.IsNull();
}

YAML::Node MapReader::get(const std::string& key) {
  used_.insert(key);
  const auto it = index_.find(key);
  if (it == index_.end() || !it->second.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
  return it->second;
}

std::vector<std::string> MapReader::keys() const {
  std::vector<std::string> out;
  if (!valid_ || !node_.IsMap()) return out;
  for (const auto& kv : node_) out.push_back(kv.first.Scalar());
  return out;
}

void MapReader::finish() {
  if (!valid_ || !node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    if (used_.count(key)) continue;
    std::string list;
    for (const auto& u : used_) list += (list.empty() ? "" : ", ") + u;
    ctx_.error(kv.first, join_path(path_, key), "unknown key '" + key + "'" + (list.empty() ? "" : " (expected one of: " + list + ")"));
  }
}

std::optional<std::string> read_string(Context& ctx, const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    ctx.error(node, path, std::string("must be a string, found ") + node_kind(node));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<double> read_number(Context& ctx, const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    ctx.error(node, path, std::string("must be a number, found ") + node_kind(node));
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty() || !std::isfinite(v)) {
    ctx.error(node, path, "must be a number, found '" + s + "'");
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> read_integer(Context& ctx, const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    ctx.error(node, path, std::string("must be a whole number, found ") + node_kind(node));
    return std::nullopt;
  }
  const std::string& s = node.Scalar();
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range && ptr == s.data() + s.size()) {
    ctx.error(node, path, "must be a whole number between " + std::to_string(INT64_MIN) + " and " + std::to_string(INT64_MAX) +
                              ", found " + s);
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
    ctx.error(node, path, "must be a whole number, found '" + s + "'");
    return std::nullopt;
  }
  return v;
}

std::optional<sim::Time> read_duration(Context& ctx, const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) {
    ctx.error(node, path, std::string("must be a duration such as 30s or 10m, found ") + node_kind(node));
    return std::nullopt;
  }
  auto d = sim::parse_duration(node.Scalar());
  if (!d) {
    ctx.error(node, path, "must be a duration with a unit such as 250ms, 30s, 10m or 2h, found '" + node.Scalar() + "'");
    return std::nullopt;
  }
  if (*d > sim::kMaxDuration) {
    ctx.error(node, path, "must be at most " + std::string(sim::kMaxDurationText) + ", found '" + node.Scalar() + "'");
    return std::nullopt;
  }
  return d;
}

std::optional<sim::Distribution> read_distribution(Context& ctx, const YAML::Node& node, const std::string& path,
                                                   sim::ValueKind kind) {
  if (!node.IsScalar()) {
    ctx.error(node, path, std::string("must be a distribution such as exp(10ms), found ") + node_kind(node));
    return std::nullopt;
  }
  auto parsed = sim::parse_distribution(node.Scalar(), {kind, ctx.base_dir()});
  if (!parsed.value) {
    ctx.error(node, path, parsed.error);
    return std::nullopt;
  }
  return parsed.value;
}

std::optional<std::string> MapReader::str(const std::string& key) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  return read_string(ctx_, n, child_path(key));
}

std::optional<double> MapReader::number(const std::string& key) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  return read_number(ctx_, n, child_path(key));
}

std::optional<std::int64_t> MapReader::integer(const std::string& key) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  return read_integer(ctx_, n, child_path(key));
}

std::optional<std::int64_t> MapReader::integer_in(const std::string& key, std::int64_t min, std::int64_t max) {
  const auto v = integer(key);
  if (!v || (*v >= min && *v <= max)) return v;
  const std::string bound = *v > max ? "at most " + std::to_string(max) : "at least " + std::to_string(min);
  ctx_.error(get(key), child_path(key), "must be " + bound + ", found " + std::to_string(*v));
  return std::nullopt;
}

std::optional<bool> MapReader::boolean(const std::string& key) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  ctx_.error(n, child_path(key), "must be true or false");
  return std::nullopt;
}

std::optional<sim::Time> MapReader::duration(const std::string& key) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  return read_duration(ctx_, n, child_path(key));
}

std::optional<sim::Distribution> MapReader::distribution(const std::string& key, sim::ValueKind kind) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  return read_distribution(ctx_, n, child_path(key), kind);
}

void for_each_item(Context& ctx, const YAML::Node& node, const std::string& path,
                   const std::function<void(const YAML::Node&, const std::string&)>& fn) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsSequence()) {
    ctx.error(node, path, std::string("must be a list, found ") + node_kind(node));
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) fn(node[i], index_path(path, i));
}

bool is_auto(MapReader& m, const std::string& key) {
  if (!m.has(key)) return false;
  const YAML::Node n = m.get(key);
  return n.IsScalar() && n.Scalar() == "auto";
}

}  // namespace loadcast::scenario
