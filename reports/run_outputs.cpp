#include "reports/run_outputs.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/html_report.hpp"
#include "reports/summary_report.hpp"
#include "sim/input_file.hpp"

namespace loadcast::reports {

namespace {

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string errno_text() { return std::strerror(errno); }

// The directory holding `path` ("." for a bare name).
std::string dir_of(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// Writes `text` to a new temporary file beside `path` and fsyncs it; returns the temporary's
// name. On any failure the temporary is removed and the error names `path`.
std::string stage(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp-XXXXXX";
  Fd f{::mkstemp(tmp.data())};
  if (f.fd < 0) throw std::runtime_error(path + ": cannot open for writing (" + errno_text() + ")");
  const auto fail = [&](const std::string& what) {
    const std::string reason = errno_text();
    ::unlink(tmp.c_str());
    return std::runtime_error(path + ": " + what + " (" + reason + "); the previous file, if any, is unchanged");
  };
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(f.fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw fail("write failed");
    }
    done += static_cast<std::size_t>(n);
  }
  // mkstemp creates 0600; an output file is as readable as any other the user writes.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(f.fd, 0666 & ~mask) != 0) throw fail("cannot set permissions");
  if (::fsync(f.fd) != 0) throw fail("write failed");
  const int fd = f.fd;
  f.fd = -1;
  if (::close(fd) != 0) throw fail("write failed");
  return tmp;
}

// Makes renames in `dir` durable.
void sync_dir(const std::string& dir) {
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) ::fsync(d.fd);
}

// Renames each staged file onto its path, then syncs the directories. A failure removes the
// staged files not yet renamed.
void commit(const std::vector<std::pair<std::string, std::string>>& staged) {
  for (std::size_t i = 0; i < staged.size(); ++i) {
    if (::rename(staged[i].second.c_str(), staged[i].first.c_str()) != 0) {
      const std::string reason = errno_text();
      for (std::size_t k = i; k < staged.size(); ++k) ::unlink(staged[k].second.c_str());
      throw std::runtime_error(staged[i].first + ": cannot replace the file (" + reason + ")");
    }
  }
  std::set<std::string> dirs;
  for (const auto& s : staged) dirs.insert(dir_of(s.first));
  for (const auto& d : dirs) sync_dir(d);
}

// Writes every {path, text} atomically as a set: all are staged (written and fsynced) before
// the first is renamed into place, so a full disk or a crash leaves the old files whole.
void write_files(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::pair<std::string, std::string>> staged;
  try {
    for (const auto& [path, text] : files) staged.emplace_back(path, stage(path, text));
  } catch (...) {
    for (const auto& s : staged) ::unlink(s.second.c_str());
    throw;
  }
  commit(staged);
}

}  // namespace

void write_text_file(const std::string& path, const std::string& text) { write_files({{path, text}}); }

std::string read_result_text(const std::string& path) {
  try {
    return sim::read_input_file(path, kMaxResultBytes, "result file");
  } catch (const sim::InputFileError& e) {
    throw std::runtime_error(e.what());
  }
}

void check_output_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot create output directory (" + ec.message() + ")");
  if (!std::filesystem::is_directory(dir, ec)) throw std::runtime_error(dir + ": the output location is not a directory");
  // A file created and removed: the run's outputs can be written there.
  std::string probe = dir + "/.loadcast-probe-XXXXXX";
  Fd f{::mkstemp(probe.data())};
  if (f.fd < 0) throw std::runtime_error(dir + ": cannot write in the output directory (" + errno_text() + ")");
  ::unlink(probe.c_str());
}

void check_output_file(const std::string& path) {
  check_output_dir(dir_of(path));
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw std::runtime_error(path + ": is a directory, not a file to write");
}

std::vector<std::string> write_run_outputs(const Result& result, const std::string& dir) {
  check_output_dir(dir);
  const std::vector<std::string> paths = {dir + "/result.json", dir + "/timeseries.csv", dir + "/report.html",
                                          dir + "/report.md"};
  write_files({{paths[0], result.to_json().dump(2) + "\n"},
               {paths[1], timeseries_csv(result)},
               {paths[2], render_html(result)},
               {paths[3], render_markdown(result)}});
  return paths;
}

std::vector<std::string> write_sweep_outputs(const SweepTable& t, const std::string& base) {
  const std::filesystem::path parent = std::filesystem::path(base).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) throw std::runtime_error(parent.string() + ": cannot create output directory (" + ec.message() + ")");
  }
  const std::vector<std::string> paths = {base + ".json", base + ".csv", base + ".md", base + ".html"};
  write_files({{paths[0], t.to_json().dump(2) + "\n"}, {paths[1], t.csv()}, {paths[2], t.markdown()}, {paths[3], t.html()}});
  return paths;
}

namespace {

Json read_json_file(const std::string& path) {
  const std::string text = read_result_text(path);
  try {
    return Json::parse(text);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
}

std::string file_in(const std::string& path_or_dir, std::initializer_list<const char*> names) {
  if (!std::filesystem::is_directory(path_or_dir)) return path_or_dir;
  for (const char* n : names) {
    const std::string p = path_or_dir + "/" + n;
    if (std::filesystem::exists(p)) return p;
  }
  throw std::runtime_error(path_or_dir + ": a directory without result.json or sweep.json");
}

}  // namespace

SweepTable read_sweep_table(const std::string& path_or_dir) {
  const std::string path = file_in(path_or_dir, {"sweep.json"});
  try {
    return SweepTable::from_json(read_json_file(path));
  } catch (const std::exception& e) {
    const std::string what = e.what();
    throw std::runtime_error(what.rfind(path, 0) == 0 ? what : path + ": " + what);
  }
}

std::string schema_of(const std::string& path_or_dir) {
  const std::string path = file_in(path_or_dir, {"result.json", "sweep.json"});
  const Json j = read_json_file(path);
  if (!j.is_object() || !j.contains("schema") || !j["schema"].is_string()) {
    throw std::runtime_error(path + ": has no schema (expected " + std::string(kResultSchema) + " or " + kSweepSchema + ")");
  }
  return j["schema"].get<std::string>();
}

}  // namespace loadcast::reports
