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
