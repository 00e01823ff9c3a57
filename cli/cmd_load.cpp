// loadcast load: quick mode (wrk/wrk2-like, --url) and scenario mode (SCENARIO --target).
#include <cstdio>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/load_options.hpp"
#include "loadgen/clock.hpp"
#include "loadgen/load_thresholds.hpp"
#include "loadgen/runner.hpp"
#include "loadgen/summary.hpp"
#include "reports/run_outputs.hpp"
#include "reports/threshold.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::cli {

namespace {

loadgen::LoadConfig quick_config(const Args& args) {
  loadgen::LoadConfig config;
  const auto url = loadgen::parse_url(*args.get("url"));
  if (!url.value) throw UsageError("--url: " + url.error);
  loadgen::Url origin = *url.value;
  origin.target = "/";
  config.target = origin;
  config.label = url.value->text();
  workload::RequestClass rc;
  rc.name = "default";
  rc.http.method = args.get("method").value_or("GET");
  rc.http.path = url.value->target;
  rc.http.body = args.get("body").value_or("");
  for (const auto& h : args.get_all("header")) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) throw UsageError("-H/--header must be 'Name: value', got '" + h + "'");
    std::string value = h.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    rc.http.headers.emplace_back(h.substr(0, colon), value);
  }
  config.workload.classes.push_back(rc);
  apply_load_options(args, config);
  if (auto rate = args.get_double("rate")) {
    if (!(*rate > 0.0) || *rate > 1e8) throw UsageError("--rate must be between 0 and 100000000 requests per second");
    workload::OpenWorkload open;
    const std::string process = args.get("arrivals").value_or("uniform");
    if (process == "uniform") open.process = workload::ArrivalProcess::kUniform;
    else if (process == "poisson") open.process = workload::ArrivalProcess::kPoisson;
    else throw UsageError("--arrivals must be uniform or poisson, got '" + process + "'");
    open.rate = workload::RateSchedule({{0, *rate}});
    config.workload.model = open;
  } else {
    if (args.has("arrivals")) throw UsageError("--arrivals needs --rate (without a rate the model is closed)");
    if (args.has("on-overload") || args.has("max-backlog")) throw UsageError("--on-overload and --max-backlog need --rate");
    workload::ClosedWorkload closed;
    // wrk semantics: every connection loops; with HTTP/2 every stream does.
    closed.users = workload::UserSchedule({{0, static_cast<double>(config.connections * config.streams_per_connection())}});
    config.workload.model = closed;
  }
  return config;
}

}  // namespace

int run_load(int argc, char** argv) {
  auto specs = load_option_specs();
  specs.insert(specs.begin(), {
                                  {"url", "u", true, false, "URL  quick mode: the one URL to load"},
                                  {"target", "", true, false, "URL  scenario mode: origin the scenario's paths go to"},
                                  {"rate", "R", true, false, "R  quick mode: open model at R requests/s in total (wrk2 -R)"},
                                  {"arrivals", "", true, false, "uniform|poisson  quick mode with --rate (default uniform)"},
                                  {"header", "H", true, true, "'K: V'  quick mode: extra request header (repeatable)"},
                                  {"method", "", true, false, "M  quick mode: request method (default GET)"},
                                  {"body", "", true, false, "B  quick mode: request body"},
                              });
  Args args("load", specs);
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf(
        "usage: loadcast load --url URL [-c CONNS] [-d DURATION] [-t THREADS] [--rate R] [options]\n"
        "       loadcast load SCENARIO --target URL [--shard i/N --start-at EPOCH] [options]\n\n"
        "Sends HTTP load and measures it. Without --rate the model is closed (each connection loops,\n"
        "like wrk); with --rate it is open (requests at fixed intended times, like wrk2), and latency\n"
        "is measured from the intended send time. Scenario mode drives the scenario's workload.\n\n%s",
        args.help().c_str());
    return kExitOk;
  }
  const bool quick = args.has("url");
  loadgen::LoadConfig config;
  std::vector<std::string> scenario_thresholds;
  if (quick) {
    if (!args.positionals().empty()) throw UsageError("quick mode (--url) takes no scenario file");
    if (args.has("target")) throw UsageError("--target is for scenario mode; quick mode uses --url");
    if (args.has("set")) throw UsageError("--set is for scenario mode");
    config = quick_config(args);
  } else {
    if (args.positionals().size() != 1) throw UsageError("expected --url URL (quick mode) or SCENARIO --target URL");
    if (!args.has("target")) throw UsageError("scenario mode needs --target URL");
    for (const char* quick_only : {"rate", "arrivals", "header", "method", "body"}) {
      if (args.has(quick_only)) throw UsageError(std::string("--") + quick_only + " is for quick mode (--url) only");
    }
    scenario::Scenario sc;
    try {
      sc = scenario::load_file(args.positionals()[0], scenario_overrides(args));
    } catch (const scenario::LoadError& e) {
      for (const auto& line : e.errors()) std::fprintf(stderr, "%s\n", line.c_str());
      return kExitUsage;
    }
    config = config_from_scenario(sc, *args.get("target"), args);
    scenario_thresholds = sc.thresholds;
  }
  // Everything that can be judged before sending a request is: the plan, the options, and the
  // threshold expressions (against the keys a load result has).
  if (const auto problems = config.validate(); !problems.empty()) throw UsageError(problems.front());
  loadgen::ThresholdPlan thresholds;
  try {
    thresholds = loadgen::plan_thresholds(scenario_thresholds, args.get_all("threshold"),
                                          loadgen::skeleton_result(config).to_json());
  } catch (const reports::ThresholdError& e) {
    throw UsageError(e.what());
  }
  const bool quiet = args.has("quiet");
  if (config.start_at && !quiet) {
    const double wait = *config.start_at - loadgen::wall_now_s();
    if (wait >= 1.0) std::fprintf(stderr, "waiting %.0f s for --start-at %.3f\n", wait, *config.start_at);
  }

  install_stop_handlers();
  auto run = loadgen::run_load(config, stop_flag());
  // A threshold that can only be checked on the real result (a status that never came) is a
  // usage error too, but the run's files are written first.
  std::string threshold_error;
  try {
    run.result.thresholds = reports::evaluate_thresholds(thresholds.evaluate, run.result.to_json());
  } catch (const reports::ThresholdError& e) {
    threshold_error = e.what();
  }
  if (!thresholds.not_applicable.empty()) {
    run.result.sections["load"]["thresholds_not_applicable"] = loadgen::not_applicable_json(thresholds.not_applicable);
  }
  const auto out = args.get("out");
  const std::string dir = out ? *out : (quick ? std::string() : std::string("out"));
  if (!dir.empty()) reports::write_run_outputs(run.result, dir);
  if (!quiet) {
    std::fputs(loadgen::format_summary(run.result, run.info).c_str(), stdout);
    if (!dir.empty()) std::printf("wrote %s/result.json, timeseries.csv, report.html, report.md\n", dir.c_str());
  } else {
    for (const auto& w : run.result.sections["load"]["warnings"]) std::fprintf(stderr, "warning: %s\n", w.get<std::string>().c_str());
  }
  bool failed = false;
  for (const auto& t : run.result.thresholds) {
    if (!quiet || !t.ok) std::printf("threshold %-40s %s (measured %g)\n", t.expr.c_str(), t.ok ? "ok" : "FAILED", t.value);
    failed = failed || !t.ok;
  }
  if (!quiet) {
    for (const auto& e : thresholds.not_applicable) std::printf("threshold %-40s %s\n", e.c_str(), loadgen::kNotApplicable);
  }
  if (!threshold_error.empty()) {
    std::fprintf(stderr, "loadcast load: %s\n", threshold_error.c_str());
    return kExitUsage;
  }
  if (!run.result.requests.balanced()) return kExitFailure;
  return failed ? kExitThresholds : kExitOk;
}

}  // namespace loadcast::cli
