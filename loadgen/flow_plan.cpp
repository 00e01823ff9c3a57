#include "loadgen/flow_plan.hpp"

#include <algorithm>
#include <stdexcept>

namespace loadcast::loadgen {

namespace {

std::size_t variable_index(std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
  names.push_back(name);
  return names.size() - 1;
}

}  // namespace

FlowPlan FlowPlan::build(const std::vector<workload::FlowSpec>& flows, const std::vector<workload::RequestClass>& classes) {
  FlowPlan plan;
  std::vector<double> weights;
  for (const auto& f : flows) {
    CompiledFlow cf;
    cf.name = f.name;
    cf.cookies = f.cookies;
    if (f.credentials) {
      for (const auto& col : f.credentials->columns) cf.credential_vars.push_back(variable_index(plan.variables_, col));
      cf.credentials = f.credentials->rows;
      if (cf.credentials.empty()) {
        throw std::invalid_argument("flow '" + f.name + "': credentials '" + f.credentials->csv_path + "' has no rows");
      }
    }
    const auto compile = [&](const std::vector<workload::FlowStep>& steps, const char* part) {
      std::vector<StepPlan> out;
      for (const auto& s : steps) {
        const std::string where = "flow '" + f.name + "' " + std::string(part) + "step '" + s.name + "'";
        if (s.request >= classes.size()) throw std::invalid_argument(where + ": no such request class");
        StepPlan sp;
        sp.name = s.name;
        sp.cls = s.request;
        sp.think = s.think;
        sp.repeat = s.repeat;
        sp.next = s.next;
        sp.exit = s.exit;
        for (const auto& e : s.extract) {
          sp.extract.push_back(compile_extract(e, variable_index(plan.variables_, e.variable), where));
        }
        for (const auto& c : s.checks) {
          sp.checks.push_back(cf.checks.size());
          cf.checks.push_back(compile_check(c, where));
        }
        sp.capture = f.cookies || !sp.extract.empty() || !sp.checks.empty();
        out.push_back(std::move(sp));
      }
      return out;
    };
    cf.setup = compile(f.setup, "setup ");
    cf.steps = compile(f.steps, "");
    if (cf.steps.empty()) throw std::invalid_argument("flow '" + f.name + "' has no steps");
    weights.push_back(f.weight);
    plan.flows_.push_back(std::move(cf));
  }
  plan.choice_ = sim::WeightedChoice(weights);
  return plan;
}

}  // namespace loadcast::loadgen
