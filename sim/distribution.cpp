#include "sim/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/det_math.hpp"

namespace loadcast::sim {

namespace {

constexpr double kZ99 = 2.3263478740408408;  // standard normal 0.99 quantile

// The exponential ziggurat (Marsaglia & Tsang, "The Ziggurat Method for Generating Random
// Variables", 2000): 256 layers of equal area kZigV under e^{-x}. Layer 0 is the base strip
// [0, kZigV / e^{-r}] x [0, e^{-r}] plus the tail beyond r; layer i >= 1 is [0, x_i] x
// [e^{-x_i}, e^{-x_{i+1}}], so x_{i+1} = -log(e^{-x_i} + kZigV / x_i). r is the root that makes
// the recursion close at the top (e^{-x_256} = 1), found by bisection in 40-digit decimal
// arithmetic; kZigV = (r + 1) e^{-r}. Tables are built once with det_exp/det_log, so they are
// the same bits everywhere.
constexpr double kZigR = 7.697117470131049714;
constexpr double kZigV = 3.949659822581557220e-3;

struct ExpZiggurat {
  double x[257];
  double f[257];  // e^{-x_i}
};

ExpZiggurat build_exp_ziggurat() {
  ExpZiggurat z{};
  z.x[0] = kZigV / det_exp(-kZigR);
  z.x[1] = kZigR;
  z.f[1] = det_exp(-kZigR);
  for (int i = 1; i < 255; ++i) {
    z.x[i + 1] = -det_log(z.f[i] + kZigV / z.x[i]);
    z.f[i + 1] = det_exp(-z.x[i + 1]);
  }
  z.x[256] = 0.0;
  z.f[256] = 1.0;
  z.f[0] = z.f[1];
  return z;
}

const ExpZiggurat kExpZiggurat = build_exp_ziggurat();

// Standard normal by the Marsaglia polar method (no trigonometry, one value per call).
double standard_normal(Rng& rng) {
  for (;;) {
    const double u = 2.0 * rng.uniform() - 1.0;
    const double v = 2.0 * rng.uniform() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * det_log(s) / s);
  }
}

}  // namespace

double standard_exponential(Rng& rng) {
  const ExpZiggurat& z = kExpZiggurat;
  for (;;) {
    // One draw gives the layer (low 8 bits) and the position in it (high 53 bits).
    const std::uint64_t bits = rng.next();
    const unsigned i = static_cast<unsigned>(bits & 0xFFu);
    const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.x[i];
    if (x < z.x[i + 1]) return x;  // inside the layer's part under the curve: ~98.9 % of draws
    if (i == 0) return kZigR - det_log(rng.uniform_pos());  // the tail beyond r is r + Exp(1)
    if (z.f[i] + rng.uniform() * (z.f[i + 1] - z.f[i]) < det_exp(-x)) return x;  // the wedge
  }
}

namespace {

// Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 boosted by U^(1/shape).
double standard_gamma(Rng& rng, double shape) {
  if (shape < 1.0) {
    const double g = standard_gamma(rng, shape + 1.0);
    return g * det_pow(rng.uniform_pos(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = standard_normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform_pos();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (det_log(u) < 0.5 * x * x + d * (1.0 - v + det_log(v))) return d * v;
  }
}

}  // namespace

Distribution Distribution::constant(double value) {
  Distribution d;
  d.kind_ = DistKind::kConst;
  d.a_ = value;
  return d;
}

Distribution Distribution::exponential(double mean) {
  Distribution d;
  d.kind_ = DistKind::kExp;
  d.a_ = mean;
  return d;
}

Distribution Distribution::uniform(double low, double high) {
  Distribution d;
  d.kind_ = DistKind::kUniform;
  d.a_ = low;
  d.b_ = high;
  return d;
}

Distribution Distribution::normal(double mean, double sd) {
  Distribution d;
  d.kind_ = DistKind::kNormal;
  d.a_ = mean;
  d.b_ = sd;
  return d;
}

Distribution Distribution::lognormal(double mean, double sigma) {
  Distribution d;
  d.kind_ = DistKind::kLognormal;
  d.a_ = det_log(mean) - 0.5 * sigma * sigma;  // mu
  d.b_ = sigma;
  d.c_ = mean;
  return d;
}

std::optional<Distribution> Distribution::scaled(double f) const {
  std::optional<Distribution> out;
  switch (kind_) {
    case DistKind::kConst: out = constant(a_ * f); break;
    case DistKind::kExp: out = exponential(a_ * f); break;
    case DistKind::kUniform: out = uniform(a_ * f, b_ * f); break;
    case DistKind::kNormal: out = normal(a_ * f, b_ * f); break;
    case DistKind::kLognormal: out = lognormal(c_ * f, b_); break;
    case DistKind::kErlang: out = erlang(static_cast<int>(k_), a_ * f); break;
    case DistKind::kGamma: out = gamma(a_, b_ * f); break;
    case DistKind::kPareto: out = pareto(a_, b_ * f, c_ * f); break;
    case DistKind::kEmpirical: {
      if (file_.empty()) return std::nullopt;
      std::vector<double> v(*table_);
      for (double& x : v) x *= f;
      out = empirical_file(std::move(v), file_, a_ * f);
      break;
    }
    case DistKind::kUniformInt:
    case DistKind::kZipf: return std::nullopt;
  }
  out->value_kind_ = value_kind_;
  return out;
}

double Distribution::lognormal_p99_max(double mean) { return mean * det_exp(kZ99 * kZ99 / 2.0); }

std::optional<Distribution> Distribution::lognormal_p99(double mean, double p99) {
  // ln p99 = ln mean - sigma^2/2 + z sigma  =>  sigma = z - sqrt(z^2 - 2 ln(p99/mean)).
  if (!(mean > 0.0) || !(p99 > mean)) return std::nullopt;
  const double disc = kZ99 * kZ99 - 2.0 * det_log(p99 / mean);
  if (disc < 0.0) return std::nullopt;
  return lognormal(mean, kZ99 - std::sqrt(disc));
}

Distribution Distribution::erlang(int k, double mean) {
  Distribution d;
  d.kind_ = DistKind::kErlang;
  d.k_ = k;
  d.a_ = mean;
  return d;
}

Distribution Distribution::gamma(double shape, double mean) {
  Distribution d;
  d.kind_ = DistKind::kGamma;
  d.a_ = shape;
  d.b_ = mean;
  return d;
}

Distribution Distribution::pareto(double alpha, double low, double high) {
  Distribution d;
  d.kind_ = DistKind::kPareto;
  d.a_ = alpha;
  d.b_ = low;
  d.c_ = high;
  return d;
}

Distribution Distribution::empirical(std::vector<double> values) {
  Distribution d;
  d.kind_ = DistKind::kEmpirical;
  d.table_ = std::make_shared<const std::vector<double>>(std::move(values));
  return d;
}

Distribution Distribution::empirical_file(std::vector<double> values, std::string file, double scale) {
  Distribution d = empirical(std::move(values));
  d.file_ = std::move(file);
  d.a_ = scale;
  return d;
}

Distribution Distribution::uniform_int(std::int64_t low, std::int64_t high) {
  Distribution d;
  d.kind_ = DistKind::kUniformInt;
  d.value_kind_ = ValueKind::kPlain;
  d.a_ = static_cast<double>(low);
  d.b_ = static_cast<double>(high);
  d.k_ = low;
  d.d_ = static_cast<double>(high - low + 1);
  return d;
}

Distribution Distribution::zipf(double s, std::int64_t n) {
  Distribution d;
  d.kind_ = DistKind::kZipf;
  d.value_kind_ = ValueKind::kPlain;
  d.a_ = s;
  d.k_ = n;
  std::vector<double> cdf(static_cast<std::size_t>(n));
  double acc = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    acc += 1.0 / det_pow(static_cast<double>(i + 1), s);
    cdf[static_cast<std::size_t>(i)] = acc;
  }
  for (auto& c : cdf) c /= acc;
  d.table_ = std::make_shared<const std::vector<double>>(std::move(cdf));
  return d;
}

double Distribution::sample_other(Rng& rng) const {
  switch (kind_) {
    case DistKind::kConst:
      return a_;
    case DistKind::kExp:
      return a_ * standard_exponential(rng);
    case DistKind::kUniform:
      return a_ + (b_ - a_) * rng.uniform();
    case DistKind::kNormal:
      return a_ + b_ * standard_normal(rng);
    case DistKind::kLognormal:
      return det_exp(a_ + b_ * standard_normal(rng));
    case DistKind::kErlang: {
      // Product of uniforms in chunks of 16 keeps the product far from underflow.
      double log_sum = 0.0;
      std::int64_t left = k_;
      while (left > 0) {
        double prod = 1.0;
        const std::int64_t n = left < 16 ? left : 16;
        for (std::int64_t i = 0; i < n; ++i) prod *= rng.uniform_pos();
        log_sum += det_log(prod);
        left -= n;
      }
      return -a_ / static_cast<double>(k_) * log_sum;
    }
    case DistKind::kGamma:
      return standard_gamma(rng, a_) * (b_ / a_);
    case DistKind::kPareto: {
      // Inverse CDF of the bounded Pareto, x = L / (1 - u (1 - (L/H)^a))^(1/a): (L/H)^a stays in
      // (0, 1), where L^a and H^a overflow for a large alpha (found by fuzz_distribution).
      const double u = rng.uniform();
      const double r = det_pow(b_ / c_, a_);
      return b_ * det_pow(1.0 - u * (1.0 - r), -1.0 / a_);
    }
    case DistKind::kEmpirical: {
      const auto& v = *table_;
      return v[rng.below(v.size())];
    }
    case DistKind::kUniformInt:
      return static_cast<double>(k_ + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(d_))));
    case DistKind::kZipf: {
      const auto& cdf = *table_;
      const double u = rng.uniform();
      const auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
      const auto rank = static_cast<std::int64_t>(it - cdf.begin());
      return static_cast<double>(rank < k_ ? rank + 1 : k_);
    }
  }
  return 0.0;
}

double Distribution::mean() const {
  switch (kind_) {
    case DistKind::kConst: return a_;
    case DistKind::kExp: return a_;
    case DistKind::kUniform: return 0.5 * (a_ + b_);
    case DistKind::kNormal: return a_;
    case DistKind::kLognormal: return c_;
    case DistKind::kErlang: return a_;
    case DistKind::kGamma: return b_;
    case DistKind::kPareto: {
      const double alpha = a_, lo = b_, hi = c_;
      if (alpha == 1.0) return (hi * lo / (hi - lo)) * det_log(hi / lo);
      // The same as L^a/(1-(L/H)^a) · a/(a-1) · (L^(1-a) - H^(1-a)), without powers that overflow.
      return alpha / (alpha - 1.0) * lo * (1.0 - det_pow(lo / hi, alpha - 1.0)) / (1.0 - det_pow(lo / hi, alpha));
    }
    case DistKind::kEmpirical: {
      const auto& v = *table_;
      return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    }
    case DistKind::kUniformInt: return 0.5 * (a_ + b_);
    case DistKind::kZipf: {
      const auto& cdf = *table_;
      double m = 0.0, prev = 0.0;
      for (std::size_t i = 0; i < cdf.size(); ++i) {
        m += static_cast<double>(i + 1) * (cdf[i] - prev);
        prev = cdf[i];
      }
      return m;
    }
  }
  return 0.0;
}

double Distribution::variance() const {
  switch (kind_) {
    case DistKind::kConst: return 0.0;
    case DistKind::kExp: return a_ * a_;
    case DistKind::kUniform: return (b_ - a_) * (b_ - a_) / 12.0;
    case DistKind::kNormal: return b_ * b_;
    case DistKind::kLognormal: return (det_exp(b_ * b_) - 1.0) * c_ * c_;
    case DistKind::kErlang: return a_ * a_ / static_cast<double>(k_);
    case DistKind::kGamma: return b_ * b_ / a_;
    case DistKind::kPareto: {
      const double alpha = a_, lo = b_, hi = c_;
      const double m = mean();
      double m2 = 0.0;
      if (alpha == 2.0) {
        m2 = (2.0 * lo * lo * hi * hi / (hi * hi - lo * lo)) * det_log(hi / lo);
      } else {
        m2 = alpha / (alpha - 2.0) * lo * lo * (1.0 - det_pow(lo / hi, alpha - 2.0)) / (1.0 - det_pow(lo / hi, alpha));
      }
      return m2 - m * m;
    }
    case DistKind::kEmpirical: {
      const auto& v = *table_;
      const double m = mean();
      double s = 0.0;
      for (double x : v) s += (x - m) * (x - m);
      return s / static_cast<double>(v.size());
    }
    case DistKind::kUniformInt: return (d_ * d_ - 1.0) / 12.0;
    case DistKind::kZipf: {
      const auto& cdf = *table_;
      const double m = mean();
      double s = 0.0, prev = 0.0;
      for (std::size_t i = 0; i < cdf.size(); ++i) {
        const double x = static_cast<double>(i + 1) - m;
        s += x * x * (cdf[i] - prev);
        prev = cdf[i];
      }
      return s;
    }
  }
  return 0.0;
}

}  // namespace loadcast::sim
