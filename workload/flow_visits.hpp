// Expected visits of a flow's steps per session — the solution of V = e_first + V P, where P
// holds the probabilities of going from one step to another (its `next` branches, or the
// following step with probability 1 - exit) — and what a session asks for on average: the
// requests of each class and the think time. What `desired: auto` and the first minute's rate
// need for a workload of sessions (models/core/initial_capacity.cpp), both engines alike.
// The loader guarantees every reachable step can reach the end, so I - P is invertible on the
// reachable steps. Pure functions.
#pragma once

#include <vector>

#include "workload/workload_spec.hpp"

namespace loadcast::workload {

// Expected visits of each step of `flow` per session (an unreachable step: 0).
std::vector<double> step_visits(const FlowSpec& flow);

// Per session, averaged over the flows by weight.
struct SessionDemand {
  std::vector<double> requests;  // expected requests of each class of WorkloadSpec::classes
  double think_s = 0.0;          // expected think time inside a session (the steps' think)
};
SessionDemand session_demand(const WorkloadSpec& spec);

}  // namespace loadcast::workload
