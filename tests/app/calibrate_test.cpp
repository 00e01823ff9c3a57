// loadcast calibrate on synthetic measurements: the demands behind a known CPU series are
// recovered inside their intervals, classes that kept one mix are flagged, and every bad input
// is named with its file and JSON location.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "app/calibrate.hpp"
#include "app/cloudwatch.hpp"
#include "app/exit_code.hpp"
#include "scenarios/loader/scenario.hpp"
#include "sim/distribution_text.hpp"
#include "tests/support/iso_time.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// Two classes on one 1-vCPU service; the scenario's demands (5 ms, 10 ms) are not the truth.
const std::string kScenario = deployment(R"(name: two-classes
duration: 20m
workload:
  arrivals:
    process: poisson
    rate: 40
  requests:
    - name: light
      weight: 3
      path: /light
      steps:
        - cpu: exp(5ms)
    - name: heavy
      weight: 1
      path: /heavy
      steps:
        - cpu: lognormal(mean=10ms, sigma=0.5)
        - delay: const(2ms)
        - cpu: const(2ms)
)",
                                            "    desired: 2\n");

constexpr double kStart = 1796000400.0;  // 2026-11-30T01:00:00Z
constexpr double kLight = 0.008;         // true CPU seconds per request
constexpr double kHeavy = 0.020;
constexpr int kTasks = 2;

std::string iso(double epoch) { return testing::iso_offset(epoch); }

struct Synthetic {
  reports::Result result;
  std::string cloudwatch;  // get-metric-data JSON text
};

// A load result of `minutes` minutes with per-second class series, whose mix changes every
// minute (light(m), heavy(m)), and the CloudWatch data of the same minutes: CPUUtilization from
// the true demands with a ±1 % deterministic wobble, RunningTaskCount 2, newest first.
Synthetic synthetic(int minutes, double (*light)(int), double (*heavy)(int), double background_vcpu = 0.0) {
  Synthetic s;
  auto& r = s.result;
  r.kind = "load";
  r.duration_s = minutes * 60.0;
  r.timeseries.interval_s = 1.0;
  auto& a = r.timeseries.series["classes.light.requests_per_s"];
  auto& b = r.timeseries.series["classes.heavy.requests_per_s"];
  for (int sec = 0; sec < minutes * 60; ++sec) {
    r.timeseries.t_s.push_back(sec);
    a.push_back(light(sec / 60));
    b.push_back(heavy(sec / 60));
  }
  r.classes["light"].latency_ms.mean = 9.5;
  r.classes["heavy"].latency_ms.mean = 25.0;
  std::string ts, cpu, tasks;
  for (int m = minutes - 1; m >= 0; --m) {
    const double used = light(m) * kLight + heavy(m) * kHeavy + kTasks * background_vcpu;  // vCPU
    const double pct = used / (kTasks * 1.0) * 100.0 * (1.0 + 0.01 * std::sin(1.7 * m));
    const std::string sep = m == minutes - 1 ? "" : ", ";
    ts += sep + "\"" + iso(kStart + 60.0 * m) + "\"";
    cpu += sep + std::to_string(pct);
    tasks += sep + std::to_string(kTasks);
  }
  s.cloudwatch = R"({"MetricDataResults": [{"Id": "cpu", "Label": "CPUUtilization", "Timestamps": [)" + ts + R"(], "Values": [)" + cpu +
                 R"(], "StatusCode": "Complete"}, {"Id": "tasks", "Label": "RunningTaskCount", "Timestamps": [)" + ts +
                 R"(], "Values": [)" + tasks + R"(], "StatusCode": "Complete"}], "Messages": []})";
  return s;
}

app::CalibrationInput input(const Synthetic& s, const std::string& name = "run.json") {
  app::CalibrationInput in;
  in.result_path = name;
  in.result = s.result;
  in.cloudwatch = app::parse_cloudwatch(s.cloudwatch, "cw.json");
  in.start_epoch = kStart;
  return in;
}

app::CalibrateOptions options() {
  app::CalibrateOptions o;
  o.cpu_id = "cpu";
  o.tasks_id = "tasks";
  return o;
}

double varied_light(int m) { return 20.0 + 10.0 * (m % 3); }
double varied_heavy(int m) { return 5.0 + 7.0 * ((2 * m) % 5); }
double fixed_light(int m) { return 2.0 * (10.0 + 4.0 * (m % 4)); }
double fixed_heavy(int m) { return 10.0 + 4.0 * (m % 4); }
// The mix varies, the total rate (40/s) does not.
double level_light(int m) { return 30.0 - 8.0 * (m % 3); }
double level_heavy(int m) { return 10.0 + 8.0 * (m % 3); }

}  // namespace

TEST_CASE("Calibrate: demands behind a CPU series with varied mixes are recovered within their intervals") {
  const auto sc = scenario::load_string(kScenario, "two.yaml");
  const auto c = app::calibrate(sc, {input(synthetic(20, varied_light, varied_heavy))}, options());
  CHECK(c.service == "api");
  CHECK(c.vcpu == 1.0);
  CHECK(c.periods == 20);
  CHECK(c.period_s == 60.0);
  CHECK(c.warnings.empty());
  CHECK(c.r2 > 0.99);
  REQUIRE(c.classes.size() == 2);
  const auto& light = c.classes[0];
  const auto& heavy = c.classes[1];
  CHECK(light.name == "light");
  CHECK(heavy.name == "heavy");
  REQUIRE(light.low_s);
  REQUIRE(heavy.low_s);
  CHECK(*light.low_s <= kLight);
  CHECK(kLight <= *light.high_s);
  CHECK(*heavy.low_s <= kHeavy);
  CHECK(kHeavy <= *heavy.high_s);
  // A 1 % wobble leaves intervals a few percent wide, not a factor.
  CHECK(*light.high_s - *light.low_s < 0.1 * kLight);
  CHECK(*heavy.high_s - *heavy.low_s < 0.1 * kHeavy);
  CHECK(light.scenario_demand_s == Approx(0.005));
  CHECK(heavy.scenario_demand_s == Approx(0.012));
  // The fixed delay: the mean latency at the lowest load minus the fitted demand.
  REQUIRE(heavy.fixed_delay_ms);
  CHECK(*heavy.fixed_delay_ms == Approx(25.0 - heavy.demand_s * 1e3));

  SECTION("the overlay scales each cpu step of a class by the same factor, and loads") {
    const std::string y = app::overlay_yaml(sc, c, {"run.json with cw.json"});
    CHECK_THAT(y, Catch::Contains("workload.requests[0].steps[0].cpu: \"exp("));
    CHECK_THAT(y, Catch::Contains("workload.requests[1].steps[0].cpu: \"lognormal("));
    CHECK_THAT(y, Catch::Contains("workload.requests[1].steps[2].cpu: \"const("));
    CHECK_THAT(y, Catch::Contains("95 % interval"));
    CHECK_THAT(y, Catch::Contains("R^2 0.99"));
    const std::string path = "/tmp/loadcast_calibrate_overlay_" + std::to_string(::getpid()) + ".yaml";
    {
      std::FILE* f = std::fopen(path.c_str(), "w");
      REQUIRE(f != nullptr);
      std::fputs(y.c_str(), f);
      std::fclose(f);
    }
    const auto applied = scenario::read_overlay(path);
    std::remove(path.c_str());
    REQUIRE(applied.size() == 3);
    const auto calibrated = scenario::load_string(kScenario, "two.yaml", applied);
    double heavy_cpu = 0.0;
    for (const auto& step : calibrated.model.classes[1].steps) {
      if (step.kind == models::StepKind::kCpu) heavy_cpu += step.service.mean();
    }
    CHECK(calibrated.model.classes[0].steps[0].service.mean() == Approx(light.demand_s).epsilon(1e-3));
    CHECK(heavy_cpu == Approx(heavy.demand_s).epsilon(1e-3));
  }
}

TEST_CASE("Calibrate: several runs are fitted together, and one mix alone is flagged") {
  const auto sc = scenario::load_string(kScenario, "two.yaml");
  const auto same_mix = synthetic(12, fixed_light, fixed_heavy);
  const auto alone = app::calibrate(sc, {input(same_mix)}, options());
  bool flagged = false;
  for (const auto& w : alone.warnings) flagged = flagged || w.find("the mix never varied") != std::string::npos;
  CHECK(flagged);

  // A second run with another mix separates them.
  const auto other = synthetic(12, varied_light, varied_heavy);
  auto later = input(other, "run2.json");
  const auto together = app::calibrate(sc, {input(same_mix), later}, options());
  CHECK(together.periods == 24);
  CHECK(together.warnings.empty());
  REQUIRE(together.classes[1].low_s);
  CHECK(*together.classes[1].low_s <= kHeavy);
  CHECK(kHeavy <= *together.classes[1].high_s);
}

TEST_CASE("Calibrate: --fit-overhead takes the reported handler times as known and fits one overhead, even from one mix") {
  // The truth: light 8 ms, heavy 20 ms of CPU per request; the apps report handler times of 6.5
  // and 18.5 ms (Server-Timing), so the framework's overhead is 1.5 ms for both.
  const auto sc = scenario::load_string(kScenario, "two.yaml");
  const auto same_mix = synthetic(12, fixed_light, fixed_heavy);
  auto o = options();
  o.handler_s = {{"light", 0.0065}, {"heavy", 0.0185}};
  const auto c = app::calibrate(sc, {input(same_mix)}, o);
  for (const auto& w : c.warnings) CHECK(w.find("the mix never varied") == std::string::npos);
  REQUIRE(c.overhead_s);
  REQUIRE(c.overhead_low_s);
  CHECK(*c.overhead_low_s <= 0.0015);
  CHECK(0.0015 <= *c.overhead_high_s);
  CHECK(*c.overhead_s == Approx(0.0015).epsilon(0.05));
  CHECK(c.classes[0].demand_s == Approx(kLight).epsilon(0.01));
  CHECK(c.classes[1].demand_s == Approx(kHeavy).epsilon(0.01));
  REQUIRE(c.classes[0].low_s);
  CHECK(*c.classes[0].low_s == Approx(0.0065 + *c.overhead_low_s));
  CHECK(*c.classes[1].high_s == Approx(0.0185 + *c.overhead_high_s));
  // R^2 is of the vCPU in use itself, not of what the handlers leave.
  CHECK(c.r2 > 0.99);
  CHECK_THAT(app::format_calibration(c), Catch::Contains("overhead/request"));
  CHECK_THAT(app::overlay_yaml(sc, c, {"run.json"}), Catch::Contains("# --fit-overhead: each class's CPU per request is the handler time it reported plus one framework overhead of 1.4"));

  // The same mix without the handler times cannot tell the classes apart.
  const auto free = app::calibrate(sc, {input(same_mix)}, options());
  bool flagged = false;
  for (const auto& w : free.warnings) flagged = flagged || w.find("the mix never varied") != std::string::npos;
  CHECK(flagged);

  // A class that ran without a reported time is refused by name.
  o.handler_s = {{"light", 0.0065}};
  CHECK_THROWS_WITH(app::calibrate(sc, {input(same_mix)}, o), Catch::Contains("--fit-overhead: class heavy ran but reported no handler time"));
}

TEST_CASE("Calibrate: --background fits the tasks' background CPU as the intercept when the total rate varies") {
  // Each of the 2 tasks uses 0.05 vCPU whatever the requests.
  constexpr double kBackground = 0.05;
  const auto sc = scenario::load_string(kScenario, "two.yaml");
  const auto varied = synthetic(20, varied_light, varied_heavy, kBackground);
  auto o = options();
  o.background = true;
  const auto c = app::calibrate(sc, {input(varied)}, o);
  CHECK(c.warnings.empty());
  REQUIRE(c.background_vcpu);
  REQUIRE(c.background_low);
  CHECK(*c.background_low <= kBackground);
  CHECK(kBackground <= *c.background_high);
  CHECK(*c.background_high - *c.background_low < 0.02);
  REQUIRE(c.classes[0].low_s);
  CHECK(*c.classes[0].low_s <= kLight);
  CHECK(kLight <= *c.classes[0].high_s);
  CHECK(*c.classes[1].low_s <= kHeavy);
  CHECK(kHeavy <= *c.classes[1].high_s);
  CHECK_THAT(app::overlay_yaml(sc, c, {"run.json"}), Catch::Contains("services.api.background.cpu: 0.05"));
  CHECK_THAT(app::format_calibration(c), Catch::Contains("background/task"));
  SECTION("without --background the demands take the background in: the light class's interval misses its truth") {
    const auto plain = app::calibrate(sc, {input(varied)}, options());
    CHECK_FALSE(plain.background_vcpu);
    REQUIRE(plain.classes[0].low_s);
    CHECK(*plain.classes[0].low_s > kLight);
  }
  SECTION("one total rate cannot tell a constant from the demands: a warning, and no background") {
    const auto level = app::calibrate(sc, {input(synthetic(20, level_light, level_heavy, kBackground))}, o);
    CHECK_FALSE(level.background_vcpu);
    bool told = false;
    for (const auto& w : level.warnings) told = told || w.find("cannot be told from the demands") != std::string::npos;
    CHECK(told);
  }
}

TEST_CASE("Calibrate: inputs that do not fit together are refused with their location") {
  const auto sc = scenario::load_string(kScenario, "two.yaml");
  const auto s = synthetic(5, varied_light, varied_heavy);

  SECTION("a CloudWatch id that is not in the file") {
    auto o = options();
    o.cpu_id = "cpu_util";
    CHECK_THROWS_WITH(app::calibrate(sc, {input(s)}, o),
                      Catch::Contains("cw.json: MetricDataResults has no Id 'cpu_util' (given to --cpu); its ids: cpu, tasks"));
  }
  SECTION("periods outside the result's measured window") {
    auto in = input(s);
    in.start_epoch = kStart + 3600.0;
    CHECK_THROWS_WITH(app::calibrate(sc, {in}, options()), Catch::Contains("lies inside the measured window of run.json"));
  }
  SECTION("a result without a start time") {
    auto in = input(s);
    in.start_epoch.reset();
    CHECK_THROWS_WITH(app::calibrate(sc, {in}, options()), Catch::Contains("run.json: load.started_epoch is missing"));
  }
  SECTION("a result without per-class series") {
    auto in = input(s);
    in.result.timeseries.series.erase("classes.heavy.requests_per_s");
    CHECK_THROWS_WITH(app::calibrate(sc, {in}, options()), Catch::Contains("run.json: timeseries.series.classes.heavy.requests_per_s is missing"));
  }
  SECTION("a task count missing for a CPU period") {
    auto in = input(s);
    auto& tasks = in.cloudwatch.by_id.at("tasks");
    tasks.t_epoch.erase(tasks.t_epoch.begin());
    tasks.values.erase(tasks.values.begin());
    CHECK_THROWS_WITH(app::calibrate(sc, {in}, options()),
                      Catch::Contains("cw.json: MetricDataResults[1]: no value for the period starting 2026-11-30T01:00:00Z"));
  }
  SECTION("a utilisation that is not a percentage") {
    auto in = input(s);
    in.cloudwatch.by_id.at("cpu").values[2] = 140.0;
    CHECK_THROWS_WITH(app::calibrate(sc, {in}, options()), Catch::Contains("cw.json: MetricDataResults[0].Values: 140"));
  }
  SECTION("neither or both task options") {
    auto o = options();
    o.tasks_count = 2.0;
    CHECK_THROWS_AS(app::calibrate(sc, {input(s)}, o), app::UsageError);
    o.tasks_id.clear();
    CHECK_NOTHROW(app::calibrate(sc, {input(s)}, o));
  }
}

TEST_CASE("Calibrate: three classes whose throughputs are dependent without any two in one ratio are flagged") {
  // c's rate is a's plus b's in every minute; a and b vary independently.
  std::string yaml = kScenario;
  yaml.replace(yaml.find("load_balancer:"), 0, "    - name: third\n      weight: 1\n      path: /third\n      steps:\n        - cpu: exp(3ms)\n");
  const auto sc = scenario::load_string(yaml, "three.yaml");
  auto s = synthetic(10, varied_light, varied_heavy);
  auto& r = s.result;
  std::vector<double> third;
  for (std::size_t k = 0; k < r.timeseries.t_s.size(); ++k) {
    third.push_back(r.timeseries.series["classes.light.requests_per_s"][k] + r.timeseries.series["classes.heavy.requests_per_s"][k]);
  }
  r.timeseries.series["classes.third.requests_per_s"] = third;
  r.classes["third"].latency_ms.mean = 5.0;
  const auto c = app::calibrate(sc, {input(s)}, options());
  REQUIRE(c.classes.size() == 3);
  bool flagged = false;
  for (const auto& w : c.warnings) {
    flagged = flagged || w.find("the throughputs of classes light, heavy, third are nearly linearly dependent") != std::string::npos;
    CHECK(w.find("kept the same ratio") == std::string::npos);
  }
  CHECK(flagged);
}

TEST_CASE("Calibrate: the gamma spread of the 10th to 90th percentile falls with the shape, ln 9 for the exponential") {
  CHECK(app::gamma_spread_10_90(1.0) == Approx(std::log(9.0)).epsilon(1e-9));
  double previous = app::gamma_spread_10_90(0.2);
  CHECK(previous == Approx(3.0245).epsilon(1e-3));
  for (double k : {0.3, 0.5, 1.0, 2.0, 4.0, 10.0, 100.0}) {
    const double g = app::gamma_spread_10_90(k);
    INFO("shape " << k);
    CHECK(g < previous);
    previous = g;
  }
  CHECK(app::gamma_spread_10_90(100.0) == Approx(0.2559).epsilon(1e-3));
}

namespace {

// One thread at utilisation 0.03: the latencies are the demand plus a constant 3 ms delay,
// almost never a wait. The simulated CPU stands in for a --sample series.
// `shape`: keep, fit or empirical (--shape); `after`: steps after the delay.
std::pair<app::Calibration, std::string> shape_calibration(const std::string& cpu, const std::string& shape, const std::string& after = "") {
  const bool empirical = shape == "empirical";
  const std::string text = deployment(R"(name: shape
seed: 9
duration: 20m
workload:
  arrivals:
    process: poisson
    rate: 3
  requests:
    - name: api
      path: /api
      steps:
        - cpu: )" + cpu + R"(
        - delay: const(3ms)
)" + after,
                                      "    desired: 1\n    threads: 1\n");
  const auto sc = scenario::load_string(text, "shape.yaml");
  app::CalibrationInput in;
  in.result_path = "shape/result.json";
  in.result = testing::simulate_one_thread(sc).to_result();
  auto& ts = in.result.timeseries;
  auto& vcpu = ts.series["resources.sim.cpu_vcpu"];
  for (std::size_t k = 0; k < ts.t_s.size(); ++k) vcpu.push_back(ts.series.at("api.cpu_utilization")[k] / 100.0 * ts.series.at("api.tasks_running")[k]);
  app::CalibrateOptions o;
  o.sample = "sim";
  o.sample_period_s = 60.0;
  o.fit_shape = shape == "fit";
  o.empirical_shape = empirical;
  auto c = app::calibrate(sc, {in}, o);
  REQUIRE(c.classes.size() == 1);
  REQUIRE(c.classes[0].scv);
  if (empirical && !c.classes[0].hold_shape.empty()) c.classes[0].hold_file = "/data/api.cpu.csv";
  return std::make_pair(c, app::overlay_yaml(sc, c, {"sim"}));
}

}  // namespace

TEST_CASE("Calibrate: the demand's variability comes from the low-load latencies, and --shape fit writes its family") {
  const auto run = [](const std::string& cpu) { return shape_calibration(cpu, "fit"); };
  const auto [exp_fit, exp_overlay] = run("exp(8ms)");
  INFO(exp_overlay);
  CHECK(*exp_fit.classes[0].scv > 0.75);
  CHECK(*exp_fit.classes[0].scv < 1.25);
  CHECK_THAT(exp_overlay, Catch::Contains("workload.requests[0].steps[0].cpu: \"exp("));
  const auto [const_fit, const_overlay] = run("const(8ms)");
  CHECK(*const_fit.classes[0].scv < 0.1);
  CHECK_THAT(const_overlay, Catch::Contains("workload.requests[0].steps[0].cpu: \"const(8"));
  const auto [gamma_fit, gamma_overlay] = run("gamma(shape=4, mean=8ms)");
  CHECK(*gamma_fit.classes[0].scv > 0.15);
  CHECK(*gamma_fit.classes[0].scv < 0.35);
  CHECK_THAT(gamma_overlay, Catch::Contains("workload.requests[0].steps[0].cpu: \"gamma(shape="));
  CHECK_THAT(gamma_overlay, Catch::Contains("(fitted shape)"));
}

TEST_CASE("Calibrate: --shape empirical takes the low-load latencies' quantiles less the delay outside the CPU, at the demand's mean") {
  // A gamma(4) demand of mean 8 ms behind which the request waits a constant 3 ms: the hold shape
  // (units of its mean) has gamma(4)'s quantiles — 10th 0.4361, median 0.9180, 90th 1.6702 (the
  // quantiles of Gamma(4, 1) over 4) — not the latencies' own (shifted by 3/8 of the mean).
  const auto [fit, overlay] = shape_calibration("gamma(shape=4, mean=8ms)", "empirical");
  INFO(overlay);
  const auto& h = fit.classes[0].hold_shape;
  REQUIRE(h.size() == 1000);
  double sum = 0.0;
  for (double x : h) sum += x;
  CHECK(sum / 1000.0 == Approx(1.0).epsilon(1e-9));
  CHECK(std::is_sorted(h.begin(), h.end()));
  CHECK(h[100] == Approx(0.4361).epsilon(0.06));
  CHECK(h[500] == Approx(0.9180).epsilon(0.04));
  CHECK(h[900] == Approx(1.6702).epsilon(0.04));
  CHECK_THAT(overlay, Catch::Contains("workload.requests[0].steps[0].cpu: \"empirical(/data/api.cpu.csv)\""));
  // The file's values are the shape at the fitted demand, in ms after a header line.
  const std::string csv = app::hold_csv(fit.classes[0]);
  REQUIRE(csv.rfind("cpu_ms\n", 0) == 0);
  std::istringstream lines(csv.substr(7));
  double total = 0.0;
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) total += std::stod(line);
  CHECK(n == 1000);
  CHECK(total / static_cast<double>(n) == Approx(fit.classes[0].demand_s * 1e3).epsilon(1e-4));
  CHECK(fit.classes[0].demand_s == Approx(0.008).epsilon(0.05));

  // A constant demand: the quantiles up to the 95th within the histogram's resolution of the
  // mean; above, the ~2.4 % of requests that found the thread busy (utilisation 0.024) carry
  // their wait into the shape.
  const auto [flat, flat_overlay] = shape_calibration("const(8ms)", "empirical");
  const auto& f = flat.classes[0].hold_shape;
  REQUIRE(f.size() == 1000);
  CHECK(f[10] == Approx(f[950]).epsilon(0.01));
  CHECK(f[500] == Approx(1.0).epsilon(0.03));
  CHECK(f[999] > 1.2);

  // A scenario whose cpu step is such a file keeps it under the default --shape keep: the fit
  // rescales it (empirical(FILE, scale=k)), as validate --oracle does with each run's demands.
  const std::string path = std::filesystem::absolute("calibrate_hold.cpu.csv").lexically_normal().string();
  {
    std::ofstream out(path);
    out << app::hold_csv(fit.classes[0]);
  }
  const auto [kept, kept_overlay] = shape_calibration("empirical(" + path + ", scale=2)", "keep");
  INFO(kept_overlay);
  CHECK(kept.classes[0].scenario_demand_s == Approx(2.0 * fit.classes[0].demand_s).epsilon(1e-6));
  CHECK_THAT(kept_overlay, Catch::Contains("workload.requests[0].steps[0].cpu: \"empirical(" + path + ", scale="));
  std::remove(path.c_str());
}

TEST_CASE("Calibrate: with several cpu steps, --shape gives the largest the fitted shape at its share of the demand and scales the others") {
  // An event loop serves a request in turns: 8 ms of work, the 3 ms wait, then 1 ms to answer.
  const std::string after = "        - cpu: const(1ms)\n";
  const auto [fit, overlay] = shape_calibration("gamma(shape=4, mean=8ms)", "empirical", after);
  INFO(overlay);
  CHECK(fit.classes[0].scenario_demand_s == Approx(0.009).epsilon(1e-9));
  CHECK(fit.classes[0].demand_s == Approx(0.009).epsilon(0.05));
  CHECK_THAT(overlay, Catch::Contains("workload.requests[0].steps[0].cpu: \"empirical(/data/api.cpu.csv, scale=0.888889)\""));
  // The small step keeps its own distribution, scaled by the fit as a lone step would be.
  const double factor = fit.classes[0].demand_s / fit.classes[0].scenario_demand_s;
  const auto scaled = sim::parse_distribution("const(1ms)").value->scaled(factor);
  REQUIRE(scaled);
  CHECK_THAT(overlay, Catch::Contains("workload.requests[0].steps[2].cpu: \"" + scaled->describe() + "\"  # was const(1ms)"));
  for (const auto& w : fit.warnings) CHECK_THAT(w, !Catch::Contains("cpu steps"));

  const auto [gamma_fit, gamma_overlay] = shape_calibration("gamma(shape=4, mean=8ms)", "fit", after);
  INFO(gamma_overlay);
  CHECK_THAT(gamma_overlay, Catch::Contains("workload.requests[0].steps[0].cpu: \"gamma(shape="));
  CHECK_THAT(gamma_overlay, Catch::Contains("workload.requests[0].steps[2].cpu: \"const("));
}

namespace {

// Two classes, one service, a provisioned writer of 2 vCPUs: `list` reads twice, `save` reads
// once and writes twice; the database's CPU per query is 1 ms (read) and 3 ms (write).
const std::string kDbScenario = deployment(R"(name: calibrate-db
seed: 5
duration: 30m
workload:
  arrivals:
    process: poisson
    rate: 40
  requests:
    - name: list
      weight: 3
      path: /list
      steps:
        - cpu: exp(4ms)
        - db: { reads: 2 }
    - name: save
      weight: 1
      path: /save
      steps:
        - cpu: exp(6ms)
        - db: { reads: 1, writes: 2 }
)",
                                           "    desired: 2\n",
                                           "database:\n  type: aurora_provisioned\n  engine: postgresql\n  instance_class: db.r6g.large\n"
                                           "  query:\n    read: exp(1ms)\n    write: exp(3ms)\n");

// A simulated run's service and writer CPU as get-metric-data output, from kStart.
app::CalibrationInput simulated_input(const scenario::Scenario& sc, const std::string& name) {
  app::CalibrationInput in;
  in.result_path = name;
  in.result = testing::simulate_one_thread(sc).to_result();
  in.start_epoch = kStart;
  const auto& ts = in.result.timeseries;
  std::string text = R"({"MetricDataResults": [)";
  const std::pair<const char*, const char*> queries[] = {{"cpu", "api.cpu_utilization"}, {"tasks", "api.tasks_running"}, {"dbcpu", "writer.cpu_utilization"}};
  for (const auto& [id, series] : queries) {
    std::string stamps, values;
    for (std::size_t k = ts.t_s.size(); k-- > 0;) {
      const std::string sep = stamps.empty() ? "" : ", ";
      stamps += sep + "\"" + iso(kStart + ts.t_s[k]) + "\"";
      values += sep + std::to_string(ts.series.at(series)[k]);
    }
    text += std::string(id == std::string("cpu") ? "" : ", ") + R"({"Id": ")" + id + R"(", "Timestamps": [)" + stamps + R"(], "Values": [)" + values +
            R"(], "StatusCode": "Complete"})";
  }
  in.cloudwatch = app::parse_cloudwatch(text + R"(], "Messages": []})", name + ".cw.json");
  return in;
}

}  // namespace

TEST_CASE("Calibrate: the database's CPU per read and per write comes back from its CPUUtilization over two mixes") {
  auto sc = scenario::load_string(kDbScenario, "db.yaml");
  const auto a = simulated_input(sc, "a.json");
  sc.workload.classes[0].weight = 1.0;
  sc.workload.classes[1].weight = 3.0;
  std::get<workload::OpenWorkload>(sc.workload.model).rate = workload::RateSchedule({{0, 25.0}});
  const auto b = simulated_input(sc, "b.json");
  const auto original = scenario::load_string(kDbScenario, "db.yaml");
  auto o = options();
  o.db_cpu_id = "dbcpu";
  const auto c = app::calibrate(original, {a, b}, o);
  INFO(app::format_calibration(c));
  REQUIRE(c.database);
  REQUIRE(c.database->queries.size() == 2);
  const auto& read = c.database->queries[0];
  const auto& write = c.database->queries[1];
  CHECK(read.kind == "read");
  CHECK(write.kind == "write");
  REQUIRE(read.low_s);
  REQUIRE(write.low_s);
  CHECK(*read.low_s <= 0.001);
  CHECK(0.001 <= *read.high_s);
  CHECK(*write.low_s <= 0.003);
  CHECK(0.003 <= *write.high_s);
  CHECK(c.database->capacity == "CPUUtilization x 2 vCPU (db.r6g.large)");
  const auto y = app::overlay_yaml(original, c, {"a", "b"});
  CHECK_THAT(y, Catch::Contains("database.query.read: \"exp("));
  CHECK_THAT(y, Catch::Contains("database.query.write: \"exp("));
  // --bounds: every demand at an end of its interval, as a sensitivity pair.
  const auto low = app::at_bound(c, "low");
  const auto high = app::at_bound(c, "high");
  CHECK(low.classes[0].demand_s == *c.classes[0].low_s);
  CHECK(high.classes[1].demand_s == *c.classes[1].high_s);
  CHECK(low.database->queries[1].demand_s == *write.low_s);
  CHECK(high.database->queries[0].demand_s == *read.high_s);
  CHECK_THAT(app::overlay_yaml(original, high, {"a", "b"}), Catch::Contains("sensitivity bound: every demand at the high end of its 95 % interval"));

  SECTION("a database with readers, a Serverless v2 one without --db-acu, and a step with its own cost are refused") {
    const auto with = [&](const std::string& text) { return scenario::load_string(text, "db.yaml"); };
    std::string readers = kDbScenario + "  readers: 1\n";
    CHECK_THROWS_WITH(app::calibrate(with(readers), {a}, o), Catch::Contains("--db-cpu: the database has readers"));
    std::string serverless = kDbScenario;
    serverless.replace(serverless.find("type: aurora_provisioned"), std::string("type: aurora_provisioned").size(), "type: aurora_serverless_v2");
    serverless.replace(serverless.find("  instance_class: db.r6g.large\n"), std::string("  instance_class: db.r6g.large\n").size(), "  max_acu: 4\n");
    CHECK_THROWS_WITH(app::calibrate(with(serverless), {a}, o), Catch::Contains("--db-cpu on a Serverless v2 database needs --db-acu ID"));
    std::string own = kDbScenario;
    own.replace(own.find("db: { reads: 2 }"), std::string("db: { reads: 2 }").size(), "db: { reads: 2, read: exp(2ms) }");
    CHECK_THROWS_WITH(app::calibrate(with(own), {a}, o),
                      Catch::Contains("--db-cpu: workload.requests[0].steps[1].db sets its own query cost; the fit is of database.query.read and .write only"));
  }
}

TEST_CASE("Calibrate: --fit-latency puts back the load balancer latency the scenario left out") {
  // The truth has 3 ms between client and target (load_balancer.latency); the scenario to
  // calibrate has none, and its demands are right: the latency is what the fit must find.
  const std::string dir = testing::temp_dir("fit-latency");
  const std::string path = dir + "/db.yaml";
  testing::write_file(path, kDbScenario);
  const auto truth = scenario::load_file(path, {{"load_balancer.latency", "const(3ms)"}});
  const auto measured = simulated_input(truth, "measured.json");
  const auto sc = scenario::load_file(path, {});
  const auto c = app::calibrate(sc, {measured}, options());
  const auto f = app::fit_latency(sc, {}, {measured}, c);
  CHECK(f.latency_ms == Approx(3.0).margin(0.15));
  REQUIRE(f.residual_ms.size() == 2);
  for (const auto& [name, ms] : f.residual_ms) {
    INFO(name);
    CHECK(ms == Approx(3.0).margin(0.3));
  }
  const auto y = app::latency_overlay_yaml(f);
  CHECK_THAT(y, Catch::Contains("load_balancer.latency: \"const("));
  // Applied, the overlay puts the simulated mean back on the measured one.
  testing::write_file(dir + "/lat.yaml", y);
  const auto fitted = scenario::load_file(path, scenario::read_overlay(dir + "/lat.yaml"));
  REQUIRE(fitted.model.load_balancer->latency);
  CHECK(fitted.model.load_balancer->latency->mean() == Approx(f.latency_ms * 1e-3).epsilon(1e-5));
  SECTION("a closed model is refused: the measured rate cannot be set") {
    auto closed = sc;
    closed.workload.model = workload::ClosedWorkload{};
    CHECK_THROWS_WITH(app::fit_latency(closed, {}, {measured}, c), Catch::Contains("open-model"));
  }
  std::filesystem::remove_all(dir);
}

namespace {

// A sampled load result (`--sample s`) of `minutes` minutes whose rates and event-loop wake-ups
// per request change every minute, with the CPU in use X_light x 8 ms + X_heavy x 20 ms +
// W x `wakeup` (±0.2 %).
reports::Result sampled_wakeups(int minutes, double wakeup, double (*light)(int), double (*heavy)(int)) {
  reports::Result r;
  r.kind = "load";
  r.duration_s = minutes * 60.0;
  r.timeseries.interval_s = 1.0;
  auto& a = r.timeseries.series["classes.light.requests_per_s"];
  auto& b = r.timeseries.series["classes.heavy.requests_per_s"];
  auto& cpu = r.timeseries.series["resources.s.cpu_vcpu"];
  auto& w = r.timeseries.series["resources.s.wakeups_per_s"];
  for (int sec = 0; sec < minutes * 60; ++sec) {
    const int m = sec / 60;
    const double x = light(m) + heavy(m);
    const double demand = light(m) * kLight + heavy(m) * kHeavy;
    // 1 to 2.5 wake-ups per request, in a pattern of its own (on a real loop it falls with the load)
    const double per_request = 2.5 - 1.5 * static_cast<double>((7 * m) % 5) / 4.0;
    r.timeseries.t_s.push_back(sec);
    a.push_back(light(m));
    b.push_back(heavy(m));
    w.push_back(x * per_request);
    cpu.push_back((demand + wakeup * x * per_request) * (1.0 + 0.002 * std::sin(1.7 * m)));  // a ±0.2 % wobble
  }
  r.classes["light"].latency_ms.mean = 9.5;
  r.classes["heavy"].latency_ms.mean = 25.0;
  return r;
}

app::CalibrationInput sampled_input(reports::Result r) {
  app::CalibrationInput in;
  in.result_path = "sampled.json";
  in.result = std::move(r);
  return in;
}

app::CalibrateOptions sampled_options() {
  app::CalibrateOptions o;
  o.sample = "s";
  o.sample_period_s = 60.0;
  return o;
}

}  // namespace

TEST_CASE("Calibrate: --fit-wakeup recovers an event loop's wake-up CPU from the wake-ups --sample counted") {
  constexpr double kWakeup = 0.0005;
  const auto sc = scenario::load_string(kScenario, "two.yaml");
  const auto in = sampled_input(sampled_wakeups(20, kWakeup, varied_light, varied_heavy));
  auto o = sampled_options();
  o.fit_wakeup = true;
  const auto c = app::calibrate(sc, {in}, o);
  for (const auto& w : c.warnings) CHECK(w.empty());
  REQUIRE(c.wakeup_s);
  CHECK(*c.wakeup_s == Approx(kWakeup).epsilon(0.1));
  REQUIRE(c.wakeup_low_s);
  CHECK(*c.wakeup_low_s <= kWakeup);
  CHECK(kWakeup <= *c.wakeup_high_s);
  for (std::size_t k = 0; k < 2; ++k) {
    const double truth = k == 0 ? kLight : kHeavy;
    REQUIRE(c.classes[k].low_s);
    CHECK(*c.classes[k].low_s <= truth);
    CHECK(truth <= *c.classes[k].high_s);
    CHECK(c.classes[k].demand_s == Approx(truth).epsilon(0.02));
  }
  CHECK(c.wakeups_per_request_low == Approx(1.0));
  CHECK(c.wakeups_per_request_high == Approx(2.5));
  CHECK_THAT(app::format_calibration(c), Catch::Contains("wake-up (idle loop)"));
  // The overlay's line loads: the simulator gets the fitted wake-up CPU.
  const std::string overlay = app::overlay_yaml(sc, c, {"sampled.json"});
  const std::string key = "services.api.wakeup_cpu: ";
  const auto at = overlay.find(key);
  REQUIRE(at != std::string::npos);
  const std::string value = overlay.substr(at + key.size(), overlay.find('\n', at) - at - key.size());
  const auto loaded = scenario::load_string(kScenario, "two.yaml", {{"services.api.wakeup_cpu", value}});
  CHECK(sim::to_seconds(loaded.model.services.at(0).wakeup_cpu) == Approx(*c.wakeup_s).epsilon(1e-4));
  SECTION("without --fit-wakeup the demands take the wake-ups in: the light class's interval misses its truth") {
    const auto plain = app::calibrate(sc, {in}, sampled_options());
    CHECK_FALSE(plain.wakeup_s);
    REQUIRE(plain.classes[0].low_s);
    CHECK(*plain.classes[0].low_s > kLight);
  }
  SECTION("a known wake-up CPU (validate's oracle) is taken off before the demands are fitted") {
    auto known = sampled_options();
    known.known_wakeup_s = kWakeup;
    const auto k = app::calibrate(sc, {in}, known);
    CHECK_FALSE(k.wakeup_s);
    CHECK(k.classes[0].demand_s == Approx(kLight).epsilon(0.02));
    CHECK(k.classes[1].demand_s == Approx(kHeavy).epsilon(0.02));
  }
  SECTION("wake-ups per request that never varied cannot be told from the demands: a warning, and no wake-up CPU") {
    auto flat = in;
    auto& w = flat.result.timeseries.series["resources.s.wakeups_per_s"];
    const auto& a = flat.result.timeseries.series["classes.light.requests_per_s"];
    const auto& b = flat.result.timeseries.series["classes.heavy.requests_per_s"];
    for (std::size_t k = 0; k < w.size(); ++k) w[k] = 2.0 * (a[k] + b[k]);
    const auto f = app::calibrate(sc, {flat}, o);
    CHECK_FALSE(f.wakeup_s);
    bool told = false;
    for (const auto& warning : f.warnings) told = told || warning.find("cannot be told from the CPU per request") != std::string::npos;
    CHECK(told);
  }
  SECTION("a result without the wake-ups' series, or CloudWatch inputs, are refused with what to do") {
    auto none = in;
    none.result.timeseries.series.erase("resources.s.wakeups_per_s");
    CHECK_THROWS_WITH(app::calibrate(sc, {none}, o), Catch::Contains("sampled.json: timeseries.series.resources.s.wakeups_per_s is missing"));
    auto cw = options();
    cw.fit_wakeup = true;
    CHECK_THROWS_WITH(app::calibrate(sc, {input(synthetic(12, varied_light, varied_heavy))}, cw), Catch::Contains("--fit-wakeup needs --sampled inputs"));
  }
  SECTION("with each run's cold share (wakeup_cold_after), w is a cold wake-up's CPU") {
    // Of the counted wake-ups only 40 % were cold, and each cost kWakeup: the CPU holds 0.4 x W x w.
    const auto cold_in = sampled_input(sampled_wakeups(20, 0.4 * kWakeup, varied_light, varied_heavy));
    auto cold = o;
    cold.cold_wakeup_share = {0.4};
    const auto k = app::calibrate(sc, {cold_in}, cold);
    REQUIRE(k.wakeup_s);
    REQUIRE(k.wakeup_low_s);
    CHECK(*k.wakeup_low_s <= kWakeup);  // the wobble weighs more on a smaller wake-up part: the interval holds it
    CHECK(kWakeup <= *k.wakeup_high_s);
    CHECK(*k.wakeup_s == Approx(kWakeup).epsilon(0.2));
    CHECK(k.cold_wakeups);
    CHECK(k.wakeups_per_request_low == Approx(0.4));
    CHECK_THAT(app::format_calibration(k), Catch::Contains("cold wake-ups per request"));
    // Counted as if every wake-up were charged, the same data gives 0.4 of it.
    const auto all = app::calibrate(sc, {cold_in}, o);
    REQUIRE(all.wakeup_s);
    CHECK(*all.wakeup_s == Approx(0.4 * *k.wakeup_s).epsilon(1e-9));
    CHECK_FALSE(all.cold_wakeups);
    cold.cold_wakeup_share = {0.4, 0.5};
    CHECK_THROWS_AS(app::calibrate(sc, {cold_in}, cold), std::logic_error);
  }
}
