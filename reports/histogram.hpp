// Histogram: the one latency store of both engines — log-linear, mergeable, bounded memory.
//
// Values are integer nanoseconds. Layout (HdrHistogram's, 3 significant digits): values below
// 2,048 ns have a bucket each; above, every power of two [2^k, 2^(k+1)) is split into 1,024
// equal buckets, so a bucket is at most 1/1024 of its lower bound wide (≤ 0.098 % relative
// width; the midpoint reported is within 0.05 %). The top bucket starts near 2^42 ns (73 min), so
// 1 µs to 1 h is covered at ≤ 0.1 % relative error in 33,792 counters.
// The counters live in 132 blocks of 256 (2 KiB): a quarter of a power of two (the linear part
// is 8 blocks). A block is allocated the first time a value lands in it and kept until the
// histogram is destroyed (reset() zeroes it), so memory follows the values seen: an empty
// histogram holds 1.1 KiB, one spanning 1 ms..1 s densely ~40 blocks (80 KiB), one with a few
// values a block per value at most, never more than 132 blocks (264 KiB + 1.1 KiB). At most 132
// allocations in a histogram's life, none per value afterwards.
// Larger values land in the top bucket and are counted in `clamped()`; the exact max is kept.
// merge() adds counts, so per-thread, per-replication and per-shard histograms combine exactly.
// serialize()/parse() round-trip the counts through a compact text form kept in result.json.
// Not thread safe: one histogram per worker thread, merged at the end.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadcast::reports {

class Histogram {
 public:
  static constexpr int kSubBucketBits = 10;
  static constexpr std::int64_t kLinearLimit = std::int64_t{2} << kSubBucketBits;  // 2048
  static constexpr int kMaxShift = 31;  // top bucket of [2^41, 2^42)
  static constexpr std::size_t kBucketCount =
      static_cast<std::size_t>(kLinearLimit) + static_cast<std::size_t>(kMaxShift) * (std::size_t{1} << kSubBucketBits);

  // Counters per block: a quarter of one power of two of the log part.
  static constexpr int kBlockBits = 8;
  static constexpr std::size_t kBlockSize = std::size_t{1} << kBlockBits;
  static constexpr std::size_t kBlockCount = kBucketCount / kBlockSize;  // 132
  static_assert(kBucketCount % kBlockSize == 0);

  Histogram() = default;
  Histogram(const Histogram& other);
  Histogram& operator=(const Histogram& other);
  Histogram(Histogram&&) noexcept = default;
  Histogram& operator=(Histogram&&) noexcept = default;
  ~Histogram() = default;

  // One value: the per-response path of both engines. Out of line, without record_n's count (no
  // multiplication, no zero test), and with its rare cases (the top bucket, a block's first
  // value) a tail call, so the common path saves no register.
  void record(std::int64_t value_ns);
  void record_n(std::int64_t value_ns, std::uint64_t n) {
    if (n == 0) return;
    if (value_ns < 0) value_ns = 0;
    const std::size_t i = index_of(value_ns);
    if (i == kBucketCount - 1 && value_ns >= bucket_low(i) + bucket_width(i)) clamped_ += n;
    slot(i) += n;
    count_ += n;
    sum_ += static_cast<double>(value_ns) * static_cast<double>(n);
    if (value_ns < min_) min_ = value_ns;
    if (value_ns > max_) max_ = value_ns;
  }
  void merge(const Histogram& other);
  void reset();

  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::int64_t min() const { return count_ ? min_ : 0; }
  std::int64_t max() const { return count_ ? max_ : 0; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  double sum() const { return sum_; }
  std::uint64_t clamped() const { return clamped_; }

  // The value at percentile p in [0, 100]: the midpoint of the bucket holding the
  // ceil(p/100 · count)-th smallest value, clamped to [min, max]. 0 when empty.
  double percentile(double p) const;
  // Several percentiles in one pass; `ps` ascending.
  std::vector<double> percentiles(const std::vector<double>& ps) const;
  // Fraction of recorded values <= value_ns (bucket resolution).
  double fraction_at_or_below(std::int64_t value_ns) const;

  // Bucket geometry, exposed for tests and exporters.
  static std::size_t index_of(std::int64_t value_ns) {
    if (value_ns < kLinearLimit) return value_ns < 0 ? 0 : static_cast<std::size_t>(value_ns);
    const auto v = static_cast<std::uint64_t>(value_ns);
    const int shift = (63 - std::countl_zero(v)) - kSubBucketBits;
    if (shift > kMaxShift) return kBucketCount - 1;
    const auto top = static_cast<std::size_t>(v >> shift);  // in [1024, 2048)
    return static_cast<std::size_t>(kLinearLimit) + static_cast<std::size_t>(shift - 1) * (std::size_t{1} << kSubBucketBits) +
           (top - (std::size_t{1} << kSubBucketBits));
  }
  static std::int64_t bucket_low(std::size_t index);
  static std::int64_t bucket_width(std::size_t index);
  std::uint64_t bucket_count_at(std::size_t index) const {
    const auto& block = blocks_[index >> kBlockBits];
    return block ? block[index & (kBlockSize - 1)] : 0;
  }
  // Blocks allocated so far and the bytes the histogram holds (the object and its blocks).
  std::size_t blocks_allocated() const;
  std::size_t bytes() const { return sizeof(Histogram) + blocks_allocated() * kBlockSize * sizeof(std::uint64_t); }

  std::string serialize() const;
  static std::optional<Histogram> parse(std::string_view text);

  bool operator==(const Histogram& o) const;

 private:
  std::array<std::unique_ptr<std::uint64_t[]>, kBlockCount> blocks_;
  std::uint64_t count_ = 0;
  std::uint64_t clamped_ = 0;
  double sum_ = 0.0;
  std::int64_t min_ = INT64_MAX;
  std::int64_t max_ = 0;
  // The touched bucket range is [index_of(min_), index_of(max_)]: reset() and walks stay cheap
  // without tracking it on every record.
  std::size_t lo_index() const { return index_of(min_); }
  std::size_t hi_index() const { return index_of(max_); }
  // The counter of bucket `index`, its block allocated (zeroed) on first use.
  std::uint64_t& slot(std::size_t index) {
    auto& block = blocks_[index >> kBlockBits];
    if (!block) [[unlikely]] allocate_block(index >> kBlockBits);
    return block[index & (kBlockSize - 1)];
  }
  void allocate_block(std::size_t block);
  [[gnu::noinline]] void record_general(std::int64_t value_ns);
  // Calls fn(index, count) for every bucket with a count, in ascending index order.
  template <typename Fn>
  void for_each_nonzero(Fn&& fn) const;
};

}  // namespace loadcast::reports
