#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "sim/processor_sharing.hpp"
#include "sim/simulation.hpp"

using namespace loadcast::sim;

// Named, not anonymous: ProcessorSharing keeps these types in its members (-Wsubobject-linkage).
namespace ps_test {

// Records which job finished when.
struct Recorder {
  explicit Recorder(Simulation& s) : sim(s) {}
  void done(int job) { finished.emplace_back(job, sim.now()); }
  Simulation& sim;
  std::vector<std::pair<int, Time>> finished;
};

using Ps = ProcessorSharing<&Recorder::done>;

}  // namespace ps_test

using namespace ps_test;

TEST_CASE("ProcessorSharing: jobs share the capacity equally, at most one unit each") {
  Simulation sim;
  Recorder rec(sim);
  SECTION("two jobs on one unit progress at half speed until the shorter leaves") {
    Ps ps(sim, 1.0, rec);
    ps.add(1, 1.0);
    ps.add(2, 2.0);
    CHECK(ps.rate() == 0.5);
    CHECK(ps.busy() == 1.0);
    sim.run();
    // Job 1 has its 1 s of work at t = 2 s; job 2 then has 1 s left alone, at full speed.
    CHECK(rec.finished == std::vector<std::pair<int, Time>>{{1, 2 * kSecond}, {2, 3 * kSecond}});
  }
  SECTION("with more capacity than jobs each job runs at full speed") {
    Ps ps(sim, 4.0, rec);
    ps.add(1, 0.5);
    ps.add(2, 0.25);
    CHECK(ps.rate() == 1.0);
    CHECK(ps.busy() == 2.0);
    sim.run();
    CHECK(rec.finished == std::vector<std::pair<int, Time>>{{2, 250 * kMillisecond}, {1, 500 * kMillisecond}});
  }
  SECTION("four equal jobs on two units leave together, in arrival order") {
    Ps ps(sim, 2.0, rec);
    for (int j = 1; j <= 4; ++j) ps.add(j, 1.0);
    sim.run();
    CHECK(rec.finished ==
          std::vector<std::pair<int, Time>>{{1, 2 * kSecond}, {2, 2 * kSecond}, {3, 2 * kSecond}, {4, 2 * kSecond}});
  }
}

TEST_CASE("ProcessorSharing: a late arrival slows the jobs already present") {
  Simulation sim;
  Recorder rec(sim);
  Ps ps(sim, 1.0, rec);
  ps.add(1, 2.0);
  sim.schedule(kSecond, [&] { ps.add(2, 1.0); });
  sim.run();
  // At 1 s job 1 has 1 s left; both then run at 0.5 and finish together at 3 s, job 1 first
  // (equal tags leave in arrival order).
  CHECK(rec.finished == std::vector<std::pair<int, Time>>{{1, 3 * kSecond}, {2, 3 * kSecond}});
}

TEST_CASE("ProcessorSharing: a capacity change keeps the progress made so far") {
  Simulation sim;
  Recorder rec(sim);
  Ps ps(sim, 1.0, rec);
  ps.add(1, 2.0);
  SECTION("half the capacity halves the speed of the remaining work") {
    sim.schedule(kSecond, [&] { ps.set_capacity(0.5); });
    sim.run();
    CHECK(rec.finished == std::vector<std::pair<int, Time>>{{1, 3 * kSecond}});
  }
  SECTION("zero capacity holds the jobs until capacity returns") {
    sim.schedule(kSecond, [&] { ps.set_capacity(0.0); });
    sim.schedule(5 * kSecond, [&] { ps.set_capacity(1.0); });
    sim.run();
    CHECK(rec.finished == std::vector<std::pair<int, Time>>{{1, 6 * kSecond}});
  }
}

TEST_CASE("ProcessorSharing: a removed job never finishes and the others speed up") {
  Simulation sim;
  Recorder rec(sim);
  Ps ps(sim, 1.0, rec);
  ps.add(1, 2.0);
  ps.add(2, 10.0);
  sim.schedule(2 * kSecond, [&] { CHECK(ps.remove(2)); });
  sim.run();
  // Until 2 s both ran at 0.5: job 1 has 1 s left, alone.
  CHECK(rec.finished == std::vector<std::pair<int, Time>>{{1, 3 * kSecond}});
  CHECK_FALSE(ps.remove(2));
  CHECK(ps.jobs() == 0);
}

TEST_CASE("ProcessorSharing: for_each visits every job present") {
  Simulation sim;
  Recorder rec(sim);
  Ps ps(sim, 2.0, rec);
  for (int j = 1; j <= 3; ++j) ps.add(j, 1.0);
  int sum = 0;
  ps.for_each([&](int job) { sum += job; });
  CHECK(sum == 6);
  CHECK(ps.jobs() == 3);
}

TEST_CASE("ProcessorSharing: the owner may add work from its completion hook") {
  struct Chain {
    explicit Chain(Simulation& s) : sim(s), ps(s, 1.0, *this) {}
    void done(int job) {
      times.push_back(sim.now());
      if (job < 3) ps.add(job + 1, 1.0);
    }
    Simulation& sim;
    ProcessorSharing<&Chain::done> ps;
    std::vector<Time> times;
  };
  Simulation sim;
  Chain chain(sim);
  chain.ps.add(1, 1.0);
  sim.run();
  CHECK(chain.times == std::vector<Time>{kSecond, 2 * kSecond, 3 * kSecond});
}

TEST_CASE("ProcessorSharing: under a CPU quota a lone job runs at full core speed while the budget lasts") {
  Simulation sim;
  Recorder rec(sim);
  Ps ps(sim, 1.0, rec);
  ps.set_quota(1.0, 0.25, 100 * kMillisecond);  // Fargate 0.25 vCPU, one thread
  CHECK(ps.capacity() == Approx(0.25));
  CHECK(ps.cores() == 1.0);
  SECTION("10 ms of work takes 10 ms, not the 40 ms of a quarter-speed processor") {
    ps.add(1, 0.010);
    sim.run();
    CHECK(rec.finished == std::vector<std::pair<int, Time>>{{1, 10 * kMillisecond}});
    CHECK(ps.used(sim.now()) == Approx(0.010));
  }
  SECTION("100 ms of work runs 25 ms in each of four periods") {
    ps.add(1, 0.100);
    sim.run();
    CHECK(rec.finished == std::vector<std::pair<int, Time>>{{1, 325 * kMillisecond}});
    CHECK(ps.used(sim.now()) == Approx(0.100));
  }
  SECTION("at saturation it delivers exactly the quota: 40 jobs of 10 ms all leave at 1.525 s") {
    for (int j = 1; j <= 40; ++j) ps.add(j, 0.010);
    sim.run_until(500 * kMillisecond);
    CHECK(ps.used(sim.now()) == Approx(0.125));  // 5 periods x 25 ms
    sim.run();
    REQUIRE(rec.finished.size() == 40);
    for (const auto& f : rec.finished) CHECK(f.second == 1525 * kMillisecond);
    CHECK(rec.finished.front().first == 1);
  }
  SECTION("a job arriving after the budget is spent waits for the next period") {
    ps.add(1, 0.030);
    sim.schedule(26 * kMillisecond, [&] { ps.add(2, 0.002); });
    sim.run();
    // Job 1 alone spends the 25 ms budget by 25 ms; from 100 ms both share the core at half speed:
    // job 2 has its 2 ms at 104 ms (job 1 then 27 ms), job 1 its last 3 ms alone at 107 ms.
    CHECK(rec.finished == std::vector<std::pair<int, Time>>{{2, 104 * kMillisecond}, {1, 107 * kMillisecond}});
  }
}

TEST_CASE("ProcessorSharing: a quota of at least the cores never throttles, and set_capacity drops the quota") {
  Simulation sim;
  Recorder rec(sim);
  Ps ps(sim, 1.0, rec);
  ps.set_quota(2.0, 2.0, 100 * kMillisecond);
  CHECK_FALSE(ps.has_quota());
  ps.add(1, 1.0);
  ps.add(2, 1.0);
  ps.add(3, 1.0);
  sim.run();
  // Plain processor sharing on 2 cores: 2/3 each, all at 1.5 s.
  CHECK(rec.finished.back().second == 1500 * kMillisecond);
  ps.set_quota(1.0, 0.5, 100 * kMillisecond);
  CHECK(ps.has_quota());
  ps.set_capacity(1.0);
  CHECK_FALSE(ps.has_quota());
  CHECK(ps.capacity() == 1.0);
}

TEST_CASE("ProcessorSharing: a quota change keeps the progress and the period's phase") {
  Simulation sim;
  Recorder rec(sim);
  Ps ps(sim, 1.0, rec);
  ps.set_quota(1.0, 0.25, 100 * kMillisecond);
  ps.add(1, 0.100);
  // 20 ms run by 20 ms; then half a core: 30 ms more by 50 ms (budget 50 ms per period, 20 used),
  // 50 ms in [100, 150] ms: done at 150 ms.
  sim.schedule(20 * kMillisecond, [&] { ps.set_quota(1.0, 0.5, 100 * kMillisecond); });
  sim.run();
  CHECK(rec.finished == std::vector<std::pair<int, Time>>{{1, 150 * kMillisecond}});
}

TEST_CASE("ProcessorSharing: under a quota it counts the periods run and throttled, a computed share for a constant demand") {
  Simulation sim;
  Recorder rec(sim);
  Ps ps(sim, 1.0, rec);
  ps.set_quota(1.0, 0.5, 100 * kMillisecond);  // 0.5 vCPU: 50 ms per 100 ms period
  // A 70 ms job every 200 ms from a period's start: 50 ms (budget spent, throttled), 20 ms in
  // the next period (not throttled), then an idle period boundary: half the periods it ran in
  // are throttled, and each job takes 120 ms.
  for (int j = 0; j < 10; ++j) sim.schedule(j * 200 * kMillisecond, [&ps, j] { ps.add(j, 0.070); });
  sim.run_until(1 * kSecond);
  // Periods ended by 1 s: jobs 0-4 ran in 10 of them, 5 throttled.
  CHECK(ps.periods(sim.now()).ran == 10);
  CHECK(ps.periods(sim.now()).throttled == 5);
  sim.run();
  REQUIRE(rec.finished.size() == 10);
  for (int j = 0; j < 10; ++j) CHECK(rec.finished[static_cast<std::size_t>(j)].second == (j * 200 + 120) * kMillisecond);
  const auto p = ps.periods(2 * kSecond);
  CHECK(p.ran == 20);
  CHECK(p.throttled == 10);
  SECTION("without a quota nothing is counted") {
    Ps free(sim, 1.0, rec);
    free.add(99, 0.5);
    CHECK(free.periods(sim.now() + kSecond).ran == 0);
  }
}
