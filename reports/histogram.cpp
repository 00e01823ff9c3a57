#include "reports/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace loadcast::reports {

namespace {

constexpr std::size_t kHalf = std::size_t{1} << Histogram::kSubBucketBits;  // 1024
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kPrefix = "loglin1:";

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(std::string_view& in, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

std::string base64(const std::string& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                            static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out.push_back(kB64[(n >> 18) & 63]);
    out.push_back(kB64[(n >> 12) & 63]);
    out.push_back(kB64[(n >> 6) & 63]);
    out.push_back(kB64[n & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out.push_back(kB64[(n >> 18) & 63]);
    out.push_back(kB64[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kB64[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t n = 0;
    int pad = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=') {
        ++pad;
        n <<= 6;
        continue;
      }
      const int v = value(c);
      if (v < 0 || pad > 0) return std::nullopt;
      n = (n << 6) | static_cast<std::uint32_t>(v);
    }
    out.push_back(static_cast<char>((n >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

}  // namespace

Histogram::Histogram(const Histogram& other)
    : count_(other.count_), clamped_(other.clamped_), sum_(other.sum_), min_(other.min_), max_(other.max_) {
  for (std::size_t b = 0; b < kBlockCount; ++b) {
    if (!other.blocks_[b]) continue;
    blocks_[b] = std::make_unique<std::uint64_t[]>(kBlockSize);
    std::copy_n(other.blocks_[b].get(), kBlockSize, blocks_[b].get());
  }
}

Histogram& Histogram::operator=(const Histogram& other) {
  if (this != &other) *this = Histogram(other);
  return *this;
}

void Histogram::record(std::int64_t value_ns) {
  if (value_ns < 0) value_ns = 0;
  const std::size_t i = index_of(value_ns);
  std::uint64_t* const block = blocks_[i >> kBlockBits].get();
  if (i == kBucketCount - 1 || block == nullptr) [[unlikely]] {
    record_general(value_ns);
    return;
  }
  ++block[i & (kBlockSize - 1)];
  ++count_;
  sum_ += static_cast<double>(value_ns);
  if (value_ns < min_) min_ = value_ns;
  if (value_ns > max_) max_ = value_ns;
}

void Histogram::record_general(std::int64_t value_ns) { record_n(value_ns, 1); }

void Histogram::allocate_block(std::size_t block) { blocks_[block] = std::make_unique<std::uint64_t[]>(kBlockSize); }

std::size_t Histogram::blocks_allocated() const {
  return static_cast<std::size_t>(std::count_if(blocks_.begin(), blocks_.end(), [](const auto& b) { return b != nullptr; }));
}

template <typename Fn>
void Histogram::for_each_nonzero(Fn&& fn) const {
  if (count_ == 0) return;
  const std::size_t lo = lo_index(), hi = hi_index();
  for (std::size_t b = lo / kBlockSize; b <= hi / kBlockSize; ++b) {
    const std::uint64_t* block = blocks_[b].get();
    if (block == nullptr) continue;
    const std::size_t first = std::max(lo, b * kBlockSize), last = std::min(hi, b * kBlockSize + kBlockSize - 1);
    for (std::size_t i = first; i <= last; ++i) {
      if (block[i - b * kBlockSize] != 0) fn(i, block[i - b * kBlockSize]);
    }
  }
}

std::int64_t Histogram::bucket_low(std::size_t index) {
  if (index < static_cast<std::size_t>(kLinearLimit)) return static_cast<std::int64_t>(index);
  const std::size_t rel = index - static_cast<std::size_t>(kLinearLimit);
  const int shift = static_cast<int>(rel / kHalf) + 1;
  const std::size_t top = kHalf + rel % kHalf;
  return static_cast<std::int64_t>(top) << shift;
}

std::int64_t Histogram::bucket_width(std::size_t index) {
  if (index < static_cast<std::size_t>(kLinearLimit)) return 1;
  const std::size_t rel = index - static_cast<std::size_t>(kLinearLimit);
  return std::int64_t{1} << (static_cast<int>(rel / kHalf) + 1);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  other.for_each_nonzero([this](std::size_t i, std::uint64_t c) { slot(i) += c; });
  count_ += other.count_;
  clamped_ += other.clamped_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::reset() {
  if (count_ > 0) {
    const std::size_t lo = lo_index(), hi = hi_index();
    for (std::size_t b = lo / kBlockSize; b <= hi / kBlockSize; ++b) {
      if (blocks_[b]) std::fill_n(blocks_[b].get(), kBlockSize, 0);
    }
  }
  count_ = 0;
  clamped_ = 0;
  sum_ = 0.0;
  min_ = INT64_MAX;
  max_ = 0;
}

std::vector<double> Histogram::percentiles(const std::vector<double>& ps) const {
  std::vector<double> out(ps.size(), 0.0);
  if (count_ == 0) return out;
  std::size_t k = 0;
  std::uint64_t seen = 0;
  // Buckets without counts cannot complete a rank, so walking only the others gives the same
  // percentiles as walking every bucket.
  for_each_nonzero([&](std::size_t i, std::uint64_t c) {
    seen += c;
    while (k < ps.size()) {
      const double p = std::clamp(ps[k], 0.0, 100.0);
      if (p >= 100.0) break;  // the maximum is exact, not a bucket midpoint
      auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
      if (rank < 1) rank = 1;
      if (seen < rank) break;
      const double mid = static_cast<double>(bucket_low(i)) + 0.5 * static_cast<double>(bucket_width(i) - 1);
      out[k] = std::clamp(mid, static_cast<double>(min_), static_cast<double>(max_));
      ++k;
    }
  });
  for (; k < ps.size(); ++k) out[k] = static_cast<double>(max_);
  return out;
}

double Histogram::percentile(double p) const { return percentiles({p})[0]; }

double Histogram::fraction_at_or_below(std::int64_t value_ns) const {
  if (count_ == 0) return 0.0;
  const std::size_t limit = index_of(value_ns);
  std::uint64_t seen = 0;
  for_each_nonzero([&](std::size_t i, std::uint64_t c) {
    if (i <= limit) seen += c;
  });
  return static_cast<double>(seen) / static_cast<double>(count_);
}

std::string Histogram::serialize() const {
  std::string bytes;
  put_varint(bytes, kSubBucketBits);
  put_varint(bytes, count_);
  put_varint(bytes, clamped_);
  put_varint(bytes, count_ ? static_cast<std::uint64_t>(min_) : 0);
  put_varint(bytes, static_cast<std::uint64_t>(max_));
  std::uint64_t sum_bits = 0;
  std::memcpy(&sum_bits, &sum_, sizeof sum_bits);
  put_varint(bytes, sum_bits);
  std::size_t nonzero = 0;
  for_each_nonzero([&](std::size_t, std::uint64_t) { ++nonzero; });
  put_varint(bytes, nonzero);
  std::size_t last = 0;
  for_each_nonzero([&](std::size_t i, std::uint64_t c) {
    put_varint(bytes, i - last);
    put_varint(bytes, c);
    last = i;
  });
  return std::string(kPrefix) + base64(bytes);
}

std::optional<Histogram> Histogram::parse(std::string_view text) {
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  auto bytes = unbase64(text.substr(kPrefix.size()));
  if (!bytes) return std::nullopt;
  std::string_view in(*bytes);
  std::uint64_t bits = 0, count = 0, clamped = 0, mn = 0, mx = 0, sum_bits = 0, nonzero = 0;
  if (!get_varint(in, bits) || bits != kSubBucketBits) return std::nullopt;
  if (!get_varint(in, count) || !get_varint(in, clamped) || !get_varint(in, mn) || !get_varint(in, mx) ||
      !get_varint(in, sum_bits) || !get_varint(in, nonzero)) {
    return std::nullopt;
  }
  Histogram h;
  h.count_ = count;
  h.clamped_ = clamped;
  std::memcpy(&h.sum_, &sum_bits, sizeof sum_bits);
  if (count > 0) {
    h.min_ = static_cast<std::int64_t>(mn);
    h.max_ = static_cast<std::int64_t>(mx);
  } else if (nonzero > 0) {
    return std::nullopt;
  }
  // Blocks are allocated only for the buckets the text names, so a parsed histogram is as
  // small as the range it covers (merge, gate and report of many classes).
  std::uint64_t index = 0, total = 0;
  for (std::uint64_t k = 0; k < nonzero; ++k) {
    std::uint64_t gap = 0, c = 0;
    if (!get_varint(in, gap) || !get_varint(in, c)) return std::nullopt;
    if (gap > kBucketCount) return std::nullopt;
    index += gap;
    if (index >= kBucketCount || c == 0) return std::nullopt;
    // The counts must lie inside [min, max]: otherwise the text was not written by serialize().
    if (index < h.lo_index() || index > h.hi_index()) return std::nullopt;
    if (k > 0 && gap == 0) return std::nullopt;
    h.slot(index) = c;
    total += c;
  }
  if (total != count || !in.empty()) return std::nullopt;
  return h;
}

bool Histogram::operator==(const Histogram& o) const {
  if (!(count_ == o.count_ && clamped_ == o.clamped_ && sum_ == o.sum_ && min() == o.min() && max() == o.max())) return false;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    if (bucket_count_at(i) != o.bucket_count_at(i)) return false;
  }
  return true;
}

}  // namespace loadcast::reports
