// loadcast sweep SCENARIO --grid PATH=V1,V2,... [--grid ...] [--replications R] [--seed N]
//                [--duration D] [--set PATH=VALUE]... [--threads T] [--shard i/N]
//                [--max-error-rate X] [--out DIR]
// loadcast sweep --merge SHARD_DIR_OR_FILE... [--out DIR]
// Writes DIR/sweep.json, sweep.csv, sweep.md, sweep.html and DIR/points/<k>.json per point.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <tuple>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "reports/run_outputs.hpp"
#include "reports/sweep_table.hpp"
#include "scenarios/loader/sweep.hpp"

namespace loadcast::cli {

namespace {

std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  std::size_t i = 0, n = 0;
  const bool ok = slash != std::string::npos &&
                  std::from_chars(text.data(), text.data() + slash, i).ptr == text.data() + slash && slash > 0 &&
                  std::from_chars(text.data() + slash + 1, text.data() + text.size(), n).ptr == text.data() + text.size() &&
                  slash + 1 < text.size();
  if (!ok) throw UsageError("--shard must be i/N with whole numbers, e.g. 0/4, got '" + text + "'");
  if (n == 0 || i >= n) throw UsageError("--shard i/N needs 0 <= i < N, got '" + text + "'");
  return {i, n};
}

int merge(const Args& args, const std::string& dir) {
  std::vector<reports::SweepTable> shards;
  try {
    for (const auto& p : args.positionals()) shards.push_back(reports::read_sweep_table(p));
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "loadcast sweep: %s\n", e.what());
    return kExitUsage;
  }
  reports::SweepTable merged;
  try {
    merged = reports::merge_sweeps(shards);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "loadcast sweep: %s\n", e.what());
    return kExitUsage;
  }
  reports::write_sweep_outputs(merged, dir + "/sweep");
  if (!args.has("quiet")) std::printf("%s\nwrote      %s/sweep.{json,csv,md,html}\n", merged.markdown().c_str(), dir.c_str());
  return kExitOk;
}

}  // namespace

int run_sweep(int argc, char** argv) {
  Args args("sweep", {
                         {"grid", "g", true, true, "PATH=V1,V2,...  a scenario key and its values (repeatable)"},
                         {"replications", "r", true, false, "R  replications per point (default 1)"},
                         {"seed", "", true, false, "N  random seed for every point (default: the scenario's)"},
                         {"duration", "d", true, false, "D  simulated duration, overrides the scenario"},
                         {"set", "", true, true, "PATH=VALUE  override a key at every point (repeatable)"},
                         {"threads", "t", true, false, "T  worker threads (default: all cores)"},
                         {"shard", "", true, false, "i/N  run the points k with k % N == i (0-based)"},
                         {"max-error-rate", "", true, false, "X  points above this error rate stay off the Pareto frontier (default 0.01)"},
                         {"merge", "", false, false, "join shard outputs (directories or sweep.json files) given as arguments"},
                         {"out", "o", true, false, "DIR  output directory (default sweep-out)"},
                         {"quiet", "q", false, false, "print nothing but errors"},
                         {"help", "h", false, false, "show this help"},
                     });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast sweep SCENARIO --grid PATH=V1,V2,... [--grid ...] [options]\n"
                "       loadcast sweep --merge SHARD... [--out DIR]\n\nSimulates every combination of the grid values and "
                "tabulates p95, p99, error rate and monthly cost per point, with the cost/p95 Pareto frontier.\n\n%s",
                args.help().c_str());
    return kExitOk;
  }
  const std::string dir = args.get("out").value_or("sweep-out");
  if (args.has("merge")) {
    if (args.positionals().empty()) throw UsageError("--merge needs the shard outputs (directories or sweep.json files)");
    return merge(args, dir);
  }
  if (args.positionals().size() != 1) throw UsageError("expected exactly one scenario file");
  scenario::SweepOptions options;
  for (const auto& g : args.get_all("grid")) {
    try {
      options.axes.push_back(scenario::parse_grid(g));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--grid ") + e.what());
    }
  }
  if (options.axes.empty()) throw UsageError("give at least one --grid PATH=V1,V2,...");
  for (const auto& s : args.get_all("set")) {
    try {
      options.base.push_back(scenario::parse_override(s));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--set ") + e.what());
    }
  }
  options.sim.seed = args.get_u64("seed");
  if (auto r = args.get_u64("replications")) {
    if (*r < 1 || *r > 10000) throw UsageError("--replications must be between 1 and 10000");
    options.sim.replications = *r;
  }
  if (auto t = args.get_u64("threads")) {
    if (*t < 1 || *t > 1024) throw UsageError("--threads must be between 1 and 1024");
    options.sim.threads = static_cast<unsigned>(*t);
  }
  if (auto d = args.get_duration_ns("duration")) {
    if (*d <= 0) throw UsageError("--duration must be longer than 0s");
    options.sim.duration = *d;
  }
  if (auto s = args.get("shard")) std::tie(options.shard, options.shards) = parse_shard(*s);
  if (auto x = args.get_double("max-error-rate")) {
    if (!(*x >= 0.0 && *x <= 1.0)) throw UsageError("--max-error-rate must be between 0 and 1");
    options.max_error_rate = *x;
  }
  if (scenario::grid_size(options.axes) > scenario::kMaxSweepPoints) {
    throw UsageError("the grid has more than " + std::to_string(scenario::kMaxSweepPoints) + " points");
  }
  scenario::SweepRun run;
  try {
    run = scenario::run_sweep(args.positionals()[0], options);
  } catch (const scenario::LoadError& e) {
    for (const auto& line : e.errors()) std::fprintf(stderr, "%s\n", line.c_str());
    return kExitUsage;
  }
  std::filesystem::create_directories(dir + "/points");
  reports::write_sweep_outputs(run.table, dir + "/sweep");
  for (std::size_t i = 0; i < run.results.size(); ++i) {
    reports::save_result(run.results[i], dir + "/points/" + std::to_string(run.table.points[i].index) + ".json");
  }
  if (!args.has("quiet")) {
    std::printf("%s\nwrote      %s/sweep.{json,csv,md,html} and %zu point results in %s/points/\n",
                run.table.markdown().c_str(), dir.c_str(), run.results.size(), dir.c_str());
  }
  return kExitOk;
}

}  // namespace loadcast::cli
