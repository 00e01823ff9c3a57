#include "sim/distribution.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <sstream>

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

std::string fmt_value(double v, ValueKind kind) {
  char buf[64];
  if (kind == ValueKind::kPlain) {
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
  }
  const double a = std::fabs(v);
  if (a == 0.0) return "0s";
  if (a >= 1.0) std::snprintf(buf, sizeof buf, "%.10gs", v);
  else if (a >= 1e-3) std::snprintf(buf, sizeof buf, "%.10gms", v * 1e3);
  else if (a >= 1e-6) std::snprintf(buf, sizeof buf, "%.10gus", v * 1e6);
  else std::snprintf(buf, sizeof buf, "%.10gns", v * 1e9);
  return buf;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
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

double Distribution::sample(Rng& rng) const {
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
      const double u = rng.uniform();
      const double la = det_pow(b_, a_);
      const double ha = det_pow(c_, a_);
      return det_pow(-(u * ha - u * la - ha) / (ha * la), -1.0 / a_);
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
      return det_pow(lo, alpha) / (1.0 - det_pow(lo / hi, alpha)) * (alpha / (alpha - 1.0)) *
             (1.0 / det_pow(lo, alpha - 1.0) - 1.0 / det_pow(hi, alpha - 1.0));
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
        m2 = det_pow(lo, alpha) / (1.0 - det_pow(lo / hi, alpha)) * (alpha / (alpha - 2.0)) *
             (1.0 / det_pow(lo, alpha - 2.0) - 1.0 / det_pow(hi, alpha - 2.0));
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

std::string Distribution::describe() const {
  const ValueKind vk = value_kind_;
  char buf[64];
  switch (kind_) {
    case DistKind::kConst: return "const(" + fmt_value(a_, vk) + ")";
    case DistKind::kExp: return "exp(" + fmt_value(a_, vk) + ")";
    case DistKind::kUniform: return "uniform(" + fmt_value(a_, vk) + ", " + fmt_value(b_, vk) + ")";
    case DistKind::kNormal: return "normal(mean=" + fmt_value(a_, vk) + ", sd=" + fmt_value(b_, vk) + ")";
    case DistKind::kLognormal:
      std::snprintf(buf, sizeof buf, "%.10g", b_);
      return "lognormal(mean=" + fmt_value(c_, vk) + ", sigma=" + buf + ")";
    case DistKind::kErlang:
      return "erlang(k=" + std::to_string(k_) + ", mean=" + fmt_value(a_, vk) + ")";
    case DistKind::kGamma:
      std::snprintf(buf, sizeof buf, "%.10g", a_);
      return std::string("gamma(shape=") + buf + ", mean=" + fmt_value(b_, vk) + ")";
    case DistKind::kPareto:
      std::snprintf(buf, sizeof buf, "%.10g", a_);
      return std::string("pareto(alpha=") + buf + ", min=" + fmt_value(b_, vk) + ", max=" + fmt_value(c_, vk) + ")";
    case DistKind::kEmpirical: return "empirical(<" + std::to_string(table_->size()) + " values>)";
    case DistKind::kUniformInt:
      return "uniform_int(" + std::to_string(k_) + ", " + std::to_string(k_ + static_cast<std::int64_t>(d_) - 1) + ")";
    case DistKind::kZipf:
      std::snprintf(buf, sizeof buf, "%.10g", a_);
      return std::string("zipf(s=") + buf + ", n=" + std::to_string(k_) + ")";
  }
  return "?";
}

std::optional<double> parse_quantity(std::string_view text, ValueKind kind) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  std::size_t i = 0;
  if (text[0] == '-' || text[0] == '+') ++i;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' ||
                             text[i] == 'e' || text[i] == 'E' ||
                             ((text[i] == '-' || text[i] == '+') && i > 0 && (text[i - 1] == 'e' || text[i - 1] == 'E')))) {
    ++i;
  }
  double value = 0.0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, value);
  if (ec != std::errc() || ptr != text.data() + i || i == 0) return std::nullopt;
  const std::string_view unit = trim(text.substr(i));
  if (kind == ValueKind::kPlain) {
    if (!unit.empty()) return std::nullopt;
    return value;
  }
  if (unit == "ns") return value * 1e-9;
  if (unit == "us" || unit == "µs") return value * 1e-6;
  if (unit == "ms") return value * 1e-3;
  if (unit == "s") return value;
  if (unit == "m" || unit == "min") return value * 60.0;
  if (unit == "h") return value * 3600.0;
  return std::nullopt;
}

namespace {

struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> named;
  const std::string* find(std::string_view key) const {
    for (const auto& [k, v] : named) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

DistributionParse fail(std::string message) { return {std::nullopt, std::move(message)}; }

std::optional<std::vector<double>> read_empirical(const std::string& path, ValueKind kind, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open empirical file '" + path + "'";
    return std::nullopt;
  }
  std::vector<double> values;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view sv = trim(line);
    if (sv.empty() || sv.front() == '#') continue;
    const auto comma = sv.find_first_of(",;\t");
    if (comma != std::string_view::npos) sv = trim(sv.substr(0, comma));
    std::optional<double> v = parse_quantity(sv, ValueKind::kPlain);
    if (v && kind == ValueKind::kDuration) *v *= 1e-3;  // bare numbers in a duration file are ms
    if (!v) v = parse_quantity(sv, kind);
    if (!v) {
      if (values.empty() && line_no == 1) continue;  // a header line
      error = path + ":" + std::to_string(line_no) + ": '" + std::string(sv) + "' is not a number";
      return std::nullopt;
    }
    if (*v < 0.0) {
      error = path + ":" + std::to_string(line_no) + ": negative value " + std::string(sv);
      return std::nullopt;
    }
    values.push_back(*v);
  }
  if (values.empty()) {
    error = "empirical file '" + path + "' holds no values";
    return std::nullopt;
  }
  return values;
}

}  // namespace

DistributionParse parse_distribution(std::string_view text, const DistributionParseOptions& options) {
  const std::string_view original = trim(text);
  const std::string quoted = "'" + std::string(original) + "'";
  const auto open = original.find('(');
  if (open == std::string_view::npos || original.back() != ')') {
    std::string hint;
    if (open != std::string_view::npos) {
      hint = " (inside a YAML { } or [ ] flow collection, quote a distribution that contains a comma: 'uniform(1ms, 5ms)')";
    }
    return fail("malformed distribution " + quoted +
                ": write name(arguments), e.g. exp(1ms), const(5ms), uniform(1ms, 5ms)" + hint);
  }
  const std::string name(trim(original.substr(0, open)));
  const std::string_view inner = original.substr(open + 1, original.size() - open - 2);
  Args args;
  {
    std::size_t start = 0;
    int depth = 0;
    for (std::size_t i = 0; i <= inner.size(); ++i) {
      if (i < inner.size() && inner[i] == '(') ++depth;
      if (i < inner.size() && inner[i] == ')') --depth;
      if (i == inner.size() || (inner[i] == ',' && depth == 0)) {
        const std::string_view part = trim(inner.substr(start, i - start));
        start = i + 1;
        if (part.empty()) {
          if (inner.find_first_not_of(" \t") == std::string_view::npos && i == inner.size()) break;
          return fail("malformed distribution " + quoted + ": empty argument");
        }
        const auto eq = part.find('=');
        if (eq != std::string_view::npos) {
          args.named.emplace_back(std::string(trim(part.substr(0, eq))), std::string(trim(part.substr(eq + 1))));
        } else {
          if (!args.named.empty()) return fail("malformed distribution " + quoted + ": positional argument after a named one");
          args.positional.emplace_back(part);
        }
      }
    }
  }
  const ValueKind vk = options.value_kind;
  const char* unit_hint = vk == ValueKind::kDuration ? " (a duration with a unit, e.g. 10ms)" : " (a number)";

  // Fetch argument `key` or positional index `pos`.
  auto arg = [&](std::string_view key, std::size_t pos) -> const std::string* {
    if (const std::string* v = args.find(key)) return v;
    if (pos < args.positional.size()) return &args.positional[pos];
    return nullptr;
  };
  auto value = [&](std::string_view key, std::size_t pos, ValueKind kind, double& out) -> std::string {
    const std::string* v = arg(key, pos);
    if (v == nullptr) return std::string(name) + " needs " + std::string(key);
    auto q = parse_quantity(*v, kind);
    if (!q) {
      return std::string(name) + ": " + std::string(key) + " '" + *v + "' is not valid" +
             (kind == ValueKind::kDuration ? " (a duration with a unit, e.g. 10ms)" : " (a number)");
    }
    out = *q;
    return {};
  };
  auto check_keys = [&](std::initializer_list<std::string_view> allowed, std::size_t max_positional) -> std::string {
    for (const auto& [k, v] : args.named) {
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return name + " has no argument '" + k + "' (expected " + list + ")";
      }
    }
    if (args.positional.size() > max_positional) return name + " takes at most " + std::to_string(max_positional) + " positional arguments";
    return {};
  };
  auto done = [&](Distribution d) {
    d.set_value_kind(vk);
    return DistributionParse{d, {}};
  };
  std::string err;
  auto bad = [&](const std::string& why) { return fail("malformed distribution " + quoted + ": " + why); };

  if (name == "const" || name == "constant") {
    double v = 0;
    if (!(err = check_keys({"value"}, 1)).empty() || !(err = value("value", 0, vk, v)).empty()) return bad(err);
    if (v < 0) return bad("value must be >= 0");
    return done(Distribution::constant(v));
  }
  if (name == "exp" || name == "exponential") {
    double m = 0;
    if (!(err = check_keys({"mean"}, 1)).empty() || !(err = value("mean", 0, vk, m)).empty()) return bad(err);
    if (!(m > 0)) return bad("mean must be > 0");
    return done(Distribution::exponential(m));
  }
  if (name == "uniform") {
    double lo = 0, hi = 0;
    if (!(err = check_keys({"min", "max"}, 2)).empty() || !(err = value("min", 0, vk, lo)).empty() ||
        !(err = value("max", 1, vk, hi)).empty()) {
      return bad(err);
    }
    if (lo < 0 || hi < lo) return bad("needs 0 <= min <= max");
    return done(Distribution::uniform(lo, hi));
  }
  if (name == "normal") {
    double m = 0, sd = 0;
    if (!(err = check_keys({"mean", "sd"}, 2)).empty() || !(err = value("mean", 0, vk, m)).empty() ||
        !(err = value("sd", 1, vk, sd)).empty()) {
      return bad(err);
    }
    if (m < 0 || sd < 0) return bad("mean and sd must be >= 0");
    return done(Distribution::normal(m, sd));
  }
  if (name == "lognormal") {
    double m = 0;
    if (!(err = check_keys({"mean", "sigma", "p99"}, 0)).empty() || !(err = value("mean", 99, vk, m)).empty()) return bad(err);
    if (!(m > 0)) return bad("mean must be > 0");
    if (args.find("sigma") != nullptr && args.find("p99") != nullptr) return bad("give sigma or p99, not both");
    if (args.find("p99") != nullptr) {
      double p99 = 0;
      if (!(err = value("p99", 99, vk, p99)).empty()) return bad(err);
      auto d = Distribution::lognormal_p99(m, p99);
      if (!d) {
        return bad("no lognormal has that mean and p99: p99 must exceed the mean and be at most about " +
                   fmt_value(m * det_exp(kZ99 * kZ99 / 2.0), vk));
      }
      return done(*d);
    }
    double sigma = 0;
    if (!(err = value("sigma", 99, ValueKind::kPlain, sigma)).empty()) return bad("lognormal needs sigma or p99");
    if (!(sigma > 0)) return bad("sigma must be > 0");
    return done(Distribution::lognormal(m, sigma));
  }
  if (name == "erlang") {
    double k = 0, m = 0;
    if (!(err = check_keys({"k", "mean"}, 2)).empty() || !(err = value("k", 0, ValueKind::kPlain, k)).empty() ||
        !(err = value("mean", 1, vk, m)).empty()) {
      return bad(err);
    }
    if (k < 1 || k != std::floor(k) || k > 1e6) return bad("k must be a whole number >= 1");
    if (!(m > 0)) return bad("mean must be > 0");
    return done(Distribution::erlang(static_cast<int>(k), m));
  }
  if (name == "gamma") {
    double shape = 0, m = 0;
    if (!(err = check_keys({"shape", "mean"}, 2)).empty() || !(err = value("shape", 0, ValueKind::kPlain, shape)).empty() ||
        !(err = value("mean", 1, vk, m)).empty()) {
      return bad(err);
    }
    if (!(shape > 0) || !(m > 0)) return bad("shape and mean must be > 0");
    return done(Distribution::gamma(shape, m));
  }
  if (name == "pareto") {
    double alpha = 0, lo = 0, hi = 0;
    if (!(err = check_keys({"alpha", "min", "max"}, 3)).empty() || !(err = value("alpha", 0, ValueKind::kPlain, alpha)).empty() ||
        !(err = value("min", 1, vk, lo)).empty() || !(err = value("max", 2, vk, hi)).empty()) {
      return bad(err);
    }
    if (!(alpha > 0) || !(lo > 0) || !(hi > lo)) return bad("needs alpha > 0 and 0 < min < max");
    return done(Distribution::pareto(alpha, lo, hi));
  }
  if (name == "empirical") {
    const std::string* file = arg("file", 0);
    if (file == nullptr || !(err = check_keys({"file"}, 1)).empty()) return bad(err.empty() ? "empirical needs a file" : err);
    std::string path = *file;
    if (!path.empty() && (path.front() == '"' || path.front() == '\'')) path = path.substr(1, path.size() - 2);
    if (!path.empty() && path.front() != '/' && !options.base_dir.empty()) path = options.base_dir + "/" + path;
    auto values = read_empirical(path, vk, err);
    if (!values) return fail(err);
    return done(Distribution::empirical(std::move(*values)));
  }
  if (name == "uniform_int") {
    double lo = 0, hi = 0;
    if (!(err = check_keys({"min", "max"}, 2)).empty() || !(err = value("min", 0, ValueKind::kPlain, lo)).empty() ||
        !(err = value("max", 1, ValueKind::kPlain, hi)).empty()) {
      return bad(err);
    }
    if (lo != std::floor(lo) || hi != std::floor(hi) || hi < lo) return bad("needs whole numbers min <= max");
    Distribution d = Distribution::uniform_int(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi));
    return DistributionParse{d, {}};
  }
  if (name == "zipf") {
    double s = 0, n = 0;
    if (!(err = check_keys({"s", "n"}, 2)).empty() || !(err = value("s", 0, ValueKind::kPlain, s)).empty() ||
        !(err = value("n", 1, ValueKind::kPlain, n)).empty()) {
      return bad(err);
    }
    if (!(s > 0) || n < 1 || n != std::floor(n) || n > 1e7) return bad("needs s > 0 and a whole n >= 1");
    Distribution d = Distribution::zipf(s, static_cast<std::int64_t>(n));
    return DistributionParse{d, {}};
  }
  (void)unit_hint;
  return fail("unknown distribution '" + name + "' in " + quoted +
              ": use const, exp, uniform, normal, lognormal, erlang, gamma, pareto, empirical, uniform_int or zipf");
}

}  // namespace loadcast::sim
