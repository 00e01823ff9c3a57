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

TEST_CASE("Histogram: memory follows the values seen, one 2 KiB block at a time, 264 KiB at most") {
  Histogram h;
  CHECK(h.blocks_allocated() == 0);
  CHECK(h.bytes() <= 1200);
  h.record(5'000'000);  // 5 ms: one block
  CHECK(h.blocks_allocated() == 1);
  h.record(5'000'100);  // the same block
  CHECK(h.blocks_allocated() == 1);
  // 1 ms .. 1 s, log-uniform and dense: 2^19 .. 2^30 is 11 powers of two, 4 blocks each.
  loadcast::sim::Rng rng(7);
  Histogram dense;
  for (int i = 0; i < 200000; ++i) dense.record(static_cast<std::int64_t>(1e6 * std::pow(1000.0, rng.uniform())));
  CHECK(dense.blocks_allocated() <= 44);
  CHECK(dense.blocks_allocated() >= 40);
  CHECK(dense.bytes() <= 44 * 2048 + 1200);
  // Every bucket used: every block, and no more than the dense 264 KiB of counters.
  Histogram full;
  for (std::size_t i = 0; i < Histogram::kBucketCount; ++i) full.record(Histogram::bucket_low(i));
  CHECK(full.blocks_allocated() == Histogram::kBlockCount);
  CHECK(full.bytes() <= 33792 * 8 + 1200);
  // reset() keeps the blocks (no allocation when the range is seen again) and forgets counts.
  const std::size_t blocks = dense.blocks_allocated();
  dense.reset();
  CHECK(dense.blocks_allocated() == blocks);
  CHECK(dense == Histogram());
  // Copies, merges and parses allocate only the blocks with counts.
  Histogram sparse;
  sparse.record(1'500);
  sparse.record(40'000'000);
  sparse.record(3'000'000'000);
  CHECK(sparse.blocks_allocated() == 3);
  CHECK(Histogram(sparse).blocks_allocated() == 3);
  Histogram merged;
  merged.merge(sparse);
  CHECK(merged.blocks_allocated() == 3);
  const auto back = Histogram::parse(full.serialize());
  REQUIRE(back.has_value());
  CHECK(*back == full);
  CHECK(Histogram::parse(sparse.serialize())->blocks_allocated() == 3);
}

TEST_CASE("Histogram: the block store answers as a dense array of 33,792 counters walked bucket by bucket") {
  loadcast::sim::Rng rng(3);
  std::vector<std::uint64_t> dense(Histogram::kBucketCount, 0);
  Histogram h;
  for (int i = 0; i < 50000; ++i) {
    // Three clusters with empty blocks between them, so walks skip unallocated blocks.
    const double base = i % 3 == 0 ? 900.0 : (i % 3 == 1 ? 2e6 : 7e9);
    const auto v = static_cast<std::int64_t>(base * (1.0 + rng.uniform()));
    const auto n = static_cast<std::uint64_t>(1 + i % 4);
    h.record_n(v, n);
    dense[Histogram::index_of(v)] += n;
  }
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < dense.size(); ++i) {
    REQUIRE(h.bucket_count_at(i) == dense[i]);
    total += dense[i];
  }
  REQUIRE(total == h.count());
  for (const double p : {0.0, 1.0, 33.3, 33.4, 50.0, 66.7, 90.0, 99.0, 99.99}) {
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total)));
    if (rank < 1) rank = 1;
    std::uint64_t seen = 0;
    std::size_t i = 0;
    for (; i < dense.size(); ++i) {
      seen += dense[i];
      if (seen >= rank) break;
    }
    const double mid = static_cast<double>(Histogram::bucket_low(i)) + 0.5 * static_cast<double>(Histogram::bucket_width(i) - 1);
    INFO("p" << p);
    CHECK(h.percentile(p) == std::clamp(mid, static_cast<double>(h.min()), static_cast<double>(h.max())));
  }
  std::uint64_t below = 0;
  for (std::size_t i = 0; i <= Histogram::index_of(3'000'000); ++i) below += dense[i];
  CHECK(h.fraction_at_or_below(3'000'000) == static_cast<double>(below) / static_cast<double>(total));
}
