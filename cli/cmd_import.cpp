// loadcast import copilot DIR [--env NAME] [--region R] [--name N] [--out FILE] [--quiet]
// loadcast import terraform PLAN.json... [--name N] [--out FILE] [--quiet]
// loadcast import alb-logs FILE... [--class NAME=METHOD:REGEX]... [--max-classes K] [--interval D] [--skip-bad N]
//                                  [--observed FILE.json] [--name N] [--out FILE] [--quiet]
// Writes a scenario from existing infrastructure (app/import.hpp). With --out the scenario goes
// to FILE and the report (what to fill in, what was not imported) to stdout; without it the
// scenario goes to stdout and the report to stderr. Exit 0 complete, 3 partial, 2 invalid input.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "app/import.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"

namespace loadcast::cli {

namespace {

using scenario::ImportFinding;

void print_report(std::FILE* to, const app::ImportOutcome& o, const std::string& source) {
  const auto& r = o.result;
  std::fprintf(to, "imported %s as scenario %s%s\n", source.c_str(), r.name.c_str(), o.written.empty() ? "" : (" -> " + o.written).c_str());
  std::fprintf(to, "\nfill in (written as assumptions, marked ASSUMPTION in the scenario; loadcast check accepts them):\n");
  for (std::size_t i = 0; i < r.fill_in.size(); ++i) std::fprintf(to, "  %zu. %s\n", i + 1, r.fill_in[i].c_str());
  if (r.count(ImportFinding::Kind::kNotImported) > 0) {
    std::fprintf(to, "\nnot imported (loadcast cannot model these; exit %d: the import is partial):\n", static_cast<int>(app::ExitCode::kPartial));
    for (const auto& f : r.findings) {
      if (f.kind == ImportFinding::Kind::kNotImported) std::fprintf(to, "  %s: %s\n", f.where.c_str(), f.what.c_str());
    }
  }
  if (r.count(ImportFinding::Kind::kNote) > 0) {
    std::fprintf(to, "\nnotes:\n");
    for (const auto& f : r.findings) {
      if (f.kind == ImportFinding::Kind::kNote) std::fprintf(to, "  %s: %s\n", f.where.c_str(), f.what.c_str());
    }
  }
  if (const std::size_t n = r.count(ImportFinding::Kind::kIgnored); n > 0) {
    std::fprintf(to, "\nignored: %zu item%s outside what loadcast models (IAM, networking, images...), listed in the scenario's header\n", n,
                 n == 1 ? "" : "s");
  }
}

// What the access logs held: lines read and skipped, the span, the classes with their observed latency.
void print_alb_summary(std::FILE* to, const scenario::AlbLogImport& a, const std::optional<std::string>& observed) {
  std::fprintf(to, "read %lld lines: %lld entries, %zu skipped, %lld without a request line (left out)\n", static_cast<long long>(a.lines),
               static_cast<long long>(a.entries), a.skipped.size(), static_cast<long long>(a.without_request));
  for (const auto& s : a.skipped) std::fprintf(to, "  skipped %s\n", s.c_str());
  const double span = a.last_arrival_s - a.first_arrival_s;
  std::fprintf(to, "span: %.0f s of arrivals in %zu intervals of %s\n", span, a.per_interval.size(), sim::format_duration(a.interval).c_str());
  std::fprintf(to, "%-28s %10s %9s %9s %9s %8s %8s %9s\n", "class", "requests", "p50 ms", "p95 ms", "p99 ms", "4xx", "5xx", "target -1");
  for (const auto& c : a.classes) {
    // A percentile without samples (every entry -1) is shown as "-", never as a number.
    auto ms = [](const std::optional<double>& v) {
      char buf[32];
      if (v) std::snprintf(buf, sizeof buf, "%.1f", *v);
      return v ? std::string(buf) : std::string("-");
    };
    std::fprintf(to, "%-28s %10lld %9s %9s %9s %8lld %8lld %9lld\n", c.name.c_str(), static_cast<long long>(c.requests), ms(c.target_ms_p50).c_str(),
                 ms(c.target_ms_p95).c_str(), ms(c.target_ms_p99).c_str(), static_cast<long long>(c.status_4xx),
                 static_cast<long long>(c.status_5xx), static_cast<long long>(c.target_time_missing));
  }
  if (observed) std::fprintf(to, "observed per class and interval -> %s\n", observed->c_str());
  std::fputc('\n', to);
}

}  // namespace

ExitCode run_import(int argc, char** argv) {
  Args args("import", {
                          {"env", "e", true, false, "NAME  the Copilot environment whose overrides and addons apply"},
                          {"region", "", true, false, "REGION  the region of a Copilot workspace (its manifests do not record it)"},
                          {"name", "", true, false, "NAME  the scenario's name"},
                          {"class", "", true, true, "NAME=METHOD:REGEX  alb-logs: a request class (first match wins; METHOD * for any)"},
                          {"max-classes", "", true, false, "K  alb-logs: classes kept when clustering (default 8; the rest is 'other')"},
                          {"interval", "", true, false, "D  alb-logs: the counting interval of the rate stages (default 60s)"},
                          {"skip-bad", "", true, false, "N  alb-logs: allow up to N bad lines, each reported (default 0)"},
                          {"observed", "", true, false, "FILE  alb-logs: write the observed latency, statuses and counts per class (JSON)"},
                          {"out", "o", true, false, "FILE  write the scenario here (default: stdout, the report to stderr)"},
                          {"quiet", "q", false, false, "print the report only when something was not imported"},
                          {"help", "h", false, false, "show this help"},
                      });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast import copilot DIR [--env NAME] [--region REGION] [--out FILE]\n"
                "       loadcast import terraform PLAN.json... [--out FILE]\n"
                "       loadcast import alb-logs FILE... [--class NAME=METHOD:REGEX]... [--interval 60s] [--observed FILE] [--out FILE]\n\n"
                "Writes a scenario from infrastructure you already have: an AWS Copilot workspace (DIR holds copilot/),\n"
                "or the output of `terraform show -json` (a plan or a state; several files, one per stack, merge),\n"
                "or the workload of Application Load Balancer access logs (.log.gz or plain): rate stages, classes, mix, response sizes.\n"
                "What infrastructure cannot say (the workload, each request's and message's demand) is written as\n"
                "assumptions marked ASSUMPTION and listed; everything loadcast cannot model is listed with its location.\n"
                "Exit 0 complete, 3 partial (something was not imported), 2 invalid input (each problem located).\n\n%s",
                args.help().c_str());
    return ExitCode::kOk;
  }
  const auto& pos = args.positionals();
  if (pos.empty()) throw UsageError("expected 'copilot DIR', 'terraform PLAN.json...' or 'alb-logs FILE...'");
  app::ImportRequest request;
  if (pos[0] == "copilot") request.source = app::ImportSource::kCopilot;
  else if (pos[0] == "terraform") request.source = app::ImportSource::kTerraform;
  else if (pos[0] == "alb-logs") request.source = app::ImportSource::kAlbLogs;
  else throw UsageError("unknown source '" + pos[0] + "' (expected copilot, terraform or alb-logs)");
  request.inputs.assign(pos.begin() + 1, pos.end());
  if (request.inputs.empty()) {
    throw UsageError(request.source == app::ImportSource::kCopilot     ? "expected the workspace directory: loadcast import copilot DIR"
                     : request.source == app::ImportSource::kTerraform ? "expected the JSON of `terraform show -json`: loadcast import terraform PLAN.json"
                                                                       : "expected access log files: loadcast import alb-logs FILE...");
  }
  request.classes = args.get_all("class");
  if (auto k = args.get_u64("max-classes")) {
    if (*k < 1 || *k > 1000) throw UsageError("--max-classes must be between 1 and 1000");
    request.max_classes = static_cast<int>(*k);
  }
  request.interval = args.get_duration_ns("interval");
  if (auto n = args.get_u64("skip-bad")) request.skip_bad = static_cast<std::int64_t>(std::min<std::uint64_t>(*n, INT64_MAX));
  request.observed = args.get("observed");
  request.env = args.get("env");
  request.region = args.get("region");
  request.name = args.get("name");
  request.out = args.get("out");
  app::ImportOutcome outcome;
  try {
    outcome = app::run_import(request);
  } catch (const scenario::ImportError& e) {
    for (const auto& line : e.errors()) std::fprintf(stderr, "%s\n", line.c_str());
    return ExitCode::kUsage;
  }
  std::string source = pos[0] + " " + request.inputs[0];
  if (request.inputs.size() > 1) source += " (+" + std::to_string(request.inputs.size() - 1) + " files)";
  if (request.env) source += " --env " + *request.env;
  std::FILE* report_to = request.out ? stdout : stderr;
  if (!request.out) std::fputs(outcome.result.yaml.c_str(), stdout);
  if (outcome.alb_logs) print_alb_summary(report_to, *outcome.alb_logs, request.observed);
  if (!args.has("quiet") || outcome.exit != ExitCode::kOk) print_report(report_to, outcome, source);
  return outcome.exit;
}

}  // namespace loadcast::cli
