// ProblemReport: the problems a configuration's validate() returns (models/core/config_problem.hpp)
// reported as located errors. Internal to the loader, like yaml_reader.hpp.
//
// A problem's key, relative to the mapping the configuration was read from, is looked up again
// in the YAML: "max" of the configuration read from services.api.autoscaling is reported at
// that node, as "services.api.autoscaling.max"; a key the file does not have is reported with
// its path and no line, like any error on an absent key. Where the configuration's shape is not
// the file's, the loader says so before add():
// - rename: an element of a configuration list came from another element of the file's list
//   (items the loader skipped) or from a single mapping (`schedule:` with one feed);
// - place: the problems of a key are reported at another node and path (a key the file lacks
//   belongs to its mapping);
// - drop: the loader has already said what is wrong with a key (a required key is missing).
// Their paths are full YAML paths, as MapReader::child_path() gives them; a path is renamed once
// (by the longest `from` it lies under), and place and drop name a path after renaming.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/core/config_problem.hpp"
#include "scenarios/loader/yaml_reader.hpp"

namespace loadcast::scenario {

class ProblemReport {
 public:
  ProblemReport(Context& ctx, const YAML::Node& node, std::string path);
  explicit ProblemReport(MapReader& m) : ProblemReport(m.ctx(), m.node(), m.path()) {}

  void rename(const std::string& from, const std::string& to) { renames_.emplace_back(from, to); }
  void place(const std::string& path, const YAML::Node& node, const std::string& reported_path) {
    places_[path] = {node, reported_path};
  }
  void drop(const std::string& path) { dropped_.insert(path); }

  // Reports every problem of `problems` (in order) through the Context.
  void add(const models::ConfigProblems& problems) const;
  // The full path of a problem's key, after renaming.
  std::string path_of(const std::string& key) const;
  // The node at a full path under the root, looked up again; undefined when the file lacks it.
  YAML::Node find(const std::string& path) const;

 private:
  Context& ctx_;
  YAML::Node node_;
  std::string path_;
  std::vector<std::pair<std::string, std::string>> renames_;
  std::map<std::string, std::pair<YAML::Node, std::string>> places_;
  std::set<std::string> dropped_;
};

}  // namespace loadcast::scenario
