// Importers: a scenario from the infrastructure a user already has — an AWS Copilot workspace
// (service, environment and addon manifests) or Terraform's `terraform show -json` output (a plan
// or a state). What the input determines (load balancer rules, task sizes, autoscaling, queues,
// topics, workers, the database) becomes scenario keys, each with a comment naming where it
// came from; what infrastructure cannot say (the workload, every request class's and worker's
// service demand) is written as marked assumptions that `loadcast check` accepts, listed in
// `fill_in`. Everything the input holds that loadcast cannot model is a finding with its
// location (file:line:col or resource address), never dropped silently. A malformed input, an
// unknown manifest type or a reference to a missing resource throws ImportError with every
// problem located. The mapping tables, with the documentation each follows: docs/import.md.
// Plain functions over the file system; call from one thread.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace loadcast::scenario {

struct ImportFinding {
  enum class Kind {
    kNotImported,  // the input says it, loadcast cannot model it: the import is partial
    kIgnored,      // outside what loadcast models (IAM, networking, images...): listed, no effect
    kNote,         // imported, with an approximation or a default worth knowing
  };
  Kind kind = Kind::kNotImported;
  std::string where;  // "copilot/api/manifest.yml:12:3" or "module.compute.aws_ecs_service.api"
  std::string what;   // "http.stickiness: sticky sessions are not modelled; requests are balanced one by one"
};

struct ImportResult {
  std::string name;                   // the scenario's name
  std::string yaml;                   // the scenario file's text
  std::vector<std::string> fill_in;   // the assumptions to replace; the file's header lists the same
  std::vector<ImportFinding> findings;

  bool complete() const;  // no kNotImported finding
  std::size_t count(ImportFinding::Kind kind) const;
};

// The input itself is wrong; every message is "location: sentence".
class ImportError : public std::runtime_error {
 public:
  explicit ImportError(std::vector<std::string> errors);
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<std::string> errors_;
};

struct CopilotImportOptions {
  std::string dir;                    // the workspace: the directory holding copilot/, or copilot/ itself
  std::optional<std::string> env;     // required when the workspace has several environments
  std::optional<std::string> region;  // Copilot manifests do not record the region
  std::string name;                   // scenario name; default "<application>-<env>"
};

struct TerraformImportOptions {
  std::vector<std::string> files;  // `terraform show -json` outputs; several (one per stack) merge
  std::string name;                // scenario name; default from the first file's name
};

ImportResult import_copilot(const CopilotImportOptions& options);
ImportResult import_terraform(const TerraformImportOptions& options);

}  // namespace loadcast::scenario
