#include <catch2/catch.hpp>

#include <vector>

#include "sim/distribution.hpp"
#include "sim/rng.hpp"
#include "workload/arrival_sequence.hpp"

using namespace loadcast;
using workload::ArrivalProcess;
using workload::ArrivalSequence;
using workload::RateSchedule;

namespace {

const sim::WeightedChoice kOneClass(std::vector<double>{1.0});
const sim::WeightedChoice kThreeClasses(std::vector<double>{1.0, 2.0, 3.0});

std::vector<workload::Arrival> all(ArrivalSequence seq) {
  std::vector<workload::Arrival> out;
  while (auto a = seq.next()) out.push_back(*a);
  return out;
}

}  // namespace

TEST_CASE("ArrivalSequence: uniform arrivals are the inverse integral at whole numbers") {
  const RateSchedule rate({{0, 0.0}, {10 * sim::kSecond, 100.0}});  // a ramp: Λ(t) = 5 t²
  const auto got = all(ArrivalSequence(rate, ArrivalProcess::kUniform, kOneClass, 7, 0, 10 * sim::kSecond));
  REQUIRE(got.size() == 499);  // Λ(10 s) = 500: the 500th falls on the end
  for (std::size_t k = 0; k < got.size(); ++k) {
    CHECK(got[k].index == k);
    CHECK(got[k].at == rate.inverse_integral(static_cast<double>(k + 1)));
  }
  CHECK(got[19].at == 2 * sim::kSecond);  // Λ(2 s) = 20
}

TEST_CASE("ArrivalSequence: Poisson arrivals add unit exponentials from the arrival stream") {
  const RateSchedule rate({{0, 10.0}, {2 * sim::kSecond, 40.0}});
  const auto got = all(ArrivalSequence(rate, ArrivalProcess::kPoisson, kOneClass, 42, 3, 5 * sim::kSecond));
  auto rng = sim::Rng::stream(42, 3, workload::kArrivalStream);
  double area = 0.0;
  std::vector<sim::Time> expected;
  while (true) {
    area += sim::standard_exponential(rng);
    const auto t = rate.inverse_integral(area);
    if (!t || *t >= 5 * sim::kSecond) break;
    expected.push_back(*t);
  }
  REQUIRE(got.size() == expected.size());
  CHECK(got.size() > 100);
  for (std::size_t k = 0; k < got.size(); ++k) CHECK(got[k].at == expected[k]);
}

TEST_CASE("ArrivalSequence: the k-th arrival's class is the k-th pick of the class stream") {
  const RateSchedule rate({{0, 100.0}});
  const auto got = all(ArrivalSequence(rate, ArrivalProcess::kPoisson, kThreeClasses, 9, 1, sim::kSecond));
  auto rng = sim::Rng::stream(9, 1, workload::kClassStream);
  REQUIRE(got.size() > 50);
  for (const auto& a : got) CHECK(a.cls == kThreeClasses.pick(rng));
}

TEST_CASE("ArrivalSequence: passing over arrivals keeps both streams where they would be") {
  const RateSchedule rate({{0, 50.0}, {sim::kSecond, 400.0}});
  for (auto process : {ArrivalProcess::kUniform, ArrivalProcess::kPoisson}) {
    for (const auto* classes : {&kOneClass, &kThreeClasses}) {
      const auto whole = all(ArrivalSequence(rate, process, *classes, 5, 0, 3 * sim::kSecond));
      ArrivalSequence seq(rate, process, *classes, 5, 0, 3 * sim::kSecond);
      std::vector<workload::Arrival> every_third;
      while (true) {
        seq.pass(2);
        auto a = seq.next();
        if (!a) break;
        every_third.push_back(*a);
      }
      REQUIRE(!every_third.empty());
      for (const auto& a : every_third) {
        REQUIRE(a.index < whole.size());
        CHECK(a.index % 3 == 2);
        CHECK(a.at == whole[a.index].at);
        CHECK(a.cls == whole[a.index].cls);
      }
      CHECK(every_third.size() == whole.size() / 3);
    }
  }
}

TEST_CASE("ArrivalSequence: a rate that falls to zero ends the sequence") {
  const RateSchedule rate({{0, 10.0}, {sim::kSecond, 10.0}, {sim::kSecond, 0.0}});
  ArrivalSequence seq(rate, ArrivalProcess::kUniform, kOneClass, 1, 0, sim::kHour);
  std::size_t n = 0;
  while (seq.next()) ++n;
  CHECK(n == 10);  // Λ never passes 10
  CHECK_FALSE(seq.next().has_value());
}
