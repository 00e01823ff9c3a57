// An overlay file: a YAML mapping of scenario paths to values, each applied as a --set would be
// (scenario.hpp read_overlay).
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "scenarios/loader/scenario.hpp"
#include "sim/input_file.hpp"

namespace loadcast::scenario {

namespace {

constexpr std::size_t kMaxOverlayBytes = 1 << 20;

std::string at(const std::string& path, const YAML::Mark& m) {
  return path + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": ";
}

}  // namespace

std::vector<Override> read_overlay(const std::string& path) {
  std::string text;
  try {
    text = sim::read_input_file(path, kMaxOverlayBytes, "overlay file");
  } catch (const sim::InputFileError& e) {
    throw LoadError({e.what()});
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw LoadError({at(path, e.mark) + e.msg});
  }
  if (root.IsNull()) return {};
  if (!root.IsMap()) {
    throw LoadError({at(path, root.Mark()) + "an overlay is a mapping of scenario paths to values (path: value)"});
  }
  std::vector<Override> out;
  std::vector<std::string> errors;
  for (const auto& kv : root) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    if (key.empty()) {
      errors.push_back(at(path, kv.first.Mark()) + "a key must be a scenario path, e.g. services.web.desired");
    } else if (!kv.second.IsScalar()) {
      errors.push_back(at(path, kv.second.Mark()) + key + ": the value must be a scalar (a number, duration or distribution)");
    } else {
      out.push_back(Override{key, kv.second.Scalar()});
    }
  }
  if (!errors.empty()) throw LoadError(std::move(errors));
  return out;
}

}  // namespace loadcast::scenario
