// Deterministic elementary functions: log, log1p, exp and pow written with IEEE-754 basic
// operations only (+ − × ÷, exact bit manipulation), so that with -ffp-contract=off (set for
// the whole project) they return the same bits on every IEEE machine, compiler and C library —
// the C library's own differ in the last bit, and one different bit eventually changes a result
// file. The samplers (sim/distribution.cpp) and the confidence intervals (sim/stats.cpp) use
// them. log and log1p within 1 ulp, exp within 1 ulp, pow within 1e-14 relative for
// |e log b| ≤ 50 (tests/sim/det_math_test.cpp). Pure functions, thread safe.
// Why and how (the reductions and series): docs/engine.md
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

namespace loadcast::sim {

namespace det_detail {

inline constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln 2, last 21 mantissa bits zero
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 − kLn2Hi
inline constexpr double kInvLn2 = 1.44269504088896338700e+00;
inline constexpr double kSqrt2 = 1.41421356237309514547e+00;

// log(1 + f) for f in [√½ − 1, √2 − 1].
inline double log1p_core(double f) {
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  // R(z) = 2z/3 + 2z²/5 + ... + 2z¹⁰/21, split into even and odd powers of z to shorten the
  // dependency chain (Estrin); the split is part of the definition: it fixes the rounding.
  constexpr double c1 = 2.0 / 3.0, c2 = 2.0 / 5.0, c3 = 2.0 / 7.0, c4 = 2.0 / 9.0, c5 = 2.0 / 11.0;
  constexpr double c6 = 2.0 / 13.0, c7 = 2.0 / 15.0, c8 = 2.0 / 17.0, c9 = 2.0 / 19.0, c10 = 2.0 / 21.0;
  const double odd = z * (c1 + w * (c3 + w * (c5 + w * (c7 + w * c9))));
  const double even = w * (c2 + w * (c4 + w * (c6 + w * (c8 + w * c10))));
  const double r = odd + even;
  const double hfsq = 0.5 * f * f;
  return f - (hfsq - s * (hfsq + r));
}

}  // namespace det_detail

inline double det_log(double x) {
  using namespace det_detail;
  if (!(x > 0.0)) return x == 0.0 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  int k = 0;
  if (bits < 0x0010000000000000ull) {  // subnormal: scale into the normal range (exact)
    x *= 0x1.0p54;
    bits = std::bit_cast<std::uint64_t>(x);
    k = -54;
  }
  k += static_cast<int>(bits >> 52) - 1023;
  double m = std::bit_cast<double>((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);  // [1, 2)
  if (m > kSqrt2) {
    m *= 0.5;  // exact
    ++k;
  }
  const double lm = log1p_core(m - 1.0);  // m − 1 is exact (Sterbenz)
  const double dk = static_cast<double>(k);
  return dk * kLn2Hi + (lm + dk * kLn2Lo);
}

inline double det_log1p(double y) {
  // In the core's range 1 + y need not be formed (it would round away y's low bits).
  if (y >= -0.2928932188134524 && y <= 0.41421356237309503) return det_detail::log1p_core(y);
  // Elsewhere u = 1 + y rounds; log(1 + y) = log(u) + log(1 + c/u) ≈ log(u) + c/u puts back
  // the rounding error c, which u − 1 recovers exactly.
  const double u = 1.0 + y;
  const double c = y - (u - 1.0);
  return det_log(u) + c / u;
}

inline double det_exp(double x) {
  using namespace det_detail;
  if (x != x) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.1332191019412) return 0.0;
  const double kd = x * kInvLn2;
  const double kr = kd >= 0.0 ? static_cast<double>(static_cast<std::int64_t>(kd + 0.5))
                              : -static_cast<double>(static_cast<std::int64_t>(-kd + 0.5));
  const int k = static_cast<int>(kr);
  const double r = (x - kr * kLn2Hi) - kr * kLn2Lo;  // kr × kLn2Hi is exact for |k| ≤ 2^21
  // exp(r) − 1 − r = r²/2! + ... + r¹³/13!, even and odd powers apart (as above).
  const double r2 = r * r;
  constexpr double f2 = 1.0 / 2, f3 = 1.0 / 6, f4 = 1.0 / 24, f5 = 1.0 / 120, f6 = 1.0 / 720, f7 = 1.0 / 5040;
  constexpr double f8 = 1.0 / 40320, f9 = 1.0 / 362880, f10 = 1.0 / 3628800, f11 = 1.0 / 39916800;
  constexpr double f12 = 1.0 / 479001600, f13 = 1.0 / 6227020800;
  const double even = r2 * (f2 + r2 * (f4 + r2 * (f6 + r2 * (f8 + r2 * (f10 + r2 * f12)))));
  const double odd = r2 * r * (f3 + r2 * (f5 + r2 * (f7 + r2 * (f9 + r2 * (f11 + r2 * f13)))));
  const double p = 1.0 + (r + (even + odd));
  // p × 2^k, in steps that keep each factor a normal power of two (one rounding at most).
  auto pow2 = [](int e) { return std::bit_cast<double>(static_cast<std::uint64_t>(e + 1023) << 52); };
  if (k > 1023) return p * pow2(k - 1) * 2.0;
  if (k < -1022) return (p * pow2(k + 54)) * 0x1.0p-54;
  return p * pow2(k);
}

// b^e for b > 0 (0^e and negative bases are not needed by the samplers and return NaN, except
// b^0 = 1 and 1^e = 1).
inline double det_pow(double b, double e) {
  if (e == 0.0 || b == 1.0) return 1.0;
  if (!(b > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  return det_exp(e * det_log(b));
}

}  // namespace loadcast::sim
