// Steady state allocates nothing per event: the allocations of a run do not grow with its
// length. This file replaces the global operator new to count allocations, so it is its own
// test executable (test_allocation).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "models/core/system.hpp"
#include "scenarios/loader/scenario.hpp"

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

using namespace loadcast;

namespace {

struct Counted {
  std::uint64_t allocations;
  std::uint64_t events;
};

// Allocations made while simulating (not while loading or building the model).
Counted run_for(const std::string& yaml, const std::string& duration) {
  const scenario::Scenario sc = scenario::load_string(yaml, "alloc.yaml", {scenario::parse_override("duration=" + duration)});
  models::RunParams params{sc.duration, sc.warmup, sc.interval, false, std::nullopt};
  sim::Simulation s(sc.seed, 0);
  models::System system(s, sc.workload, sc.model, params);
  const std::uint64_t before = g_allocations.load();
  const models::RunOutput out = system.run();
  return {g_allocations.load() - before, out.events_processed};
}

void require_flat(const std::string& yaml) {
  const Counted short_run = run_for(yaml, "120s");
  const Counted long_run = run_for(yaml, "1200s");
  const double extra_events = static_cast<double>(long_run.events - short_run.events);
  const double extra_allocations = static_cast<double>(long_run.allocations) - static_cast<double>(short_run.allocations);
  INFO("events " << short_run.events << " -> " << long_run.events << ", allocations " << short_run.allocations << " -> "
                 << long_run.allocations);
  REQUIRE(extra_events > 1e6);
  // What may still grow is per report interval (time-series points), not per event: 18 more
  // intervals here against millions of events.
  CHECK(extra_allocations < 1e-4 * extra_events);
}

}  // namespace

TEST_CASE("Allocation: an M/M/4 station run allocates nothing per event in steady state") {
  require_flat(R"(
name: mm4
seed: 1
duration: 60s
report_interval: 60s
workload:
  arrivals: { process: poisson, rate: 3200 }
  requests:
    - { name: job, steps: [ { station: s1, service: exp(1ms) } ] }
stations:
  s1: { servers: 4 }
)");
}

TEST_CASE("Allocation: a web-tier run (ALB, Fargate tasks, Aurora) allocates nothing per request in steady state") {
  require_flat(R"(
name: web
seed: 2
duration: 60s
report_interval: 60s
workload:
  arrivals: { process: poisson, rate: 1000 }
  requests:
    - name: items
      path: /api/items
      steps: [ { cpu: exp(2ms) }, { db: { reads: 1 } } ]
load_balancer:
  type: alb
  rules: [ { path: "/*", service: api } ]
services:
  api: { cpu: 4096, memory: 8192, threads: 4, desired: 2 }
database: { type: aurora_serverless_v2, engine: postgresql, min_acu: 2, max_acu: 8 }
)");
}
