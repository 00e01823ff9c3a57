// Flows against queueing theory: the visit ratios of a customer behaviour graph (the solution of
// V = e_first + V P over its branch probabilities), and a closed network of flow sessions
// against exact Mean Value Analysis. Each check runs independent replications and asserts that
// the analytic value lies inside the 99 % Student-t interval of the per-replication estimates
// (tests/support/queueing.hpp); seeds are fixed, so a run is reproducible.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "tests/support/queueing.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// The graph both checks use. From `a`: to `b` 0.5, to `c` 0.3, end 0.2; from `b`: back to `a`
// 0.4, end 0.6; from `c`: to `b` 0.5, end 0.5. Sessions start at `a`.
constexpr std::array<std::array<double, 3>, 3> kP = {{{0.0, 0.5, 0.3}, {0.4, 0.0, 0.0}, {0.0, 0.5, 0.0}}};

// Visits per session: V (I - P) = e_a, by Gaussian elimination on the transposed system.
std::array<double, 3> visit_ratios() {
  std::array<std::array<double, 4>, 3> m{};
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) m[i][j] = (i == j ? 1.0 : 0.0) - kP[j][i];
    m[i][3] = i == 0 ? 1.0 : 0.0;
  }
  for (std::size_t c = 0; c < 3; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < 3; ++r) {
      if (std::abs(m[r][c]) > std::abs(m[pivot][c])) pivot = r;
    }
    std::swap(m[c], m[pivot]);
    for (std::size_t r = 0; r < 3; ++r) {
      if (r == c) continue;
      const double f = m[r][c] / m[c][c];
      for (std::size_t k = c; k < 4; ++k) m[r][k] -= f * m[c][k];
    }
  }
  return {m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]};
}

// The flow of kP over the request classes `one` (station s1) and `two` (station s2): steps a and
// c send `one`, b sends `two`.
const char* kFlow = R"(
  requests:
    - { name: one, path: /one, steps: [ { station: s1, service: exp(5ms) } ] }
    - { name: two, path: /two, steps: [ { station: s2, service: exp(8ms) } ] }
  flows:
    - name: graph
      steps:
        - { name: a, request: one, next: [ { to: b, p: 0.5 }, { to: c, p: 0.3 } ], exit: 0.2 }
        - { name: b, request: two, next: [ { to: a, p: 0.4 } ], exit: 0.6 }
        - { name: c, request: one, next: [ { to: b, p: 0.5 } ], exit: 0.5 }
stations:
  s1: { servers: 1 }
  s2: { servers: 1 }
)";

double section_number(const models::RunOutput& r, const std::vector<std::string>& path) {
  const reports::Json* j = &r.sections;
  for (const auto& k : path) j = &j->at(k);
  return j->get<double>();
}

}  // namespace

TEST_CASE("FlowsExactness: the visit ratios of a behaviour graph match the solution of V = e + VP") {
  const auto v = visit_ratios();
  // Solved by hand: V_a = 1 / 0.74, V_b = 0.65 V_a, V_c = 0.3 V_a.
  CHECK(v[0] == Approx(1.0 / 0.74));
  CHECK(v[1] == Approx(0.65 / 0.74));
  CHECK(v[2] == Approx(0.3 / 0.74));
  // An open model light enough that sessions last milliseconds: few are in flight at the end.
  const std::string yaml = std::string("seed: 5\nduration: 200s\nworkload:\n  arrivals: { rate: 20 }\n") + kFlow;
  const auto runs = replicate(yaml, 12);
  const char* names[] = {"a", "b", "c"};
  for (std::size_t i = 0; i < 3; ++i) {
    require_inside(ci99(runs,
                        [&](const models::RunOutput& r) {
                          return section_number(r, {"flows", "graph", "steps", names[i], "requests"}) /
                                 section_number(r, {"sessions", "completed"});
                        }),
                   v[i], names[i]);
  }
}

TEST_CASE("FlowsExactness: a closed network of flow sessions matches exact MVA", "[slow]") {
  // N users, each: think Z (exponential, between sessions), then a session that visits the FCFS
  // exponential stations s1 (5 ms, visits V_a + V_c) and s2 (8 ms, visits V_b). Product form
  // (BCMP: FCFS stations of one exponential rate, Markov routing, an infinite-server think
  // station), so exact MVA gives the session throughput X and the session time R.
  const int n = 5;
  const double z = 0.050;  // s
  const auto v = visit_ratios();
  const std::array<double, 2> demand = {(v[0] + v[2]) * 0.005, v[1] * 0.008};
  std::array<double, 2> queue = {0.0, 0.0};
  double x = 0.0, r = 0.0;
  for (int k = 1; k <= n; ++k) {
    std::array<double, 2> residence{};
    r = 0.0;
    for (std::size_t s = 0; s < 2; ++s) {
      residence[s] = demand[s] * (1.0 + queue[s]);
      r += residence[s];
    }
    x = k / (z + r);
    for (std::size_t s = 0; s < 2; ++s) queue[s] = x * residence[s];
  }
  // The check is about contention: the stations are busy, not idle.
  CHECK(x * demand[0] > 0.3);
  CHECK(x * demand[1] > 0.3);
  const std::string yaml =
      std::string("seed: 9\nduration: 200s\nwarmup: 5s\nworkload:\n  users: { count: 5, think_time: exp(50ms) }\n") + kFlow;
  const auto runs = replicate(yaml, 12);
  require_inside(ci99(runs, [](const models::RunOutput& o) { return section_number(o, {"sessions", "completed"}) / o.measured_s; }), x,
                 "X (sessions per second)");
  require_inside(ci99(runs, [](const models::RunOutput& o) { return section_number(o, {"sessions", "duration_s", "mean"}); }), r,
                 "R (session time, s)");
  // Utilization law at each station: U = X D.
  require_inside(ci99(runs, [](const models::RunOutput& o) { return o.stations.at("s1").utilization; }), x * demand[0], "U s1");
  require_inside(ci99(runs, [](const models::RunOutput& o) { return o.stations.at("s2").utilization; }), x * demand[1], "U s2");
}
