// What calibrate adds to its CPU fit (app/calibrate_timing.hpp): the framework's overhead per
// request as the fitted CPU minus the handler time the app reports in Server-Timing, with the
// fit's interval; and the demand's uncertainty as the service's cpu_demand_sd (the classes'
// relative standard errors weighted by CPU share), written as an overlay key the loader takes.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "app/calibrate_timing.hpp"
#include "app/exit_code.hpp"
#include "scenarios/loader/scenario.hpp"
#include "tests/support/run_command.hpp"

using namespace loadcast;

namespace {

// Service web: class a fitted at 5 ms (4..6), class b at 2 ms (1.8..2.2), class c never ran.
app::Calibration calibration() {
  app::Calibration c;
  c.service = "web";
  app::ClassFit a;
  a.name = "a";
  a.ran = true;
  a.demand_s = 0.005;
  a.low_s = 0.004;
  a.high_s = 0.006;
  app::ClassFit b;
  b.name = "b";
  b.ran = true;
  b.demand_s = 0.002;
  b.low_s = 0.0018;
  b.high_s = 0.0022;
  app::ClassFit cc;
  cc.name = "c";
  c.classes = {a, b, cc};
  return c;
}

// A load result of 100 s: a at 10 requests/s, b at 30, with `timing` as load.server_timing.
app::CalibrationInput input(const std::string& path, const reports::Json& timing) {
  app::CalibrationInput in;
  in.result_path = path;
  in.result.kind = "load";
  in.result.duration_s = 100.0;
  in.result.classes["a"].throughput_rps = 10.0;
  in.result.classes["b"].throughput_rps = 30.0;
  in.result.sections["load"] = reports::Json::object();
  if (!timing.is_null()) in.result.sections["load"]["server_timing"] = timing;
  return in;
}

reports::Json metric(std::uint64_t count, double mean_ms) { return reports::Json{{"count", count}, {"mean_ms", mean_ms}}; }

reports::Json timing(const reports::Json& a_metrics, const reports::Json& b_metrics) {
  return reports::Json{{"a", {{"responses", 1}, {"malformed", 0}, {"unlisted", 0}, {"metrics", a_metrics}}},
                       {"b", {{"responses", 1}, {"malformed", 0}, {"unlisted", 0}, {"metrics", b_metrics}}}};
}

}  // namespace

TEST_CASE("Calibrate timing: the overhead is the fitted CPU minus the handler's mean over every input, with the fit's interval") {
  const std::vector<app::CalibrationInput> inputs{
      input("one.json", timing({{"handler", metric(100, 3.0)}, {"db", metric(100, 9.0)}}, {{"handler", metric(50, 2.5)}})),
      input("two.json", timing({{"handler", metric(300, 3.4)}}, {{"db", metric(10, 1.0)}}))};
  const auto h = app::handler_overhead(inputs, calibration(), "handler");
  REQUIRE(h.classes.size() == 3);
  const auto& a = h.classes[0];
  CHECK(a.count == 400);
  CHECK(*a.handler_ms == Approx(3.3));  // (100 x 3 + 300 x 3.4) / 400
  CHECK(*a.overhead_ms == Approx(1.7));
  CHECK(*a.low_ms == Approx(0.7));
  CHECK(*a.high_ms == Approx(2.7));
  // b reports more handler time than its CPU: the metric is wall time, said in a warning.
  const auto& b = h.classes[1];
  CHECK(*b.overhead_ms == Approx(-0.5));
  CHECK_FALSE(h.classes[2].handler_ms.has_value());
  REQUIRE(h.warnings.size() == 2);
  CHECK_THAT(h.warnings[0], Catch::Contains("class b") && Catch::Contains("wall time"));
  CHECK_THAT(h.warnings[1], Catch::Contains("class c: its responses reported no handler duration"));
  const std::string table = app::format_handler_overhead(h);
  CHECK_THAT(table, Catch::Contains("1.7 ms") && Catch::Contains("0.7 .. 2.7 ms") && Catch::Contains("3.3 ms"));
  CHECK_THAT(app::handler_overhead_yaml(h), Catch::Contains("#   a: 1.7 ms (CPU 5 ms, handler 3.3 ms over 400 responses, 95 % interval 0.7 .. 2.7 ms)"));
}

TEST_CASE("Calibrate timing: inputs without Server-Timing, or without the metric, are refused with what they have") {
  SECTION("no load.server_timing at all") {
    const std::vector<app::CalibrationInput> inputs{input("one.json", nullptr)};
    CHECK_THROWS_WITH(app::handler_overhead(inputs, calibration(), "handler"), Catch::Contains("no input has load.server_timing"));
  }
  SECTION("another metric only") {
    const std::vector<app::CalibrationInput> inputs{input("one.json", timing({{"app", metric(5, 1.0)}}, {{"db", metric(5, 1.0)}}))};
    CHECK_THROWS_WITH(app::handler_overhead(inputs, calibration(), "handler"),
                      Catch::Contains("--handler-metric handler: no class of service web reported it") && Catch::Contains("reported: app, db"));
  }
  SECTION("a metric without its mean") {
    const std::vector<app::CalibrationInput> inputs{input("one.json", timing({{"handler", {{"count", 5}}}}, reports::Json::object()))};
    CHECK_THROWS_WITH(app::handler_overhead(inputs, calibration(), "handler"),
                      Catch::Contains("one.json: load.server_timing.a.metrics.handler: needs count and mean_ms"));
  }
}

TEST_CASE("Calibrate timing: cpu_demand_sd is the classes' relative standard errors weighted by CPU share") {
  const std::vector<app::CalibrationInput> inputs{input("one.json", nullptr)};
  const auto u = app::demand_uncertainty(inputs, calibration());
  REQUIRE(u.sd.has_value());
  // a: (6 - 5) / 1.96 / 5 = 0.10204 on 5 ms x 1000 requests; b: 0.2 / 1.96 / 2 = 0.05102 on 2 ms x 3000.
  const double expected = (5.0 * 1000 * (1.0 / 1.96 / 5.0) + 2.0 * 3000 * (0.2 / 1.96 / 2.0)) / (5.0 * 1000 + 2.0 * 3000);
  CHECK(*u.sd == Approx(expected));
  CHECK(*u.sd == Approx(0.07421).epsilon(1e-3));
  REQUIRE(u.classes.size() == 2);
  CHECK(u.classes[0].cpu_share == Approx(5.0 / 11.0));
  const std::string yaml = app::demand_uncertainty_yaml(calibration(), u);
  CHECK_THAT(yaml, Catch::Contains("services.web.cpu_demand_sd: 0.07421\n"));

  SECTION("the loader takes the overlay's key") {
    const std::string path = (std::filesystem::temp_directory_path() / ("calib-sd-" + std::to_string(::getpid()) + ".yaml")).string();
    {
      std::ofstream(path) << yaml;
    }
    const auto overrides = scenario::read_overlay(path);
    std::remove(path.c_str());
    const auto sc = scenario::load_string(R"(
name: o
duration: 60s
workload:
  arrivals: { process: poisson, rate: 10 }
  requests:
    - { name: a, path: /a, steps: [ { cpu: exp(5ms) } ] }
load_balancer: { type: alb, default: web }
services:
  web: { cpu: 1024, memory: 2048, desired: 1 }
)",
                                          "o.yaml", overrides);
    CHECK(sc.model.services[0].cpu_demand_sd == Approx(0.07421).epsilon(1e-3));
  }
  SECTION("no interval, no key") {
    auto c = calibration();
    for (auto& f : c.classes) f.high_s.reset();
    const auto none = app::demand_uncertainty(inputs, c);
    CHECK_FALSE(none.sd.has_value());
    const std::string text = app::demand_uncertainty_yaml(c, none);
    CHECK(text.find("cpu_demand_sd:") == std::string::npos);
    CHECK_THAT(text, Catch::Contains("no class has a 95 % interval"));
  }
  SECTION("above 1 it is written as 1, with a warning") {
    auto c = calibration();
    c.classes[0].high_s = 0.05;  // (50 - 5) / 1.96 / 5 = 4.6
    c.classes[1].high_s = 0.02;
    const auto big = app::demand_uncertainty(inputs, c);
    CHECK(*big.sd == 1.0);
    CHECK(big.clamped);
    CHECK_THAT(app::demand_uncertainty_yaml(c, big), Catch::Contains("warning") && Catch::Contains("cpu_demand_sd: 1\n"));
  }
}

TEST_CASE("Calibrate timing: --handler-metric must be a token") {
  const auto r = testing::run_command(testing::loadcast_binary() + " calibrate x.json --sampled app --scenario s.yaml --handler-metric 'a b'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--handler-metric 'a b': a Server-Timing metric name is a token"));
}
