// Callback: a move-only `void()` callable stored inline, never on the heap.
//
// Events carry one of these. A lambda that does not fit (more than kCapacity bytes of capture)
// is a compile error rather than a silent allocation, which is how the engine keeps its promise
// of no heap allocation per event. Capture `this` plus a few ids; put larger state in the model.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace loadcast::sim {

class Callback {
 public:
  static constexpr std::size_t kCapacity = 32;

  Callback() noexcept = default;

  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  Callback(F&& f) noexcept {  // NOLINT(google-explicit-constructor): lambdas convert implicitly
    construct(std::forward<F>(f));
  }

  // Replaces the callable by `f`, built in place: the event queue builds a scheduled lambda
  // straight into its slot, with no temporary Callback to copy from (a 16-byte load of bytes
  // just stored in two halves stalls on store forwarding).
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  void emplace(F&& f) noexcept {
    reset();
    construct(std::forward<F>(f));
  }

  Callback(Callback&& other) noexcept : ops_(other.ops_) {
    if (ops_ != nullptr) {
      relocate_from(other);
      other.ops_ = nullptr;
    }
  }

  Callback& operator=(Callback&& other) noexcept {
    if (this != &other) {
      reset();
      ops_ = other.ops_;
      if (ops_ != nullptr) {
        relocate_from(other);
        other.ops_ = nullptr;
      }
    }
    return *this;
  }

  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { reset(); }

  void reset() noexcept {
    if (ops_ != nullptr) {
      if (!ops_->trivial) ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

  explicit operator bool() const noexcept { return ops_ != nullptr; }
  void operator()() { ops_->call(storage_); }

 private:
  struct Ops {
    void (*call)(void*);
    void (*move)(void* dst, void* src) noexcept;
    void (*destroy)(void*) noexcept;
    bool trivial;  // trivially copyable and destructible: moved with a plain copy of the bytes
  };

  template <typename F>
  void construct(F&& f) noexcept {
    using Fn = std::decay_t<F>;
    static_assert(sizeof(Fn) <= kCapacity, "callback capture too large: keep state in the model");
    static_assert(alignof(Fn) <= alignof(std::max_align_t), "callback capture over-aligned");
    static_assert(std::is_nothrow_move_constructible_v<Fn>, "callback must be nothrow movable");
    ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
    ops_ = &kOps<Fn>;
  }

  void relocate_from(Callback& other) noexcept {
    if (ops_->trivial) {
      std::memcpy(storage_, other.storage_, kCapacity);
    } else {
      ops_->move(storage_, other.storage_);
    }
  }

  template <typename Fn>
  static constexpr Ops kOps{
      [](void* p) { (*static_cast<Fn*>(p))(); },
      [](void* dst, void* src) noexcept {
        ::new (dst) Fn(std::move(*static_cast<Fn*>(src)));
        static_cast<Fn*>(src)->~Fn();
      },
      [](void* p) noexcept { static_cast<Fn*>(p)->~Fn(); },
      std::is_trivially_copyable_v<Fn> && std::is_trivially_destructible_v<Fn>,
  };

  alignas(std::max_align_t) unsigned char storage_[kCapacity];
  const Ops* ops_ = nullptr;
};

}  // namespace loadcast::sim
