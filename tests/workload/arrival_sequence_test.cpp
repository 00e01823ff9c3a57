#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
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
  const auto got = all(ArrivalSequence(rate, ArrivalProcess::kUniform, 1, kOneClass, 7, 0, 10 * sim::kSecond));
  REQUIRE(got.size() == 499);  // Λ(10 s) = 500: the 500th falls on the end
  for (std::size_t k = 0; k < got.size(); ++k) {
    CHECK(got[k].index == k);
    CHECK(got[k].at == rate.inverse_integral(static_cast<double>(k + 1)));
  }
  CHECK(got[19].at == 2 * sim::kSecond);  // Λ(2 s) = 20
}

TEST_CASE("ArrivalSequence: Poisson arrivals add unit exponentials from the arrival stream") {
  const RateSchedule rate({{0, 10.0}, {2 * sim::kSecond, 40.0}});
  const auto got = all(ArrivalSequence(rate, ArrivalProcess::kPoisson, 1, kOneClass, 42, 3, 5 * sim::kSecond));
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
  const auto got = all(ArrivalSequence(rate, ArrivalProcess::kPoisson, 1, kThreeClasses, 9, 1, sim::kSecond));
  auto rng = sim::Rng::stream(9, 1, workload::kClassStream);
  REQUIRE(got.size() > 50);
  for (const auto& a : got) CHECK(a.cls == kThreeClasses.pick(rng));
}

TEST_CASE("ArrivalSequence: passing over arrivals keeps both streams where they would be") {
  const RateSchedule rate({{0, 50.0}, {sim::kSecond, 400.0}});
  for (auto process : {ArrivalProcess::kUniform, ArrivalProcess::kPoisson}) {
    for (const auto* classes : {&kOneClass, &kThreeClasses}) {
      for (std::uint32_t batch : {1u, 4u}) {
      const auto whole = all(ArrivalSequence(rate, process, batch, *classes, 5, 0, 3 * sim::kSecond));
      ArrivalSequence seq(rate, process, batch, *classes, 5, 0, 3 * sim::kSecond);
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
}

TEST_CASE("ArrivalSequence: uniform batches of b are b arrivals at each b-th whole number") {
  const RateSchedule rate({{0, 0.0}, {10 * sim::kSecond, 100.0}});  // Λ(t) = 5 t²
  const auto got = all(ArrivalSequence(rate, ArrivalProcess::kUniform, 5, kThreeClasses, 7, 0, 10 * sim::kSecond));
  REQUIRE(got.size() == 495);  // batches at Λ = 5, 10, …, 495; the one at 500 falls on the end
  const auto single = all(ArrivalSequence(rate, ArrivalProcess::kUniform, 1, kThreeClasses, 7, 0, 10 * sim::kSecond));
  for (std::size_t k = 0; k < got.size(); ++k) {
    CHECK(got[k].at == rate.inverse_integral(static_cast<double>((k / 5 + 1) * 5)));
    CHECK(got[k].cls == single[k].cls);  // the class stream does not depend on the batches
  }
  CHECK(got[15].at == 2 * sim::kSecond);  // the 4th batch, at Λ = 20 = Λ(2 s)
  CHECK(got[19].at == 2 * sim::kSecond);
}

TEST_CASE("ArrivalSequence: Poisson batches keep the mean rate, with exponential gaps between batches") {
  // 4 requests at a time at 1,000 requests/s: batches at 250/s, gaps exponential with mean 4 ms.
  const RateSchedule rate({{0, 1000.0}});
  const auto got = all(ArrivalSequence(rate, ArrivalProcess::kPoisson, 4, kOneClass, 3, 0, 200 * sim::kSecond));
  // The batch count in 200 s is Poisson(50,000): 5 sd = 1,118 batches.
  const double batches = static_cast<double>(got.size()) / 4.0;
  CHECK(std::abs(batches - 50000.0) < 1118.0);
  std::vector<double> gaps;
  for (std::size_t k = 0; k + 4 < got.size(); k += 4) {
    for (std::size_t j = 1; j < 4; ++j) REQUIRE(got[k + j].at == got[k].at);
    gaps.push_back(sim::to_seconds(got[k + 4].at - got[k].at));
  }
  double sum = 0.0, sq = 0.0;
  for (double g : gaps) sum += g;
  const double mean = sum / static_cast<double>(gaps.size());
  for (double g : gaps) sq += (g - mean) * (g - mean);
  const double sd = std::sqrt(sq / static_cast<double>(gaps.size() - 1));
  // Mean 4 ms within 5 standard errors (4 ms / sqrt(50,000) = 0.018 ms); an exponential's sd is its mean.
  CHECK(std::abs(mean - 0.004) < 5 * 0.004 / std::sqrt(50000.0));
  CHECK(sd / mean == Approx(1.0).epsilon(0.03));
}

TEST_CASE("ArrivalSequence: a rate that falls to zero ends the sequence") {
  const RateSchedule rate({{0, 10.0}, {sim::kSecond, 10.0}, {sim::kSecond, 0.0}});
  ArrivalSequence seq(rate, ArrivalProcess::kUniform, 1, kOneClass, 1, 0, sim::kHour);
  std::size_t n = 0;
  while (seq.next()) ++n;
  CHECK(n == 10);  // Λ never passes 10
  CHECK_FALSE(seq.next().has_value());
}
