#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/simulation.hpp"

using namespace loadcast::sim;

TEST_CASE("Simulation: events run in time order and equal times in scheduling order") {
  Simulation sim;
  std::vector<int> order;
  sim.schedule(30, [&] { order.push_back(3); });
  sim.schedule(10, [&] { order.push_back(1); });
  sim.schedule(20, [&] { order.push_back(2); });
  for (int i = 0; i < 5; ++i) sim.schedule(20, [&order, i] { order.push_back(20 + i); });
  sim.run();
  CHECK(order == std::vector<int>{1, 2, 20, 21, 22, 23, 24, 3});
  CHECK(sim.now() == 30);
}

TEST_CASE("Simulation: zero-delay events run after heap events already due at the same instant") {
  Simulation sim;
  std::vector<int> order;
  sim.schedule(10, [&] {
    order.push_back(1);
    sim.schedule(0, [&] { order.push_back(4); });  // scheduled at t=10, after the two below
  });
  sim.schedule(10, [&] { order.push_back(2); });
  sim.schedule(10, [&] {
    order.push_back(3);
    sim.schedule(0, [&] { order.push_back(5); });
  });
  sim.run();
  CHECK(order == std::vector<int>{1, 2, 3, 4, 5});
}

TEST_CASE("Simulation: cancelled events never run and their ids go stale") {
  Simulation sim;
  int ran = 0;
  EventId a = sim.schedule(5, [&] { ran += 1; });
  EventId b = sim.schedule(5, [&] { ran += 10; });
  REQUIRE(sim.is_pending(a));
  CHECK(sim.cancel(a));
  CHECK_FALSE(sim.cancel(a));
  CHECK_FALSE(sim.is_pending(a));
  sim.run();
  CHECK(ran == 10);
  CHECK_FALSE(sim.is_pending(b));
  // The slot of `a` is reused; the old id must not cancel the new event.
  EventId c = sim.schedule(1, [&] { ran += 100; });
  CHECK_FALSE(sim.cancel(a));
  CHECK(sim.is_pending(c));
  sim.run();
  CHECK(ran == 110);
}

TEST_CASE("Simulation: run_until stops at the limit and leaves the clock there") {
  Simulation sim;
  int ran = 0;
  sim.schedule(100, [&] { ++ran; });
  sim.schedule(200, [&] { ++ran; });
  sim.run_until(150);
  CHECK(ran == 1);
  CHECK(sim.now() == 150);
  sim.run_until(200);
  CHECK(ran == 2);
  CHECK(sim.events_processed() == 2);
}

TEST_CASE("EventQueue: binary and 4-ary heaps pop the same order for random keys") {
  DaryHeap<2> h2;
  DaryHeap<4> h4;
  Rng rng(7);
  for (std::uint64_t i = 0; i < 10000; ++i) {
    const EventKey k{static_cast<Time>(rng.below(1000)), i << 24};
    h2.push(k);
    h4.push(k);
  }
  EventKey prev{-1, 0};
  while (!h2.empty()) {
    REQUIRE(h2.top().time == h4.top().time);
    REQUIRE(h2.top().order == h4.top().order);
    CHECK_FALSE(earlier(h2.top(), prev));
    prev = h2.top();
    h2.pop();
    h4.pop();
  }
  CHECK(h4.empty());
}

TEST_CASE("EventQueue: steady state reuses slots instead of growing") {
  Simulation sim;
  // A hold model: each event schedules one successor and cancels-and-reschedules a timer.
  EventId timer;
  struct Loop {
    Simulation* sim;
    EventId* timer;
    int* left;
    void operator()() const {
      if (--*left <= 0) return;
      sim->cancel(*timer);
      *timer = sim->schedule(1000, [] {});
      sim->schedule(3, Loop{sim, timer, left});
    }
  };
  int left = 100000;
  sim.schedule(1, Loop{&sim, &timer, &left});
  sim.run_until(1'000'000);
  CHECK(left == 0);
  CHECK(sim.events_pending() <= 2);
}

TEST_CASE("Simulation: a callback's captures stay intact when it schedules an event into its own slot") {
  // The event's slot is free while its callback runs, so the callback's first schedule() takes
  // it and builds a new lambda over the bytes of the running one: the running callback must read
  // its captures from a copy, not from the slot.
  Simulation sim;
  std::vector<long> seen;
  long a = 11, b = 22;  // not const: a constant would need no capture (clang -Wunused-lambda-capture)
  sim.schedule(5, [&sim, &seen, a, b] {  // 32 bytes: the whole storage
    long x = -1, y = -2;
    sim.schedule(1, [&seen, x, y] { seen.insert(seen.end(), {x, y}); });
    seen.insert(seen.end(), {a, b});
  });
  sim.run();
  CHECK(seen == std::vector<long>{11, 22, -1, -2});
}

TEST_CASE("Simulation: a callback survives the slot pool growing while it runs") {
  // Scheduling 10,000 events from inside one callback reallocates the slot pool under it.
  Simulation sim;
  std::vector<long> seen;
  int ran = 0;
  const long a = 7;
  sim.schedule(1, [&sim, &seen, &ran, a] {  // 32 bytes
    for (int i = 0; i < 10000; ++i) sim.schedule(1 + i, [&ran] { ++ran; });
    seen.push_back(a);
  });
  sim.run();
  CHECK(seen == std::vector<long>{7});
  CHECK(ran == 10000);
  CHECK(sim.now() == 1 + 10000);
}

TEST_CASE("Callback: a capture that is not trivially copyable is moved, run once and destroyed once") {
  auto token = std::make_shared<int>(0);
  Simulation sim;
  sim.schedule(3, [token] { ++*token; });
  EventId cancelled = sim.schedule(4, [token] { *token += 100; });
  CHECK(token.use_count() == 3);
  CHECK(sim.cancel(cancelled));
  CHECK(token.use_count() == 2);  // cancelling destroys the callable at once
  sim.run();
  CHECK(*token == 1);
  CHECK(token.use_count() == 1);  // the one that ran is destroyed after running

  Callback cb([token] { *token += 10; });
  Callback moved(std::move(cb));
  CHECK_FALSE(static_cast<bool>(cb));
  CHECK(token.use_count() == 2);
  moved.run_detached();
  CHECK(*token == 11);
  CHECK_FALSE(static_cast<bool>(moved));
  CHECK(token.use_count() == 1);
}

TEST_CASE("EventQueue: the heap grows past its first storage and pops every key in order") {
  DaryHeap<2> heap;
  Rng rng(3);
  std::vector<Time> times;
  for (std::uint64_t i = 0; i < 1000; ++i) {  // 64 keys first, then doubling: four growths
    const auto t = static_cast<Time>(rng.below(100000));
    times.push_back(t);
    heap.push(EventKey{t, i << 24});
  }
  std::sort(times.begin(), times.end());
  CHECK(heap.size() == 1000);
  for (const Time t : times) {
    REQUIRE_FALSE(heap.empty());
    CHECK(heap.top().time == t);
    heap.pop();
  }
  CHECK(heap.empty());
}

TEST_CASE("EventQueue: a heap fed by replace_top and push pops every key in order") {
  DaryHeap<2> binary;
  DaryHeap<4> quaternary;
  std::vector<EventKey> reference;  // kept sorted
  Rng rng(11);
  std::uint64_t seq = 0;
  auto add = [&](bool replace) {
    const EventKey k{static_cast<Time>(rng.below(1000)), seq++ << 24};
    if (replace) {
      binary.replace_top(k);
      quaternary.replace_top(k);
      reference.erase(reference.begin());
    } else {
      binary.push(k);
      quaternary.push(k);
    }
    reference.insert(std::upper_bound(reference.begin(), reference.end(), k, earlier), k);
  };
  for (int i = 0; i < 20; ++i) add(false);
  for (int i = 0; i < 5000; ++i) {
    const std::uint64_t op = rng.below(4);  // replace, push, pop, pop: sizes wander from 0 up
    if (op == 0 && !reference.empty()) {
      add(true);
    } else if (op == 1 || reference.empty()) {
      add(false);
    } else {
      binary.pop();
      quaternary.pop();
      reference.erase(reference.begin());
    }
    REQUIRE(binary.size() == reference.size());
    if (reference.empty()) continue;
    REQUIRE(binary.top().order == reference.front().order);
    REQUIRE(quaternary.top().order == reference.front().order);
  }
  while (!reference.empty()) {
    REQUIRE(binary.top().order == reference.front().order);
    REQUIRE(quaternary.top().order == reference.front().order);
    binary.pop();
    quaternary.pop();
    reference.erase(reference.begin());
  }
  CHECK(binary.empty());
}

namespace {
// Random callbacks for the order test below: each schedules 0 to 3 events (later, or at now;
// 1.5 on average, so the population grows to the cap) and sometimes cancels a pending one.
struct RandomModel {
  struct Ran {
    Time time;
    std::uint64_t seq;
  };
  Simulation sim;
  Rng rng{5};
  std::vector<Ran> ran;
  std::vector<EventId> ids;
  std::vector<bool> cancelled;
  std::uint64_t scheduled = 0;
  std::uint64_t cancels = 0;
  // The first event at which events_pending() differed from scheduled − run − cancelled.
  std::optional<std::uint64_t> pending_wrong;

  void add(Time delay) {
    const std::uint64_t seq = scheduled++;
    cancelled.push_back(false);
    ids.push_back(sim.schedule(delay, [this, seq] { fire(seq); }));
  }
  void fire(std::uint64_t seq) {
    ran.push_back(Ran{sim.now(), seq});
    check_pending();
    if (scheduled > 20000) return;
    const std::uint64_t n = rng.below(4);
    for (std::uint64_t k = 0; k < n; ++k) add(rng.below(4) == 0 ? 0 : static_cast<Time>(1 + rng.below(50)));
    check_pending();
    if (rng.below(8) == 0) {
      const std::uint64_t victim = rng.below(scheduled);
      if (sim.cancel(ids[victim])) {
        cancelled[victim] = true;
        ++cancels;
      }
    }
    check_pending();
  }
  void check_pending() {
    if (!pending_wrong && sim.events_pending() != scheduled - ran.size() - cancels) pending_wrong = ran.size();
  }
};
}  // namespace

TEST_CASE("Simulation: events run in time and scheduling order whatever their callbacks schedule or cancel") {
  // The key of the running event is replaced by the first event it schedules into the heap, or
  // dropped before the next event runs: the events that run must still come in (time, sequence)
  // order, and every event not cancelled must run.
  RandomModel m;
  for (int i = 0; i < 8; ++i) m.add(static_cast<Time>(m.rng.below(50)));
  m.sim.run();
  std::uint64_t expected = 0;
  for (const bool c : m.cancelled) expected += c ? 0 : 1;
  CHECK(m.ran.size() == expected);
  CHECK(m.ran.size() > 1000);
  CHECK(m.cancels > 100);
  // events_pending() is derived from the keys held, less the cancelled ones not yet discarded.
  CHECK_FALSE(m.pending_wrong);
  CHECK(m.sim.events_pending() == 0);
  for (std::size_t i = 1; i < m.ran.size(); ++i) {
    INFO("event " << i);
    const auto& a = m.ran[i - 1];
    const auto& b = m.ran[i];
    REQUIRE((a.time < b.time || (a.time == b.time && a.seq < b.seq)));
  }
}

// An event that counts its runs and schedules itself again `delay` later; when `flag` is set,
// it raises the flag at run number `raise_at`.
namespace {
struct RepeatState {
  std::uint64_t runs = 0;
  std::atomic<bool>* flag = nullptr;
  std::uint64_t raise_at = 0;
};
struct Repeat {
  Simulation* sim;
  RepeatState* state;
  Time delay;
  void operator()() const {
    if (++state->runs == state->raise_at && state->flag != nullptr) state->flag->store(true);
    sim->schedule(delay, *this);
  }
};
}  // namespace

TEST_CASE("Simulation: a model looping at one instant is stopped with NoProgress, not run forever") {
  Simulation sim;
  RepeatState state;
  const std::uint64_t& runs = state.runs;
  sim.schedule(5, Repeat{&sim, &state, 0});
  CHECK_THROWS_AS(sim.run_until(kSecond), NoProgress);
  // More than the limit ran at t = 5 ns, and not many more: the test is every 4,096 events.
  CHECK(runs > Simulation::kMaxEventsPerInstant);
  CHECK(runs <= Simulation::kMaxEventsPerInstant + 2 * 4096);
  CHECK(sim.now() == 5);
}

TEST_CASE("Simulation: a model whose clock advances runs more events than the per-instant limit") {
  // 2^26 + 2^20 events one nanosecond apart: the clock moves, so nothing is thrown.
  Simulation sim;
  RepeatState state;
  const std::uint64_t& runs = state.runs;
  sim.schedule(1, Repeat{&sim, &state, 1});
  const Time end = static_cast<Time>(Simulation::kMaxEventsPerInstant + (1u << 20));
  CHECK_NOTHROW(sim.run_until(end));
  CHECK(runs == Simulation::kMaxEventsPerInstant + (1u << 20));
  CHECK(sim.events_processed() == runs);
}

TEST_CASE("Simulation: the interrupt flag stops a run within 4,096 events and says so") {
  Simulation sim;
  std::atomic<bool> flag{false};
  sim.set_interrupt(&flag);
  RepeatState state{0, &flag, 10000};
  const std::uint64_t& runs = state.runs;
  sim.schedule(kMillisecond, Repeat{&sim, &state, kMillisecond});
  sim.run_until(1000 * kSecond);
  CHECK(sim.interrupted());
  CHECK(runs >= 10000);
  CHECK(runs <= 10000 + 4096);
  // The clock stays at the last event run, not at the limit.
  CHECK(sim.now() == static_cast<Time>(runs) * kMillisecond);
}

TEST_CASE("Simulation: a callback that throws leaves the queue usable and in order") {
  Simulation sim;
  std::vector<int> order;
  sim.schedule(10, [&] { throw std::runtime_error("model failure"); });
  sim.schedule(20, [&] { order.push_back(20); });
  sim.schedule(30, [&] { order.push_back(30); });
  CHECK_THROWS_AS(sim.run(), std::runtime_error);
  sim.schedule(5, [&] { order.push_back(15); });  // t = 15: before the others
  sim.run();
  CHECK(order == std::vector<int>{15, 20, 30});
}

namespace {
// A source that schedules its next event itself (as an open model's arrivals do), through the
// simulation's stream or as ordinary events, plus random ordinary events: with the same seed
// both ways must run the same events in the same order, ties and zero delays included.
struct StreamModel {
  Simulation sim;
  Rng rng{17};
  bool streamed = false;
  std::vector<std::pair<Time, int>> ran;  // (time, label): -1 for the source, else the event's number
  int events = 0;

  void next_arrival() {
    const Time delay = rng.below(3) == 0 ? 0 : static_cast<Time>(rng.below(6));  // many ties
    if (streamed) sim.schedule_stream_at(sim.now() + delay);
    else sim.schedule(delay, [this] { arrival(); });
  }
  void arrival() {
    ran.emplace_back(sim.now(), -1);
    if (ran.size() > 30000) return;
    next_arrival();
    const std::uint64_t n = rng.below(3);
    for (std::uint64_t k = 0; k < n; ++k) {
      const int label = events++;
      const Time delay = rng.below(4) == 0 ? 0 : static_cast<Time>(rng.below(8));
      sim.schedule(delay, [this, label] { ran.emplace_back(sim.now(), label); });
    }
  }
  void run(bool stream) {
    streamed = stream && sim.claim_stream([](void* self) { static_cast<StreamModel*>(self)->arrival(); }, this);
    sim.schedule(3, [this] { ran.emplace_back(sim.now(), -2); });
    next_arrival();
    sim.run_until(5000);
    sim.run();
  }
};
}  // namespace

TEST_CASE("Simulation: a stream kept outside the heap runs in the order ordinary events would") {
  StreamModel plain, streamed;
  plain.run(false);
  streamed.run(true);
  CHECK(streamed.streamed);
  CHECK(plain.ran.size() > 30000);
  CHECK(streamed.ran == plain.ran);
  CHECK(streamed.sim.events_processed() == plain.sim.events_processed());
  CHECK(streamed.sim.events_pending() == 0);
}

TEST_CASE("Simulation: the stream counts as pending, stops at run_until's limit, and is claimed once") {
  Simulation sim;
  int fired = 0;
  auto fire = [](void* p) { ++*static_cast<int*>(p); };
  REQUIRE(sim.claim_stream(fire, &fired));
  CHECK_FALSE(sim.claim_stream(fire, &fired));
  sim.schedule_stream_at(100);
  CHECK(sim.events_pending() == 1);
  sim.run_until(99);
  CHECK(fired == 0);
  CHECK(sim.now() == 99);
  sim.run_until(100);
  CHECK(fired == 1);
  CHECK(sim.events_pending() == 0);
  sim.schedule_stream_at(50);  // in the past: clamped to now, runs at once (through the lane)
  sim.run();
  CHECK(fired == 2);
  CHECK(sim.now() == 100);
}
