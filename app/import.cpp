#include "app/import.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/loader/scenario.hpp"

namespace loadcast::app {

namespace {

// The comment at the end of line `line` (1-based) of `text`: where an imported key came from.
std::string comment_of_line(const std::string& text, long line) {
  std::istringstream in(text);
  std::string l;
  for (long i = 1; std::getline(in, l); ++i) {
    if (i != line) continue;
    const auto hash = l.find(" # ");
    return hash == std::string::npos ? std::string() : l.substr(hash + 3);
  }
  return {};
}

// Loader errors ("file:line:col: path: sentence") with the source of that line appended.
std::vector<std::string> located(const scenario::LoadError& e, const std::string& text, const std::string& shown) {
  std::vector<std::string> out;
  for (const auto& msg : e.errors()) {
    std::string m = msg;
    if (m.rfind(shown + ":", 0) == 0) {
      const long line = std::strtol(m.c_str() + shown.size() + 1, nullptr, 10);
      const std::string from = comment_of_line(text, line);
      if (!from.empty()) m += " [from " + from + "]";
    }
    out.push_back("the imported scenario does not load: " + m);
  }
  return out;
}

void write_atomically(const std::string& path, const std::string& text) {
  const std::filesystem::path target(path);
  if (target.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) throw std::runtime_error(target.parent_path().string() + ": cannot create the directory (" + ec.message() + ")");
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw std::runtime_error(tmp + ": cannot open for writing");
    out << text;
    out.close();
    if (!out) throw std::runtime_error(tmp + ": write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) throw std::runtime_error(path + ": cannot write (" + ec.message() + ")");
}

}  // namespace

ExitCode import_exit_code(const scenario::ImportResult& result) { return result.complete() ? ExitCode::kOk : ExitCode::kPartial; }

ImportOutcome run_import(const ImportRequest& request) {
  ImportOutcome outcome;
  if (request.inputs.empty()) throw UsageError("nothing to import");
  if (request.source != ImportSource::kAlbLogs &&
      (!request.classes.empty() || request.max_classes || request.interval || request.skip_bad || request.observed)) {
    throw UsageError("--class, --max-classes, --interval, --skip-bad and --observed apply to alb-logs");
  }
  if (request.source == ImportSource::kCopilot) {
    if (request.inputs.size() != 1) throw UsageError("expected one Copilot workspace directory");
    scenario::CopilotImportOptions o;
    o.dir = request.inputs[0];
    o.env = request.env;
    o.region = request.region;
    o.name = request.name.value_or("");
    outcome.result = scenario::import_copilot(o);
  } else if (request.source == ImportSource::kAlbLogs) {
    if (request.env || request.region) throw UsageError("--env and --region apply to copilot; access logs name their region in target_group_arn");
    scenario::AlbLogImportOptions o;
    o.files = request.inputs;
    for (const auto& c : request.classes) o.classes.push_back(scenario::parse_alb_class_rule(c));
    if (request.max_classes) o.max_classes = *request.max_classes;
    if (request.interval) o.interval = *request.interval;
    if (request.skip_bad) o.skip_bad = *request.skip_bad;
    o.name = request.name.value_or("");
    outcome.alb_logs = scenario::import_alb_logs(o);
    outcome.result = outcome.alb_logs->result;
  } else {
    if (request.env || request.region) throw UsageError("--env and --region apply to copilot; a Terraform plan names its region");
    scenario::TerraformImportOptions o;
    o.files = request.inputs;
    o.name = request.name.value_or("");
    outcome.result = scenario::import_terraform(o);
  }
  // The scenario must load as `loadcast check` loads it; relative references resolve where it
  // is written.
  const std::string shown = request.out.value_or(outcome.result.name + ".yaml");
  std::vector<std::string> problems;
  try {
    (void)scenario::load_string(outcome.result.yaml, shown);
  } catch (const scenario::LoadError& e) {
    problems = located(e, outcome.result.yaml, shown);
  }
  if (request.out) {
    write_atomically(*request.out, outcome.result.yaml);
    outcome.written = *request.out;
  }
  if (request.observed) {
    if (!outcome.alb_logs) throw UsageError("--observed applies to alb-logs");
    write_atomically(*request.observed, outcome.alb_logs->observed_json());
  }
  // Written all the same, so the user can fix the lines named.
  if (!problems.empty()) {
    if (request.out) problems.push_back(*request.out + ": written; fix the keys above, then run loadcast check " + *request.out);
    throw scenario::ImportError(problems);
  }
  outcome.exit = import_exit_code(outcome.result);
  return outcome;
}

}  // namespace loadcast::app
