// End-to-end: the report of a real simulated run. pos-production's workers and their queues
// share names (worker-item is an ECS service and an SQS queue); its report must draw the
// queue's charts, checked in the HTML and in what headless Chromium draws from it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/support/run_command.hpp"
#include "tests/reports/chromium.hpp"

using namespace loadcast::testing;

namespace {

// The d attribute of the series path `series` in the chart titled `title`; empty when absent.
std::string series_path(const std::string& html, const std::string& title, const std::string& series) {
  const auto chart = html.find(">" + title + "</text>");
  if (chart == std::string::npos) return {};
  const auto end = html.find("</svg>", chart);
  const std::string tag = "data-series=\"" + series + "\" d=\"";
  const auto at = html.find(tag, chart);
  if (at == std::string::npos || at > end) return {};
  const auto start = at + tag.size();
  return html.substr(start, html.find('"', start) - start);
}

std::size_t segments(const std::string& d) {
  std::size_t n = 0;
  for (char c : d) n += c == 'L' ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("ReportCli: a POS run draws each worker's queue next to its service") {
  const std::string dir = temp_dir("pos_report");
  const auto r = run_command(loadcast_binary() + " sim " + LOADCAST_SOURCE_DIR +
                             "/scenarios/pos-production.yaml --duration 2h --threads 1 -q --out " + dir);
  REQUIRE(r.exit_code == 0);
  const std::string html = read_file(dir + "/report.html");
  // 2 h at 60 s: 120 intervals, so 119 line segments per drawn series.
  CHECK(segments(series_path(html, "worker-item: messages", "visible")) == 119);
  CHECK(segments(series_path(html, "worker-item: messages", "in_flight")) == 119);
  CHECK(segments(series_path(html, "worker-item: sent, deleted and throttled", "deleted")) == 119);
  CHECK_FALSE(series_path(html, "Oldest message age", "worker-item").empty());
  CHECK(segments(series_path(html, "worker-item: tasks", "tasks_running")) >= 119);
  const auto other = html.find("<h2 id=\"other\">");
  const std::string others = other == std::string::npos ? std::string() : html.substr(other, html.find("<h2", other + 4) - other);
  CHECK(others.find("worker-item.visible") == std::string::npos);

  REQUIRE(std::filesystem::exists(kChromium));
  REQUIRE(run_chromium(dir, "--dump-dom file://" + dir + "/report.html", dir + "/dom.html") == 0);
  const std::string dom = read_file(dir + "/dom.html");
  INFO(read_file(dir + "/chromium.log"));
  CHECK(segments(series_path(dom, "worker-item: messages", "visible")) == 119);
  const std::regex drawn("data-series=\"visible\" d=\"M[0-9.]+,[0-9.]+( L[0-9.]+,[0-9.]+){100,}");
  CHECK(std::distance(std::sregex_iterator(dom.begin(), dom.end(), drawn), std::sregex_iterator()) >= 8);
  std::filesystem::remove_all(dir);
}
