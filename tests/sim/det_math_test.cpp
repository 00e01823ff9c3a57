// det_log / det_log1p / det_exp / det_pow against the C library (the reference here, never on
// the simulation path), and pinned bit patterns: a platform whose arithmetic differs fails.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "sim/det_math.hpp"
#include "sim/rng.hpp"

using namespace loadcast::sim;

namespace {

// Distance in units in the last place between two finite doubles of the same sign.
std::uint64_t ulps(double a, double b) {
  if (a == b) return 0;
  const auto ia = std::bit_cast<std::int64_t>(a);
  const auto ib = std::bit_cast<std::int64_t>(b);
  if ((ia < 0) != (ib < 0)) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(ia > ib ? ia - ib : ib - ia);
}

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

}  // namespace

TEST_CASE("DetMath: log is within 1 ulp of the C library over every magnitude") {
  Rng rng(7);
  std::uint64_t worst = 0;
  for (int i = 0; i < 2'000'000; ++i) {
    // Uniform bit patterns of positive finite doubles: every exponent, subnormals included.
    const double x = std::bit_cast<double>(rng.next() % 0x7FF0000000000000ull);
    if (x == 0.0) continue;
    worst = std::max(worst, ulps(det_log(x), std::log(x)));
  }
  for (int i = 0; i < 1'000'000; ++i) {  // near 1, where the result is small
    const double x = 1.0 + (rng.uniform() - 0.5) * 0x1.0p-10;
    worst = std::max(worst, ulps(det_log(x), std::log(x)));
  }
  for (int i = 0; i < 1'000'000; ++i) {  // the samplers' inputs: uniforms in (0, 1]
    const double u = rng.uniform_pos();
    worst = std::max(worst, ulps(det_log(u), std::log(u)));
  }
  INFO("worst " << worst << " ulp");
  CHECK(worst <= 1);
  CHECK(det_log(1.0) == 0.0);
  CHECK(det_log(0.0) == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(det_log(-1.0)));
  CHECK(std::isnan(det_log(std::numeric_limits<double>::quiet_NaN())));
  CHECK(det_log(std::numeric_limits<double>::infinity()) == std::numeric_limits<double>::infinity());
  CHECK(ulps(det_log(std::numeric_limits<double>::denorm_min()), std::log(std::numeric_limits<double>::denorm_min())) <= 1);
  CHECK(ulps(det_log(std::numeric_limits<double>::max()), std::log(std::numeric_limits<double>::max())) <= 1);
}

TEST_CASE("DetMath: log1p keeps the relative precision of small arguments") {
  Rng rng(8);
  std::uint64_t worst = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    const double y = std::ldexp(rng.uniform() - 0.5, -static_cast<int>(rng.below(60)));
    worst = std::max(worst, ulps(det_log1p(y), std::log1p(y)));
  }
  for (int i = 0; i < 200'000; ++i) {
    const double y = rng.uniform() * 100.0 - 0.999;
    worst = std::max(worst, ulps(det_log1p(y), std::log1p(y)));
  }
  INFO("worst " << worst << " ulp");
  CHECK(worst <= 1);
}

TEST_CASE("DetMath: exp is within 1 ulp of the C library, overflow and underflow included") {
  Rng rng(9);
  std::uint64_t worst = 0;
  for (int i = 0; i < 2'000'000; ++i) {
    const double x = (rng.uniform() - 0.5) * 1400.0;  // normal results
    worst = std::max(worst, ulps(det_exp(x), std::exp(x)));
  }
  for (int i = 0; i < 1'000'000; ++i) {
    const double x = (rng.uniform() - 0.5) * 2.0;
    worst = std::max(worst, ulps(det_exp(x), std::exp(x)));
  }
  for (int i = 0; i < 200'000; ++i) {  // subnormal results
    const double x = -708.4 - rng.uniform() * 36.0;
    worst = std::max(worst, ulps(det_exp(x), std::exp(x)));
  }
  INFO("worst " << worst << " ulp");
  CHECK(worst <= 1);
  CHECK(det_exp(0.0) == 1.0);
  CHECK(det_exp(710.0) == std::numeric_limits<double>::infinity());
  CHECK(det_exp(-746.0) == 0.0);
  CHECK(std::isnan(det_exp(std::numeric_limits<double>::quiet_NaN())));
  CHECK(ulps(det_exp(709.78), std::exp(709.78)) <= 1);
}

TEST_CASE("DetMath: pow is accurate where the samplers use it") {
  Rng rng(10);
  double worst = 0.0;
  for (int i = 0; i < 1'000'000; ++i) {
    const double b = rng.uniform_pos() * 1e3;
    const double e = (rng.uniform() - 0.5) * 10.0;
    if (std::fabs(e * std::log(b)) > 50.0) continue;
    const double ref = std::pow(b, e);
    worst = std::max(worst, std::fabs(det_pow(b, e) - ref) / ref);
  }
  INFO("worst relative error " << worst);
  CHECK(worst < 1e-14);
  CHECK(det_pow(2.0, 10.0) == Approx(1024.0).epsilon(1e-15));
  CHECK(det_pow(7.0, 0.0) == 1.0);
  CHECK(det_pow(1.0, 1e300) == 1.0);
}

TEST_CASE("DetMath: the same bits on every machine") {
  // Pinned outputs: these are what IEEE-754 double arithmetic without contraction gives (all
  // but exp(1) are the correctly rounded values; exp(1) is 1 ulp above); a compiler or CPU that
  // fuses or reorders the operations fails here before a result file silently differs.
  CHECK(bits(det_log(0.1)) == 0xC0026BB1BBB55515ull);
  CHECK(bits(det_log(3.0)) == 0x3FF193EA7AAD030Bull);
  CHECK(bits(det_log(1e-300)) == 0xC085963447F87FB5ull);
  CHECK(bits(det_log1p(1e-5)) == 0x3EE4F8AEA9AE7317ull);
  CHECK(bits(det_exp(1.0)) == 0x4005BF0A8B14576Aull);
  CHECK(bits(det_exp(-3.7)) == 0x3F99511FC6871044ull);
  CHECK(bits(det_pow(2.5, 1.7)) == 0x4012FDCF53F3E6F3ull);
}
