#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "loadgen/arrivals.hpp"
#include "models/core/workload_source.hpp"
#include "sim/distribution.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;
using loadgen::ArrivalSlice;
using loadgen::SliceId;

namespace {

const sim::WeightedChoice kOneClass(std::vector<double>{1.0});
const sim::WeightedChoice kThreeClasses(std::vector<double>{1.0, 2.0, 3.0});

std::vector<sim::Time> walk(const workload::RateSchedule& rate, workload::ArrivalProcess p, SliceId id, sim::Time end,
                            const sim::WeightedChoice& classes = kOneClass, std::vector<std::size_t>* picks = nullptr,
                            std::uint32_t batch = 1) {
  ArrivalSlice slice(rate, p, batch, classes, 42, id, end);
  std::vector<sim::Time> out;
  while (auto a = slice.next()) {
    out.push_back(a->at);
    if (picks != nullptr) picks->push_back(a->cls);
  }
  return out;
}

}  // namespace

TEST_CASE("ArrivalSlice: uniform arrivals are the inverse integral at whole numbers") {
  const workload::RateSchedule rate({{0, 100.0}});
  const auto all = walk(rate, workload::ArrivalProcess::kUniform, {}, 2 * sim::kSecond);
  REQUIRE(all.size() == 199);  // k = 1..199 at k/100 s; the 200th falls on the end
  CHECK(all.front() == 10 * sim::kMillisecond);
  CHECK(all.back() == 1990 * sim::kMillisecond);
}

TEST_CASE("ArrivalSlice: shards and threads partition the schedule exactly") {
  const workload::RateSchedule rate({{0, 50.0}, {sim::kSecond, 400.0}});
  for (auto process : {workload::ArrivalProcess::kUniform, workload::ArrivalProcess::kPoisson}) {
    const auto whole = walk(rate, process, {}, 3 * sim::kSecond);
    std::vector<sim::Time> parts;
    for (std::uint64_t shard = 0; shard < 3; ++shard) {
      for (std::uint64_t thread = 0; thread < 2; ++thread) {
        const auto slice = walk(rate, process, {shard, 3, thread, 2}, 3 * sim::kSecond);
        parts.insert(parts.end(), slice.begin(), slice.end());
      }
    }
    std::sort(parts.begin(), parts.end());
    CHECK(parts == whole);
    CHECK(whole.size() > 500);
  }
}

TEST_CASE("ArrivalSlice: Poisson arrivals follow the simulator's stream") {
  // The k-th arrival is at the inverse integral of a cumulative sum of unit exponentials from
  // the stream "workload.arrivals" of replication 0 (sim::standard_exponential, the simulator's
  // sampler): the same numbers the simulator draws.
  const workload::RateSchedule rate({{0, 10.0}});
  const auto got = walk(rate, workload::ArrivalProcess::kPoisson, {}, 5 * sim::kSecond);
  auto rng = sim::Rng::stream(42, 0, "workload.arrivals");
  double area = 0.0;
  std::vector<sim::Time> expected;
  while (true) {
    area += sim::standard_exponential(rng);
    const auto t = rate.inverse_integral(area);
    if (!t || *t >= 5 * sim::kSecond) break;
    expected.push_back(*t);
  }
  CHECK(got == expected);
}

TEST_CASE("ArrivalSlice: request classes are the simulator's picks in arrival order") {
  const workload::RateSchedule rate({{0, 200.0}});
  std::vector<std::size_t> whole;
  walk(rate, workload::ArrivalProcess::kUniform, {}, sim::kSecond, kThreeClasses, &whole);
  auto rng = sim::Rng::stream(42, 0, "workload.classes");
  REQUIRE(whole.size() == 199);
  for (std::size_t k = 0; k < whole.size(); ++k) CHECK(whole[k] == kThreeClasses.pick(rng));
  // A slice keeps the classes of its own arrivals.
  std::vector<std::size_t> odd;
  walk(rate, workload::ArrivalProcess::kUniform, {1, 2, 0, 1}, sim::kSecond, kThreeClasses, &odd);
  REQUIRE(odd.size() == 99);
  for (std::size_t m = 0; m < odd.size(); ++m) CHECK(odd[m] == whole[2 * m + 1]);
}

TEST_CASE("ArrivalSlice: the simulator admits the same arrivals, classes and times") {
  // Both engines walk workload::ArrivalSequence; here the simulator's WorkloadSource runs in a
  // Simulation and the load generator's whole slice is walked, for the same seed.
  struct Recorder final : models::Admitter {
    explicit Recorder(sim::Simulation& s) : sim(s) {}
    void admit(std::uint32_t cls, std::uint32_t) override {
      times.push_back(sim.now());
      classes.push_back(cls);
    }
    sim::Simulation& sim;
    std::vector<sim::Time> times;
    std::vector<std::size_t> classes;
  };
  // A ramp, and a constant rate (placed by the schedule's inline division); the source draws
  // its arrivals 32 at a time, and the run stops once mid-way, so buffer boundaries, a pause and
  // the end all fall inside the run.
  const std::vector<std::vector<workload::RatePoint>> rates = {{{0, 20.0}, {2 * sim::kSecond, 300.0}}, {{0, 151.0}}};
  for (const auto& points : rates) {
    for (auto process : {workload::ArrivalProcess::kPoisson, workload::ArrivalProcess::kUniform}) {
      for (std::uint32_t batch : {1u, 3u}) {
      workload::WorkloadSpec spec;
      spec.model = workload::OpenWorkload{process, batch, workload::RateSchedule(points)};
      for (double w : {1.0, 2.0, 3.0}) spec.classes.push_back(workload::RequestClass{"c", w, {}});
      const sim::Time end = 4 * sim::kSecond;
      sim::Simulation simulation(42, 0);
      Recorder rec(simulation);
      models::WorkloadSource source(simulation, spec, rec, end);
      source.start();
      simulation.run_until(end / 3);
      simulation.run_until(end);

      std::vector<std::size_t> picks;
      const auto times = walk(std::get<workload::OpenWorkload>(spec.model).rate, process, {}, end, kThreeClasses, &picks, batch);
      CHECK(rec.times.size() > 300);
      CHECK(rec.times == times);
      CHECK(rec.classes == picks);
      if (batch > 1) CHECK(times[1] == times[0]);
      }
    }
  }
}

TEST_CASE("ArrivalSlice: users are split across shards and threads without loss") {
  for (std::uint64_t users : {0u, 1u, 5u, 17u, 100u}) {
    std::uint64_t sum = 0;
    for (std::uint64_t shard = 0; shard < 3; ++shard) {
      for (std::uint64_t thread = 0; thread < 4; ++thread) sum += loadgen::users_for(users, {shard, 3, thread, 4});
    }
    CHECK(sum == users);
  }
  CHECK(loadgen::users_for(5, {0, 3, 0, 1}) == 2);
  CHECK(loadgen::users_for(5, {2, 3, 0, 1}) == 1);
}
