// CopilotImporter: an AWS Copilot workspace read into a Draft (draft.hpp) for one environment.
// It reads copilot/.workspace (the application), copilot/environments/<env>/manifest.yml, every
// copilot/<workload>/manifest.yml with its `environments.<env>` overrides merged in (a mapping
// merges key by key, anything else replaces), and the CloudFormation addons under
// copilot/environments/addons/ and copilot/<workload>/addons/ (cloudformation.hpp), then maps:
// Load Balanced Web Services to services behind the ALB, Backend Services to services, Worker
// Services to workers with their SQS queues and SNS subscriptions, Scheduled Jobs to workers fed
// by their schedule, addon Aurora/RDS resources to the database and EventBridge schedules to
// queue schedules. Every manifest key is either mapped, listed as ignored (outside the model),
// or reported as not imported, with its file:line:col. Internal to scenarios/loader (import.hpp
// is the public entry). The facts it follows (defaults Copilot's templates set, how `in`/`out`
// cooldowns map, the backlog formula) are cited where used and tabled in docs/import.md.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scenarios/loader/import/cloudformation.hpp"
#include "scenarios/loader/import/draft.hpp"
#include "scenarios/loader/import/yaml_tree.hpp"

namespace loadcast::scenario {

// A manifest value of the expected type, marked used; ImportError at its location otherwise.
[[noreturn]] void manifest_error(const std::string& file, const YamlTree& at, const std::string& message);
sim::Time manifest_duration(const std::string& file, const YamlTree& n, const std::string& key);
long long manifest_integer(const std::string& file, const YamlTree& n, const std::string& key);
bool manifest_bool(const std::string& file, const YamlTree& n, const std::string& key);
std::string manifest_string(const std::string& file, const YamlTree& n, const std::string& key);

// A Copilot worker's backlog per task: Copilot's own calculator Lambda divides the queue depth
// by max(running tasks, 1) ("If there are no running task, we return the total number of
// messages in the queue so that we can start scaling up":
// https://github.com/aws/copilot-cli/blob/mainline/cf-custom-resources/lib/backlog-per-task-calculator.js),
// i.e. the guarded metric math, so the worker scales out from zero tasks.
Maybe<std::string> copilot_backlog_math();

class CopilotImporter {
 public:
  explicit CopilotImporter(CopilotImportOptions options);
  Draft run();

 private:
  struct Workload {
    std::string name;
    std::string type;
    std::string dir;   // absolute directory
    std::string file;  // shown path, "copilot/<name>/manifest.yml"
    YamlTree manifest;  // with the environment's overrides merged in
  };
  struct Topic {
    std::string service;  // the publisher
    std::string name;     // as in the manifest
    std::string key;      // the scenario's topic name
    std::string from;
    bool fifo = false;
    bool high_throughput = false;
    std::vector<std::string> subscriptions;
  };

  // copilot_importer.cpp: the workspace, the environment, the unused-key report
  void locate();
  void read_environment();
  void read_workloads();
  void report_unused(const Workload& w);
  std::string shown(const std::string& absolute) const;

  // copilot_workloads.cpp: one manifest each
  void map_workload(Workload& w);
  void map_task(Workload& w, DraftService& s);
  void map_http(Workload& w, DraftService& s);
  void map_count(Workload& w, DraftService& s, bool worker);

  // copilot_messaging.cpp: topics, queues, subscriptions, jobs
  void collect_topics();
  void map_publish(Workload& w, DraftService& s);
  void map_subscribe(Workload& w);
  void map_job(Workload& w, DraftService& s);
  void finish_topics();

  // copilot_addons.cpp: CloudFormation addons
  void read_addons();
  void map_addon(const CfnTemplate& t, const std::string& workload);
  void map_serverless_cache(const CfnTemplate& t, const CfnResource& r);
  void map_database(const CfnTemplate& t);
  void map_schedules(const CfnTemplate& t, const std::string& workload);
  std::map<std::string, YamlTree> addon_parameters(const std::string& addons_dir, const std::string& workload);

  CopilotImportOptions options_;
  Draft draft_;
  std::string root_;     // the directory holding copilot/
  std::string copilot_;  // root_/copilot
  std::string app_ = "app";
  std::string env_;
  std::vector<Workload> workloads_;
  std::vector<Topic> topics_;
  bool database_seen_ = false;
};

}  // namespace loadcast::scenario
