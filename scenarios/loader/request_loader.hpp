// What the `workload:` loader shares with the flows loader: reading one request class (listed
// under workload.requests or inline in a flow's step), CSV files (params and credentials), and
// the path placeholders a flow's variables may define. Internal to the loader, like
// yaml_reader.hpp.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scenarios/loader/scenario.hpp"
#include "scenarios/loader/yaml_reader.hpp"

namespace loadcast::scenario {

// A CSV file: its header line's cells and the cells of every non-empty line below it.
struct CsvTable {
  std::string file;  // as opened: resolved against the scenario's directory
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
// Reports (at `node`) a file that cannot be opened or is empty.
std::optional<CsvTable> read_csv(Context& ctx, const YAML::Node& node, const std::string& path, const std::string& file);

// A {name} in a request's path that its params do not define.
struct Placeholder {
  YAML::Node node;
  std::string path;
  std::string name;
};

// The request class names taken so far; with flows (workload.flows is given) the placeholders
// left for the flows' extracted variables and credentials columns to define.
struct RequestNames {
  std::set<std::string> names;
  bool flows = false;
  std::vector<Placeholder> unresolved;
};

// One request class read from its mapping, appended to s.workload.classes, s.model.classes and
// s.class_paths; returns its index (nullopt when `m` is not a mapping). `default_name` names a
// class whose mapping has no `name` (an inline request of a flow step); empty: name required.
std::optional<std::size_t> load_request(MapReader& m, Scenario& s, RequestNames& names, const std::string& default_name);

// Whether a request of this class can take simulated time (a closed-model user without think
// time would otherwise loop at one instant).
bool request_takes_time(const models::ClassConfig& c);

// `workload.flows` (docs/scenarios.md#flows), read after workload.requests.
void load_flows(MapReader& w, Scenario& s, RequestNames& names);

}  // namespace loadcast::scenario
