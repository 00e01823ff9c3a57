// resolve_initial_capacity(): `desired: auto`, `database.initial_acu: auto` and
// `database.replica_autoscaling.desired: auto` become the estimates of
// models/core/initial_capacity.hpp, and every component's starting capacity is recorded beside
// its estimate (Scenario::initial_capacity), auto or not.
#include <algorithm>
#include <cmath>

#include "models/core/initial_capacity.hpp"
#include "scenarios/loader/sections.hpp"

namespace loadcast::scenario {

namespace {

// The starting count of a service after registration clamps it into the autoscaling range.
double registered(const models::ServiceConfig& c) {
  if (!c.autoscaling) return c.desired;
  return std::clamp(c.desired, c.autoscaling->min, c.autoscaling->max);
}

}  // namespace

void resolve_initial_capacity(Scenario& s) {
  const auto estimates = models::estimate_initial_capacity(s.workload, s.model);
  const auto estimate_of = [&](const std::string& path) -> const models::CapacityEstimate* {
    for (const auto& e : estimates) {
      if (e.path == path) return &e;
    }
    return nullptr;
  };
  const auto service = [&](models::ServiceConfig& c, const std::string& section) {
    const std::string path = section + "." + c.name + ".desired";
    const models::CapacityEstimate* e = estimate_of(path);
    if (e == nullptr) return;
    const bool from_auto = c.desired_auto;
    if (from_auto) c.desired = static_cast<int>(std::lround(e->value));
    s.initial_capacity.push_back(InitialCapacity{path, registered(c), e->value, from_auto, e->basis});
  };
  for (auto& c : s.model.services) service(c, "services");
  for (auto& w : s.model.workers) service(w.service, "workers");
  if (s.model.database && s.model.replica_scaling) {
    if (const models::CapacityEstimate* e = estimate_of("database.replica_autoscaling.desired")) {
      auto& initial = s.model.replica_scaling->initial_readers;
      const bool from_auto = initial && *initial == models::kDesiredAuto;
      if (from_auto) initial = static_cast<int>(std::lround(e->value));
      const double value = initial ? *initial : s.model.database->readers;
      s.initial_capacity.push_back(InitialCapacity{e->path, value, e->value, from_auto, e->basis});
    }
  }
  if (s.model.database) {
    if (const models::CapacityEstimate* e = estimate_of("database.initial_acu")) {
      auto& initial = s.model.database->initial_acu;
      const bool from_auto = initial && *initial == models::kAcuAuto;
      if (from_auto) initial = e->value;
      const double value = initial ? *initial : std::max(0.5, s.model.database->min_acu);
      s.initial_capacity.push_back(InitialCapacity{e->path, value, e->value, from_auto, e->basis});
    }
  }
}

}  // namespace loadcast::scenario
