#include "sim/input_file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace loadcast::sim {

namespace {

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

std::string format_bytes(std::size_t bytes) {
  if (bytes >= (std::size_t{1} << 20) && bytes % (std::size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= (std::size_t{1} << 10) && bytes % (std::size_t{1} << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

int open_input_file(const std::string& path, const std::string& what) {
  // O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting for one.
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) throw InputFileError(path + ": cannot open " + what + " (" + std::strerror(errno) + ")");
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw InputFileError(path + ": cannot read " + what + " (" + std::strerror(errno) + ")");
  if (!S_ISREG(st.st_mode)) {
    throw InputFileError(path + ": the " + what + " is " + kind_of(st.st_mode) + ", not a regular file");
  }
  const int fd = f.fd;
  f.fd = -1;
  return fd;
}

std::string read_input_file(const std::string& path, std::size_t max_bytes, const std::string& what) {
  Fd f{open_input_file(path, what)};
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw InputFileError(path + ": cannot read " + what + " (" + std::strerror(errno) + ")");
  const auto too_large = [&] {
    return InputFileError(path + ": the " + what + " is larger than " + format_bytes(max_bytes) + ", the most it may hold");
  };
  if (static_cast<std::size_t>(st.st_size) > max_bytes) throw too_large();
  std::string text;
  text.resize(static_cast<std::size_t>(st.st_size));
  std::size_t have = 0;
  for (;;) {
    if (have == text.size()) {
      // The file grew since fstat: read on, up to the limit.
      if (text.size() > max_bytes) throw too_large();
      text.resize(text.size() + 4096);
    }
    const ssize_t n = ::read(f.fd, text.data() + have, text.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputFileError(path + ": cannot read " + what + " (" + std::strerror(errno) + ")");
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  text.resize(have);
  if (have > max_bytes) throw too_large();
  return text;
}

}  // namespace loadcast::sim
