// Sessions of workload.flows in the simulator: with constant distributions and uniform arrivals
// every session's timeline is known, so counts and durations are exact; a refused request fails
// its session; closed-model users run sessions back to back with their think time between;
// results do not depend on the thread count.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "tests/support/scenario_run.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// Sessions start at 1 s, 2 s, ... 99 s (uniform arrivals, one per second, until 100 s). Each
// thinks 2 s then sends `a` (100 ms) three times, then sends `b` (300 ms) and ends:
// 3 x 2.1 s + 0.3 s = 6.6 s.
constexpr const char* kConstFlow = R"(duration: 100s
workload:
  arrivals: { rate: 1, process: uniform }
  requests:
    - { name: a, path: /a, steps: [ { delay: const(100ms) } ] }
    - { name: b, path: /b, steps: [ { delay: const(300ms) } ] }
  flows:
    - name: shop
      steps:
        - { name: browse, request: a, think: const(2s), repeat: 3 }
        - { name: buy, request: b }
)";

const reports::Json& section(const reports::Result& r, const char* key) {
  REQUIRE(r.sections.contains(key));
  return r.sections.at(key);
}

std::uint64_t count(const reports::Json& j, const char* key) { return j.at(key).get<std::uint64_t>(); }

}  // namespace

TEST_CASE("SessionRunner: a flow of constant times gives exact session counts and durations") {
  const auto r = run(kConstFlow);
  const auto& sessions = section(r, "sessions");
  // Session k (started at k s) ends at k + 6.6 s: those started up to 93 s end by 100 s.
  CHECK(count(sessions, "started") == 99);
  CHECK(count(sessions, "completed") == 93);
  CHECK(count(sessions, "failed") == 0);
  CHECK(count(sessions, "in_flight") == 6);
  CHECK(sessions["duration_s"]["mean"].get<double>() == Approx(6.6).epsilon(1e-12));
  CHECK(sessions["duration_s"]["max"].get<double>() == Approx(6.6).epsilon(1e-12));

  // Step requests are counted when they end: browse's i-th (i = 0, 1, 2) at k + 2.1 (i + 1) s,
  // buy's at k + 6.6 s.
  std::uint64_t browse = 0, buy = 0;
  for (int k = 1; k <= 99; ++k) {
    for (int i = 1; i <= 3; ++i) browse += (k + 2.1 * i <= 100.0) ? 1 : 0;
    buy += (k + 6.6 <= 100.0) ? 1 : 0;
  }
  CHECK(browse == 97 + 95 + 93);
  const auto& shop = section(r, "flows").at("shop");
  CHECK(count(shop, "started") == 99);
  CHECK(count(shop, "completed") == 93);
  const auto& steps = shop.at("steps");
  CHECK(count(steps.at("browse"), "requests") == browse);
  CHECK(count(steps.at("browse"), "ok") == browse);
  CHECK(count(steps.at("buy"), "requests") == buy);
  CHECK(steps["browse"]["latency_ms"]["mean"].get<double>() == Approx(100.0).epsilon(1e-12));
  CHECK(steps["buy"]["latency_ms"]["mean"].get<double>() == Approx(300.0).epsilon(1e-12));
  // The requests themselves, per class, as without flows.
  CHECK(r.requests.ok == browse + buy);
}

TEST_CASE("SessionRunner: a request that fails ends its session as failed") {
  // One server, no queue, 1.5 s per request: session k (at k s) finds the server busy when
  // session k - 1 was served, so the sessions at odd seconds complete and the even ones fail.
  const std::string yaml = R"(duration: 100s
workload:
  arrivals: { rate: 1, process: uniform }
  requests:
    - { name: slow, path: /s, steps: [ { station: s1, service: const(1500ms) } ] }
    - { name: after, path: /t, steps: [ { delay: const(1ms) } ] }
  flows:
    - name: f
      steps:
        - { request: slow }
        - { request: after }
stations:
  s1: { servers: 1, queue_limit: 0 }
)";
  const auto r = run(yaml);
  const auto& sessions = section(r, "sessions");
  CHECK(count(sessions, "started") == 99);
  CHECK(count(sessions, "completed") == 49);  // 1, 3, ..., 97 (each ends 1.501 s after its start)
  CHECK(count(sessions, "failed") == 49);     // 2, 4, ..., 98
  CHECK(count(sessions, "in_flight") == 1);   // 99
  // A failed session sends nothing more: `after` runs once per completed session only.
  const auto& steps = section(r, "flows").at("f").at("steps");
  CHECK(count(steps.at("slow"), "failed") == 49);
  CHECK(count(steps.at("after"), "requests") == 49);
  CHECK(r.requests.dropped == 49);
}

TEST_CASE("SessionRunner: closed-model users run sessions back to back with the think time between") {
  // Two users: think 1 s, a session of one 1 s request, think 1 s, ... Sessions start at 1, 3,
  // ..., 99 s; the one started at 99 s ends at 100 s, after the run's end at 99.5 s.
  const std::string yaml = R"(duration: 99500ms
workload:
  users: { count: 2, think_time: const(1s) }
  requests:
    - { name: a, path: /a, steps: [ { delay: const(1s) } ] }
  flows:
    - name: f
      steps: [ { request: a } ]
)";
  const auto r = run(yaml);
  const auto& sessions = section(r, "sessions");
  CHECK(count(sessions, "started") == 100);
  CHECK(count(sessions, "completed") == 98);
  CHECK(count(sessions, "in_flight") == 2);
  CHECK(sessions["duration_s"]["mean"].get<double>() == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("SessionRunner: a repeat draw of 0 skips the step and a think time precedes every send") {
  // `maybe` is sent 0 or 1 times (uniform_int(0, 1)); sessions last 1 s (one `a`) or 1 s + 2 s
  // of think + 0.5 s.
  const std::string yaml = R"(duration: 1000s
workload:
  arrivals: { rate: 1, process: uniform }
  requests:
    - { name: a, path: /a, steps: [ { delay: const(1s) } ] }
    - { name: m, path: /m, steps: [ { delay: const(500ms) } ] }
  flows:
    - name: f
      steps:
        - { request: a }
        - { name: maybe, request: m, think: const(2s), repeat: 'uniform_int(0, 1)' }
)";
  const auto r = run(yaml);
  const auto& f = section(r, "flows").at("f");
  const auto completed = count(f, "completed");
  const auto maybe = count(f.at("steps").at("maybe"), "requests");
  CHECK(completed >= 990);
  // About half the sessions send `maybe`: a binomial(~995, 1/2) within 4 standard deviations.
  CHECK(std::abs(static_cast<double>(maybe) - 0.5 * static_cast<double>(completed)) < 4.0 * std::sqrt(0.25 * static_cast<double>(completed)));
  // The sessions that sent `maybe` (its requests all ended: it is the last step) lasted 3.5 s,
  // the others 1 s.
  const double mean = (3.5 * static_cast<double>(maybe) + 1.0 * static_cast<double>(completed - maybe)) / static_cast<double>(completed);
  CHECK(f["duration_s"]["mean"].get<double>() == Approx(mean).epsilon(1e-12));
  CHECK(f["duration_s"]["max"].get<double>() == Approx(3.5).epsilon(1e-12));
}

TEST_CASE("SessionRunner: the result does not depend on the thread count") {
  const std::string yaml = R"(duration: 60s
workload:
  arrivals: { rate: 50 }
  requests:
    - { name: a, path: /a, steps: [ { station: s1, service: exp(5ms) } ] }
    - { name: b, path: /b, steps: [ { station: s1, service: exp(8ms) } ] }
  flows:
    - name: f
      weight: 2
      steps:
        - { name: a, request: a, think: exp(100ms), repeat: 'uniform_int(1, 3)', next: [ { to: b, p: 0.7 } ], exit: 0.3 }
        - { name: b, request: b, think: exp(200ms), next: [ { to: a, p: 0.4 } ], exit: 0.6 }
    - name: g
      steps: [ { request: b } ]
stations:
  s1: { servers: 1 }
)";
  const auto sc = scenario::load_string(yaml, "threads.yaml");
  app::SimOptions one;
  one.threads = 1;
  one.replications = 4;
  app::SimOptions two = one;
  two.threads = 2;
  const auto a = app::simulate(sc, one).to_result().to_json();
  const auto b = app::simulate(sc, two).to_result().to_json();
  CHECK(a.at("sessions").dump() == b.at("sessions").dump());
  CHECK(a.at("flows").dump() == b.at("flows").dump());
  CHECK(a.dump() == b.dump());
  CHECK(a.at("sessions").at("started").get<double>() > 2000.0);
}
