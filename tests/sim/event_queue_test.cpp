#include <catch2/catch.hpp>

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
