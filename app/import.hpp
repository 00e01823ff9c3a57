// What `loadcast import` does: read the infrastructure a user already has (a Copilot workspace or
// `terraform show -json` output, scenarios/loader/import/import.hpp) or the workload its load
// balancer logged (ALB access logs, scenarios/loader/import/alb_log_importer.hpp), check that the scenario it
// wrote loads exactly as `loadcast check` would load it, write it (to a temporary file renamed
// into place, so a reader never sees half of it), and decide the exit code: 0 when everything
// the input holds was imported, 3 (ExitCode::kPartial) when something was left out — each item
// listed with its location — and 2 when the input is invalid (scenario::ImportError, every
// problem located). Call from one thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/exit_code.hpp"
#include "scenarios/loader/import/alb_log_importer.hpp"
#include "scenarios/loader/import/import.hpp"

namespace loadcast::app {

enum class ImportSource { kCopilot, kTerraform, kAlbLogs };

struct ImportRequest {
  ImportSource source = ImportSource::kCopilot;
  std::vector<std::string> inputs;  // the workspace directory, or the JSON files
  std::optional<std::string> env;      // Copilot only
  std::optional<std::string> region;   // Copilot only
  std::optional<std::string> name;
  std::optional<std::string> out;      // where to write; none: the caller prints the text
  // ALB access logs only
  std::vector<std::string> classes;     // NAME=METHOD:REGEX, first match wins
  std::optional<int> max_classes;
  std::optional<sim::Time> interval;
  std::optional<std::int64_t> skip_bad;
  std::optional<std::string> observed;  // where to write the observations (JSON)
};

struct ImportOutcome {
  scenario::ImportResult result;
  std::string written;  // the file written, empty when none
  std::optional<scenario::AlbLogImport> alb_logs;  // what the access logs held (alb-logs only)
  ExitCode exit = ExitCode::kOk;
};

// Throws scenario::ImportError for an invalid input (exit 2) and UsageError for wrong usage.
// A scenario that would not load (an instance class the price table lacks, say) is an
// ImportError whose messages point at the written scenario's lines and name the input each line
// came from; with `out` it is written all the same, for the user to fix.
ImportOutcome run_import(const ImportRequest& request);

// The exit code of a finished import: kOk when complete, kPartial otherwise.
ExitCode import_exit_code(const scenario::ImportResult& result);

}  // namespace loadcast::app
