// Expected visits per session of a behaviour graph (workload/flow_visits.hpp) against visits
// solved by hand, and a workload's expected requests and think time per session.
#include <catch2/catch.hpp>

#include <vector>

#include "workload/flow_visits.hpp"

using namespace loadcast;
using namespace loadcast::workload;

namespace {

FlowStep step(std::size_t request, std::vector<Branch> next = {}, double exit = 0.0) {
  FlowStep s;
  s.request = request;
  s.next = std::move(next);
  s.exit = exit;
  return s;
}

Branch to(std::size_t index, double p) {
  Branch b;
  b.to_index = index;
  b.p = p;
  return b;
}

}  // namespace

TEST_CASE("FlowVisits: a straight line visits each step once") {
  FlowSpec f;
  f.steps = {step(0), step(1), step(0)};
  CHECK(step_visits(f) == std::vector<double>{1.0, 1.0, 1.0});
}

TEST_CASE("FlowVisits: branches give the visits of V = e + VP") {
  // a -> b 0.5, c 0.3, end 0.2; b -> a 0.4, end 0.6; c -> b 0.5, end 0.5: by hand V_a = 1 / 0.74,
  // V_b = 0.65 V_a, V_c = 0.3 V_a.
  FlowSpec f;
  f.steps = {step(0, {to(1, 0.5), to(2, 0.3)}, 0.2), step(1, {to(0, 0.4)}, 0.6), step(0, {to(1, 0.5)}, 0.5)};
  const auto v = step_visits(f);
  REQUIRE(v.size() == 3);
  CHECK(v[0] == Approx(1.0 / 0.74));
  CHECK(v[1] == Approx(0.65 / 0.74));
  CHECK(v[2] == Approx(0.3 / 0.74));
}

TEST_CASE("FlowVisits: exit without next ends the session or goes on in order, and a self-loop repeats") {
  // a: end 0.25, else b; b loops on itself with 0.5, else the end: V_a = 1, V_b = 0.75 x 2.
  FlowSpec f;
  f.steps = {step(0, {}, 0.25), step(1, {to(1, 0.5)}, 0.5)};
  const auto v = step_visits(f);
  CHECK(v[0] == Approx(1.0));
  CHECK(v[1] == Approx(1.5));
}

TEST_CASE("FlowVisits: a workload's requests and think time per session weigh the flows") {
  WorkloadSpec w;
  w.classes.resize(2);
  FlowSpec one;  // weight 3: class 0 sent uniform_int(1, 4) times (2.5) after 2 s of think each
  one.weight = 3.0;
  one.steps = {step(0)};
  one.steps[0].repeat = sim::Distribution::uniform_int(1, 4);
  one.steps[0].think = sim::Distribution::constant(2.0);
  FlowSpec two;  // weight 1: class 1 once
  two.steps = {step(1)};
  w.flows = {one, two};
  const auto d = session_demand(w);
  CHECK(d.requests[0] == Approx(0.75 * 2.5));
  CHECK(d.requests[1] == Approx(0.25));
  CHECK(d.think_s == Approx(0.75 * 2.5 * 2.0));
}
