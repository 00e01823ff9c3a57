// loadcast load: quick mode (wrk/wrk2-like, --url) and scenario mode (SCENARIO --target).
#include <cstdio>
#include <string>

#include "app/load.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/load_options.hpp"
#include "cli/scenario_file.hpp"
#include "loadgen/clock.hpp"
#include "loadgen/summary.hpp"
#include "reports/format.hpp"
#include "reports/run_outputs.hpp"

namespace loadcast::cli {

ExitCode run_load(int argc, char** argv) {
  auto specs = load_option_specs();
  specs.insert(specs.begin(), {
                                  {"url", "u", true, false, "URL  quick mode: the one URL to load"},
                                  {"target", "", true, false, "URL  scenario mode: origin the scenario's paths go to"},
                                  {"rate", "R", true, false, "R  quick mode: open model at R requests/s in total (wrk2 -R)"},
                                  {"arrivals", "", true, false, "uniform|poisson  quick mode with --rate (default uniform)"},
                                  {"header", "H", true, true, "'K: V'  quick mode: extra request header (repeatable)"},
                                  {"method", "", true, false, "M  quick mode: request method (default GET)"},
                                  {"body", "", true, false, "B  quick mode: request body"},
                                  {"sample", "", true, true, "NAME=SOURCE  read the target's CPU during the run: cgroup:DIR, pid:PID or prometheus:URL[#METRIC{l=\"v\"}] (repeatable)"},
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
    return ExitCode::kOk;
  }
  const bool quick = args.has("url");
  loadgen::LoadConfig config;
  std::vector<std::string> scenario_thresholds;
  if (quick) {
    if (!args.positionals().empty()) throw UsageError("quick mode (--url) takes no scenario file");
    if (args.has("target")) throw UsageError("--target is for scenario mode; quick mode uses --url");
    if (args.has("set")) throw UsageError("--set is for scenario mode");
    config = app::quick_load({*args.get("url"), args.get("method").value_or("GET"), args.get("body").value_or(""),
                              args.get_all("header")});
    apply_load_options(args, config);
    app::set_quick_model(config, {args.get_double("rate"), args.get("arrivals"),
                                  args.has("on-overload") || args.has("max-backlog")});
  } else {
    if (args.positionals().size() != 1) throw UsageError("expected --url URL (quick mode) or SCENARIO --target URL");
    if (!args.has("target")) throw UsageError("scenario mode needs --target URL");
    for (const char* quick_only : {"rate", "arrivals", "header", "method", "body"}) {
      if (args.has(quick_only)) throw UsageError(std::string("--") + quick_only + " is for quick mode (--url) only");
    }
    const auto sc = read_scenario(args.positionals()[0], args);
    if (!sc) return ExitCode::kUsage;
    config = app::scenario_load(*sc, *args.get("target"), args.has("connections"));
    apply_load_options(args, config);
    scenario_thresholds = sc->thresholds;
  }
  const loadgen::ThresholdPlan thresholds = app::check_load(config, scenario_thresholds, args.get_all("threshold"));
  const bool quiet = args.has("quiet");
  if (config.start_at && !quiet) {
    const double wait = *config.start_at - loadgen::wall_now_s();
    if (wait >= 1.0) std::fprintf(stderr, "waiting %.0f s for --start-at %.3f\n", wait, *config.start_at);
  }

  const auto out = args.get("out");
  const std::string dir = out ? *out : (quick ? std::string() : std::string("out"));
  if (!dir.empty()) check_output(dir);
  if (const std::string proxy = app::ignored_proxy(config); !proxy.empty()) {
    std::fprintf(stderr, "warning: %s\n", proxy.c_str());
  }
  std::vector<loadgen::SampleSpec> samples;
  for (const auto& text : args.get_all("sample")) {
    auto spec = loadgen::parse_sample_spec(text);
    if (!spec.value) throw UsageError(spec.error);
    for (const auto& s : samples) {
      if (s.name == spec.value->name) throw UsageError("--sample " + text + ": the name " + s.name + " is given twice");
    }
    samples.push_back(std::move(*spec.value));
  }
  install_stop_handlers();
  auto run = app::run_load(config, thresholds, stop_flag(), samples);
  auto& result = run.output.result;
  if (!dir.empty()) reports::write_run_outputs(result, dir);
  if (!quiet) {
    std::fputs(loadgen::format_summary(result, run.output.info).c_str(), stdout);
    if (!dir.empty()) std::printf("wrote %s/result.json, timeseries.csv, report.html, report.md\n", dir.c_str());
  } else {
    for (const auto& w : result.sections["load"]["warnings"]) std::fprintf(stderr, "warning: %s\n", w.get<std::string>().c_str());
  }
  for (const auto& t : result.thresholds) {
    if (!quiet || !t.ok) {
      const std::string measured = reports::format_value(t.value) + (t.detail.empty() ? "" : "; " + t.detail);
      std::printf("threshold %-40s %s (measured %s)\n", t.expr.c_str(), t.ok ? "ok" : "FAILED", measured.c_str());
    }
  }
  if (!quiet) {
    for (const auto& e : thresholds.not_applicable) std::printf("threshold %-40s %s\n", e.c_str(), loadgen::kNotApplicable);
  }
  if (!run.verdict.threshold_error.empty()) std::fprintf(stderr, "loadcast load: %s\n", run.verdict.threshold_error.c_str());
  return app::exit_code(run.verdict);
}

}  // namespace loadcast::cli
