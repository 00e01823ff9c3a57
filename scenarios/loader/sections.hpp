// Section loaders: each reads one top-level key of a scenario into the Scenario struct,
// reporting problems through the Context. The top-level loader (loader.cpp) calls them in
// dependency order (stations before the workload's steps that name them).
#pragma once

#include "scenarios/loader/scenario.hpp"
#include "scenarios/loader/yaml_reader.hpp"

namespace loadcast::scenario {

void load_stations(MapReader& top, Scenario& s);
void load_workload(MapReader& top, Scenario& s);

// One step of a request class (`station:`, `delay:`, ...), appended to `steps`.
void load_step(Context& ctx, const YAML::Node& node, const std::string& path, const Scenario& s,
               std::vector<models::StepConfig>& steps);

}  // namespace loadcast::scenario
