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

  Callback(Callback&& other) noexcept : call_(other.call_), ops_(other.ops_) {
    if (call_ != nullptr) {
      relocate_from(other);
      other.call_ = nullptr;
      other.ops_ = nullptr;
    }
  }

  Callback& operator=(Callback&& other) noexcept {
    if (this != &other) {
      reset();
      call_ = other.call_;
      ops_ = other.ops_;
      if (call_ != nullptr) {
        relocate_from(other);
        other.call_ = nullptr;
        other.ops_ = nullptr;
      }
    }
    return *this;
  }

  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { reset(); }

  void reset() noexcept {
    if (ops_ != nullptr) ops_->destroy(storage_);
    call_ = nullptr;
    ops_ = nullptr;
  }

  // Runs the callable and leaves this Callback empty. It runs from a copy of its bytes (trivial)
  // or after being moved out (otherwise), so it may reuse or move this Callback's storage — an
  // event queue slot taken by an event it schedules — while it runs.
  void run_detached() {
    if (ops_ == nullptr) {
      alignas(std::max_align_t) unsigned char copy[kCapacity];
      std::memcpy(copy, storage_, kCapacity);
      void (*const call)(void*) = call_;
      call_ = nullptr;
      call(copy);
    } else {
      Callback moved(std::move(*this));
      moved();
    }
  }

  explicit operator bool() const noexcept { return call_ != nullptr; }
  // The call pointer is held here, not in a table: one load and an indirect call per event, no
  // dependent load of a table entry first.
  void operator()() { call_(storage_); }

 private:
  // Only for a callable that is not trivially copyable and destructible; a trivial one (every
  // lambda of the models: `this` plus a few ids) has none and moves as a plain copy of its bytes.
  struct Ops {
    void (*move)(void* dst, void* src) noexcept;
    void (*destroy)(void*) noexcept;
  };

  template <typename Fn>
  static constexpr bool kTrivial = std::is_trivially_copyable_v<Fn> && std::is_trivially_destructible_v<Fn>;

  template <typename F>
  void construct(F&& f) noexcept {
    using Fn = std::decay_t<F>;
    static_assert(sizeof(Fn) <= kCapacity, "callback capture too large: keep state in the model");
    static_assert(alignof(Fn) <= alignof(std::max_align_t), "callback capture over-aligned");
    static_assert(std::is_nothrow_move_constructible_v<Fn>, "callback must be nothrow movable");
    ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
    call_ = [](void* p) { (*static_cast<Fn*>(p))(); };
    ops_ = kTrivial<Fn> ? nullptr : &kOps<Fn>;
  }

  void relocate_from(Callback& other) noexcept {
    if (ops_ == nullptr) {
      std::memcpy(storage_, other.storage_, kCapacity);
    } else {
      ops_->move(storage_, other.storage_);
    }
  }

  template <typename Fn>
  static constexpr Ops kOps{
      [](void* dst, void* src) noexcept {
        ::new (dst) Fn(std::move(*static_cast<Fn*>(src)));
        static_cast<Fn*>(src)->~Fn();
      },
      [](void* p) noexcept { static_cast<Fn*>(p)->~Fn(); },
  };

  alignas(std::max_align_t) unsigned char storage_[kCapacity];
  void (*call_)(void*) = nullptr;
  const Ops* ops_ = nullptr;  // nullptr: trivial (or empty)
};

}  // namespace loadcast::sim
