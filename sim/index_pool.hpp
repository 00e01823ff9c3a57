// IndexPool<T>: a pool of T addressed by a 32-bit index, with stable addresses.
//
// Objects live in fixed-size chunks that are never moved or freed before the pool, so a
// reference stays valid while the pool grows (a callback may allocate while its caller still
// holds an element). acquire() reuses freed slots first; steady state allocates nothing.
// A freed slot keeps its contents until reused, so callers can keep generation counters in T.
// Not thread safe.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace loadcast::sim {

inline constexpr std::uint32_t kNoIndex = UINT32_MAX;

template <typename T, std::uint32_t kChunkBits = 10>
class IndexPool {
 public:
  static constexpr std::uint32_t kChunk = 1u << kChunkBits;

  // A free slot's index; its object keeps whatever the previous user left in it.
  std::uint32_t acquire() {
    if (free_.empty()) grow();
    const std::uint32_t i = free_.back();
    free_.pop_back();
    ++live_;
    return i;
  }
  void release(std::uint32_t i) {
    free_.push_back(i);
    --live_;
  }

  T& operator[](std::uint32_t i) { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  const T& operator[](std::uint32_t i) const { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }

  std::size_t live() const { return live_; }
  std::size_t capacity() const { return chunks_.size() * kChunk; }

 private:
  void grow() {
    chunks_.push_back(std::make_unique<T[]>(kChunk));
    const auto first = static_cast<std::uint32_t>((chunks_.size() - 1) * kChunk);
    free_.reserve(free_.size() + kChunk);
    for (std::uint32_t k = kChunk; k-- > 0;) free_.push_back(first + k);
  }

  std::vector<std::unique_ptr<T[]>> chunks_;
  std::vector<std::uint32_t> free_;
  std::size_t live_ = 0;
};

}  // namespace loadcast::sim
