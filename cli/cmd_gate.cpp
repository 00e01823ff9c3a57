// loadcast gate RESULT [--baseline BASE] [--threshold EXPR]... [--max-regression PCT]
//               [--junit FILE] [--markdown FILE] [--quiet]
// Exit 0 when every check passes, 99 when a threshold fails or a metric regresses, 2 on a
// malformed expression, an unknown metric or an unreadable result.
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "reports/gate.hpp"
#include "reports/result.hpp"
#include "reports/run_outputs.hpp"
#include "reports/threshold.hpp"

namespace loadcast::cli {

int run_gate(int argc, char** argv) {
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
    return kExitOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expected exactly one result file (result.json)");
  reports::GateOptions options;
  options.thresholds = args.get_all("threshold");
  if (auto pct = args.get_double("max-regression")) {
    if (!(*pct >= 0.0) || !std::isfinite(*pct)) throw UsageError("--max-regression must be a percentage >= 0");
    options.max_regression_pct = *pct;
  }
  reports::Json current;
  std::optional<reports::Json> baseline;
  try {
    current = reports::load_result(args.positionals()[0]).to_json();
    if (auto b = args.get("baseline")) baseline = reports::load_result(*b).to_json();
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "loadcast gate: %s\n", e.what());
    return kExitUsage;
  }
  const bool own = current.contains("thresholds") && !current["thresholds"].empty();
  if (!own && options.thresholds.empty() && !baseline) {
    throw UsageError("nothing to check: the result has no thresholds; give --threshold EXPR or --baseline BASE");
  }
  reports::GateReport report;
  try {
    report = reports::run_gate(current, baseline, options);
  } catch (const reports::ThresholdError& e) {
    std::fprintf(stderr, "loadcast gate: %s\n", e.what());
    return kExitUsage;
  }
  if (auto path = args.get("junit")) reports::write_text_file(*path, reports::gate_junit(report, args.positionals()[0]));
  if (auto path = args.get("markdown")) reports::write_text_file(*path, reports::gate_markdown(report));
  if (!args.has("quiet")) std::fputs(reports::gate_text(report).c_str(), stdout);
  return report.passed() ? kExitOk : kExitThresholds;
}

}  // namespace loadcast::cli
