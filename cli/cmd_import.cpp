// loadcast import copilot DIR [--env NAME] [--region R] [--name N] [--out FILE] [--quiet]
// loadcast import terraform PLAN.json... [--name N] [--out FILE] [--quiet]
// Writes a scenario from existing infrastructure (app/import.hpp). With --out the scenario goes
// to FILE and the report (what to fill in, what was not imported) to stdout; without it the
// scenario goes to stdout and the report to stderr. Exit 0 complete, 3 partial, 2 invalid input.
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

}  // namespace

ExitCode run_import(int argc, char** argv) {
  Args args("import", {
                          {"env", "e", true, false, "NAME  the Copilot environment whose overrides and addons apply"},
                          {"region", "", true, false, "REGION  the region of a Copilot workspace (its manifests do not record it)"},
                          {"name", "", true, false, "NAME  the scenario's name"},
                          {"out", "o", true, false, "FILE  write the scenario here (default: stdout, the report to stderr)"},
                          {"quiet", "q", false, false, "print the report only when something was not imported"},
                          {"help", "h", false, false, "show this help"},
                      });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast import copilot DIR [--env NAME] [--region REGION] [--out FILE]\n"
                "       loadcast import terraform PLAN.json... [--out FILE]\n\n"
                "Writes a scenario from infrastructure you already have: an AWS Copilot workspace (DIR holds copilot/),\n"
                "or the output of `terraform show -json` (a plan or a state; several files, one per stack, merge).\n"
                "What infrastructure cannot say (the workload, each request's and message's demand) is written as\n"
                "assumptions marked ASSUMPTION and listed; everything loadcast cannot model is listed with its location.\n"
                "Exit 0 complete, 3 partial (something was not imported), 2 invalid input (each problem located).\n\n%s",
                args.help().c_str());
    return ExitCode::kOk;
  }
  const auto& pos = args.positionals();
  if (pos.empty()) throw UsageError("expected 'copilot DIR' or 'terraform PLAN.json...'");
  app::ImportRequest request;
  if (pos[0] == "copilot") request.source = app::ImportSource::kCopilot;
  else if (pos[0] == "terraform") request.source = app::ImportSource::kTerraform;
  else throw UsageError("unknown source '" + pos[0] + "' (expected copilot or terraform)");
  request.inputs.assign(pos.begin() + 1, pos.end());
  if (request.inputs.empty()) {
    throw UsageError(request.source == app::ImportSource::kCopilot ? "expected the workspace directory: loadcast import copilot DIR"
                                                                   : "expected the JSON of `terraform show -json`: loadcast import terraform PLAN.json");
  }
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
  if (!args.has("quiet") || outcome.exit != ExitCode::kOk) print_report(report_to, outcome, source);
  return outcome.exit;
}

}  // namespace loadcast::cli
