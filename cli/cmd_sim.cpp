// loadcast sim / loadcast check: load a scenario, simulate it, write the outputs.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cost/cost.hpp"
#include "cost/infracost_usage.hpp"
#include "reports/result.hpp"
#include "reports/summary_report.hpp"
#include "reports/threshold.hpp"
#include "reports/run_outputs.hpp"
#include "scenarios/loader/default_scenario.hpp"
#include "scenarios/loader/scenario.hpp"
#include "scenarios/loader/simulate.hpp"

namespace loadcast::cli {

namespace {

#ifndef LOADCAST_SOURCE_DIR
#define LOADCAST_SOURCE_DIR "."
#endif

using scenario::kDefaultScenario;

std::vector<scenario::Override> overrides_from(const Args& args) {
  std::vector<scenario::Override> out;
  for (const auto& text : args.get_all("set")) {
    try {
      out.push_back(scenario::parse_override(text));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--set ") + e.what());
    }
  }
  return out;
}

std::string fmt_count(std::uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

void print_summary(const reports::Result& r, const scenario::SimStats& stats) {
  std::fputs(reports::render_text(r).c_str(), stdout);
  std::printf("engine     %s events in %.2f s wall (%.2f M events/s)\n", fmt_count(stats.events).c_str(), stats.wall_s,
              stats.wall_s > 0 ? static_cast<double>(stats.events) / stats.wall_s / 1e6 : 0.0);
}

int report_load_error(const scenario::LoadError& e) {
  for (const auto& line : e.errors()) std::fprintf(stderr, "%s\n", line.c_str());
  return kExitUsage;
}

}  // namespace

int run_sim(int argc, char** argv) {
  Args args("sim", {
                       {"seed", "", true, false, "N  random seed (default: the scenario's seed)"},
                       {"replications", "r", true, false, "R  independent replications, run in parallel (default 1)"},
                       {"precision", "", true, false,
                        "P  add replications (rounds of 4, up to --replications, default 100) until the 95 % CI of the mean latency is within ±P (e.g. 0.02)"},
                       {"threads", "t", true, false, "T  worker threads (default: all cores)"},
                       {"duration", "d", true, false, "D  simulated duration, overrides the scenario (e.g. 30m)"},
                       {"set", "", true, true, "PATH=VALUE  override a scenario key (repeatable)"},
                       {"out", "o", true, false, "DIR  output directory (default out)"},
                       {"infracost-usage", "", true, false, "FILE  write the metered usage as an Infracost usage file"},
                       {"quiet", "q", false, false, "print nothing but errors"},
                       {"help", "h", false, false, "show this help"},
                   });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast sim [SCENARIO] [options]\n\nSimulates SCENARIO (default %s) and writes DIR/result.json, timeseries.csv, report.html and report.md.\n\n%s",
                kDefaultScenario, args.help().c_str());
    return kExitOk;
  }
  if (args.positionals().size() > 1) throw UsageError("expected one scenario file, got " + std::to_string(args.positionals().size()));
  const bool given = !args.positionals().empty();
  scenario::SimOptions options;
  options.seed = args.get_u64("seed");
  if (auto r = args.get_u64("replications")) {
    if (*r < 1 || *r > 100000) throw UsageError("--replications must be between 1 and 100000");
    options.replications = *r;
  }
  if (auto p = args.get_double("precision")) {
    if (!(*p > 0.0 && *p < 1.0)) throw UsageError("--precision must be a fraction between 0 and 1, e.g. 0.02");
    options.precision = *p;
    if (!args.has("replications")) options.replications = 100;
  }
  if (auto t = args.get_u64("threads")) {
    if (*t < 1 || *t > 1024) throw UsageError("--threads must be between 1 and 1024");
    options.threads = static_cast<unsigned>(*t);
  }
  if (auto d = args.get_duration_ns("duration")) {
    if (*d <= 0) throw UsageError("--duration must be longer than 0s");
    options.duration = *d;
  }
  scenario::Scenario sc;
  try {
    // Without a scenario: bookmark-prod from the working directory, the source tree, or the
    // copy compiled into the binary.
    sc = given ? scenario::load_file(args.positionals()[0], overrides_from(args))
               : scenario::load_default_scenario({".", LOADCAST_SOURCE_DIR}, overrides_from(args));
  } catch (const scenario::LoadError& e) {
    return report_load_error(e);
  }
  const std::string& path = sc.path;
  if (options.duration && sc.warmup >= *options.duration) {
    throw UsageError("--duration must be longer than the scenario's warm-up (" + sim::format_duration(sc.warmup) + ")");
  }
  scenario::SimStats stats;
  const scenario::SimRun run = scenario::simulate(sc, options, &stats);
  reports::Result result = run.to_result();
  // Thresholds are judged on the finished result (cost included), like on a measured one; a run
  // whose pricing failed is still written, with the reason in its cost section.
  const std::optional<std::string> cost_error = cost::cost_error(result);
  std::string threshold_error;
  if (!cost_error) {
    try {
      result.thresholds = reports::evaluate_thresholds(sc.thresholds, result.to_json());
    } catch (const reports::ThresholdError& e) {
      threshold_error = e.what();
    }
  }
  const std::string dir = args.get("out").value_or("out");
  reports::write_run_outputs(result, dir);
  if (auto usage_file = args.get("infracost-usage")) {
    cost::InfracostOptions infracost;
    infracost.region = sc.region;
    infracost.period_seconds = sc.cost.period_seconds;
    cost::Usage usage = run.usage.value_or(cost::Usage{});
    if (usage.fixed_costs.empty()) usage.fixed_costs = sc.cost.fixed_costs;
    reports::write_text_file(*usage_file, cost::infracost_usage_yaml(usage, infracost));
  }
  if (!args.has("quiet")) {
    print_summary(result, stats);
    std::printf("wrote      %s/result.json, timeseries.csv, report.html, report.md\n", dir.c_str());
  }
  if (cost_error) {
    std::fprintf(stderr, "%s: cost: %s (the result was written without a price)\n", path.c_str(), cost_error->c_str());
    return kExitFailure;
  }
  if (!threshold_error.empty()) {
    std::fprintf(stderr, "%s: thresholds: %s\n", path.c_str(), threshold_error.c_str());
    return kExitUsage;
  }
  bool all_ok = true;
  for (const auto& v : result.thresholds) all_ok = all_ok && v.ok;
  return all_ok ? kExitOk : kExitThresholds;
}

int run_check(int argc, char** argv) {
  Args args("check", {
                         {"set", "", true, true, "PATH=VALUE  override a scenario key (repeatable)"},
                         {"help", "h", false, false, "show this help"},
                     });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast check SCENARIO [--set PATH=VALUE]...\n\nValidates SCENARIO without running it.\n\n%s", args.help().c_str());
    return kExitOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expected exactly one scenario file");
  try {
    const auto sc = scenario::load_file(args.positionals()[0], overrides_from(args));
    std::printf("%s: ok (%s, %zu request class%s, %s)\n", args.positionals()[0].c_str(), sc.name.c_str(),
                sc.workload.classes.size(), sc.workload.classes.size() == 1 ? "" : "es",
                sim::format_duration(sc.duration).c_str());
  } catch (const scenario::LoadError& e) {
    return report_load_error(e);
  }
  return kExitOk;
}

}  // namespace loadcast::cli
