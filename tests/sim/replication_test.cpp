#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sim/replication.hpp"

using namespace loadcast;

namespace {

// A replication's result that counts how many results exist at once.
struct Live {
  std::atomic<int> now{0};
  std::atomic<int> peak{0};
};

struct Tracked {
  std::size_t index = 0;
  std::shared_ptr<void> token;
};

Tracked make_tracked(Live& live, std::size_t index) {
  const int n = ++live.now;
  int peak = live.peak.load();
  while (n > peak && !live.peak.compare_exchange_weak(peak, n)) {
  }
  return Tracked{index, std::shared_ptr<void>(nullptr, [&live](void*) { --live.now; })};
}

// Early replications are slow, so later ones finish first and must wait for them.
void slow_start(std::size_t i) {
  if (i % 8 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace

TEST_CASE("Replications: results are handed over in replication order on any thread count") {
  for (const unsigned threads : {1U, 2U, 3U, 8U}) {
    INFO("threads " << threads);
    std::vector<std::size_t> order;
    sim::run_replications_in_order(
        40, threads,
        [](std::size_t i) {
          slow_start(i);
          return i * 10;
        },
        [&](std::size_t r, std::size_t value) { order.push_back(value == r * 10 ? r : 999); });
    REQUIRE(order.size() == 40);
    for (std::size_t r = 0; r < order.size(); ++r) CHECK(order[r] == r);
  }
}

TEST_CASE("Replications: no more results exist at once than there are threads, whatever their number") {
  for (const unsigned threads : {1U, 2U, 4U}) {
    INFO("threads " << threads);
    Live live;
    std::vector<std::size_t> order;
    sim::run_replications_in_order(
        200, threads,
        [&](std::size_t i) {
          slow_start(i);
          return make_tracked(live, i);
        },
        [&](std::size_t r, Tracked t) { order.push_back(t.index == r ? r : 999); });
    REQUIRE(order.size() == 200);
    for (std::size_t r = 0; r < order.size(); ++r) CHECK(order[r] == r);
    CHECK(live.now.load() == 0);
    CHECK(live.peak.load() >= 1);
    CHECK(live.peak.load() <= static_cast<int>(threads));
  }
}

TEST_CASE("Replications: a failing replication stops the rest and its error reaches the caller") {
  std::vector<std::size_t> order;
  CHECK_THROWS_WITH(sim::run_replications_in_order(
                        100, 2,
                        [](std::size_t i) {
                          if (i == 5) throw std::runtime_error("replication 5 failed");
                          return i;
                        },
                        [&](std::size_t r, std::size_t) { order.push_back(r); }),
                    "replication 5 failed");
  // Replications after the failed one are never handed over: the merge is of 0..4 at most.
  CHECK(order.size() <= 5);
  for (std::size_t r = 0; r < order.size(); ++r) CHECK(order[r] == r);
  // A failing consumer stops the run too.
  std::atomic<std::size_t> started{0};
  CHECK_THROWS_WITH(sim::run_replications_in_order(
                        100, 2, [&](std::size_t i) {
                          ++started;
                          return i;
                        },
                        [](std::size_t r, std::size_t) {
                          if (r == 3) throw std::runtime_error("merge failed");
                        }),
                    "merge failed");
  CHECK(started.load() < 100);
}

TEST_CASE("Replications: run_replications collects every result by index") {
  const auto out = sim::run_replications(17, 3, [](std::size_t i) {
    slow_start(i);
    return static_cast<int>(i) * 2;
  });
  REQUIRE(out.size() == 17);
  for (std::size_t i = 0; i < out.size(); ++i) CHECK(out[i] == static_cast<int>(i) * 2);
}
