#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "sim/distribution.hpp"
#include "sim/distribution_text.hpp"
#include "sim/stats.hpp"

using namespace loadcast::sim;

namespace {

Distribution parse_ok(const std::string& text, ValueKind kind = ValueKind::kDuration) {
  auto r = parse_distribution(text, {kind, ""});
  INFO(text << ": " << r.error);
  REQUIRE(r.value.has_value());
  return *r.value;
}

std::string parse_error(const std::string& text) {
  auto r = parse_distribution(text, {ValueKind::kDuration, ""});
  INFO(text);
  REQUIRE_FALSE(r.value.has_value());
  return r.error;
}

// Sample mean and variance of n draws; checks them against the analytic moments with a
// tolerance of 5 standard errors (fails by chance with probability < 1e-6).
void check_moments(const Distribution& d, int n = 400000) {
  Rng rng(12345);
  Welford w;
  for (int i = 0; i < n; ++i) w.add(d.sample(rng));
  const double se = std::sqrt(d.variance() / n);
  INFO(d.describe() << " mean " << w.mean() << " vs " << d.mean());
  CHECK(std::fabs(w.mean() - d.mean()) <= 5 * se + 1e-15);
  if (d.variance() > 0) CHECK(w.variance() == Approx(d.variance()).epsilon(0.05));
}

}  // namespace

TEST_CASE("Distribution: lognormal by mean and p99 puts 99 % of the mass below p99") {
  const Distribution d = parse_ok("lognormal(mean=20ms, p99=120ms)");
  Rng rng(3);
  int below = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) below += d.sample(rng) <= 0.120;
  CHECK(static_cast<double>(below) / n == Approx(0.99).margin(0.002));
}

TEST_CASE("Distribution: sample moments match the analytic mean and variance") {
  check_moments(Distribution::exponential(0.002));
  check_moments(Distribution::uniform(0.001, 0.005));
  check_moments(Distribution::normal(0.010, 0.002));
  check_moments(Distribution::lognormal(0.020, 0.6));
  check_moments(Distribution::erlang(4, 0.002));
  check_moments(Distribution::erlang(40, 0.002));
  check_moments(Distribution::gamma(0.5, 0.002));
  check_moments(Distribution::gamma(3.5, 0.002));
  check_moments(Distribution::pareto(5.0, 0.001, 1.0));  // alpha > 4: finite fourth moment
  check_moments(Distribution::uniform_int(1, 100));
  check_moments(Distribution::zipf(1.1, 50));
}

TEST_CASE("Distribution: the same seed gives the same samples") {
  const Distribution d = Distribution::lognormal(0.02, 0.8);
  Rng a(5), b(5);
  for (int i = 0; i < 1000; ++i) REQUIRE(d.sample(a) == d.sample(b));
}

TEST_CASE("Distribution: empirical samples only the values of its file") {
  const std::string path = "empirical_test_values.csv";
  {
    std::ofstream f(path);
    f << "latency_ms\n1\n2\n3.5\n";
  }
  const Distribution d = parse_ok("empirical(" + path + ")");
  CHECK(d.mean() == Approx((0.001 + 0.002 + 0.0035) / 3));
  Rng rng(1);
  for (int i = 0; i < 100; ++i) {
    const double v = d.sample(rng);
    CHECK((v == 0.001 || v == 0.002 || v == 0.0035));
  }
  std::remove(path.c_str());
}

TEST_CASE("Distribution: an empirical file takes a scale, prints its absolute path, and scaled() rewrites the scale") {
  const std::string path = "empirical_scale_values.csv";
  {
    std::ofstream f(path);
    f << "cpu_ms\n1\n2\n3\n";
  }
  const std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  const Distribution d = parse_ok("empirical(" + path + ")");
  CHECK(d.describe() == "empirical(" + absolute + ")");
  const Distribution half = parse_ok("empirical(" + path + ", scale=0.5)");
  CHECK(half.mean() == Approx(0.001).epsilon(1e-12));
  CHECK(half.describe() == "empirical(" + absolute + ", scale=0.5)");
  Rng rng(3);
  for (int i = 0; i < 100; ++i) {
    const double v = half.sample(rng);
    CHECK((v == 0.0005 || v == 0.001 || v == 0.0015));
  }
  // scaled() multiplies the values and the scale; its text reads the file again to the same law.
  const auto s = half.scaled(3.0);
  REQUIRE(s);
  CHECK(s->mean() == Approx(0.003).epsilon(1e-12));
  CHECK(s->describe() == "empirical(" + absolute + ", scale=1.5)");
  CHECK(parse_ok(s->describe()).mean() == Approx(0.003).epsilon(1e-12));
  CHECK_THAT(parse_error("empirical(" + path + ", scale=0)"), Catch::Contains("scale must be a number > 0"));
  CHECK_THAT(parse_error("empirical(" + path + ", scale=fast)"), Catch::Contains("empirical: scale 'fast' is not valid"));
  CHECK_THAT(parse_error("empirical(" + path + ", shift=2)"), Catch::Contains("empirical has no argument 'shift' (expected file, scale)"));
  std::remove(path.c_str());
}

TEST_CASE("Distribution: the ziggurat exponential has the exponential law, tail included") {
  Rng rng(2024);
  constexpr int kN = 1'000'000;
  std::vector<double> v(kN);
  double sum = 0.0, sum2 = 0.0;
  int over5 = 0, over10 = 0;
  for (auto& x : v) {
    x = standard_exponential(rng);
    REQUIRE(x >= 0.0);
    sum += x;
    sum2 += x * x;
    over5 += x > 5.0;
    over10 += x > 10.0;
  }
  const double mean = sum / kN;
  const double var = sum2 / kN - mean * mean;
  CHECK(mean == Approx(1.0).margin(4 * 1.0 / std::sqrt(kN)));
  CHECK(var == Approx(1.0).margin(4 * std::sqrt(8.0 / kN)));
  // Kolmogorov-Smirnov distance to 1 - e^{-x}: under the 99.9 % critical value 1.949 / sqrt(N).
  std::sort(v.begin(), v.end());
  double d = 0.0;
  for (int i = 0; i < kN; ++i) {
    const double cdf = 1.0 - std::exp(-v[static_cast<std::size_t>(i)]);
    d = std::max({d, cdf - static_cast<double>(i) / kN, static_cast<double>(i + 1) / kN - cdf});
  }
  CHECK(d < 1.949 / std::sqrt(kN));
  // The tail beyond the base layer's edge (r = 7.697) takes a separate path: P(X > 5) and
  // P(X > 10) inside 99.9 % binomial intervals.
  auto inside = [](int count, double p) {
    const double m = kN * p, sd = std::sqrt(kN * p * (1 - p));
    return std::fabs(count - m) < 3.29 * sd;
  };
  CHECK(inside(over5, std::exp(-5.0)));
  CHECK(inside(over10, std::exp(-10.0)));
}

TEST_CASE("Distribution: exponential draws are the same bits on every machine") {
  // Pinned: the ziggurat's tables and the draws use only deterministic arithmetic.
  Rng rng(1);
  const std::uint64_t expected[] = {0x3FE4299973C69F96ull, 0x3FCF534DD87003CDull, 0x40034E1FAE0AEB5Eull};
  for (const std::uint64_t e : expected) CHECK(std::bit_cast<std::uint64_t>(standard_exponential(rng)) == e);
}

TEST_CASE("Distribution: a bounded Pareto of large alpha samples and averages without overflow") {
  // pareto(alpha=155, min=95ms, max=110s): H^alpha overflows a double (fuzz_distribution found a NaN).
  const Distribution d = Distribution::pareto(155.0, 0.095, 110.0);
  Rng rng = Rng::stream(1, 0, "pareto");
  for (int i = 0; i < 1000; ++i) {
    const double x = d.sample(rng);
    REQUIRE(x >= 0.095);
    REQUIRE(x <= 110.0);
  }
  // Almost all mass at the minimum: mean alpha/(alpha-1) * min.
  CHECK(d.mean() == Approx(155.0 / 154.0 * 0.095).epsilon(1e-12));
  CHECK(std::isfinite(d.variance()));
  CHECK(d.variance() >= 0.0);
}

TEST_CASE("Distribution: scaled multiplies the mean by f and keeps the shape, in text that parses back") {
  const std::vector<Distribution> shapes = {Distribution::constant(0.004), Distribution::exponential(0.004),
                                            Distribution::uniform(0.002, 0.006), Distribution::normal(0.004, 0.001),
                                            Distribution::lognormal(0.004, 0.6), Distribution::erlang(3, 0.004),
                                            Distribution::gamma(0.5, 0.004), Distribution::pareto(1.5, 0.001, 0.1)};
  for (const auto& d : shapes) {
    INFO(d.describe());
    const auto s = d.scaled(2.5);
    REQUIRE(s);
    CHECK(s->kind() == d.kind());
    CHECK(s->mean() == Approx(2.5 * d.mean()).epsilon(1e-9));
    CHECK(s->scv() == Approx(d.scv()).epsilon(1e-9));  // the shape: the same coefficient of variation
    const auto back = parse_distribution(s->describe());
    REQUIRE(back.value);
    CHECK(back.value->mean() == Approx(s->mean()).epsilon(1e-6));
  }
  CHECK_FALSE(Distribution::empirical({1.0, 2.0}).scaled(2.0));
  CHECK_FALSE(Distribution::zipf(1.1, 100).scaled(2.0));
}
