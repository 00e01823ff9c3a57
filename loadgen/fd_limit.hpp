// The file descriptors a load run needs, checked against RLIMIT_NOFILE before any connection.
//
// A run holds one descriptor per connection (the open model's pool, or one per closed-model
// user — per `--streams` users with HTTP/2) plus the process's own: kFdBase for standard
// streams, the resolver, output files, CA files OpenSSL reads, shared libraries and libcurl's
// DNS sockets, and kFdPerThread per worker thread (Asio's epoll, eventfd and timerfd; libcurl's
// epoll and multi wake-up pair; one spare for a connection a worker re-opens while the old one
// is still closing). When the soft limit is below the need and the hard limit is not, the soft
// limit is raised to the hard limit (what Go's runtime does at start-up; only the soft limit is
// changed, which needs no privilege); when the hard limit is below the need too, the run
// cannot work — every connection past the limit would fail with EMFILE — and ensure_fd_limit()
// throws FdLimitError with a sentence that names the need, both limits and `ulimit -n`.
// Process-wide (setrlimit): call from one thread, before the workers start.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace loadcast::loadgen {

inline constexpr std::uint64_t kFdBase = 32;
inline constexpr std::uint64_t kFdPerThread = 8;

struct FdLimit {
  std::uint64_t needed = 0;
  std::uint64_t soft = 0;         // the soft limit in force for the run (after any raise)
  std::uint64_t hard = 0;
  std::uint64_t raised_from = 0;  // the soft limit before it was raised; 0: not raised
};

struct FdLimitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr std::uint64_t fds_needed(std::uint64_t connections, std::uint64_t threads) {
  return connections + kFdBase + kFdPerThread * threads;
}

// `needed` descriptors for `connections` connections asked for by `asked` (e.g. "-c 30000").
// Raises the soft limit when that suffices; throws FdLimitError when it cannot.
FdLimit ensure_fd_limit(std::uint64_t needed, std::uint64_t connections, const std::string& asked);

}  // namespace loadcast::loadgen
