#include "scenarios/loader/import/copilot_importer.hpp"

#include <algorithm>
#include <filesystem>

#include "scenarios/loader/import/scenario_writer.hpp"

namespace fs = std::filesystem;

namespace loadcast::scenario {

namespace {

enum class Verdict { kIgnored, kNotImported };

struct KeyRule {
  const char* prefix;  // a manifest key path without list indices: "http.healthcheck.path"
  Verdict verdict;
  const char* reason;
};

// What each manifest key that no mapping used means for the model. The longest matching prefix
// wins; a key no rule names is not imported ("no scenario key"). Keys the mappings read are not
// listed here (copilot_workloads.cpp).
constexpr KeyRule kWorkloadKeys[] = {
    {"image", Verdict::kIgnored, "the container image and its port: outside the model"},
    {"image.healthcheck", Verdict::kNotImported, "container health checks: loadcast replaces tasks on the ALB's health checks only"},
    {"image.depends_on", Verdict::kIgnored, "container start order: outside the model"},
    {"variables", Verdict::kIgnored, "environment variables: outside the model"},
    {"env_file", Verdict::kIgnored, "environment variables: outside the model"},
    {"secrets", Verdict::kIgnored, "secrets: outside the model"},
    {"exec", Verdict::kIgnored, "ECS Exec: outside the model"},
    {"logging", Verdict::kIgnored, "log routing: outside the model"},
    {"entrypoint", Verdict::kIgnored, "the container's entrypoint: outside the model"},
    {"command", Verdict::kIgnored, "the container's command: outside the model"},
    {"network", Verdict::kIgnored, "VPC placement and security groups: outside the model"},
    {"storage", Verdict::kIgnored, "ephemeral storage and EFS volumes: outside the model"},
    {"tags", Verdict::kIgnored, "resource tags: outside the model"},
    {"observability", Verdict::kIgnored, "tracing: outside the model"},
    {"deployment", Verdict::kIgnored, "rolling deployments and rollback alarms: loadcast simulates a running service, not a deployment"},
    {"http.target_container", Verdict::kIgnored, "which container receives the traffic: loadcast models a task as one application"},
    {"http.target_port", Verdict::kIgnored, "the container port: outside the model"},
    {"http.healthcheck.path", Verdict::kIgnored, "the health check's URL: loadcast models its cost (health_check.cpu), not its path"},
    {"http.healthcheck.port", Verdict::kIgnored, "the health check's port: outside the model"},
    {"http.healthcheck.success_codes", Verdict::kIgnored, "the health check's success codes: outside the model"},
    {"http.allowed_source_ips", Verdict::kIgnored, "a source-IP condition: every simulated request is allowed"},
    {"http.redirect_to_https", Verdict::kIgnored, "the HTTP to HTTPS redirect: outside the model"},
    {"http.version", Verdict::kIgnored, "the protocol between the ALB and the targets: outside the model"},
    {"http.hosted_zone", Verdict::kIgnored, "DNS records: outside the model"},
    {"http.alb", Verdict::kIgnored, "an imported ALB: its rules are modelled like Copilot's own"},
    {"http.additional_rules.target_container", Verdict::kIgnored, "which container receives the traffic: outside the model"},
    {"http.additional_rules.target_port", Verdict::kIgnored, "the container port: outside the model"},
    {"http.additional_rules.allowed_source_ips", Verdict::kIgnored, "a source-IP condition: every simulated request is allowed"},
    {"http.additional_rules.redirect_to_https", Verdict::kIgnored, "the HTTP to HTTPS redirect: outside the model"},
    {"http.additional_rules.version", Verdict::kIgnored, "the protocol between the ALB and the targets: outside the model"},
    {"http.additional_rules.hosted_zone", Verdict::kIgnored, "DNS records: outside the model"},
    {"http.additional_rules.alias", Verdict::kIgnored, "a host-header condition: loadcast's listener rules match paths only"},
    {"http.additional_rules.healthcheck", Verdict::kNotImported, "a second target group's health check: loadcast gives a service one target group"},
    {"http.additional_rules.deregistration_delay", Verdict::kNotImported, "a second target group's deregistration delay: loadcast gives a service one target group"},
    {"http.additional_rules.stickiness", Verdict::kNotImported, "sticky sessions: loadcast balances every request on its own"},
    {"publish.topics.fifo.content_based_deduplication", Verdict::kIgnored, "deduplication by content: loadcast's publishers send unique messages"},
    {"subscribe.queue.fifo.content_based_deduplication", Verdict::kIgnored, "deduplication by content: loadcast's publishers send unique messages"},
    {"sidecars", Verdict::kNotImported, "sidecar containers share the task's CPU and memory; loadcast models the main application only"},
    {"taskdef_overrides", Verdict::kNotImported, "task definition overrides can change anything; loadcast does not apply them"},
    {"nlb", Verdict::kNotImported, "a Network Load Balancer: loadcast models an ALB"},
    {"subscribe.topics.filter_policy", Verdict::kNotImported, "an SNS filter policy: every message of the topic reaches the queue in loadcast"},
    {"count.response_time", Verdict::kNotImported, "target tracking on the ALB's TargetResponseTime: loadcast has no meter for it"},
    {"retries", Verdict::kNotImported, "job retries: a simulated job does not fail"},
};

constexpr KeyRule kEnvironmentKeys[] = {
    {"network", Verdict::kIgnored, "the VPC and its subnets: outside the model"},
    {"http.public.certificates", Verdict::kIgnored, "TLS certificates: outside the model"},
    {"http.public.ingress", Verdict::kIgnored, "who may reach the ALB: every simulated request is allowed"},
    {"http.public.security_groups", Verdict::kIgnored, "security groups: outside the model"},
    {"http.public.ssl_policy", Verdict::kIgnored, "the TLS policy: outside the model"},
    {"http.public.access_logs", Verdict::kNotImported, "ALB access logs cost S3 storage, which loadcast does not meter (add a cost.fixed_costs item)"},
    {"http.private", Verdict::kNotImported, "the internal load balancer: loadcast models one internet-facing ALB"},
    {"cdn", Verdict::kNotImported, "CloudFront in front of the ALB: loadcast does not model a CDN"},
    {"observability.container_insights", Verdict::kNotImported, "Container Insights costs CloudWatch metrics and logs, which loadcast does not meter (add a cost.fixed_costs item)"},
};

std::string strip_indices(const std::string& path) {
  std::string out;
  bool in = false;
  for (char c : path) {
    if (c == '[') in = true;
    else if (c == ']') in = false;
    else if (!in) out += c;
  }
  return out;
}

template <std::size_t N>
const KeyRule* rule_for(const KeyRule (&rules)[N], const std::string& path) {
  const KeyRule* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& r : rules) {
    const std::string p = r.prefix;
    const bool match = path == p || (path.size() > p.size() && path.compare(0, p.size(), p) == 0 && path[p.size()] == '.');
    if (match && p.size() >= best_len) {
      best = &r;
      best_len = p.size();
    }
  }
  return best;
}

// A key is judged as a whole unless a rule names something inside it ("http" is not judged as
// one key: http.public.certificates and http.private differ).
template <std::size_t N>
void report(Draft& d, const YamlTree& root, const std::string& file, const KeyRule (&rules)[N]) {
  const auto descend = [&](const std::string& path) {
    const std::string p = strip_indices(path) + ".";
    for (const auto& r : rules) {
      if (std::string(r.prefix).rfind(p, 0) == 0) return true;
    }
    return false;
  };
  for_each_unused(
      root,
      [&](const std::string& path, const YamlEntry& e) {
        const KeyRule* r = rule_for(rules, strip_indices(path));
        const std::string where = location(file, e);
        if (r == nullptr) d.not_imported(where, path + ": loadcast has no scenario key for it");
        else if (r->verdict == Verdict::kIgnored) d.ignored(where, path + " (" + r->reason + ")");
        else d.not_imported(where, path + ": " + r->reason);
      },
      descend);
}

std::vector<std::string> sorted_dirs(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory()) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

void manifest_error(const std::string& file, const YamlTree& at, const std::string& message) {
  throw ImportError({location(file, at) + ": " + message});
}

sim::Time manifest_duration(const std::string& file, const YamlTree& n, const std::string& key) {
  n.use();
  const auto d = n.is_scalar() ? sim::parse_duration(n.scalar) : std::nullopt;
  if (!d) manifest_error(file, n, key + ": '" + n.scalar + "' is not a duration (e.g. 30s, 1m30s, 2h)");
  return *d;
}

long long manifest_integer(const std::string& file, const YamlTree& n, const std::string& key) {
  n.use();
  const auto v = as_integer(n);
  if (!v) manifest_error(file, n, key + ": '" + n.scalar + "' is not an integer");
  return *v;
}

bool manifest_bool(const std::string& file, const YamlTree& n, const std::string& key) {
  n.use();
  const auto v = as_bool(n);
  if (!v) manifest_error(file, n, key + ": '" + n.scalar + "' is not true or false");
  return *v;
}

std::string manifest_string(const std::string& file, const YamlTree& n, const std::string& key) {
  n.use();
  if (!n.is_scalar()) manifest_error(file, n, key + " must be a string");
  return n.scalar;
}

CopilotImporter::CopilotImporter(CopilotImportOptions options) : options_(std::move(options)) {}

std::string CopilotImporter::shown(const std::string& absolute) const {
  return fs::path(absolute).lexically_relative(root_).generic_string();
}

void CopilotImporter::locate() {
  std::error_code ec;
  const fs::path given = options_.dir.empty() ? fs::path(".") : fs::path(options_.dir);
  if (!fs::is_directory(given, ec)) throw ImportError({options_.dir + ": not a directory (give the workspace, which holds copilot/)"});
  fs::path dir = fs::absolute(given, ec).lexically_normal();
  if (dir.has_filename() == false) dir = dir.parent_path();
  if (fs::is_directory(dir / "copilot", ec)) {
    root_ = dir.string();
    copilot_ = (dir / "copilot").string();
  } else if (dir.filename() == "copilot" || fs::exists(dir / ".workspace", ec) || fs::is_directory(dir / "environments", ec)) {
    copilot_ = dir.string();
    root_ = dir.parent_path().string();
  } else {
    throw ImportError({options_.dir + ": no copilot/ directory here (a Copilot workspace holds copilot/.workspace and copilot/<service>/manifest.yml)"});
  }
  const fs::path ws = fs::path(copilot_) / ".workspace";
  if (fs::exists(ws, ec)) {
    const YamlTree t = read_yaml_file(ws.string(), shown(ws.string()));
    if (const YamlTree* a = t.find("application"); a && a->is_scalar()) app_ = a->scalar;
  }
}

void CopilotImporter::read_environment() {
  const fs::path envs = fs::path(copilot_) / "environments";
  std::vector<std::string> names;
  for (const auto& n : sorted_dirs(envs.string())) {
    std::error_code ec;
    if (n != "addons" && fs::exists(envs / n / "manifest.yml", ec)) names.push_back(n);
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  if (options_.env) {
    env_ = *options_.env;
    if (!names.empty() && std::find(names.begin(), names.end(), env_) == names.end()) {
      throw ImportError({shown(envs.string()) + ": no environment '" + env_ + "' (the workspace has " + list + ")"});
    }
  } else if (names.size() == 1) {
    env_ = names[0];
  } else if (names.size() > 1) {
    throw ImportError({shown(envs.string()) + ": the workspace has environments " + list + "; choose one with --env NAME"});
  }
  draft_.command = "loadcast import copilot " + options_.dir + (env_.empty() ? "" : " --env " + env_);
  if (env_.empty()) {
    draft_.note(shown(copilot_), "no environment manifest and no --env: no environments.<env> overrides applied");
    return;
  }
  const fs::path manifest = envs / env_ / "manifest.yml";
  std::error_code ec;
  if (!fs::exists(manifest, ec)) {
    draft_.note(shown(envs.string()), "no manifest for environment " + env_ + "; its overrides in the service manifests are applied");
    return;
  }
  const std::string file = shown(manifest.string());
  const YamlTree t = read_yaml_file(manifest.string(), file);
  if (!t.is_map()) throw ImportError({location(file, t) + ": an environment manifest must be a mapping"});
  t.touch();
  if (const YamlTree* n = t.find("name")) n->use();
  if (const YamlTree* ty = t.find("type")) {
    ty->use();
    if (!ty->is_scalar() || ty->scalar != "Environment") {
      throw ImportError({location(file, *ty) + ": unknown manifest type '" + ty->scalar + "' (an environment manifest has type: Environment)"});
    }
  }
  if (const YamlTree* ci = t.find("observability")) {
    if (const YamlTree* c = ci->find("container_insights")) {
      if (as_bool(*c) == std::optional<bool>(false)) c->use();
    }
  }
  report(draft_, t, file, kEnvironmentKeys);
}

void CopilotImporter::read_workloads() {
  for (const auto& n : sorted_dirs(copilot_)) {
    if (n == "environments" || n == "pipelines" || n == ".workspace") continue;
    const fs::path manifest = fs::path(copilot_) / n / "manifest.yml";
    std::error_code ec;
    if (!fs::exists(manifest, ec)) {
      draft_.ignored(shown((fs::path(copilot_) / n).string()), "a directory without manifest.yml (not a Copilot workload)");
      continue;
    }
    Workload w;
    w.dir = (fs::path(copilot_) / n).string();
    w.file = shown(manifest.string());
    YamlTree t = read_yaml_file(manifest.string(), w.file);
    if (!t.is_map()) throw ImportError({location(w.file, t) + ": a manifest must be a mapping with name and type"});
    const YamlTree* type = t.find("type");
    if (type == nullptr || !type->is_scalar()) throw ImportError({location(w.file, t) + ": the manifest has no type"});
    w.type = type->scalar;
    const YamlTree* name = t.find("name");
    w.name = name && name->is_scalar() ? name->scalar : n;
    // Merge the environment's overrides; other environments' do not apply.
    YamlTree base = t;
    base.entries.erase(std::remove_if(base.entries.begin(), base.entries.end(), [](const YamlEntry& e) { return e.key == "environments"; }),
                       base.entries.end());
    if (const YamlTree* envs = t.find("environments")) {
      if (!envs->is_map() && !envs->is_null()) throw ImportError({location(w.file, *envs) + ": environments must be a mapping of environment names"});
      if (const YamlTree* mine = env_.empty() ? nullptr : envs->find(env_)) {
        if (!mine->is_map() && !mine->is_null()) throw ImportError({location(w.file, *mine) + ": environments." + env_ + " must be a mapping"});
        if (mine->is_map()) base = merge_override(base, *mine);
      }
    }
    base.touch();
    w.manifest = std::move(base);
    workloads_.push_back(std::move(w));
  }
  const fs::path pipelines = fs::path(copilot_) / "pipelines";
  std::error_code ec;
  if (fs::is_directory(pipelines, ec)) draft_.ignored(shown(pipelines.string()), "CI/CD pipelines: outside the model");
}

void CopilotImporter::report_unused(const Workload& w) { report(draft_, w.manifest, w.file, kWorkloadKeys); }

Draft CopilotImporter::run() {
  locate();
  read_environment();
  draft_.name = options_.name.empty() ? app_ + (env_.empty() ? "" : "-" + env_) : options_.name;
  draft_.description = "AWS Copilot application " + app_ + (env_.empty() ? "" : ", environment " + env_);
  if (options_.region) draft_.region = sourced(*options_.region, std::string("--region"));
  read_workloads();
  collect_topics();
  for (auto& w : workloads_) {
    map_workload(w);
    report_unused(w);
  }
  finish_topics();
  read_addons();
  return std::move(draft_);
}

ImportResult import_copilot(const CopilotImportOptions& options) {
  CopilotImporter importer(options);
  return write_scenario(importer.run());
}

}  // namespace loadcast::scenario
