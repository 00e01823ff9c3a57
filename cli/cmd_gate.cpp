// loadcast gate RESULT [--baseline BASE] [--threshold EXPR]... [--max-regression PCT]
//               [--junit FILE] [--markdown FILE] [--quiet]
// Exit 0 when every check passes, 99 when a threshold fails or a metric regresses, 2 on a
// malformed expression, an unknown metric or an unreadable result.
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "app/gate.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/scenario_file.hpp"
#include "reports/result.hpp"
#include "reports/run_outputs.hpp"

namespace loadcast::cli {

ExitCode run_gate(int argc, char** argv) {
  Args args("gate", {
                        {"baseline", "b", true, false, "BASE  compare with this result.json"},
                        {"threshold", "t", true, true, "EXPR  e.g. 'latency_ms.p95 < 300' (repeatable)"},
                        {"max-regression", "", true, false, "PCT  tolerated worsening against the baseline (default 10)"},
                        {"junit", "", true, false, "FILE  write JUnit XML"},
                        {"markdown", "", true, false, "FILE  write a Markdown summary"},
                        {"quiet", "q", false, false, "print nothing but errors"},
                        {"help", "h", false, false, "show this help"},
                    });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast gate RESULT [--baseline BASE] [--threshold EXPR]... [--max-regression PCT] "
                "[--junit FILE] [--markdown FILE]\n\nChecks a result for CI: its own thresholds and those given, and "
                "regressions against a baseline.\nExit 0 all pass, 99 a check failed, 2 bad expression, unknown metric "
                "or unreadable file.\n\n%s",
                args.help().c_str());
    return ExitCode::kOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expected exactly one result file (result.json)");
  reports::GateOptions options;
  options.thresholds = args.get_all("threshold");
  if (auto pct = args.get_double("max-regression")) {
    if (!(*pct >= 0.0) || !std::isfinite(*pct)) throw UsageError("--max-regression must be a percentage >= 0, got " + args.get("max-regression").value_or(""));
    options.max_regression_pct = *pct;
  }
  for (const char* flag : {"junit", "markdown"}) {
    if (auto path = args.get(flag)) check_output(*path, true);
  }
  reports::Json current;
  std::optional<reports::Json> baseline;
  try {
    current = reports::load_result(args.positionals()[0]).to_json();
    if (auto b = args.get("baseline")) {
      baseline = reports::load_result(*b).to_json();
      options.baseline_name = *b;
    }
    options.current_name = args.positionals()[0];
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "loadcast gate: %s\n", e.what());
    return ExitCode::kUsage;
  }
  const app::GateRun run = app::gate(current, baseline, options);
  if (!run.verdict.threshold_error.empty()) {
    std::fprintf(stderr, "loadcast gate: %s\n", run.verdict.threshold_error.c_str());
    return app::exit_code(run.verdict);
  }
  if (auto path = args.get("junit")) reports::write_text_file(*path, reports::gate_junit(run.report, args.positionals()[0]));
  if (auto path = args.get("markdown")) reports::write_text_file(*path, reports::gate_markdown(run.report));
  if (!args.has("quiet")) std::fputs(reports::gate_text(run.report).c_str(), stdout);
  return app::exit_code(run.verdict);
}

}  // namespace loadcast::cli
