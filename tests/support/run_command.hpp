// Runs the loadcast binary (or any shell command) for end-to-end tests: captures stdout,
// stderr and the exit code. Test-only helper.
#pragma once

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace loadcast::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// A fresh (emptied) temporary directory of this process, named after `name`.
inline std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("loadcast-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline CommandResult run_command(const std::string& command) {
  const std::string dir = temp_dir("cmd");
  const std::string out_path = dir + "/stdout", err_path = dir + "/stderr";
  const std::string full = command + " > " + out_path + " 2> " + err_path;
  const int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  std::filesystem::remove_all(dir);
  return r;
}

inline std::string loadcast_binary() { return LOADCAST_BINARY; }

}  // namespace loadcast::testing
