// loadcast: one binary, subcommands. Thin: parse, dispatch, map exceptions to exit codes.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"

#ifndef LOADCAST_VERSION
#define LOADCAST_VERSION "0.0.0"
#endif

namespace {

using loadcast::app::ExitCode;

struct Command {
  const char* name;
  ExitCode (*run)(int, char**);
  const char* summary;
};

// Only subcommands that work are listed.
constexpr Command kCommands[] = {
    {"sim", loadcast::cli::run_sim, "simulate a scenario; print a summary, write result.json and reports"},
    {"check", loadcast::cli::run_check, "validate a scenario file without running it"},
    {"load", loadcast::cli::run_load, "send HTTP load (quick mode --url, or a scenario) and measure it"},
    {"testbed", loadcast::cli::run_testbed, "serve HTTP with C worker slots and a known service-time law"},
    {"merge", loadcast::cli::run_merge, "merge the shard results of one load run exactly (histograms add)"},
    {"validate", loadcast::cli::run_validate, "load a target and simulate the same scenario; predicted vs measured"},
    {"report", loadcast::cli::run_report, "render a stored result as HTML, Markdown or text"},
    {"gate", loadcast::cli::run_gate, "CI gate: thresholds and baseline regressions; exit 99 on failure"},
    {"diff", loadcast::cli::run_diff, "compare two results for a pull request: cost by line, latency, scaling; exit 99 with --fail-on"},
    {"sweep", loadcast::cli::run_sweep, "what-if grid over scenario keys: latency, errors and cost per point"},
    {"import", loadcast::cli::run_import, "write a scenario from a Copilot workspace or a Terraform plan"},
    {"calibrate", loadcast::cli::run_calibrate, "fit per-class CPU demands from load results and CloudWatch data; write an overlay"},
    {"compare", loadcast::cli::run_compare, "predicted vs observed over time: a result's series against CloudWatch data"},
};

void print_help() {
  std::printf("loadcast %s: AWS web-stack simulator and load generator\n\n", LOADCAST_VERSION);
  std::printf("usage: loadcast <command> [arguments]   (loadcast <command> --help for its options)\n\ncommands:\n");
  for (const auto& c : kCommands) std::printf("  %-10s %s\n", c.name, c.summary);
  std::printf("\nexit codes: 0 ok, 1 runtime failure, 2 usage error or invalid scenario, 3 partial import, 99 thresholds failed, 105 interrupted\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    print_help();
    return static_cast<int>(argc < 2 ? ExitCode::kUsage : ExitCode::kOk);
  }
  if (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "version") == 0) {
    std::printf("loadcast %s\n", LOADCAST_VERSION);
    return static_cast<int>(ExitCode::kOk);
  }
  for (const auto& c : kCommands) {
    if (std::strcmp(argv[1], c.name) != 0) continue;
    try {
      return static_cast<int>(c.run(argc - 2, argv + 2));
    } catch (const loadcast::cli::UsageError& e) {
      std::fprintf(stderr, "loadcast %s: %s\n", c.name, e.what());
      return static_cast<int>(ExitCode::kUsage);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "loadcast %s: %s\n", c.name, e.what());
      return static_cast<int>(ExitCode::kFailure);
    }
  }
  std::fprintf(stderr, "loadcast: unknown command '%s' (see loadcast --help)\n", argv[1]);
  return static_cast<int>(ExitCode::kUsage);
}
