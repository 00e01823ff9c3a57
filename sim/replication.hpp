// Independent replications on a thread pool.
//
// run_replications(R, threads, fn) calls fn(r) for r in [0, R) on up to `threads` threads and
// returns the results indexed by replication. Each replication derives its own random streams
// from (seed, r), so the results — and anything merged from them in index order — are the same
// for any thread count. An exception in one replication is rethrown after all threads join.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace loadcast::sim {

// Threads to use when the user did not say: every hardware thread.
inline unsigned default_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

template <typename Fn>
auto run_replications(std::size_t count, unsigned threads, Fn&& fn) -> std::vector<decltype(fn(std::size_t{}))> {
  using R = decltype(fn(std::size_t{}));
  std::vector<std::optional<R>> slots(count);
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        slots[i].emplace(fn(i));
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        next.store(count);
      }
    }
  };
  const std::size_t n = std::min<std::size_t>(threads == 0 ? 1 : threads, count);
  if (n <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(n);
    for (std::size_t t = 0; t < n; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (error) std::rethrow_exception(error);
  std::vector<R> out;
  out.reserve(count);
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

}  // namespace loadcast::sim
