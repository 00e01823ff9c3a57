// loadcast validate: run a scenario's load against a target and its simulation, and report
// predicted against measured (app/validate.hpp).
#include <cstdio>
#include <string>

#include "app/validate.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/load_options.hpp"
#include "cli/scenario_file.hpp"
#include "loadgen/summary.hpp"

namespace loadcast::cli {

ExitCode run_validate(int argc, char** argv) {
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
    return ExitCode::kOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expected one scenario file");
  if (!args.has("target")) throw UsageError("--target URL is required");
  app::ValidateOptions options;
  if (auto pct = args.get_double("max-error")) {
    if (!(*pct > 0.0) || *pct > 1000.0) throw UsageError("--max-error must be a percentage above 0 and at most 1000, e.g. 10; got " + args.get("max-error").value_or(""));
    options.tolerance = *pct / 100.0;
  }
  if (auto r = args.get_u64("replications")) {
    if (*r < 1 || *r > 10000) throw UsageError("--replications must be between 1 and 10000, got " + std::to_string(*r));
    options.replications = *r;
  }
  const auto sc = read_scenario(args.positionals()[0], args);
  if (!sc) return ExitCode::kUsage;
  loadgen::LoadConfig config = app::validation_load(*sc, *args.get("target"), args.has("connections"));
  apply_load_options(args, config);

  const std::string dir = args.get("out").value_or("out");
  for (const char* sub : {"", "/load", "/sim"}) check_output(dir + sub);
  install_stop_handlers();
  const auto validation = app::validate(*sc, config, options, stop_flag());
  if (!validation) {
    std::fprintf(stderr, "loadcast validate: stopped early; no comparison made\n");
    return ExitCode::kInterrupted;
  }
  app::write_validation(*validation, dir);
  if (!args.has("quiet")) {
    std::fputs(loadgen::format_summary(validation->measured.result, validation->measured.info).c_str(), stdout);
    std::printf("\npredicted (simulation, %zu replication%s) vs measured (load):\n%s", options.replications,
                options.replications == 1 ? "" : "s", validation->report.text().c_str());
    std::printf("wrote %s/validation.json, %s/load/result.json, %s/sim/result.json\n", dir.c_str(), dir.c_str(),
                dir.c_str());
  }
  return app::exit_code(app::verdict(*validation));
}

}  // namespace loadcast::cli
