// Binary vs 4-ary heap in the event queue, on the classic hold model: a steady population of
// pending events, each pop schedules one successor at an exponential increment.
// Run: build/release/tests/bench/bench_event_queue
#include <benchmark/benchmark.h>

#include <cmath>

#include "sim/event_queue.hpp"
#include "sim/rng.hpp"

namespace {

template <unsigned Arity>
void hold_model(benchmark::State& state) {
  const auto population = static_cast<std::size_t>(state.range(0));
  loadcast::sim::EventQueue<Arity> queue;
  loadcast::sim::Rng rng(1);
  std::uint64_t fired = 0;
  auto next = [&]() { return static_cast<std::int64_t>(-1e6 * std::log(rng.uniform_pos())); };
  for (std::size_t i = 0; i < population; ++i) queue.schedule_at(queue.now() + next(), [&fired] { ++fired; });
  for (auto _ : state) {
    queue.run_one(INT64_MAX);
    queue.schedule_at(queue.now() + next(), [&fired] { ++fired; });
  }
  benchmark::DoNotOptimize(fired);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

template <unsigned Arity>
void cancel_heavy(benchmark::State& state) {
  // Processor-sharing pattern: every event cancels and reschedules one timer.
  const auto population = static_cast<std::size_t>(state.range(0));
  loadcast::sim::EventQueue<Arity> queue;
  loadcast::sim::Rng rng(2);
  auto next = [&]() { return static_cast<std::int64_t>(-1e6 * std::log(rng.uniform_pos())); };
  for (std::size_t i = 0; i < population; ++i) queue.schedule_at(queue.now() + next(), [] {});
  loadcast::sim::EventId timer = queue.schedule_at(queue.now() + next(), [] {});
  for (auto _ : state) {
    queue.run_one(INT64_MAX);
    queue.cancel(timer);
    timer = queue.schedule_at(queue.now() + next(), [] {});
    queue.schedule_at(queue.now() + next(), [] {});
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

}  // namespace

BENCHMARK_TEMPLATE(hold_model, 2)->Arg(16)->Arg(1024)->Arg(65536);
BENCHMARK_TEMPLATE(hold_model, 4)->Arg(16)->Arg(1024)->Arg(65536);
BENCHMARK_TEMPLATE(cancel_heavy, 2)->Arg(16)->Arg(1024)->Arg(65536);
BENCHMARK_TEMPLATE(cancel_heavy, 4)->Arg(16)->Arg(1024)->Arg(65536);

BENCHMARK_MAIN();
