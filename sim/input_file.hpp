// Reading an input file the user named — a scenario, a result, an empirical sample, a CSV —
// without trusting it: only a regular file is read (a directory, FIFO, device or socket is
// refused before any read, so `/dev/zero` cannot exhaust memory and a FIFO cannot hang the
// command), and never more than `max_bytes`. Every refusal is an InputFileError whose message
// is a sentence starting with the path. Thread safe.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace loadcast::sim {

class InputFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A descriptor open for reading on `path`, checked to be a regular file, for a reader that streams
// (the caller closes it). Throws InputFileError as read_input_file() does.
int open_input_file(const std::string& path, const std::string& what);

// `what` names the file in messages after "the": "scenario file", "result file", "empirical file".
std::string read_input_file(const std::string& path, std::size_t max_bytes, const std::string& what);

// A human size: 4 MiB, 512 KiB, 100 bytes.
std::string format_bytes(std::size_t bytes);

}  // namespace loadcast::sim
