#include "workload/flow_visits.hpp"

#include <cmath>
#include <utility>

namespace loadcast::workload {

namespace {

// The mean number of sends of a step per visit: its repeat's mean, or 1.
double sends_per_visit(const FlowStep& step) { return step.repeat ? step.repeat->mean() : 1.0; }

}  // namespace

std::vector<double> step_visits(const FlowSpec& flow) {
  const std::size_t n = flow.steps.size();
  if (n == 0) return {};
  // (I - P)^T V = e_first, by Gauss-Jordan elimination with partial pivoting on the augmented
  // matrix [A | b], row-major with n + 1 columns.
  const std::size_t w = n + 1;
  std::vector<double> a(n * w, 0.0);
  auto at = [&a, w](std::size_t r, std::size_t c) -> double& { return a[r * w + c]; };
  for (std::size_t i = 0; i < n; ++i) at(i, i) = 1.0;
  at(0, n) = 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    const FlowStep& s = flow.steps[i];
    if (!s.next.empty()) {
      for (const auto& b : s.next) at(b.to_index, i) -= b.p;
    } else if (i + 1 < n) {
      at(i + 1, i) -= 1.0 - s.exit;
    }
  }
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < n; ++r) {
      if (std::abs(at(r, c)) > std::abs(at(pivot, c))) pivot = r;
    }
    if (pivot != c) {
      for (std::size_t k = 0; k < w; ++k) std::swap(at(c, k), at(pivot, k));
    }
    if (at(c, c) == 0.0) continue;  // an unreachable cycle: its visits stay 0
    for (std::size_t r = 0; r < n; ++r) {
      if (r == c || at(r, c) == 0.0) continue;
      const double f = at(r, c) / at(c, c);
      for (std::size_t k = c; k < w; ++k) at(r, k) -= f * at(c, k);
    }
  }
  std::vector<double> v(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) v[i] = at(i, i) != 0.0 ? at(i, n) / at(i, i) : 0.0;
  return v;
}

SessionDemand session_demand(const WorkloadSpec& spec) {
  SessionDemand d;
  d.requests.assign(spec.classes.size(), 0.0);
  double weights = 0.0;
  for (const auto& f : spec.flows) weights += f.weight;
  if (!(weights > 0.0)) return d;
  for (const auto& f : spec.flows) {
    const double share = f.weight / weights;
    const auto v = step_visits(f);
    for (std::size_t i = 0; i < f.steps.size(); ++i) {
      const FlowStep& s = f.steps[i];
      const double sends = share * v[i] * sends_per_visit(s);
      if (s.request < d.requests.size()) d.requests[s.request] += sends;
      if (s.think) d.think_s += sends * s.think->mean();
    }
  }
  return d;
}

}  // namespace loadcast::workload
