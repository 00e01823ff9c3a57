// The workload manifests of a Copilot workspace (copilot_importer.hpp). Sources, per key, in
// docs/import.md; the Copilot defaults used here are those of its templates:
// - cpu 256, memory 512, count 1 when omitted: internal/pkg/manifest/{lb_web,backend,worker}_svc.go, job.go
// - deregistration delay 60 s and health-check grace period 60 s: internal/pkg/manifest/lb_web_svc.go
//   (DefaultDeregistrationDelay, DefaultHealthCheckGracePeriod)
// - `path: /` is the listener rule "/*", any other path P the rule [P, P/*]:
//   internal/pkg/template/templates/workloads/partials/cf/https-listener.yml
// - cooldown `in` is ScaleInCooldown and `out` ScaleOutCooldown, 120 s and 60 s when not given:
//   internal/pkg/manifest/svc.go (Cooldown), templates/workloads/partials/cf/autoscaling.yml
// - queue_delay: backlog per task = ceil(acceptable_latency / msg_processing_time): internal/pkg/manifest/svc.go
// - range.spot_from N: Fargate base N-1, then Fargate Spot: stack/transformers.go (convertCapacityProviders)
// [doc] https://aws.github.io/copilot-cli/docs/manifest/lb-web-service/ (and backend-service/,
//       worker-service/, scheduled-job/)
#include <cmath>

#include "models/messaging/worker_config.hpp"
#include "models/web/fargate_sizes.hpp"
#include "scenarios/loader/import/copilot_importer.hpp"

namespace loadcast::scenario {

Maybe<std::string> copilot_backlog_math() {
  return sourced(std::string(models::kBacklogGuarded),
                 "Copilot's backlog-per-task calculator uses max(running tasks, 1): cf-custom-resources/lib/backlog-per-task-calculator.js");
}


namespace {

constexpr const char* kCopilotDefault = "Copilot's default";

std::string rule_path(std::string p) {
  if (p.empty()) return "/";
  if (p.front() != '/') p.insert(p.begin(), '/');
  return p;
}

struct Cooldowns {
  std::optional<sim::Time> in;
  std::optional<sim::Time> out;
};

Cooldowns read_cooldown(const std::string& file, const YamlTree* node) {
  Cooldowns c;
  if (node == nullptr) return c;
  node->touch();
  if (const YamlTree* v = node->find("in")) c.in = manifest_duration(file, *v, "cooldown.in");
  if (const YamlTree* v = node->find("out")) c.out = manifest_duration(file, *v, "cooldown.out");
  return c;
}

}  // namespace

void CopilotImporter::map_workload(Workload& w) {
  YamlTree& m = w.manifest;
  if (const YamlTree* n = m.find("name")) n->use();
  const YamlTree* type = m.find("type");
  type->use();
  DraftService s;
  s.name = w.name;
  s.from = w.file;
  s.kind = w.type;
  if (w.type == "Load Balanced Web Service") {
    map_task(w, s);
    map_http(w, s);
    map_count(w, s, false);
    map_publish(w, s);
  } else if (w.type == "Backend Service") {
    map_task(w, s);
    if (const YamlTree* http = m.find("http")) {
      if (!(http->is_scalar() && as_bool(*http) == std::optional<bool>(false))) {
        http->use();
        draft_.not_imported(location(w.file, *http), "http: a Backend Service is reached through the environment's internal load balancer, which loadcast does not model");
      } else {
        http->use();
      }
    }
    map_count(w, s, false);
    map_publish(w, s);
  } else if (w.type == "Worker Service") {
    map_task(w, s);
    s.queue = w.name;
    map_subscribe(w);
    map_count(w, s, true);
    map_publish(w, s);
  } else if (w.type == "Scheduled Job") {
    map_task(w, s);
    map_job(w, s);
    map_publish(w, s);
  } else if (w.type == "Request-Driven Web Service" || w.type == "Static Site") {
    m.use();
    draft_.not_imported(location(w.file, *type), "type '" + w.type + "': " +
                                                     (w.type == "Static Site" ? "S3 and CloudFront" : "AWS App Runner") +
                                                     ", which loadcast does not model; the workload is left out");
    return;
  } else {
    manifest_error(w.file, *type, "unknown manifest type '" + w.type +
                            "' (Copilot's workload types: Load Balanced Web Service, Backend Service, Worker Service, Scheduled Job, "
                            "Request-Driven Web Service, Static Site)");
  }
  draft_.services.push_back(std::move(s));
}

void CopilotImporter::map_task(Workload& w, DraftService& s) {
  const YamlTree& m = w.manifest;
  const YamlTree* cpu = m.find("cpu");
  const YamlTree* memory = m.find("memory");
  s.cpu = cpu ? sourced(static_cast<int>(manifest_integer(w.file, *cpu, "cpu")), location(w.file, *cpu)) : sourced(256, std::string(kCopilotDefault));
  s.memory = memory ? sourced(static_cast<int>(manifest_integer(w.file, *memory, "memory")), location(w.file, *memory))
                    : sourced(512, std::string(kCopilotDefault));
  const std::string problem = models::check_fargate_size(s.cpu->value, s.memory->value);
  if (!problem.empty()) manifest_error(w.file, memory ? *memory : cpu ? *cpu : m, problem);
  if (const YamlTree* platform = m.find("platform")) {
    platform->touch();
    std::string os, arch;
    if (platform->is_scalar()) {
      const std::string p = manifest_string(w.file, *platform, "platform");
      const auto slash = p.find('/');
      os = p.substr(0, slash);
      arch = slash == std::string::npos ? "" : p.substr(slash + 1);
    } else {
      if (const YamlTree* o = platform->find("osfamily")) os = manifest_string(w.file, *o, "platform.osfamily");
      if (const YamlTree* a = platform->find("architecture")) arch = manifest_string(w.file, *a, "platform.architecture");
    }
    if (os.rfind("windows", 0) == 0) {
      draft_.not_imported(location(w.file, *platform), "platform " + os + ": loadcast prices and models Linux tasks only (imported as Linux)");
    }
    if (arch == "arm64" || arch == "ARM64") s.arm64 = sourced(true, location(w.file, *platform));
    else if (!arch.empty() && arch != "x86_64" && arch != "amd64") manifest_error(w.file, *platform, "platform: unknown architecture '" + arch + "'");
  }
}

void CopilotImporter::map_http(Workload& w, DraftService& s) {
  const YamlTree* http = w.manifest.find("http");
  if (http == nullptr) {
    manifest_error(w.file, w.manifest, "a Load Balanced Web Service needs http (with a path) or http: false with nlb");
  }
  if (http->is_scalar()) {
    if (!manifest_bool(w.file, *http, "http")) draft_.note(location(w.file, *http), "http: false: no listener rule reaches " + w.name);
    return;
  }
  http->touch();
  if (!draft_.load_balancer) {
    DraftLoadBalancer lb;
    lb.from = "the environment's public ALB (Copilot)";
    draft_.load_balancer = lb;
  }
  auto& lb = *draft_.load_balancer;
  auto add_rule = [&](const YamlTree& path_node) {
    const std::string p = rule_path(manifest_string(w.file, path_node, "http.path"));
    const std::string where = location(w.file, path_node);
    if (p == "/") {
      if (lb.default_service) {
        draft_.not_imported(where, "http.path '/': " + lb.default_service->value + " already takes every path (" + lb.default_service->from +
                                       "); Copilot tells them apart by alias, and loadcast's listener rules match paths only");
        return;
      }
      lb.default_service = sourced(w.name, where + " http.path '/' (the rule /*, evaluated last)");
      return;
    }
    for (const auto& r : lb.rules) {
      if (r.paths.front() == p) {
        draft_.not_imported(where, "http.path '" + p + "': " + r.service + " already has this path (" + r.from +
                                       "); loadcast's listener rules match paths only");
        return;
      }
    }
    DraftRule r;
    r.from = where;
    r.paths = {p, p + "/*"};
    r.service = w.name;
    lb.rules.push_back(r);
  };
  const YamlTree* path = http->find("path");
  if (path == nullptr) manifest_error(w.file, *http, "http needs a path (the listener rule's path, e.g. path: '/')");
  add_rule(*path);
  if (const YamlTree* alias = http->find("alias")) {
    alias->use();
    draft_.ignored(location(w.file, *alias), "http.alias (a host-header condition: loadcast's listener rules match paths only)");
  }
  if (const YamlTree* rules = http->find("additional_rules")) {
    rules->touch();
    if (!rules->is_sequence()) manifest_error(w.file, *rules, "http.additional_rules must be a list");
    for (const auto& r : rules->items) {
      r.touch();
      const YamlTree* rp = r.find("path");
      if (rp == nullptr) manifest_error(w.file, r, "http.additional_rules: a rule needs a path");
      add_rule(*rp);
    }
  }
  auto& tg = s.target_group;
  tg.deregistration_delay = sourced(60 * sim::kSecond, std::string(kCopilotDefault));
  s.health_check_grace = sourced(60 * sim::kSecond, std::string(kCopilotDefault));
  if (const YamlTree* d = http->find("deregistration_delay")) tg.deregistration_delay = sourced(manifest_duration(w.file, *d, "http.deregistration_delay"), location(w.file, *d));
  if (const YamlTree* st = http->find("stickiness")) {
    if (manifest_bool(w.file, *st, "http.stickiness")) {
      draft_.not_imported(location(w.file, *st), "http.stickiness: sticky sessions; loadcast balances every request on its own");
    }
  }
  if (const YamlTree* hc = http->find("healthcheck")) {
    hc->touch();
    if (hc->is_map()) {
      auto& h = tg.health_check;
      if (const YamlTree* v = hc->find("healthy_threshold")) h.healthy_threshold = sourced(static_cast<int>(manifest_integer(w.file, *v, "healthy_threshold")), location(w.file, *v));
      if (const YamlTree* v = hc->find("unhealthy_threshold")) h.unhealthy_threshold = sourced(static_cast<int>(manifest_integer(w.file, *v, "unhealthy_threshold")), location(w.file, *v));
      if (const YamlTree* v = hc->find("interval")) h.interval = sourced(manifest_duration(w.file, *v, "healthcheck.interval"), location(w.file, *v));
      if (const YamlTree* v = hc->find("timeout")) h.timeout = sourced(manifest_duration(w.file, *v, "healthcheck.timeout"), location(w.file, *v));
      if (const YamlTree* v = hc->find("grace_period")) s.health_check_grace = sourced(manifest_duration(w.file, *v, "healthcheck.grace_period"), location(w.file, *v));
    }
  }
}

void CopilotImporter::map_count(Workload& w, DraftService& s, bool worker) {
  const YamlTree* count = w.manifest.find("count");
  if (count == nullptr) {
    s.desired = sourced(1, std::string(kCopilotDefault));
    return;
  }
  count->touch();
  const std::string where = location(w.file, *count);
  if (count->is_scalar()) {
    s.desired = sourced(static_cast<int>(manifest_integer(w.file, *count, "count")), where);
    return;
  }
  if (!count->is_map()) manifest_error(w.file, *count, "count must be a number or a mapping");
  if (const YamlTree* spot = count->find("spot")) {
    if (count->find("range")) manifest_error(w.file, *spot, "count.spot cannot be combined with count.range");
    s.desired = sourced(static_cast<int>(manifest_integer(w.file, *spot, "count.spot")), location(w.file, *spot));
    s.spot = sourced(true, location(w.file, *spot));
  }
  const YamlTree* range = count->find("range");
  const char* metrics[] = {"cpu_percentage", "memory_percentage", "requests", "response_time", "queue_delay"};
  bool any_metric = false;
  for (const char* k : metrics) any_metric = any_metric || count->find(k) != nullptr;
  if (range == nullptr) {
    if (any_metric) manifest_error(w.file, *count, "count: autoscaling fields need count.range (min-max)");
    if (const YamlTree* c = count->find("cooldown")) c->use();
    return;
  }
  range->touch();
  DraftAutoscaling a;
  a.from = location(w.file, *range);
  if (range->is_scalar()) {
    const std::string r = range->scalar;
    const auto dash = r.find('-');
    const auto lo = dash == std::string::npos ? std::nullopt : as_integer(YamlTree::make_scalar(r.substr(0, dash)));
    const auto hi = dash == std::string::npos ? std::nullopt : as_integer(YamlTree::make_scalar(r.substr(dash + 1)));
    range->use();
    if (!lo || !hi) manifest_error(w.file, *range, "count.range '" + r + "' is not min-max (e.g. 1-10)");
    a.min = static_cast<int>(*lo);
    a.max = static_cast<int>(*hi);
  } else {
    const YamlTree* lo = range->find("min");
    const YamlTree* hi = range->find("max");
    if (lo == nullptr || hi == nullptr) manifest_error(w.file, *range, "count.range needs min and max");
    a.min = static_cast<int>(manifest_integer(w.file, *lo, "count.range.min"));
    a.max = static_cast<int>(manifest_integer(w.file, *hi, "count.range.max"));
    if (const YamlTree* sf = range->find("spot_from")) {
      const long long from = manifest_integer(w.file, *sf, "count.range.spot_from");
      if (from <= 1) {
        s.spot = sourced(true, location(w.file, *sf) + " (spot_from 1: every task on Fargate Spot)");
      } else {
        draft_.not_imported(location(w.file, *sf), "count.range.spot_from " + std::to_string(from) + ": the first " + std::to_string(from - 1) +
                                                       " tasks on Fargate, the rest on Fargate Spot; loadcast prices every task of a service alike (on-demand kept)");
      }
    }
  }
  if (a.min < 0 || a.max < a.min) manifest_error(w.file, *range, "count.range: max must be >= min >= 0");
  const Cooldowns defaults = read_cooldown(w.file, count->find("cooldown"));
  auto policy = [&](const std::string& metric, double target, const YamlTree& node, const YamlTree* own_cooldown) {
    DraftPolicy p;
    p.from = location(w.file, node);
    p.metric = metric;
    p.target = target;
    const Cooldowns own = read_cooldown(w.file, own_cooldown);
    p.scale_in_cooldown = own.in ? own.in : defaults.in ? defaults.in : std::optional<sim::Time>(120 * sim::kSecond);
    p.scale_out_cooldown = own.out ? own.out : defaults.out ? defaults.out : std::optional<sim::Time>(60 * sim::kSecond);
    if (!own.in && !defaults.in) p.from += " (scale-in cooldown: Copilot's default 120s)";
    if (!own.out && !defaults.out) p.from += " (scale-out cooldown: Copilot's default 60s)";
    a.policies.push_back(p);
  };
  // A field is a value, or a mapping { value, cooldown }.
  auto field = [&](const char* key) -> std::pair<const YamlTree*, const YamlTree*> {
    const YamlTree* f = count->find(key);
    if (f == nullptr) return {nullptr, nullptr};
    f->touch();
    if (f->is_map()) {
      const YamlTree* v = f->find("value");
      if (v == nullptr) manifest_error(w.file, *f, std::string("count.") + key + " needs a value");
      return {v, f->find("cooldown")};
    }
    return {f, nullptr};
  };
  if (auto [v, c] = field("cpu_percentage"); v) policy("cpu", static_cast<double>(manifest_integer(w.file, *v, "cpu_percentage")), *v, c);
  if (auto [v, c] = field("memory_percentage"); v) policy("memory", static_cast<double>(manifest_integer(w.file, *v, "memory_percentage")), *v, c);
  if (auto [v, c] = field("requests"); v) {
    const double target = static_cast<double>(manifest_integer(w.file, *v, "requests"));
    if (c) c->use();
    if (worker) draft_.not_imported(location(w.file, *v), "count.requests: a Worker Service has no load balancer (Copilot rejects it)");
    else if (w.type != "Load Balanced Web Service") draft_.not_imported(location(w.file, *v), "count.requests: RequestCountPerTarget of the internal load balancer, which loadcast does not model");
    else policy("requests_per_target", target, *v, c);
  }
  if (const YamlTree* q = count->find("queue_delay")) {
    q->touch();
    const YamlTree* lat = q->find("acceptable_latency");
    const YamlTree* proc = q->find("msg_processing_time");
    if (lat == nullptr || proc == nullptr) manifest_error(w.file, *q, "count.queue_delay needs acceptable_latency and msg_processing_time");
    const sim::Time latency = manifest_duration(w.file, *lat, "queue_delay.acceptable_latency");
    const sim::Time per_message = manifest_duration(w.file, *proc, "queue_delay.msg_processing_time");
    if (per_message <= 0) manifest_error(w.file, *proc, "queue_delay.msg_processing_time must be longer than 0s");
    if (!worker) {
      draft_.not_imported(location(w.file, *q), "count.queue_delay: only a Worker Service scales on its queue (Copilot rejects it)");
      if (const YamlTree* c = q->find("cooldown")) c->use();
    } else {
      const double backlog = std::ceil(static_cast<double>(latency) / static_cast<double>(per_message));
      policy("backlog_per_task", backlog, *q, q->find("cooldown"));
      a.policies.back().from = location(w.file, *q) + " ceil(" + sim::format_duration(latency) + " / " + sim::format_duration(per_message) + ")" +
                               a.policies.back().from.substr(location(w.file, *q).size());
      s.message_time = sourced(per_message, location(w.file, *proc) + " msg_processing_time");
      s.backlog_metric_math = copilot_backlog_math();
    }
  }
  s.autoscaling = a;
}

}  // namespace loadcast::scenario
