// loadcast sim / loadcast check: load a scenario, simulate it, write the outputs.
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "app/command_options.hpp"
#include "app/sim_outcome.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/load_options.hpp"
#include "cli/scenario_file.hpp"
#include "reports/format.hpp"
#include "reports/run_outputs.hpp"
#include "reports/summary_report.hpp"
#include "scenarios/loader/default_scenario.hpp"
#include "sim/time.hpp"

namespace loadcast::cli {

namespace {

#ifndef LOADCAST_SOURCE_DIR
#define LOADCAST_SOURCE_DIR "."
#endif

void print_summary(const reports::Result& r, const app::SimStats& stats) {
  std::fputs(reports::render_text(r).c_str(), stdout);
  std::printf("engine     %s events in %.2f s wall (%.2f M events/s)\n", reports::grouped(stats.events).c_str(), stats.wall_s,
              stats.wall_s > 0 ? static_cast<double>(stats.events) / stats.wall_s / 1e6 : 0.0);
}

}  // namespace

ExitCode run_sim(int argc, char** argv) {
  Args args("sim", {
                       {"seed", "", true, false, "N  random seed (default: the scenario's seed)"},
                       {"replications", "r", true, false, "R  independent replications, run in parallel (default 1)"},
                       {"precision", "", true, false,
                        "P  add replications (rounds of 4, up to --replications, default 100) until the 95 % CI of the mean latency is within ±P (e.g. 0.02)"},
                       {"threads", "t", true, false, "T  worker threads (default: all cores)"},
                       {"duration", "d", true, false, "D  simulated duration, overrides the scenario (e.g. 30m)"},
                       {"warmup", "", true, false, "D  warm-up not measured, overrides the scenario (e.g. 10m)"},
                       {"window", "", true, false, "FROM..TO  also summarise the responses of this span (e.g. 12h..13h)"},
                       {"set", "", true, true, "PATH=VALUE  override a scenario key (repeatable)"},
                       {"overlay", "", true, true, "FILE  apply a YAML file of PATH: VALUE overrides before --set, e.g. from loadcast calibrate (repeatable)"},
                       {"out", "o", true, false, "DIR  output directory (default out)"},
                       {"infracost-usage", "", true, false, "FILE  write the metered usage as an Infracost usage file"},
                       {"quiet", "q", false, false, "print nothing but errors"},
                       {"help", "h", false, false, "show this help"},
                   });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast sim [SCENARIO] [options]\n\nSimulates SCENARIO (default %s) and writes DIR/result.json, timeseries.csv, report.html and report.md.\n\n%s",
                scenario::kDefaultScenario, args.help().c_str());
    return ExitCode::kOk;
  }
  if (args.positionals().size() > 1) throw UsageError("expected one scenario file, got " + std::to_string(args.positionals().size()));
  const bool given = !args.positionals().empty();
  app::SimOptions options;
  options.seed = args.get_u64("seed");
  if (auto r = args.get_u64("replications")) {
    if (*r < 1 || *r > 100000) throw UsageError("--replications must be between 1 and 100000, got " + std::to_string(*r));
    options.replications = *r;
  }
  if (auto p = args.get_double("precision")) {
    if (!(*p > 0.0 && *p < 1.0)) throw UsageError("--precision must be a fraction between 0 and 1, e.g. 0.02; got " + args.get("precision").value_or(""));
    options.precision = *p;
    if (!args.has("replications")) options.replications = 100;
  }
  if (auto t = args.get_u64("threads")) {
    if (*t < 1 || *t > 1024) throw UsageError("--threads must be between 1 and 1024, got " + std::to_string(*t));
    options.threads = static_cast<unsigned>(*t);
  }
  if (auto d = args.get_duration_ns("duration")) {
    if (*d <= 0) throw UsageError("--duration must be longer than 0s, got " + sim::format_duration(*d));
    options.duration = *d;
  }
  if (auto w = args.get_duration_ns("warmup")) options.warmup = *w;
  if (auto w = args.get("window")) {
    const app::Window window = app::parse_window(*w);
    options.window = std::pair{window.from, window.to};
  }
  std::optional<scenario::Scenario> sc;
  if (given) {
    sc = read_scenario(args.positionals()[0], args);
  } else {
    if (args.has("overlay")) throw UsageError("--overlay needs a scenario file to apply to");
    // Without a scenario: bookmark-prod from the working directory, the source tree, or the
    // copy compiled into the binary.
    try {
      sc = scenario::load_default_scenario({".", LOADCAST_SOURCE_DIR}, app::parse_set(args.get_all("set")));
    } catch (const scenario::LoadError& e) {
      print_load_errors(e);
    }
  }
  if (!sc) return ExitCode::kUsage;
  const std::string dir = args.get("out").value_or("out");
  check_output(dir);
  if (auto usage_file = args.get("infracost-usage")) check_output(*usage_file, true);
  install_stop_handlers();
  options.stop = &stop_flag();
  const app::SimOutcome run = app::run_sim(*sc, options);
  reports::write_run_outputs(run.result, dir);
  if (auto usage_file = args.get("infracost-usage")) reports::write_text_file(*usage_file, app::infracost_usage(run, *sc));
  if (!args.has("quiet")) {
    print_summary(run.result, run.stats);
    std::printf("wrote      %s/result.json, timeseries.csv, report.html, report.md\n", dir.c_str());
  }
  if (run.verdict.interrupted) {
    std::fprintf(stderr, "loadcast sim: stopped early by a signal at %s simulated; the result covers the run so far\n",
                 sim::format_duration(sim::from_seconds(run.result.sections.at("sim").at("simulated_s").get<double>())).c_str());
  }
  if (run.cost_error) {
    std::fprintf(stderr, "%s: cost: %s (the result was written without a price)\n", sc->path.c_str(), run.cost_error->c_str());
  }
  if (!run.verdict.threshold_error.empty()) {
    std::fprintf(stderr, "%s: thresholds: %s\n", sc->path.c_str(), run.verdict.threshold_error.c_str());
  }
  return app::exit_code(run.verdict);
}

ExitCode run_check(int argc, char** argv) {
  Args args("check", {
                         {"set", "", true, true, "PATH=VALUE  override a scenario key (repeatable)"},
                         {"overlay", "", true, true, "FILE  apply a YAML file of PATH: VALUE overrides before --set (repeatable)"},
                         {"help", "h", false, false, "show this help"},
                     });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast check SCENARIO [--overlay FILE]... [--set PATH=VALUE]...\n\nValidates SCENARIO without running it.\n\n%s", args.help().c_str());
    return ExitCode::kOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expected exactly one scenario file");
  const auto sc = read_scenario(args.positionals()[0], args);
  if (!sc) return ExitCode::kUsage;
  // Thresholds name metrics of the result: checked against the keys a run of this scenario has.
  const auto problems = app::check_scenario_thresholds(*sc);
  for (const auto& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
  if (!problems.empty()) return ExitCode::kUsage;
  const std::size_t flows = sc->workload.flows.size();
  const std::string flow_text = flows == 0 ? "" : ", " + std::to_string(flows) + (flows == 1 ? " flow" : " flows");
  std::printf("%s: ok (%s, %zu request class%s%s, %s)\n", args.positionals()[0].c_str(), sc->name.c_str(),
              sc->workload.classes.size(), sc->workload.classes.size() == 1 ? "" : "es", flow_text.c_str(),
              sim::format_duration(sc->duration).c_str());
  for (const auto& c : sc->initial_capacity) {
    if (c.from_auto) std::printf("  %s: auto -> %s (%s)\n", c.path.c_str(), reports::fixed(c.value, 1).c_str(), c.basis.c_str());
  }
  return ExitCode::kOk;
}

}  // namespace loadcast::cli
