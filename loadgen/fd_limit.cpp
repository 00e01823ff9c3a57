#include "loadgen/fd_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace loadcast::loadgen {

namespace {

std::string limit_text(rlim_t v) { return v == RLIM_INFINITY ? std::string("unlimited") : std::to_string(v); }

}  // namespace

FdLimit ensure_fd_limit(std::uint64_t needed, std::uint64_t connections, const std::string& asked) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    throw std::runtime_error(std::string("cannot read the open-file limit (RLIMIT_NOFILE): ") + std::strerror(errno));
  }
  FdLimit out;
  out.needed = needed;
  out.hard = lim.rlim_max == RLIM_INFINITY ? needed : static_cast<std::uint64_t>(lim.rlim_max);
  out.soft = lim.rlim_cur == RLIM_INFINITY ? out.hard : static_cast<std::uint64_t>(lim.rlim_cur);
  if (out.soft >= needed) return out;
  const std::string need_text = asked + " needs " + std::to_string(needed) + " file descriptors (" +
                                std::to_string(connections) + " connections + " +
                                std::to_string(needed - connections) + " for the process)";
  if (lim.rlim_max != RLIM_INFINITY && static_cast<std::uint64_t>(lim.rlim_max) < needed) {
    throw FdLimitError(need_text + ", but the open-file limit is " + limit_text(lim.rlim_cur) + " (soft) and " +
                       limit_text(lim.rlim_max) + " (hard): raise it with `ulimit -n " + std::to_string(needed) +
                       "` (above the hard limit only root can, e.g. in /etc/security/limits.conf or the service's "
                       "LimitNOFILE), or lower " + asked.substr(0, asked.find(' ')));
  }
  rlimit raised = lim;
  raised.rlim_cur = lim.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    // The kernel refuses soft limits above fs.nr_open even under an unlimited hard limit.
    raised.rlim_cur = static_cast<rlim_t>(needed);
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
      throw FdLimitError(need_text + ", but the open-file limit is " + limit_text(lim.rlim_cur) +
                         " (soft) and raising it failed (" + std::strerror(errno) + "): raise it with `ulimit -n " +
                         std::to_string(needed) + "`");
    }
  }
  out.raised_from = out.soft;
  out.soft = static_cast<std::uint64_t>(raised.rlim_cur);
  return out;
}

}  // namespace loadcast::loadgen
