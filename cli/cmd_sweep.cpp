// loadcast sweep SCENARIO --grid PATH=V1,V2,... [--grid ...] [--replications R] [--seed N]
//                [--duration D] [--set PATH=VALUE]... [--threads T] [--shard i/N]
//                [--max-error-rate X] [--out DIR]
// loadcast sweep --merge SHARD_DIR_OR_FILE... [--out DIR]
// Writes DIR/sweep.json, sweep.csv, sweep.md, sweep.html and DIR/points/<k>.json per point.
#include <cstdio>
#include <string>
#include <utility>

#include "app/command_options.hpp"
#include "app/sweep.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/scenario_file.hpp"
#include "reports/run_outputs.hpp"
#include "sim/time.hpp"

namespace loadcast::cli {

ExitCode run_sweep(int argc, char** argv) {
  Args args("sweep", {
                         {"grid", "g", true, true, "PATH=V1,V2,...  a scenario key and its values (repeatable)"},
                         {"replications", "r", true, false, "R  replications per point (default 1)"},
                         {"seed", "", true, false, "N  random seed for every point (default: the scenario's)"},
                         {"duration", "d", true, false, "D  simulated duration, overrides the scenario"},
                         {"warmup", "", true, false, "D  warm-up not measured, overrides the scenario"},
                         {"window", "", true, false, "FROM..TO  summarise this span too (window.* metrics for --where)"},
                         {"set", "", true, true, "PATH=VALUE  override a key at every point (repeatable)"},
                         {"threads", "t", true, false, "T  worker threads (default: all cores)"},
                         {"shard", "", true, false, "i/N  run the points k with k % N == i (0-based)"},
                         {"max-error-rate", "", true, false, "X  points above this error rate never answer nor join the Pareto frontier (default 0.01)"},
                         {"where", "", true, true, "EXPR  the answer must satisfy it, e.g. 'latency_ms.p99 < 200' (threshold syntax; repeatable)"},
                         {"minimize", "", true, false, "METRIC  what the answer minimizes (default: the monthly cost, or the event's own cost for a run shorter than cost.period)"},
                         {"pareto", "", true, false, "METRIC  the latency of the Pareto frontier (default latency_ms.p95)"},
                         {"metrics", "", true, false, "M1,M2,...  the columns of the table (default p95, p99, error rate, ok req/s and cost)"},
                         {"merge", "", false, false, "join shard outputs (directories or sweep.json files) given as arguments"},
                         {"out", "o", true, false, "DIR  output directory (default sweep-out)"},
                         {"quiet", "q", false, false, "print nothing but errors"},
                         {"help", "h", false, false, "show this help"},
                     });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast sweep SCENARIO --grid PATH=V1,V2,... [--grid ...] [options]\n"
                "       loadcast sweep --merge SHARD... [--out DIR]\n\nSimulates every combination of the grid values and "
                "answers first which point minimizes --minimize (default the cost) among those satisfying every --where,\n"
                "then tabulates the --metrics per point with the Pareto frontier of the cost and --pareto.\n\n%s",
                args.help().c_str());
    return ExitCode::kOk;
  }
  const std::string dir = args.get("out").value_or("sweep-out");
  check_output(dir);
  if (args.has("merge")) {
    if (args.positionals().empty()) throw UsageError("--merge needs the shard outputs (directories or sweep.json files)");
    const reports::SweepTable merged = app::merge_sweep_files(args.positionals());
    reports::write_sweep_outputs(merged, dir + "/sweep");
    if (!args.has("quiet")) std::printf("%s\nwrote      %s/sweep.{json,csv,md,html}\n", merged.markdown().c_str(), dir.c_str());
    return ExitCode::kOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expected exactly one scenario file");
  app::SweepOptions options;
  options.axes = app::parse_grids(args.get_all("grid"));
  if (options.axes.empty()) throw UsageError("give at least one --grid PATH=V1,V2,...");
  options.base = app::parse_set(args.get_all("set"));
  options.sim.seed = args.get_u64("seed");
  if (auto r = args.get_u64("replications")) {
    if (*r < 1 || *r > 10000) throw UsageError("--replications must be between 1 and 10000, got " + std::to_string(*r));
    options.sim.replications = *r;
  }
  if (auto t = args.get_u64("threads")) {
    if (*t < 1 || *t > 1024) throw UsageError("--threads must be between 1 and 1024, got " + std::to_string(*t));
    options.sim.threads = static_cast<unsigned>(*t);
  }
  if (auto d = args.get_duration_ns("duration")) {
    if (*d <= 0) throw UsageError("--duration must be longer than 0s, got " + sim::format_duration(*d));
    options.sim.duration = *d;
  }
  if (auto w = args.get_duration_ns("warmup")) options.sim.warmup = *w;
  if (auto w = args.get("window")) {
    const app::Window window = app::parse_window(*w);
    options.sim.window = std::pair{window.from, window.to};
  }
  if (auto s = args.get("shard")) {
    const auto shard = app::parse_shard(*s, "0/4");
    options.shard = shard.index;
    options.shards = shard.count;
  }
  if (auto x = args.get_double("max-error-rate")) {
    if (!(*x >= 0.0 && *x <= 1.0)) throw UsageError("--max-error-rate must be between 0 and 1, got " + args.get("max-error-rate").value_or(""));
    options.max_error_rate = *x;
  }
  options.where = args.get_all("where");
  options.minimize = args.get("minimize").value_or("");
  options.pareto = args.get("pareto").value_or(reports::kDefaultPareto);
  if (auto m = args.get("metrics")) {
    std::string cur;
    for (char ch : *m + ",") {
      if (ch != ',') {
        cur += ch;
        continue;
      }
      const auto first = cur.find_first_not_of(' ');
      if (first == std::string::npos) throw UsageError("--metrics must be METRIC,METRIC,... without empty names, got '" + *m + "'");
      options.columns.push_back(cur.substr(first, cur.find_last_not_of(' ') - first + 1));
      cur.clear();
    }
  }
  if (app::grid_size(options.axes) > app::kMaxSweepPoints) {
    throw UsageError("the grid has more than " + std::to_string(app::kMaxSweepPoints) + " points");
  }
  app::SweepRun run;
  try {
    run = app::run_sweep(args.positionals()[0], options);
  } catch (const scenario::LoadError& e) {
    print_load_errors(e);
    return ExitCode::kUsage;
  }
  app::write_sweep_run(run, dir);
  if (!args.has("quiet")) {
    std::printf("%s\nwrote      %s/sweep.{json,csv,md,html} and %zu point results in %s/points/\n",
                run.table.markdown().c_str(), dir.c_str(), run.results.size(), dir.c_str());
  }
  return ExitCode::kOk;
}

}  // namespace loadcast::cli
