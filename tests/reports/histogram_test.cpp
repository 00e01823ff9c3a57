#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "reports/histogram.hpp"
#include "sim/rng.hpp"

using loadcast::reports::Histogram;

TEST_CASE("Histogram: every value from 1 us to 1 h is kept within 0.1 % relative error") {
  for (std::int64_t v = 1000; v <= 3'600'000'000'000; v = v + v / 7 + 1) {
    const std::size_t i = Histogram::index_of(v);
    const auto low = Histogram::bucket_low(i);
    const auto width = Histogram::bucket_width(i);
    REQUIRE(v >= low);
    REQUIRE(v < low + width);
    const double mid = static_cast<double>(low) + 0.5 * static_cast<double>(width - 1);
    REQUIRE(std::fabs(mid - static_cast<double>(v)) / static_cast<double>(v) <= 0.001);
  }
  CHECK(Histogram::kBucketCount == 33792);
}

TEST_CASE("Histogram: percentiles agree with the exact order statistics") {
  loadcast::sim::Rng rng(1);
  std::vector<std::int64_t> values;
  Histogram h;
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<std::int64_t>(-std::log(rng.uniform_pos()) * 5e6);  // exp, mean 5 ms
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    const double exact = static_cast<double>(values[rank - 1]);
    CHECK(h.percentile(p) == Approx(exact).epsilon(0.001));
  }
  CHECK(h.percentile(100) == static_cast<double>(values.back()));
  CHECK(h.min() == values.front());
  CHECK(h.count() == values.size());
}

TEST_CASE("Histogram: merge is exact and serialization round-trips") {
  Histogram a, b, all;
  for (std::int64_t v = 1; v < 5'000'000'000; v = v * 3 + 11) {
    a.record(v);
    all.record(v);
    b.record_n(v / 2 + 7, 3);
    all.record_n(v / 2 + 7, 3);
  }
  a.merge(b);
  CHECK(a == all);
  const std::string text = a.serialize();
  CHECK(text.rfind("loglin1:", 0) == 0);
  auto back = Histogram::parse(text);
  REQUIRE(back.has_value());
  CHECK(*back == a);
  CHECK(back->percentile(99) == a.percentile(99));
  CHECK_FALSE(Histogram::parse("loglin1:!!!!").has_value());
  CHECK_FALSE(Histogram::parse("hdr:abc").has_value());
}

TEST_CASE("Histogram: values past the top are clamped and counted and reset forgets everything") {
  Histogram h;
  h.record(10'000'000'000'000);  // 2.8 h
  CHECK(h.clamped() == 1);
  CHECK(h.max() == 10'000'000'000'000);
  h.reset();
  CHECK(h.empty());
  CHECK(h.percentile(50) == 0.0);
  Histogram fresh;
  CHECK(h == fresh);
}
