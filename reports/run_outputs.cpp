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

}  // namespace loadcast::reports
