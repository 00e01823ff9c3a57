// Ring<T>: a FIFO queue in a circular buffer whose size is a power of two.
//
// The one ring buffer of the code base: the event queue's zero-delay lane, a station's waiting
// line, a connection pool's waiters, the Fargate launch queue, the SNS deliveries in flight and
// the deduplication window all use it. The buffer doubles when full and never shrinks, so a
// queue that has reached its working size allocates nothing more; indices wrap with a mask, not
// a division. Elements are moved in and out; a popped slot keeps a moved-from T until reused.
// Invariants: size() <= capacity(); capacity() is 0 or a power of two.
// Not thread safe.
#pragma once

#include <cassert>
#include <cstddef>
#include <utility>
#include <vector>

namespace loadcast::sim {

template <typename T>
class Ring {
 public:
  Ring() = default;
  // Room for `capacity` elements (rounded up to a power of two) before the first growth.
  explicit Ring(std::size_t capacity) {
    std::size_t n = 1;
    while (n < capacity) n *= 2;
    if (capacity > 0) {
      items_.resize(n);
      capacity_ = n;
    }
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }

  T& front() {
    assert(size_ > 0 && "front() of an empty ring");
    return items_[head_];
  }
  const T& front() const {
    assert(size_ > 0 && "front() of an empty ring");
    return items_[head_];
  }
  // The i-th element from the front (0 is the oldest).
  T& operator[](std::size_t i) { return items_[(head_ + i) & (capacity_ - 1)]; }
  const T& operator[](std::size_t i) const { return items_[(head_ + i) & (capacity_ - 1)]; }

  void push_back(T value) {
    if (size_ == capacity_) grow();
    items_[(head_ + size_) & (capacity_ - 1)] = std::move(value);
    ++size_;
  }

  T pop_front() {
    assert(size_ > 0 && "pop_front() of an empty ring");
    T value = std::move(items_[head_]);
    head_ = (head_ + 1) & (capacity_ - 1);
    --size_;
    return value;
  }

  // Forgets every element; the buffer is kept.
  void clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  void grow() {
    std::vector<T> bigger(items_.empty() ? kFirstCapacity : items_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move((*this)[i]);
    items_ = std::move(bigger);
    capacity_ = items_.size();
    head_ = 0;
  }

  static constexpr std::size_t kFirstCapacity = 16;

  std::vector<T> items_;
  std::size_t capacity_ = 0;  // items_.size(), kept so that indexing needs no division
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace loadcast::sim
