// Independent replications on a thread pool.
//
// run_replications_in_order(R, threads, fn, consume) calls fn(r) for r in [0, R) on up to
// `threads` threads and hands each result to consume(r, result) in replication order, one at a
// time, as soon as every earlier replication has been consumed. A replication finishing before
// its predecessors waits in a reorder buffer; a thread starts replication r only when
// r < consumed + threads, so at most `threads` results exist at once (running, waiting or being
// consumed) whatever R is. Each replication derives its own random streams from (seed, r), so
// the results — and anything folded from them in replication order — are the same for any
// thread count. run_replications(R, threads, fn) collects all results, indexed by replication.
// An exception in fn or consume stops new replications and is rethrown after all threads join.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace loadcast::sim {

// Threads to use when the user did not say: every hardware thread.
inline unsigned default_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

template <typename Fn, typename Consume>
void run_replications_in_order(std::size_t count, unsigned threads, Fn&& fn, Consume&& consume) {
  using R = decltype(fn(std::size_t{}));
  const std::size_t n = std::max<std::size_t>(1, std::min<std::size_t>(threads == 0 ? 1 : threads, count));
  std::mutex mutex;
  std::condition_variable window_moved;
  std::size_t next = 0;      // the next replication to start
  std::size_t consumed = 0;  // replications handed to consume
  bool consuming = false;    // a thread is draining the buffer
  bool failed = false;
  std::exception_ptr error;
  // Replication r waits in slot r % n: started replications lie in [consumed, consumed + n).
  std::vector<std::optional<R>> buffer(n);
  auto fail = [&](std::unique_lock<std::mutex>& lock) {
    if (!lock.owns_lock()) lock.lock();
    if (!error) error = std::current_exception();
    failed = true;
    window_moved.notify_all();
  };
  auto worker = [&] {
    for (;;) {
      std::unique_lock lock(mutex);
      window_moved.wait(lock, [&] { return failed || next >= count || next < consumed + n; });
      if (failed || next >= count) return;
      const std::size_t i = next++;
      lock.unlock();
      std::optional<R> out;
      try {
        out.emplace(fn(i));
      } catch (...) {
        fail(lock);
        return;
      }
      lock.lock();
      buffer[i % n] = std::move(out);
      if (consuming) continue;  // the draining thread takes it in turn
      consuming = true;
      while (!failed && consumed < count && buffer[consumed % n]) {
        const std::size_t r = consumed;
        R ready = std::move(*buffer[r % n]);
        buffer[r % n].reset();
        lock.unlock();
        try {
          consume(r, std::move(ready));
        } catch (...) {
          fail(lock);
          break;
        }
        lock.lock();
        ++consumed;
        window_moved.notify_all();
      }
      consuming = false;
    }
  };
  if (n <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(n);
    for (std::size_t t = 0; t < n; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (error) std::rethrow_exception(error);
}

template <typename Fn>
auto run_replications(std::size_t count, unsigned threads, Fn&& fn) -> std::vector<decltype(fn(std::size_t{}))> {
  std::vector<decltype(fn(std::size_t{}))> out;
  out.reserve(count);
  run_replications_in_order(count, threads, fn, [&out](std::size_t, auto&& result) { out.push_back(std::move(result)); });
  return out;
}

}  // namespace loadcast::sim
