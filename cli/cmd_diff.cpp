// loadcast diff BASE CANDIDATE [--fail-on EXPR]... [--markdown FILE] [--json FILE] [--quiet]
// Prints what changed between two results (sim or load) as Markdown: monthly cost by line item,
// p50/p95/p99 and error rate per class, task and ACU peaks, scale-outs and scale-ins
// (reports/diff.hpp). Exit 0, 99 when a --fail-on condition holds, 2 on a malformed condition,
// an unknown key or an unreadable result.
#include <cstdio>
#include <optional>
#include <string>

#include "app/diff.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "reports/format.hpp"
#include "reports/markup.hpp"
#include "reports/result.hpp"
#include "reports/run_outputs.hpp"

namespace loadcast::cli {

ExitCode run_diff(int argc, char** argv) {
  Args args("diff", {
                        {"fail-on", "", true, true, "EXPR  fail (exit 99) when it holds, e.g. 'cost.total.change_pct > 10' (repeatable)"},
                        {"markdown", "", true, false, "FILE  also write the Markdown to FILE"},
                        {"json", "", true, false, "FILE  write the compared values as JSON (the keys --fail-on reads)"},
                        {"quiet", "q", false, false, "print nothing but errors and failed conditions"},
                        {"help", "h", false, false, "show this help"},
                    });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast diff BASE CANDIDATE [--fail-on EXPR]... [--markdown FILE] [--json FILE]\n\n"
                "Compares two results (result.json of sim or load) for a pull request: monthly cost by line item, "
                "latency and error rate per class, task and ACU peaks, scaling counts.\n"
                "--fail-on keys: cost.total, cost.items.ITEM, latency_ms.p50|p95|p99, error_rate, classes.CLASS.latency_ms.pNN, "
                "classes.CLASS.error_rate, services.SVC.tasks_max|scale_outs|scale_ins, databases.DB.acu_max; each with "
                ".base, .candidate, .change or .change_pct.\n"
                "Exit 0, 99 a --fail-on condition holds, 2 bad condition or unreadable file.\n\n%s",
                args.help().c_str());
    return ExitCode::kOk;
  }
  if (args.positionals().size() != 2) throw UsageError("expected two result files: BASE CANDIDATE");
  const std::string& base_path = args.positionals()[0];
  const std::string& candidate_path = args.positionals()[1];
  reports::Json base;
  reports::Json candidate;
  try {
    base = reports::load_result(base_path).to_json();
    candidate = reports::load_result(candidate_path).to_json();
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "loadcast diff: %s\n", e.what());
    return ExitCode::kUsage;
  }
  const app::DiffRun run = app::diff(base, candidate, base_path, candidate_path, args.get_all("fail-on"));
  if (!run.verdict.threshold_error.empty()) {
    std::fprintf(stderr, "loadcast diff: %s\n", run.verdict.threshold_error.c_str());
    return app::exit_code(run.verdict);
  }
  std::string md = reports::diff_markdown(run.report);
  if (!run.conditions.empty()) {
    md += "**Conditions**\n\n| | fail on | value |\n|---|---|---:|\n";
    for (const auto& c : run.conditions) {
      md += std::string("| ") + (c.ok ? "✅" : "❌") + " | `" + reports::escape_md_cell(c.expr) + "` | " + reports::format_value(c.value) + " |\n";
    }
    md += "\n";
  }
  if (auto path = args.get("markdown")) reports::write_text_file(*path, md);
  if (auto path = args.get("json")) reports::write_text_file(*path, run.report.json().dump(2) + "\n");
  if (!args.has("quiet")) std::fputs(md.c_str(), stdout);
  for (const auto& c : run.conditions) {
    if (!c.ok) std::fprintf(stderr, "loadcast diff: condition holds: %s (%s)\n", c.expr.c_str(), c.detail.c_str());
  }
  return app::exit_code(run.verdict);
}

}  // namespace loadcast::cli
