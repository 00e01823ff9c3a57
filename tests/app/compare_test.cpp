// loadcast compare on a synthetic round trip: the shipped step-load scenario is simulated, its own
// series are written as CloudWatch get-metric-data output with known distortions (tasks 120 s
// late, CPU x 1.25, 5xx without its zero periods, latency in seconds), and the comparison must
// give back exactly those distortions: every scale-out and scale-in paired 120 s early, a CPU
// error of -20 % of the observed value in every period, nothing else off. Every bad input is
// named; the HTML report renders in headless Chromium with both lines of every chart.
#include <catch2/catch.hpp>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "app/compare.hpp"
#include "app/exit_code.hpp"
#include "tests/reports/chromium.hpp"
#include "tests/support/iso_time.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using nlohmann::json;

namespace {

constexpr double kStart = 1796457600.0;  // 2026-12-05T08:00:00Z
constexpr double kTaskDelay = 120.0;     // the observed tasks lag the prediction by two periods
constexpr double kCpuFactor = 1.25;      // the observed CPU is 25 % above the prediction

std::string iso(double epoch) { return testing::iso_offset(epoch); }

constexpr const char* kKills = "[{ type: kill_tasks, at: 20m, service: api, count: 5 }]";

const reports::Result& step_load() {
  // Five of its tasks killed at 20 min: their requests in progress get 502, so the 5xx series has
  // something to compare (step-load alone answers every request).
  static const reports::Result r =
      testing::simulate_one_thread(scenario::load_file(std::string(LOADCAST_SOURCE_DIR) + "/scenarios/step-load.yaml", {{"faults", kKills}}))
          .to_result();
  return r;
}

// One MetricDataResults entry from a simulated series: value(v) per interval, shifted by `shift`
// seconds, periods where keep(v) is false left out, newest first as CloudWatch writes them.
json query(const std::string& id, const reports::Result& r, const std::string& series, double shift, double (*value)(double),
           bool (*keep)(double) = nullptr, int group = 1) {
  json q = {{"Id", id}, {"Label", series}, {"Timestamps", json::array()}, {"Values", json::array()}, {"StatusCode", "Complete"}};
  const auto& t = r.timeseries.t_s;
  const auto& v = r.timeseries.series.at(series);
  for (std::size_t k = t.size() / static_cast<std::size_t>(group); k-- > 0;) {
    double x = 0.0;
    for (int g = 0; g < group; ++g) x += v[k * static_cast<std::size_t>(group) + static_cast<std::size_t>(g)];
    if (std::isnan(x) || (keep && !keep(x))) continue;
    q["Timestamps"].push_back(iso(kStart + t[k * static_cast<std::size_t>(group)] + shift));
    q["Values"].push_back(value(x));
  }
  return q;
}

double same(double v) { return v; }
double cpu_distorted(double v) { return v * kCpuFactor; }
double ms_to_s(double v) { return v / 1000.0; }
double per_minute(double v) { return v * 60.0; }
bool nonzero(double v) { return v != 0.0; }

std::string cloudwatch(const reports::Result& r) {
  json results = json::array();
  results.push_back(query("tasks", r, "api.tasks_running", kTaskDelay, same));
  results.push_back(query("cpu", r, "api.cpu_utilization", 0.0, cpu_distorted));
  results.push_back(query("acu", r, "writer.acu", 0.0, same));
  results.push_back(query("p95", r, "latency_p95_ms", 0.0, ms_to_s));
  results.push_back(query("errors", r, "http_5xx", 0.0, same, nonzero));
  results.push_back(query("requests", r, "arrivals_per_s", 0.0, per_minute));
  return json{{"MetricDataResults", results}, {"Messages", json::array()}}.dump();
}

app::CloudWatchIds all_ids() {
  return {{app::ObservedMetric::kTasks, "tasks"},      {app::ObservedMetric::kCpu, "cpu"},
          {app::ObservedMetric::kAcu, "acu"},          {app::ObservedMetric::kLatencyP95, "p95"},
          {app::ObservedMetric::k5xx, "errors"},       {app::ObservedMetric::kRequests, "requests"}};
}

app::CompareOptions at_start() {
  app::CompareOptions o;
  o.start_epoch = kStart;
  return o;
}

reports::TimelineComparison compare(const std::string& text, const app::CloudWatchIds& ids, const app::CompareOptions& o,
                                    const reports::Result& r = step_load()) {
  return app::compare_timelines(r, "result.json", app::observed_from_cloudwatch(app::parse_cloudwatch(text, "cw.json"), ids, std::nullopt), o);
}

const reports::ComparedSeries& series(const reports::TimelineComparison& c, const std::string& key) {
  for (const auto& s : c.series) {
    if (s.key == key) return s;
  }
  FAIL("no compared series " << key);
  throw;
}

std::string error_of(const std::string& text, const app::CloudWatchIds& ids, const app::CompareOptions& o,
                     const reports::Result& r = step_load()) {
  try {
    compare(text, ids, o, r);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("Compare: a round trip gives back the known delay of the tasks and the known factor of the CPU") {
  const auto& r = step_load();
  const auto c = compare(cloudwatch(r), all_ids(), at_start());
  REQUIRE(c.series.size() == 6);
  CHECK(c.start_from == "--start");
  CHECK(c.start_epoch == kStart);

  SECTION("every scale event of the tasks is paired, the prediction 120 s early") {
    const auto& tasks = series(c, "tasks");
    CHECK(tasks.period_s == 60.0);
    CHECK(tasks.simulated == "api.tasks_running");
    CHECK(tasks.error.periods == 88);  // 90 simulated minutes, the first two without an observed value
    REQUIRE(c.scale.size() == 2);
    const auto& scale = c.scale[0];
    CHECK(scale.key == "tasks");
    // step-load: from 11 min its one task fails its health checks (the event loop's queue) and is
    // replaced twice (1 -> 2 -> 1), the scale-out to 8 from 16 min, five tasks killed at 20 min
    // (8 -> 5, then 10), scale-ins at 33 and 43 min.
    REQUIRE(scale.pairs.size() == 9);
    CHECK(scale.matched() == 9);
    for (const auto& p : scale.pairs) {
      REQUIRE(p.difference_s());
      CHECK(*p.difference_s() == -kTaskDelay);
      CHECK(p.predicted->from == p.observed->from);
      CHECK(p.predicted->to == p.observed->to);
    }
    CHECK(scale.pairs[4].direction == "out");
    CHECK(scale.pairs[4].predicted->t_s == 960.0);
    CHECK(scale.pairs[4].observed->t_s == 1080.0);
    CHECK(scale.pairs[4].predicted->to == 8.0);
    CHECK(scale.pairs[5].direction == "in");
  }
  SECTION("the CPU is off by the known factor in every period") {
    const auto& cpu = series(c, "cpu");
    REQUIRE(cpu.error.periods > 80);
    CHECK(cpu.error.mape_pct == Approx(100.0 * (kCpuFactor - 1.0) / kCpuFactor).epsilon(1e-12));
    CHECK(cpu.error.mean_error == Approx(-(kCpuFactor - 1.0) * cpu.error.mean_predicted).epsilon(1e-12));
    double peak = 0.0;
    for (double v : cpu.predicted) peak = std::isfinite(v) ? std::max(peak, v) : peak;
    CHECK(cpu.error.max_error == Approx(-(kCpuFactor - 1.0) * peak).epsilon(1e-12));
  }
  SECTION("what was not distorted has no error") {
    for (const char* key : {"acu", "latency_p95", "5xx", "requests"}) {
      INFO(key);
      const auto& s = series(c, key);
      CHECK(s.error.periods == 90);
      CHECK(std::fabs(s.error.mean_error) <= 1e-9 * std::max(1.0, s.error.mean_observed));
      CHECK(std::fabs(s.error.max_error) <= 1e-9 * std::max(1.0, s.error.mean_observed));
    }
    CHECK(series(c, "latency_p95").unit == "ms");
    CHECK(series(c, "acu").error.mean_observed > 0.5);
    const auto& acu = c.scale[1];
    CHECK(acu.key == "acu");
    REQUIRE(acu.pairs.size() >= 2);
    for (const auto& p : acu.pairs) CHECK(p.difference_s() == 0.0);
  }
  SECTION("periods without a 5xx datapoint count as 0") {
    const auto& e = series(c, "5xx");
    double observed = 0.0, simulated = 0.0;
    for (double v : e.actual) observed += v;
    for (double v : r.timeseries.series.at("http_5xx")) simulated += v;
    CHECK(simulated > 0.0);
    CHECK(observed == simulated);
  }
  SECTION("without --start, t = 0 is the first observed timestamp") {
    const auto d = compare(cloudwatch(r), all_ids(), app::CompareOptions{});
    CHECK(d.start_epoch == kStart);
    CHECK_THAT(d.start_from, Catch::StartsWith("the first observed timestamp"));
    CHECK(d.scale[0].pairs[1].difference_s() == -kTaskDelay);
  }
  SECTION("t = 0 half a period off the grid stays within the resampling bound") {
    auto o = at_start();
    o.start_epoch = kStart - 30.0;  // each observed minute spans the second half of one simulated interval and the first of the next
    const auto d = compare(cloudwatch(r), all_ids(), o);
    const auto& acu = series(d, "acu");
    const auto& v = r.timeseries.series.at("writer.acu");
    REQUIRE(acu.t_s.size() == 89);
    for (std::size_t i = 0; i < acu.t_s.size(); ++i) {
      CHECK(acu.t_s[i] == 30.0 + 60.0 * static_cast<double>(i));
      CHECK(acu.predicted[i] == Approx((v[i] + v[i + 1]) / 2.0).epsilon(1e-12));
    }
    // Changes a period apart (the replacements at 11-14 min) may pair with a neighbour once the
    // grid is shifted; the scale-out and the scale-ins, minutes apart, stay within half a period
    // of the delay either way.
    std::size_t paired = 0, within = 0;
    for (const auto& p : d.scale[0].pairs) {
      if (!p.difference_s()) continue;
      ++paired;
      within += std::fabs(*p.difference_s() + kTaskDelay) <= 60.0 ? 1U : 0U;
    }
    CHECK(paired >= 4);
    CHECK(within + 2 >= paired);
  }
  SECTION("compare.json carries the errors and the pairs") {
    const auto j = c.json();
    CHECK(j["schema"] == "loadcast.compare/v1");
    CHECK(j["series"]["cpu"]["mape_pct"].get<double>() == Approx(20.0));
    CHECK(j["series"]["tasks"]["t_s"].size() == 88);
    CHECK(j["scale_events"]["tasks"]["pairs"][1]["difference_s"] == -120.0);
    CHECK(j["scale_events"]["tasks"]["matched"] == 9);
    CHECK_THAT(c.text(), Catch::Contains("predicted 120 s earlier"));
    CHECK_THAT(c.markdown(), Catch::Contains("| out | 16:00 1 -> 8 | 18:00 1 -> 8 | predicted 120 s earlier |"));
  }
}

TEST_CASE("Compare: a 120 s period sums or averages two simulated intervals as its statistic says") {
  const auto& r = step_load();
  json results = json::array();
  results.push_back(query("errors", r, "http_5xx", 0.0, same, nullptr, 2));
  results.push_back(query("requests", r, "arrivals_per_s", 0.0, per_minute, nullptr, 2));
  const std::string text = json{{"MetricDataResults", results}}.dump();
  const auto c = compare(text, {{app::ObservedMetric::k5xx, "errors"}, {app::ObservedMetric::kRequests, "requests"}}, at_start());
  for (const auto& s : c.series) {
    INFO(s.key);
    CHECK(s.period_s == 120.0);
    CHECK(s.error.periods == 45);
    CHECK(std::fabs(s.error.max_error) <= 1e-9 * std::max(1.0, s.error.mean_observed));
  }
  CHECK(series(c, "5xx").error.mean_observed > 0.0);
}

TEST_CASE("Compare: a load result's own start is t = 0, and a sparse count takes the period of the other series") {
  reports::Result load = step_load();
  load.kind = "load";
  load.sections["load"]["started_epoch"] = kStart;
  // Two 5xx datapoints 10 minutes apart, at minutes 12 and 22; the CPU gives the 60 s period.
  const std::string text = R"({"MetricDataResults": [)" + query("cpu", load, "api.cpu_utilization", 0.0, same).dump() +
                           R"(, {"Id": "errors", "Timestamps": ["2026-12-05T08:22:00Z", "2026-12-05T08:12:00Z"], "Values": [4, 7]}]})";
  const auto c = compare(text, {{app::ObservedMetric::kCpu, "cpu"}, {app::ObservedMetric::k5xx, "errors"}}, app::CompareOptions{}, load);
  CHECK(c.start_from == "the load result's load.started_epoch");
  CHECK(c.start_epoch == kStart);
  const auto& e = series(c, "5xx");
  CHECK(e.period_s == 60.0);
  REQUIRE(e.actual.size() == 90);
  CHECK(e.actual[12] == 7.0);
  CHECK(e.actual[22] == 4.0);
  CHECK(e.actual[13] == 0.0);
  CHECK(std::fabs(series(c, "cpu").error.mean_error) < 1e-9);
}

TEST_CASE("Compare: scale events are runs of one direction, paired in order") {
  const std::vector<double> t = {0, 60, 120, 180, 240, 300, 360, 420};
  SECTION("a move split over two periods is one event at its first period") {
    const auto e = app::scale_events(t, {2, 2, 2.5, 3, 3, 2, 2, 2}, 1.0);
    REQUIRE(e.size() == 2);
    CHECK(e[0].t_s == 120.0);
    CHECK(e[0].from == 2.0);
    CHECK(e[0].to == 3.0);
    CHECK(e[1].t_s == 300.0);
    CHECK(e[1].to == 2.0);
  }
  SECTION("a wobble smaller than the step is no event, and a gap is skipped") {
    const double nan = std::nan("");
    CHECK(app::scale_events(t, {1, 1.4, 1, 1.4, 1, 1, 1, 1}, 1.0).empty());
    const auto e = app::scale_events(t, {1, nan, nan, 3, 3, 3, 3, 3}, 1.0);
    REQUIRE(e.size() == 1);
    CHECK(e[0].t_s == 180.0);
  }
  SECTION("an extra predicted event stays unmatched") {
    const auto p = app::scale_events(t, {1, 2, 2, 3, 3, 1, 1, 1}, 1.0);
    const auto o = app::scale_events(t, {1, 1, 2, 2, 2, 2, 1, 1}, 1.0);
    const auto pairs = app::pair_scale_events(p, o, "out", "in", 900.0);
    REQUIRE(pairs.size() == 3);
    CHECK(pairs[0].direction == "out");
    CHECK(pairs[0].difference_s() == -60.0);
    CHECK(pairs[1].direction == "out");
    CHECK_FALSE(pairs[1].observed);
    CHECK_FALSE(pairs[1].difference_s());
    CHECK(pairs[2].direction == "in");
    CHECK(pairs[2].difference_s() == -60.0);
  }
}

TEST_CASE("Compare: events further apart than the lag are not paired, and the order is kept") {
  using reports::ScaleEvent;
  // A predicted scale-out 1000 s before the only observed one stays alone; the next pairs.
  auto pairs = app::pair_scale_events({ScaleEvent{100, 1, 2}, ScaleEvent{1000, 2, 3}}, {ScaleEvent{1100, 1, 2}}, "out", "in", 900.0);
  REQUIRE(pairs.size() == 2);
  CHECK(pairs[0].predicted->t_s == 100.0);
  CHECK_FALSE(pairs[0].observed);
  CHECK(pairs[1].difference_s() == -100.0);
  // An observed event with no predicted partner does not shift the later pairs.
  pairs = app::pair_scale_events({ScaleEvent{1950, 6, 2}, ScaleEvent{2550, 2, 1}},
                                 {ScaleEvent{960, 1, 0}, ScaleEvent{2100, 6, 2}, ScaleEvent{2700, 2, 1}}, "out", "in", 900.0);
  REQUIRE(pairs.size() == 3);
  CHECK_FALSE(pairs[0].predicted);
  CHECK(pairs[1].difference_s() == -150.0);
  CHECK(pairs[2].difference_s() == -150.0);
  // Pairs never cross: the first with the first, the second with the second.
  pairs = app::pair_scale_events({ScaleEvent{100, 1, 2}, ScaleEvent{200, 2, 3}}, {ScaleEvent{150, 1, 2}, ScaleEvent{160, 2, 3}}, "out", "in", 900.0);
  REQUIRE(pairs.size() == 2);
  CHECK(pairs[0].difference_s() == -50.0);
  CHECK(pairs[1].difference_s() == 40.0);
}

TEST_CASE("Compare: each bad input names its file, JSON location or flag") {
  const std::string text = cloudwatch(step_load());
  SECTION("an unknown id lists the ids there are") {
    CHECK(error_of(text, {{app::ObservedMetric::kCpu, "CPUUtilization"}}, at_start()) ==
          "cw.json: MetricDataResults has no Id 'CPUUtilization' (given to --cpu); its ids: acu, cpu, errors, p95, requests, tasks");
  }
  SECTION("data of another day does not overlap the simulation") {
    auto o = at_start();
    o.start_epoch = kStart + 86400.0;
    CHECK(error_of(text, {{app::ObservedMetric::kCpu, "cpu"}}, o) ==
          "cw.json: MetricDataResults[1] (Id cpu, --cpu): no period (2026-12-05T08:00:00Z .. 2026-12-05T09:30:00Z) lies inside the "
          "simulated span (2026-12-06T08:00:00Z .. 2026-12-06T09:30:00Z, t = 0 from --start); give --start TIME");
  }
  SECTION("timestamps and values of different lengths") {
    const std::string bad = R"({"MetricDataResults": [{"Id": "cpu", "Timestamps": ["2026-12-05T08:00:00Z", "2026-12-05T08:01:00Z"], "Values": [1]}]})";
    CHECK(error_of(bad, {{app::ObservedMetric::kCpu, "cpu"}}, at_start()) ==
          "cw.json: MetricDataResults[0]: 2 Timestamps but 1 Values; they must pair up");
  }
  SECTION("a timestamp off the period grid") {
    const std::string bad = R"({"MetricDataResults": [{"Id": "cpu", "Timestamps": ["2026-12-05T08:00:00Z", "2026-12-05T08:01:00Z", "2026-12-05T08:02:30Z"], "Values": [1, 2, 3]}]})";
    CHECK(error_of(bad, {{app::ObservedMetric::kCpu, "cpu"}}, at_start()) ==
          "cw.json: MetricDataResults[0] (Id cpu, --cpu).Timestamps[2]: not on the grid of the 60 s period read from the timestamps; give "
          "--period SECONDS, or query one period");
  }
  SECTION("a count spanning years is refused before its zero periods are filled in") {
    const std::string bad = R"({"MetricDataResults": [{"Id": "errors", "Timestamps": ["2026-12-05T08:00:00Z", "2026-12-05T08:01:00Z"], "Values": [1, 2]},
        {"Id": "cpu", "Timestamps": ["2000-01-01T00:00:00Z", "2000-01-01T00:01:00Z"], "Values": [1, 2]}]})";
    CHECK_THAT(error_of(bad, {{app::ObservedMetric::k5xx, "errors"}, {app::ObservedMetric::kCpu, "cpu"}}, at_start()),
               Catch::StartsWith("cw.json: MetricDataResults[0] (Id errors, --5xx): the series given span 14162881 periods of 60 s; at most 1000000"));
  }
  SECTION("one timestamp gives no period") {
    const std::string bad = R"({"MetricDataResults": [{"Id": "cpu", "Timestamps": ["2026-12-05T08:00:00Z"], "Values": [20]}]})";
    CHECK(error_of(bad, {{app::ObservedMetric::kCpu, "cpu"}}, at_start()) ==
          "cw.json: MetricDataResults[0] (Id cpu, --cpu): 1 timestamp(s): the period cannot be read from fewer than two; give --period SECONDS");
  }
  SECTION("--acu on a provisioned database") {
    const auto provisioned = testing::run(
        "name: provisioned\nduration: 10m\nworkload:\n  arrivals: { process: poisson, rate: 20 }\n" +
        testing::db_requests(false, "{ cpu: 1024, memory: 2048, desired: 1 }") + testing::aurora_mysql("{ read: exp(1ms), write: exp(2ms) }"));
    CHECK(error_of(text, {{app::ObservedMetric::kAcu, "acu"}}, at_start(), provisioned) ==
          "--acu: the result has no ACU series (<instance>.acu): its database is not Aurora Serverless v2 (instances: writer)");
    auto o = at_start();
    o.database = "writer";
    CHECK(error_of(text, {{app::ObservedMetric::kAcu, "acu"}}, o, provisioned) ==
          "--acu: database instance writer is provisioned: the result has no writer.acu series (ServerlessDatabaseCapacity is a Serverless v2 metric)");
  }
  SECTION("--tasks on a load result, and a result of several services without --service") {
    reports::Result load = step_load();
    load.kind = "load";
    for (const char* s : {"api.tasks_running", "api.tasks_desired", "api.tasks_healthy", "api.cpu_utilization", "api.memory_utilization"}) {
      load.timeseries.series.erase(s);
    }
    CHECK(error_of(text, {{app::ObservedMetric::kTasks, "tasks"}}, at_start(), load) ==
          "--tasks: the result has no service series (<service>.tasks_running): a load result measures no tasks");
    reports::Result two = step_load();
    two.timeseries.series["web.tasks_running"] = two.timeseries.series.at("api.tasks_running");
    CHECK(error_of(text, {{app::ObservedMetric::kCpu, "cpu"}}, at_start(), two) ==
          "--cpu: the result has several services (api, web): say which the data measures with --service NAME");
    auto o = at_start();
    o.service = "worker";
    CHECK(error_of(text, {{app::ObservedMetric::kCpu, "cpu"}}, o, two) ==
          "--service worker: the result has no service of that name (its services: api, web)");
    o.service = "web";
    CHECK(error_of(text, {{app::ObservedMetric::kCpu, "cpu"}}, o, two) == "--cpu: the result has no web.cpu_utilization series to compare it with");
  }
}

TEST_CASE("Compare: headless Chromium draws the predicted and the observed line of every series") {
  REQUIRE(std::filesystem::exists(testing::kChromium));
  const auto c = compare(cloudwatch(step_load()), all_ids(), at_start());
  const auto dir = std::filesystem::temp_directory_path() / ("loadcast-compare-html-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto page = dir / "compare.html";
  {
    std::ofstream out(page);
    out << c.html();
  }
  REQUIRE(testing::run_chromium(dir, "--dump-dom file://" + page.string(), dir / "dom.html") == 0);
  std::ifstream in(dir / "dom.html");
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string dom = buf.str();
  std::size_t svgs = 0;
  for (auto pos = dom.find("<svg"); pos != std::string::npos; pos = dom.find("<svg", pos + 1)) ++svgs;
  CHECK(svgs == 6);
  const auto drawn = [&](const std::string& name) {
    const std::regex re("<path class=\"series\" data-series=\"" + name + "\" d=\"M[0-9.]+,[0-9.]+( L[0-9.]+,[0-9.]+){40,}");
    std::size_t n = 0;
    for (auto it = std::sregex_iterator(dom.begin(), dom.end(), re); it != std::sregex_iterator(); ++it) ++n;
    return n;
  };
  CHECK(drawn("predicted") == 6);
  CHECK(drawn("observed") == 6);
  CHECK(dom.find("<table>") != std::string::npos);
  CHECK(dom.find("predicted 120 s earlier") != std::string::npos);
  std::filesystem::remove_all(dir);
}

namespace {

// "2026-12-05T08:00:05.250000Z", as ALB writes its times.
std::string alb_time(double epoch) {
  auto whole = static_cast<std::time_t>(std::floor(epoch));
  long micros = std::lround((epoch - std::floor(epoch)) * 1e6);
  if (micros >= 1000000) {
    ++whole;
    micros -= 1000000;
  }
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char when[40];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%s.%06ldZ", when, micros);
  return out;
}

// One ALB access-log entry (the documented fields through request_creation_time): received at
// `created`, answered `target_s` later (-1: no target answered, answered at once) with `status`.
std::string alb_line(double created, double target_s, int status) {
  const double answered = created + std::max(0.0, target_s);
  char line[640];
  std::snprintf(line, sizeof line,
                "https %s app/web/50dc6c495c0c9188 203.0.113.7:31775 10.0.2.11:8080 0.000 %s 0.000 %d %s 310 7961 "
                "\"GET https://example.com:443/api/items HTTP/1.1\" \"curl/8.0\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/73e2d6bc24d8a067 \"Root=1-0\" \"example.com\" \"-\" 1 %s\n",
                alb_time(answered).c_str(), target_s < 0.0 ? "-1" : std::to_string(target_s).c_str(), status,
                target_s < 0.0 ? "-" : std::to_string(status).c_str(), alb_time(created).c_str());
  return line;
}

}  // namespace

TEST_CASE("Compare: ALB access logs give requests per second, 5xx per period and the target's latency percentiles") {
  const std::string dir = testing::temp_dir("compare-alb");
  std::string log;
  // Period [kStart, +60): four answers of 10, 20, 30 and 40 ms, one a 503; nothing in the next
  // minute; in the third a 502 no target answered and one of 25 ms.
  for (int k = 0; k < 4; ++k) log += alb_line(kStart + 5.0 + k, 0.010 * (k + 1), k == 2 ? 503 : 200);
  log += alb_line(kStart + 130.0, -1.0, 502);
  log += alb_line(kStart + 131.5, 0.025, 200);
  testing::write_file(dir + "/access.log", log);
  const auto obs = app::observed_from_alb_logs({dir + "/access.log"}, 60.0);
  const auto find = [&](app::ObservedMetric m) -> const app::ObservedSeries& {
    for (const auto& s : obs.series) {
      if (s.metric == m) return s;
    }
    FAIL("no observed series " << app::info(m).key);
    throw;
  };
  const auto& req = find(app::ObservedMetric::kRequests);
  REQUIRE(req.t_epoch == std::vector<double>{kStart, kStart + 60.0, kStart + 120.0});
  CHECK(req.values[0] == Approx(4.0 / 60.0));
  CHECK(req.values[1] == 0.0);
  CHECK(req.values[2] == Approx(2.0 / 60.0));
  CHECK(find(app::ObservedMetric::k5xx).values == std::vector<double>{1.0, 0.0, 1.0});
  // Nearest rank: p50 of {10, 20, 30, 40} is the 2nd, p95 and p99 the 4th; the third minute
  // has one target time (the 502 had none); the empty minute has no percentile.
  const auto& p50 = find(app::ObservedMetric::kLatencyP50);
  REQUIRE(p50.t_epoch == std::vector<double>{kStart, kStart + 120.0});
  CHECK(p50.values[0] == Approx(20.0));
  CHECK(p50.values[1] == Approx(25.0));
  CHECK(find(app::ObservedMetric::kLatencyP95).values[0] == Approx(40.0));
  CHECK(find(app::ObservedMetric::kLatencyP99).values[0] == Approx(40.0));
  // A metric CloudWatch gives instead is left out of the logs' series.
  const auto without = app::observed_from_alb_logs({dir + "/access.log"}, 60.0, {app::ObservedMetric::kRequests});
  for (const auto& s : without.series) CHECK(s.metric != app::ObservedMetric::kRequests);
  CHECK(without.series.size() == 4);

  testing::write_file(dir + "/bad.log", alb_line(kStart, 0.01, 200) + "https not-a-time x\n");
  try {
    app::observed_from_alb_logs({dir + "/bad.log"}, 60.0);
    FAIL("a bad line was accepted");
  } catch (const app::InputError& e) {
    CHECK_THAT(std::string(e.what()), Catch::StartsWith(dir + "/bad.log:2: field"));
  }
  testing::write_file(dir + "/empty.log", "");
  CHECK_THROWS_WITH(app::observed_from_alb_logs({dir + "/empty.log"}, 60.0), Catch::Contains("no access-log entry in the files given"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("Compare: a simulated run against ALB access logs written from its own arrivals has no request error") {
  const auto& r = step_load();
  const std::string dir = testing::temp_dir("compare-alb-trip");
  const double interval = r.timeseries.interval_s;
  REQUIRE(interval == 60.0);
  std::string log;
  double total = 0.0;
  const auto& rps = r.timeseries.series.at("arrivals_per_s");
  for (std::size_t k = 0; k < r.timeseries.t_s.size(); ++k) {
    // The interval's arrivals, spread over it, each answered 12 ms later.
    const auto n = static_cast<int>(std::lround(rps[k] * interval));
    for (int j = 0; j < n; ++j) log += alb_line(kStart + r.timeseries.t_s[k] + interval * (j + 0.5) / n, 0.012, 200);
    total += n;
  }
  REQUIRE(total > 1000.0);
  testing::write_file(dir + "/access.log", log);
  const auto c = app::compare_timelines(r, "result.json", app::observed_from_alb_logs({dir + "/access.log"}, 60.0), at_start());
  const auto& req = series(c, "requests");
  CHECK(req.error.periods == r.timeseries.t_s.size());
  // Each period's count is the rounded simulated one: at most half a request in 60 s apart.
  CHECK(std::abs(req.error.mean_error) < 0.5 / 60.0);
  CHECK(std::abs(req.error.max_error) <= 0.5 / 60.0 + 1e-9);
  std::filesystem::remove_all(dir);
}
