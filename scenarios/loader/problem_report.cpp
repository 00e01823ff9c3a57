#include "scenarios/loader/problem_report.hpp"

#include <charconv>

namespace loadcast::scenario {

namespace {

// Whether `path` is `prefix` or lies under it ("a.b" is under "a", "a[1]" too; "ab" is not).
bool under(const std::string& path, const std::string& prefix) {
  if (prefix.empty()) return true;
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

}  // namespace

ProblemReport::ProblemReport(Context& ctx, const YAML::Node& node, std::string path)
    : ctx_(ctx), node_(node.IsDefined() ? node : YAML::Node(YAML::NodeType::Undefined)), path_(std::move(path)) {}

std::string ProblemReport::path_of(const std::string& key) const {
  std::string path = models::join_key(path_, key);
  // One rename at most, the most specific: renamed paths are file paths, not renamed again.
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& r : renames_) {
    if (under(path, r.first) && (best == nullptr || r.first.size() > best->first.size())) best = &r;
  }
  return best == nullptr ? path : best->second + path.substr(best->first.size());
}

YAML::Node ProblemReport::find(const std::string& path) const {
  const YAML::Node none(YAML::NodeType::Undefined);
  if (!under(path, path_)) return none;
  YAML::Node node = node_;
  std::size_t i = path_.size();
  while (i < path.size()) {
    if (path[i] == '.') ++i;
    if (!node.IsDefined()) return none;
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos) return none;
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(path.data() + i + 1, path.data() + close, index);
      if (ec != std::errc() || !node.IsSequence() || index >= node.size()) return none;
      const YAML::Node& list = node;
      node.reset(list[index]);
      i = close + 1;
    } else {
      std::size_t end = path.find_first_of(".[", i);
      if (end == std::string::npos) end = path.size();
      if (!node.IsMap()) return none;
      const YAML::Node& map = node;  // const access: never inserts the key
      const YAML::Node child = map[path.substr(i, end - i)];
      if (!child.IsDefined()) return none;
      node.reset(child);
      i = end;
    }
  }
  return node;
}

void ProblemReport::add(const models::ConfigProblems& problems) const {
  for (const auto& p : problems) {
    const std::string path = path_of(p.key);
    if (dropped_.count(path)) continue;
    if (const auto it = places_.find(path); it != places_.end()) {
      ctx_.error(it->second.first, it->second.second, p.message);
    } else {
      ctx_.error(find(path), path, p.message);
    }
  }
}

}  // namespace loadcast::scenario
