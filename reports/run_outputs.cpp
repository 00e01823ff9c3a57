#include "reports/run_outputs.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "reports/html_report.hpp"
#include "reports/summary_report.hpp"

namespace loadcast::reports {

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error(path + ": cannot open for writing");
  out << text;
  out.close();
  if (!out) throw std::runtime_error(path + ": write failed");
}

std::vector<std::string> write_run_outputs(const Result& result, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot create output directory (" + ec.message() + ")");
  const std::vector<std::string> paths = {dir + "/result.json", dir + "/timeseries.csv", dir + "/report.html",
                                          dir + "/report.md"};
  save_result(result, paths[0]);
  write_text_file(paths[1], timeseries_csv(result));
  write_text_file(paths[2], render_html(result));
  write_text_file(paths[3], render_markdown(result));
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
  write_text_file(paths[0], t.to_json().dump(2) + "\n");
  write_text_file(paths[1], t.csv());
  write_text_file(paths[2], t.markdown());
  write_text_file(paths[3], t.html());
  return paths;
}

namespace {

Json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  try {
    return Json::parse(in);
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
