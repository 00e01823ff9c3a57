// loadcast validate: run a scenario's load against a target and its simulation, and report
// predicted against measured.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/load_options.hpp"
#include "loadgen/runner.hpp"
#include "loadgen/summary.hpp"
#include "loadgen/validation.hpp"
#include "reports/run_outputs.hpp"
#include "scenarios/loader/scenario.hpp"
#include "scenarios/loader/simulate.hpp"

namespace loadcast::cli {

int run_validate(int argc, char** argv) {
  auto specs = load_option_specs();
  specs.insert(specs.begin(),
               {
                   {"target", "", true, false, "URL  origin the scenario's paths go to (required)"},
                   {"replications", "r", true, false,
                    "R  simulation replications (default 1: replication 0 shares the load's arrival stream)"},
                   {"max-error", "", true, false, "PCT  fail (exit 99) when throughput or a latency percentile is off by more"},
               });
  Args args("validate", specs);
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast validate SCENARIO --target URL [--out DIR] [--max-error PCT] [load options]\n\n"
                "Drives TARGET with the scenario's workload (as loadcast load does), then simulates the same\n"
                "scenario, and writes predicted vs measured throughput, latency and error rate with relative\n"
                "errors: DIR/validation.json, DIR/load/result.json, DIR/sim/result.json (DIR default out).\n\n%s",
                args.help().c_str());
    return kExitOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expected one scenario file");
  if (!args.has("target")) throw UsageError("--target URL is required");
  std::optional<double> tolerance;
  if (auto pct = args.get_double("max-error")) {
    if (!(*pct > 0.0) || *pct > 1000.0) throw UsageError("--max-error must be a percentage above 0, e.g. 10");
    tolerance = *pct / 100.0;
  }
  scenario::SimOptions sim_options;
  if (auto r = args.get_u64("replications")) {
    if (*r < 1 || *r > 10000) throw UsageError("--replications must be between 1 and 10000");
    sim_options.replications = *r;
  }
  scenario::Scenario sc;
  try {
    sc = scenario::load_file(args.positionals()[0], scenario_overrides(args));
  } catch (const scenario::LoadError& e) {
    for (const auto& line : e.errors()) std::fprintf(stderr, "%s\n", line.c_str());
    return kExitUsage;
  }
  loadgen::LoadConfig config = config_from_scenario(sc, *args.get("target"), args);
  // The simulation ends at `duration` and counts what is unfinished as in flight; the load does
  // the same unless --drain says otherwise, so both judge the same population of requests.
  if (!args.has("drain")) config.drain = 0;
  if (const auto problems = config.validate(); !problems.empty()) throw UsageError(problems.front());
  sim_options.seed = config.seed;
  sim_options.duration = config.duration;

  install_stop_handlers();
  const auto measured = loadgen::run_load(config, stop_flag());
  if (measured.info.stopped_early) {
    std::fprintf(stderr, "loadcast validate: stopped early; no comparison made\n");
    return kExitFailure;
  }
  scenario::Scenario simulated = sc;
  simulated.warmup = config.warmup;
  const reports::Result predicted = scenario::simulate(simulated, sim_options).to_result();
  const auto report = loadgen::compare(predicted, measured.result, tolerance);

  const std::string dir = args.get("out").value_or("out");
  reports::write_run_outputs(measured.result, dir + "/load");
  std::filesystem::create_directories(dir + "/sim");
  reports::save_result(predicted, dir + "/sim/result.json");
  std::ofstream(dir + "/validation.json") << report.to_json().dump(2) << '\n';
  if (!args.has("quiet")) {
    std::fputs(loadgen::format_summary(measured.result, measured.info).c_str(), stdout);
    std::printf("\npredicted (simulation, %zu replication%s) vs measured (load):\n%s", sim_options.replications,
                sim_options.replications == 1 ? "" : "s", report.text().c_str());
    std::printf("wrote %s/validation.json, %s/load/result.json, %s/sim/result.json\n", dir.c_str(), dir.c_str(),
                dir.c_str());
  }
  if (!measured.result.requests.balanced()) return kExitFailure;
  return report.passed() ? kExitOk : kExitThresholds;
}

}  // namespace loadcast::cli
