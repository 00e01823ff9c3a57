// report.html: every chart is present when its series exist, the page is self-contained, and a
// real browser (Debian's headless Chromium) draws the charts: the dumped DOM holds the SVG paths
// with their points, and the screenshot is not blank.
#include <catch2/catch.hpp>

#include <png.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "reports/html_report.hpp"
#include "reports/run_outputs.hpp"
#include "reports/summary_report.hpp"
#include "reports/svg_chart.hpp"
#include "reports/threshold.hpp"
#include "tests/reports/chromium.hpp"

using namespace loadcast::reports;
using loadcast::testing::kChromium;
using loadcast::testing::run_chromium;

namespace {
// The verdict `loadcast gate` gives a p95 threshold on a result without samples.
ThresholdVerdict evaluate_threshold_for_test() {
  return ThresholdVerdict{"latency_ms.p95 < 100", kNoSamples, false, no_samples_detail("latency_ms.p95")};
}
}  // namespace

namespace {

const double kNan = std::nan("");

Result rich_result() {
  Result r;
  r.scenario = "step-load";
  r.seed = 3;
  r.replications = 1;
  r.duration_s = 1800;
  r.requests.total = 100000;
  r.requests.ok = 99000;
  r.requests.errors = 1000;
  r.requests.by_status = {{"200", 99000}, {"502", 400}, {"503", 600}};
  r.requests.by_cause = {{"no_registered_target", 600}, {"task_killed", 400}};
  r.throughput_rps = 55.5;
  r.ok_throughput_rps = 54.945;
  r.latency_ms = {30, 20, 60, 90, 250, 600, 900};
  const int n = 30;
  r.timeseries.interval_s = 60;
  auto& s = r.timeseries.series;
  for (int i = 0; i < n; ++i) {
    const double t = i * 60.0;
    const double load = i < 10 ? 20 : i < 20 ? 120 : 20;
    r.timeseries.t_s.push_back(t);
    s["requests_per_s"].push_back(load);
    s["latency_p50_ms"].push_back(20 + (i >= 10 && i < 14 ? 80 : 0));
    s["latency_p95_ms"].push_back(60 + (i >= 10 && i < 14 ? 300 : 0));
    s["latency_p99_ms"].push_back(i == 5 ? kNan : 90 + (i >= 10 && i < 14 ? 600 : 0));
    s["http_5xx"].push_back(i >= 10 && i < 12 ? 500 : 0);
    s["http_502"].push_back(i == 11 ? 400 : 0);
    const double tasks = i < 13 ? 1 : i < 25 ? 3 : 2;
    s["web.tasks_desired"].push_back(i < 12 ? 1 : i < 25 ? 3 : 2);
    s["web.tasks_running"].push_back(tasks);
    s["web.tasks_healthy"].push_back(i < 14 ? 1 : tasks);
    s["web.cpu_utilization"].push_back(load / tasks * 0.7);
    s["web.memory_utilization"].push_back(35);
    s["writer.acu"].push_back(i < 11 ? 0.5 : 2.0);
    s["writer.cpu_utilization"].push_back(load / 4);
    s["writer.connections"].push_back(10 + tasks * 5);
    s["orders.visible"].push_back(i >= 10 && i < 16 ? 200.0 - i : 0);
    s["orders.in_flight"].push_back(10);
    s["orders.oldest_age_s"].push_back(i >= 10 && i < 16 ? 40 : 1);
    s["orders.dlq"].push_back(0);
    s["orders.empty_receives"].push_back(i < 10 ? 300 : 5);
    s["custom.gauge"].push_back(i);
    // A worker service and its queue share a name (pos-production's worker-item).
    s["worker-item.tasks_running"].push_back(i < 12 ? 1 : 4);
    s["worker-item.messages_per_s"].push_back(i < 10 ? 2 : 30);
    s["worker-item.visible"].push_back(i >= 10 && i < 18 ? 500.0 - 20 * i : 0);
    s["worker-item.sent"].push_back(i < 10 ? 120 : 1800);
    s["http_500"].push_back(i == 12 ? 30 : 0);
  }
  r.events.push_back({630, "scale_out", "web", 1.0, 3.0, "cpu 91.2 > 70 for 3 of 3"});
  r.events.push_back({1500, "scale_in", "web", 3.0, 2.0, "cpu 30 < 63 for 15 of 15"});
  r.events.push_back({660, "acu_change", "writer", 0.5, 2.0, "cpu constrained"});
  r.thresholds.push_back({"latency_ms.p95 < 300", 90, true, ""});
  r.thresholds.push_back({"requests.error_rate < 0.001", 0.01, false, ""});
  r.sections["services"] = Json{{"web", {{"targets", {{"cpu_utilization", 70}, {"memory_utilization", 80}}}}}};
  r.sections["cost"] = Json{{"monthly_usd", {{"total", 304.43}, {"items", {{"fargate", 89.97}, {"aurora", 146.0}}}}},
                            {"region", "ap-northeast-1"},
                            {"projection", "metered over 30m, no workload period declared"},
                            {"lines", Json::array({Json{{"item", "fargate"},
                                                        {"resource", "web (x86, on_demand)"},
                                                        {"component", "vCPU"},
                                                        {"price", "fargate.x86_vcpu_hour"},
                                                        {"quantity", 730},
                                                        {"unit", "vCPU-hour"},
                                                        {"unit_usd", 0.05056},
                                                        {"usd", 36.9088},
                                                        {"confidence", "secondary"}}})},
                            {"unverified_prices", Json::array({"fargate.arm_vcpu_hour"})},
                            {"assumptions", Json::array({"Fargate Spot is priced at On-Demand x (1 - 0.7): an upper bound"})}};
  return r;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

// The d attribute of the path with data-series="<name>" inside the chart titled `title`.
std::string path_of(const std::string& html, const std::string& title, const std::string& series) {
  const auto chart = html.find(">" + title + "</text>");
  REQUIRE(chart != std::string::npos);
  const auto end = html.find("</svg>", chart);
  const auto at = html.find("data-series=\"" + series + "\" d=\"", chart);
  REQUIRE(at != std::string::npos);
  REQUIRE(at < end);
  const auto start = at + series.size() + 18;
  return html.substr(start, html.find('"', start) - start);
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

std::filesystem::path temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("loadcast_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("HtmlReport: every chart is drawn when its series exist") {
  const std::string html = render_html(rich_result());
  for (const char* title : {"Request rate", "Latency percentiles", "5xx responses by code", "web: tasks",
                            "web: CPU and memory utilization", "Aurora capacity per instance", "DB CPU utilization",
                            "DB connections", "orders: messages", "Oldest message age", "Empty receives", "custom.gauge",
                            "Cost by item (USD per month)", "worker-item: tasks", "worker-item: messages",
                            "worker-item: messages processed and backlog per task", "worker-item: sent, deleted and throttled"}) {
    INFO(title);
    CHECK(count(html, "font-weight=\"600\">" + std::string(title) + "</text>") == 1);
  }
  const std::string p95 = path_of(html, "Latency percentiles", "p95");
  CHECK(count(p95, "L") == 29);
  const std::string p99 = path_of(html, "Latency percentiles", "p99");
  CHECK(count(p99, "M") == 2);  // the missing interval breaks the line
  const std::string running = path_of(html, "web: tasks", "tasks_running");
  CHECK(count(running, "L") >= 2 * 29);  // steps: a vertical and a horizontal segment per point
  CHECK(count(html, "class=\"target\"") == 2);
  CHECK_THAT(html, Catch::Contains("<title>10:30 scale_out 1 -&gt; 3 (cpu 91.2 &gt; 70 for 3 of 3)</title>"));
  CHECK_THAT(html, Catch::Contains("<b>$304.43 per month</b> in ap-northeast-1"));
  CHECK_THAT(html, Catch::Contains("Projection: metered over 30m, no workload period declared."));
  CHECK_THAT(html, Catch::Contains("<code>fargate.arm_vcpu_hour</code>"));
  CHECK_THAT(html, Catch::Contains("<td class=\"fail\">FAIL</td><td><code>requests.error_rate &lt; 0.001</code></td>"));
  CHECK_THAT(html, Catch::Contains("<td>scale_in</td>"));
  CHECK_THAT(html, Catch::Contains("Assumptions behind this figure:<br>Fargate Spot is priced at On-Demand x (1 - 0.7)"));
  CHECK(count(path_of(html, "5xx responses by code", "500"), "L") == 29);
}

TEST_CASE("HtmlReport: a series is classified by its own metric, so a queue named like its worker keeps its charts") {
  const std::string html = render_html(rich_result());
  // The queue's depth and flow are drawn as queue charts, the worker's tasks as service charts.
  CHECK(count(path_of(html, "worker-item: messages", "visible"), "L") == 29);
  CHECK(count(path_of(html, "worker-item: sent, deleted and throttled", "sent"), "L") == 29);
  CHECK(count(path_of(html, "worker-item: tasks", "tasks_running"), "L") >= 29);
  CHECK(count(path_of(html, "worker-item: messages processed and backlog per task", "messages_per_s"), "L") == 29);
  // Nothing of theirs is left for "Other series": only the custom gauge is.
  const auto other = html.find("<h2 id=\"other\">");
  REQUIRE(other != std::string::npos);
  const std::string others = html.substr(other, html.find("<h2", other + 4) - other);
  CHECK(others.find("worker-item") == std::string::npos);
  CHECK(count(others, "<svg") == 1);
  CHECK_THAT(others, Catch::Contains(">custom.gauge</text>"));
}

TEST_CASE("HtmlReport: a cost that could not be priced says why") {
  Result r;
  r.scenario = "unpriced";
  r.sections["cost"] = Json{{"error", "price table ap-northeast-1 has no price 'aurora_instance_standard.db.x9.large'"},
                            {"region", "ap-northeast-1"}};
  const std::string html = render_html(r);
  CHECK_THAT(html, Catch::Contains("<p class=\"fail\">Not priced: price table ap-northeast-1 has no price"));
  CHECK(count(html, "<svg") == 0);
  CHECK_THAT(render_text(r), Catch::Contains("cost       not priced: price table ap-northeast-1 has no price"));
  CHECK_THAT(render_markdown(r), Catch::Contains("### Monthly cost: not priced"));
}

TEST_CASE("HtmlReport: charts are left out when their series are absent and nothing is fetched") {
  Result r;
  r.scenario = "bare";
  const std::string html = render_html(r);
  CHECK(count(html, "<svg") == 0);
  CHECK_THAT(html, Catch::Contains("No thresholds in this result."));
  const std::string rich = render_html(rich_result());
  CHECK(count(rich, "<script") == 0);
  CHECK(count(rich, "src=") == 0);
  CHECK(count(rich, "href=") == 0);
  CHECK(count(rich, "url(") == 0);
  std::regex external("https?://(?!www\\.w3\\.org/2000/svg)");
  CHECK_FALSE(std::regex_search(rich, external));
}

TEST_CASE("HtmlReport: headless Chromium renders the charts") {
  REQUIRE(std::filesystem::exists(kChromium));
  const auto dir = temp_dir("html_report");
  const auto page = dir / "report.html";
  {
    std::ofstream out(page);
    out << render_html(rich_result());
  }
  REQUIRE(run_chromium(dir, "--dump-dom file://" + page.string(), dir / "dom.html") == 0);
  const std::string dom = read(dir / "dom.html");
  INFO(read(dir / "chromium.log"));
  CHECK(count(dom, "<svg") == 17);
  std::regex path_re("<path class=\"series[^\"]*\" data-series=\"[^\"]+\" d=\"M[0-9.]+,[0-9.]+( L[0-9.]+,[0-9.]+){10,}");
  std::size_t drawn = 0;
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), path_re); it != std::sregex_iterator(); ++it) ++drawn;
  CHECK(drawn >= 18);
  CHECK(count(dom, "<rect class=\"bar\"") == 2);

  // A blank page renders in the page background only; ours must show the series colours.
  REQUIRE(run_chromium(dir, "--screenshot=" + (dir / "shot.png").string() + " --window-size=1200,2400 file://" + page.string(),
                       dir / "shot.out") == 0);
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  REQUIRE(png_image_begin_read_from_file(&image, (dir / "shot.png").string().c_str()) != 0);
  image.format = PNG_FORMAT_RGB;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(image));
  REQUIRE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr) != 0);
  std::size_t non_white = 0, blue = 0, red = 0;
  std::set<unsigned> colours;
  for (std::size_t i = 0; i + 2 < pixels.size(); i += 3) {
    const unsigned r = pixels[i], g = pixels[i + 1], b = pixels[i + 2];
    if (r < 245 || g < 245 || b < 245) ++non_white;
    if (r < 60 && g > 100 && g < 150 && b > 160) ++blue;   // #1f77b4
    if (r > 190 && g < 70 && b < 70) ++red;                // #d62728
    colours.insert((r << 16) | (g << 8) | b);
  }
  const double total = static_cast<double>(image.width) * image.height;
  CHECK(image.width == 1200);
  CHECK(static_cast<double>(non_white) / total > 0.02);
  CHECK(blue > 200);
  CHECK(red > 50);
  CHECK(colours.size() > 50);
  std::filesystem::remove_all(dir);
}

TEST_CASE("HtmlReport: a run's outputs are written together") {
  const auto dir = temp_dir("run_outputs");
  const auto paths = write_run_outputs(rich_result(), (dir / "out").string());
  REQUIRE(paths.size() == 4);
  for (const auto& p : paths) CHECK(std::filesystem::file_size(p) > 100);
  const Result back = load_result(paths[0]);
  CHECK(back.scenario == "step-load");
  CHECK(back.sections["cost"]["monthly_usd"]["total"] == 304.43);
  const std::string csv = read(paths[1]);
  CHECK_THAT(csv, Catch::StartsWith("t_s,custom.gauge,http_500,http_502,http_5xx,latency_p50_ms"));
  CHECK(count(csv, "\n") == 31);
  CHECK_THAT(csv, Catch::Contains("\n300,5,0,0,0,20,60,,"));  // the missing p99 is an empty cell
  CHECK_THAT(read(paths[3]), Catch::Contains("| ❌ | `requests.error_rate < 0.001` | 0.01 |"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("SummaryReport: text and Markdown carry counts latency thresholds cost and events") {
  const Result r = rich_result();
  const std::string text = render_text(r);
  CHECK_THAT(text, Catch::Contains("requests   100000 total · 99000 ok · 1000 errors"));
  CHECK_THAT(text, Catch::Contains("latency ms mean 30 · p50 20 · p90 60 · p95 90 · p99 250"));
  CHECK_THAT(text, Catch::Contains("threshold  FAIL requests.error_rate < 0.001   measured 0.01"));
  CHECK_THAT(text, Catch::Contains("cost       $304.43 per month · fargate $89.97 · aurora $146.00"));
  CHECK_THAT(text, Catch::Contains("events     acu_change 1 · scale_in 1 · scale_out 1"));
  const std::string md = render_markdown(r);
  CHECK_THAT(md, Catch::Contains("### Monthly cost: $304.43"));
  CHECK_THAT(md, Catch::Contains("| 10:30 | scale_out | web | 1 | 3 | cpu 91.2 > 70 for 3 of 3 |"));
  CHECK_THAT(md, Catch::Contains("| 100000 | 99000 | 1000 | 0 | 0 | 0 | 1 % | 54.945 | 55.5 |"));
  // Throughput is honest: what succeeded, then every completion with the failures.
  CHECK_THAT(text, Catch::Contains("throughput 54.945 req/s ok · 55.5 req/s completed (failures included)"));
  // The unverified prices and the assumptions a figure rests on are listed beside it.
  CHECK_THAT(text, Catch::Contains("           unverified prices used: fargate.arm_vcpu_hour\n"));
  CHECK_THAT(text, Catch::Contains("           assumption: Fargate Spot is priced at On-Demand x (1 - 0.7): an upper bound\n"));
  CHECK_THAT(md, Catch::Contains("Unverified prices used (check before relying on them): `fargate.arm_vcpu_hour`"));
  CHECK_THAT(md, Catch::Contains("- Fargate Spot is priced at On-Demand x (1 - 0.7): an upper bound\n"));
}

TEST_CASE("SummaryReport: the text report shows the sessions and each flow of a run with flows") {
  Result r = rich_result();
  CHECK_THAT(render_text(r), !Catch::Contains("sessions"));
  r.sections["sessions"] = Json{{"started", 99},  {"completed", 93}, {"failed", 0}, {"in_flight", 6},
                                {"duration_s", Json{{"mean", 6.6}, {"p50", 6.6}, {"p95", 6.6}, {"p99", 6.6}, {"max", 6.6}}}};
  r.sections["flows"] = Json{{"shop", r.sections["sessions"]},
                             {"idle", Json{{"started", 2}, {"completed", 0}, {"failed", 2}, {"in_flight", 0},
                                           {"duration_s", Json{{"mean", nullptr}, {"p50", nullptr}, {"p95", nullptr}, {"p99", nullptr}, {"max", nullptr}}}}}};
  const std::string text = render_text(r);
  CHECK_THAT(text, Catch::Contains("sessions   99 started · 93 completed · 0 failed · 6 in flight · duration s p50 6.6 · p95 6.6 · p99 6.6\n"));
  CHECK_THAT(text, Catch::Contains("flow shop: 99 started · 93 completed"));
  CHECK_THAT(text, Catch::Contains("flow idle: 2 started · 0 completed · 2 failed · 0 in flight · duration s p50 — · p95 — · p99 —\n"));
}

TEST_CASE("SvgChart: axis ticks cover the data on a 1-2-5 grid") {
  CHECK(nice_ticks(0, 3600) == std::vector<double>{0, 1000, 2000, 3000, 4000});
  const auto fine = nice_ticks(0, 0.9);
  REQUIRE(fine.size() == 6);
  CHECK(fine[1] == Approx(0.2));
  CHECK(fine.back() == Approx(1.0));
  CHECK(nice_ticks(12, 87, 5).front() == 0);
  CHECK(nice_ticks(12, 87, 5).back() == 100);
  CHECK(nice_ticks(5, 5).size() >= 2);
}

TEST_CASE("SummaryReport: the run's model assumptions are shown by the text, Markdown and HTML reports") {
  Result r;
  r.scenario = "assumed";
  r.sections["assumptions"] = Json::array({"a RUNNING task is registered with its target group 10 s later (api): AWS publishes no registration time (registration_delay)",
                                           "target tracking AlarmLow on 45 of 45 20-s datapoints (15 minutes) (api): AWS documents no alarm shape for 20-s metrics"});
  CHECK_THAT(render_text(r), Catch::Contains("assumes    a RUNNING task is registered with its target group 10 s later (api)"));
  CHECK_THAT(render_text(r), Catch::Contains("assumes    target tracking AlarmLow on 45 of 45 20-s datapoints"));
  const std::string md = render_markdown(r);
  CHECK_THAT(md, Catch::Contains("### Model assumptions"));
  CHECK_THAT(md, Catch::Contains("- target tracking AlarmLow on 45 of 45 20-s datapoints (15 minutes) (api)"));
  const std::string html = render_html(r);
  CHECK_THAT(html, Catch::Contains("<h2 id=\"assumptions\">Model assumptions</h2>"));
  CHECK_THAT(html, Catch::Contains("AlarmLow on 45 of 45 20-s datapoints"));
  // No list, no section.
  CHECK_THAT(render_markdown(Result{}), !Catch::Contains("Model assumptions"));
  CHECK_THAT(render_html(Result{}), !Catch::Contains("id=\"assumptions\""));
}

TEST_CASE("SummaryReport: latency without samples prints a dash in text, Markdown and HTML, never 0") {
  Result r;
  r.scenario = "dead";
  r.kind = "load";
  r.requests.total = 36185;
  r.requests.errors = 36185;
  r.classes["default"].requests = r.requests;
  r.thresholds.push_back(evaluate_threshold_for_test());
  const std::string text = render_text(r);
  CHECK_THAT(text, Catch::Contains("latency ms (no samples: no successful request) mean — · p50 — · p90 — · p95 — · p99 — · p99.9 — · max —"));
  CHECK_THAT(text, Catch::Contains("class default: 0 req/s ok of 0 completed · p50 — · p95 — · p99 — ms"));
  CHECK_THAT(text, Catch::Contains("threshold  FAIL latency_ms.p95 < 100   measured —"));
  const std::string md = render_markdown(r);
  CHECK_THAT(md, Catch::Contains("| measured | — | — | — | — | — | — | — |"));
  const std::string html = render_html(r);
  CHECK_THAT(html, Catch::Contains("<tr><td>measured</td><td class=\"n\">—</td><td class=\"n\">—</td>"));
  CHECK_THAT(html, Catch::Contains("no samples: latency_ms.p95 is null"));
  // A result read back from its JSON (nulls) renders the same.
  CHECK(render_text(Result::from_json(Json::parse(r.to_json().dump()))) == text);
}
