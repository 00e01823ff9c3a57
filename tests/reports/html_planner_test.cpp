// report.html as a capacity planner's page, checked in a real browser (Debian's headless
// Chromium) on a simulated run: the findings come first, then the headroom of every resource;
// latency against offered load, per-class latency, failures beside the latency, cost per hour;
// no empty chart; grouped, filterable events; the charts use the whole width; nothing fetched.
#include <catch2/catch.hpp>

#include <png.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "app/simulate.hpp"
#include "reports/html_report.hpp"
#include "scenarios/loader/scenario.hpp"
#include "tests/reports/chromium.hpp"

using namespace loadcast;
using loadcast::testing::kChromium;
using loadcast::testing::run_chromium;

namespace {

// A web service started too small for its load, a database, a queue and its worker, two
// request classes, priced: findings fire, and every section of the page has data.
const char* kScenario = R"(
name: planner
seed: 11
duration: 40m
region: us-east-1
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 120 }, { at: 20m, rate: 240 }, { at: 40m, rate: 240 } ]
  requests:
    - { name: browse, weight: 3, steps: [ { cpu: exp(8ms) }, { db: { reads: 1 } } ] }
    - { name: order, weight: 1, steps: [ { cpu: exp(12ms) }, { db: { writes: 1 } }, { publish: { queue: orders, groups: 100 } } ] }
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 512
    memory: 1024
    desired: 1
    autoscaling:
      min: 1
      max: 4
      policies: [ { type: target_tracking, metric: cpu, target: 60, scale_out_cooldown: 60s } ]
database:
  type: aurora_serverless_v2
  engine: postgresql
  min_acu: 0.5
  max_acu: 4
queues:
  orders: {}
workers:
  worker:
    cpu: 256
    memory: 512
    queue: orders
    steps: [ { cpu: exp(20ms) } ]
    autoscaling:
      min: 1
      max: 3
      policies: [ { type: target_tracking, metric: backlog_per_task, target: 50, scale_out_cooldown: 60s } ]
)";

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("HtmlReport: headless Chromium shows the findings first and the planner's charts") {
  REQUIRE(std::filesystem::exists(kChromium));
  app::SimOptions o;
  o.threads = 1;
  const auto result = app::simulate(scenario::load_string(kScenario, "planner.yaml"), o).to_result();
  REQUIRE(!result.sections.at("findings").at("bottlenecks").empty());
  const auto dir = std::filesystem::temp_directory_path() / ("loadcast_planner_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto page = dir / "report.html";
  std::ofstream(page) << reports::render_html(result);
  REQUIRE(run_chromium(dir, "--dump-dom file://" + page.string(), dir / "dom.html") == 0);
  const std::string dom = read(dir / "dom.html");
  INFO(read(dir / "chromium.log"));

  // The findings are the first thing on the page, bottlenecks ranked, before any chart.
  const auto findings = dom.find("<section id=\"findings\">");
  REQUIRE(findings != std::string::npos);
  CHECK(findings < dom.find("<svg"));
  CHECK(findings < dom.find("<table"));
  CHECK(count(dom, "<li class=\"finding sev-") >= 1);
  CHECK(dom.find("Suggested change:") != std::string::npos);
  CHECK(dom.find("Busiest hour 0:00–0:40") != std::string::npos);
  // The new charts, each by its title.
  for (const char* title : {"Headroom: peak against capacity (100 %)", "Latency against offered load",
                            "p99 latency by request class", "Cost per hour", "api: tasks",
                            "worker: messages processed and backlog per task"}) {
    INFO(title);
    CHECK(count(dom, "font-weight=\"600\">" + std::string(title) + "</text>") == 1);
  }
  CHECK(count(dom, "<g class=\"headroom\" data-resource=\"api tasks\">") == 1);
  CHECK(count(dom, "<line class=\"capacity\"") == 1);
  // Failures sit beside the latency of the successes, on an axis of their own.
  CHECK(dom.find("failed requests/s (right)") != std::string::npos);
  CHECK(dom.find("<path class=\"series right\" data-series=\"failed requests/s\"") != std::string::npos);
  // The autoscaling maximum is marked on the tasks chart; a worker draws no healthy targets.
  CHECK(dom.find("<title>autoscaling.max 4</title>") != std::string::npos);
  CHECK(dom.find("data-series=\"tasks_healthy\"") != std::string::npos);  // the web service's
  const auto worker_tasks = dom.find(">worker: tasks</text>");
  REQUIRE(worker_tasks != std::string::npos);
  CHECK(dom.substr(worker_tasks, dom.find("</svg>", worker_tasks) - worker_tasks).find("tasks_healthy") == std::string::npos);
  // No chart without data; events grouped, with a filter per type.
  CHECK(count(dom, ">no data</text>") == 0);
  CHECK(dom.find("<input type=\"checkbox\" id=\"ev-0\" checked=\"\">") != std::string::npos);
  CHECK(count(dom, "<tr class=\"ev ev-") < result.events.size());
  // Self-contained: nothing fetched.
  CHECK(count(dom, "src=") == 0);
  CHECK(count(dom, "href=") == 0);

  // The page uses the whole width: at 1600 px the charts reach the right third of the window.
  REQUIRE(run_chromium(dir, "--screenshot=" + (dir / "shot.png").string() + " --window-size=1600,3000 file://" + page.string(),
                       dir / "shot.out") == 0);
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  REQUIRE(png_image_begin_read_from_file(&image, (dir / "shot.png").string().c_str()) != 0);
  image.format = PNG_FORMAT_RGB;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(image));
  REQUIRE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr) != 0);
  std::size_t right_third = 0, badge_red = 0;
  for (std::size_t y = 0; y < image.height; ++y) {
    for (std::size_t x = 0; x < image.width; ++x) {
      const std::size_t i = 3 * (y * image.width + x);
      const unsigned r = pixels[i], g = pixels[i + 1], b = pixels[i + 2];
      if (x > image.width * 2 / 3 && (r < 200 || g < 200 || b < 200)) ++right_third;
      if (y < 600 && r > 180 && g < 60 && b < 70) ++badge_red;  // a critical or headroom red near the top
    }
  }
  CHECK(image.width == 1600);
  CHECK(right_third > 5000);
  CHECK(badge_red > 20);
  std::filesystem::remove_all(dir);
}
