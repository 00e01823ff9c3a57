// FlowPlan: the scenario's user journeys (workload::FlowSpec) prepared once for the load
// generator and shared read-only by the workers: every session variable named (credentials
// columns and extracted variables of every flow, in order of first appearance), each step's
// extractions and checks compiled, and which steps must keep their response (capture: a step
// that extracts, checks, or belongs to a flow with cookies). Checks are numbered per flow
// (setup's first, then the steps'), counted as checks.by_check."<flow>.<check>".
// build() throws std::invalid_argument naming the flow and step at fault (an invalid JSON
// pointer or regex, a step whose request class does not exist). Immutable after build().
// Behaviour: docs/load-generator.md#flows
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/session.hpp"
#include "sim/distribution.hpp"
#include "sim/weighted_choice.hpp"
#include "workload/flow_spec.hpp"
#include "workload/workload_spec.hpp"

namespace loadcast::loadgen {

struct StepPlan {
  std::string name;
  std::size_t cls = 0;
  std::optional<sim::Distribution> think;
  std::optional<sim::Distribution> repeat;
  std::vector<CompiledExtract> extract;
  std::vector<std::size_t> checks;  // indices into CompiledFlow::checks
  std::vector<workload::Branch> next;
  double exit = 0.0;
  bool capture = false;
};

struct CompiledFlow {
  std::string name;
  bool cookies = false;
  std::vector<StepPlan> setup;
  std::vector<StepPlan> steps;
  std::vector<CompiledCheck> checks;
  std::vector<std::size_t> credential_vars;       // variable index of each CSV column
  std::vector<std::vector<std::string>> credentials;  // rows
};

class FlowPlan {
 public:
  static FlowPlan build(const std::vector<workload::FlowSpec>& flows, const std::vector<workload::RequestClass>& classes);

  bool empty() const { return flows_.empty(); }
  std::size_t size() const { return flows_.size(); }
  const CompiledFlow& at(std::size_t i) const { return flows_[i]; }
  const std::vector<std::string>& variables() const { return variables_; }
  const sim::WeightedChoice& choice() const { return choice_; }
  std::size_t pick(sim::Rng& rng) const { return choice_.pick(rng); }

 private:
  std::vector<std::string> variables_;
  std::vector<CompiledFlow> flows_;
  sim::WeightedChoice choice_;
};

}  // namespace loadcast::loadgen
