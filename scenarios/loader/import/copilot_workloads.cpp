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
// - the dead-letter queue keeps messages 14 days: templates/workloads/partials/cf/subscribe.yml
// [doc] https://aws.github.io/copilot-cli/docs/manifest/lb-web-service/ (and backend-service/,
//       worker-service/, scheduled-job/)
#include <cmath>

#include "models/web/fargate_sizes.hpp"
#include "scenarios/loader/import/copilot_importer.hpp"
#include "scenarios/loader/import/schedule_expression.hpp"

namespace loadcast::scenario {

namespace {

constexpr const char* kCopilotDefault = "Copilot's default";

[[noreturn]] void fail(const std::string& file, const YamlTree& at, const std::string& message) {
  throw ImportError({location(file, at) + ": " + message});
}

sim::Time duration_of(const std::string& file, const YamlTree& n, const std::string& key) {
  n.use();
  const auto d = n.is_scalar() ? sim::parse_duration(n.scalar) : std::nullopt;
  if (!d) fail(file, n, key + ": '" + n.scalar + "' is not a duration (e.g. 30s, 1m30s, 2h)");
  return *d;
}

long long integer_of(const std::string& file, const YamlTree& n, const std::string& key) {
  n.use();
  const auto v = as_integer(n);
  if (!v) fail(file, n, key + ": '" + n.scalar + "' is not an integer");
  return *v;
}

bool bool_of(const std::string& file, const YamlTree& n, const std::string& key) {
  n.use();
  const auto v = as_bool(n);
  if (!v) fail(file, n, key + ": '" + n.scalar + "' is not true or false");
  return *v;
}

std::string string_of(const std::string& file, const YamlTree& n, const std::string& key) {
  n.use();
  if (!n.is_scalar()) fail(file, n, key + " must be a string");
  return n.scalar;
}

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
  if (const YamlTree* v = node->find("in")) c.in = duration_of(file, *v, "cooldown.in");
  if (const YamlTree* v = node->find("out")) c.out = duration_of(file, *v, "cooldown.out");
  return c;
}

}  // namespace

void CopilotImporter::collect_topics() {
  for (auto& w : workloads_) {
    const YamlTree* publish = w.manifest.find("publish");
    if (publish == nullptr) continue;
    publish->touch();
    const YamlTree* list = publish->find("topics");
    if (list == nullptr) continue;
    list->touch();
    if (!list->is_sequence()) fail(w.file, *list, "publish.topics must be a list of topics");
    for (const auto& item : list->items) {
      item.touch();
      const YamlTree* name = item.find("name");
      if (name == nullptr) fail(w.file, item, "publish.topics: a topic needs a name");
      Topic t;
      t.service = w.name;
      t.name = string_of(w.file, *name, "publish.topics.name");
      t.from = location(w.file, item);
      if (const YamlTree* fifo = item.find("fifo")) {
        fifo->touch();
        t.fifo = fifo->is_map() || bool_of(w.file, *fifo, "publish.topics.fifo");
      }
      topics_.push_back(t);
    }
  }
  // The scenario's topic names: the manifest's name, or "<service>-<name>" where two services
  // publish topics of the same name (Copilot names them <app>-<env>-<service>-<name>).
  for (auto& t : topics_) {
    int same = 0;
    for (const auto& o : topics_) same += o.name == t.name ? 1 : 0;
    t.key = same > 1 ? t.service + "-" + t.name : t.name;
  }
}

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
    fail(w.file, *type, "unknown manifest type '" + w.type +
                            "' (Copilot's workload types: Load Balanced Web Service, Backend Service, Worker Service, Scheduled Job, "
                            "Request-Driven Web Service, Static Site)");
  }
  draft_.services.push_back(std::move(s));
}

void CopilotImporter::map_task(Workload& w, DraftService& s) {
  const YamlTree& m = w.manifest;
  const YamlTree* cpu = m.find("cpu");
  const YamlTree* memory = m.find("memory");
  s.cpu = cpu ? sourced(static_cast<int>(integer_of(w.file, *cpu, "cpu")), location(w.file, *cpu)) : sourced(256, std::string(kCopilotDefault));
  s.memory = memory ? sourced(static_cast<int>(integer_of(w.file, *memory, "memory")), location(w.file, *memory))
                    : sourced(512, std::string(kCopilotDefault));
  const std::string problem = models::check_fargate_size(s.cpu->value, s.memory->value);
  if (!problem.empty()) fail(w.file, memory ? *memory : cpu ? *cpu : m, problem);
  if (const YamlTree* platform = m.find("platform")) {
    platform->touch();
    std::string os, arch;
    if (platform->is_scalar()) {
      const std::string p = string_of(w.file, *platform, "platform");
      const auto slash = p.find('/');
      os = p.substr(0, slash);
      arch = slash == std::string::npos ? "" : p.substr(slash + 1);
    } else {
      if (const YamlTree* o = platform->find("osfamily")) os = string_of(w.file, *o, "platform.osfamily");
      if (const YamlTree* a = platform->find("architecture")) arch = string_of(w.file, *a, "platform.architecture");
    }
    if (os.rfind("windows", 0) == 0) {
      draft_.not_imported(location(w.file, *platform), "platform " + os + ": loadcast prices and models Linux tasks only (imported as Linux)");
    }
    if (arch == "arm64" || arch == "ARM64") s.arm64 = sourced(true, location(w.file, *platform));
    else if (!arch.empty() && arch != "x86_64" && arch != "amd64") fail(w.file, *platform, "platform: unknown architecture '" + arch + "'");
  }
}

void CopilotImporter::map_http(Workload& w, DraftService& s) {
  const YamlTree* http = w.manifest.find("http");
  if (http == nullptr) {
    fail(w.file, w.manifest, "a Load Balanced Web Service needs http (with a path) or http: false with nlb");
  }
  if (http->is_scalar()) {
    if (!bool_of(w.file, *http, "http")) draft_.note(location(w.file, *http), "http: false: no listener rule reaches " + w.name);
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
    const std::string p = rule_path(string_of(w.file, path_node, "http.path"));
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
  if (path == nullptr) fail(w.file, *http, "http needs a path (the listener rule's path, e.g. path: '/')");
  add_rule(*path);
  if (const YamlTree* alias = http->find("alias")) {
    alias->use();
    draft_.ignored(location(w.file, *alias), "http.alias (a host-header condition: loadcast's listener rules match paths only)");
  }
  if (const YamlTree* rules = http->find("additional_rules")) {
    rules->touch();
    if (!rules->is_sequence()) fail(w.file, *rules, "http.additional_rules must be a list");
    for (const auto& r : rules->items) {
      r.touch();
      const YamlTree* rp = r.find("path");
      if (rp == nullptr) fail(w.file, r, "http.additional_rules: a rule needs a path");
      add_rule(*rp);
    }
  }
  auto& tg = s.target_group;
  tg.deregistration_delay = sourced(60 * sim::kSecond, std::string(kCopilotDefault));
  s.health_check_grace = sourced(60 * sim::kSecond, std::string(kCopilotDefault));
  if (const YamlTree* d = http->find("deregistration_delay")) tg.deregistration_delay = sourced(duration_of(w.file, *d, "http.deregistration_delay"), location(w.file, *d));
  if (const YamlTree* st = http->find("stickiness")) {
    if (bool_of(w.file, *st, "http.stickiness")) {
      draft_.not_imported(location(w.file, *st), "http.stickiness: sticky sessions; loadcast balances every request on its own");
    }
  }
  if (const YamlTree* hc = http->find("healthcheck")) {
    hc->touch();
    if (hc->is_map()) {
      auto& h = tg.health_check;
      if (const YamlTree* v = hc->find("healthy_threshold")) h.healthy_threshold = sourced(static_cast<int>(integer_of(w.file, *v, "healthy_threshold")), location(w.file, *v));
      if (const YamlTree* v = hc->find("unhealthy_threshold")) h.unhealthy_threshold = sourced(static_cast<int>(integer_of(w.file, *v, "unhealthy_threshold")), location(w.file, *v));
      if (const YamlTree* v = hc->find("interval")) h.interval = sourced(duration_of(w.file, *v, "healthcheck.interval"), location(w.file, *v));
      if (const YamlTree* v = hc->find("timeout")) h.timeout = sourced(duration_of(w.file, *v, "healthcheck.timeout"), location(w.file, *v));
      if (const YamlTree* v = hc->find("grace_period")) s.health_check_grace = sourced(duration_of(w.file, *v, "healthcheck.grace_period"), location(w.file, *v));
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
    s.desired = sourced(static_cast<int>(integer_of(w.file, *count, "count")), where);
    return;
  }
  if (!count->is_map()) fail(w.file, *count, "count must be a number or a mapping");
  if (const YamlTree* spot = count->find("spot")) {
    if (count->find("range")) fail(w.file, *spot, "count.spot cannot be combined with count.range");
    s.desired = sourced(static_cast<int>(integer_of(w.file, *spot, "count.spot")), location(w.file, *spot));
    s.spot = sourced(true, location(w.file, *spot));
  }
  const YamlTree* range = count->find("range");
  const char* metrics[] = {"cpu_percentage", "memory_percentage", "requests", "response_time", "queue_delay"};
  bool any_metric = false;
  for (const char* k : metrics) any_metric = any_metric || count->find(k) != nullptr;
  if (range == nullptr) {
    if (any_metric) fail(w.file, *count, "count: autoscaling fields need count.range (min-max)");
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
    if (!lo || !hi) fail(w.file, *range, "count.range '" + r + "' is not min-max (e.g. 1-10)");
    a.min = static_cast<int>(*lo);
    a.max = static_cast<int>(*hi);
  } else {
    const YamlTree* lo = range->find("min");
    const YamlTree* hi = range->find("max");
    if (lo == nullptr || hi == nullptr) fail(w.file, *range, "count.range needs min and max");
    a.min = static_cast<int>(integer_of(w.file, *lo, "count.range.min"));
    a.max = static_cast<int>(integer_of(w.file, *hi, "count.range.max"));
    if (const YamlTree* sf = range->find("spot_from")) {
      const long long from = integer_of(w.file, *sf, "count.range.spot_from");
      if (from <= 1) {
        s.spot = sourced(true, location(w.file, *sf) + " (spot_from 1: every task on Fargate Spot)");
      } else {
        draft_.not_imported(location(w.file, *sf), "count.range.spot_from " + std::to_string(from) + ": the first " + std::to_string(from - 1) +
                                                       " tasks on Fargate, the rest on Fargate Spot; loadcast prices every task of a service alike (on-demand kept)");
      }
    }
  }
  if (a.min < 0 || a.max < a.min) fail(w.file, *range, "count.range: max must be >= min >= 0");
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
      if (v == nullptr) fail(w.file, *f, std::string("count.") + key + " needs a value");
      return {v, f->find("cooldown")};
    }
    return {f, nullptr};
  };
  if (auto [v, c] = field("cpu_percentage"); v) policy("cpu", static_cast<double>(integer_of(w.file, *v, "cpu_percentage")), *v, c);
  if (auto [v, c] = field("memory_percentage"); v) policy("memory", static_cast<double>(integer_of(w.file, *v, "memory_percentage")), *v, c);
  if (auto [v, c] = field("requests"); v) {
    const double target = static_cast<double>(integer_of(w.file, *v, "requests"));
    if (c) c->use();
    if (worker) draft_.not_imported(location(w.file, *v), "count.requests: a Worker Service has no load balancer (Copilot rejects it)");
    else if (w.type != "Load Balanced Web Service") draft_.not_imported(location(w.file, *v), "count.requests: RequestCountPerTarget of the internal load balancer, which loadcast does not model");
    else policy("requests_per_target", target, *v, c);
  }
  if (const YamlTree* q = count->find("queue_delay")) {
    q->touch();
    const YamlTree* lat = q->find("acceptable_latency");
    const YamlTree* proc = q->find("msg_processing_time");
    if (lat == nullptr || proc == nullptr) fail(w.file, *q, "count.queue_delay needs acceptable_latency and msg_processing_time");
    const sim::Time latency = duration_of(w.file, *lat, "queue_delay.acceptable_latency");
    const sim::Time per_message = duration_of(w.file, *proc, "queue_delay.msg_processing_time");
    if (per_message <= 0) fail(w.file, *proc, "queue_delay.msg_processing_time must be longer than 0s");
    if (!worker) {
      draft_.not_imported(location(w.file, *q), "count.queue_delay: only a Worker Service scales on its queue (Copilot rejects it)");
      if (const YamlTree* c = q->find("cooldown")) c->use();
    } else {
      const double backlog = std::ceil(static_cast<double>(latency) / static_cast<double>(per_message));
      policy("backlog_per_task", backlog, *q, q->find("cooldown"));
      a.policies.back().from = location(w.file, *q) + " ceil(" + sim::format_duration(latency) + " / " + sim::format_duration(per_message) + ")" +
                               a.policies.back().from.substr(location(w.file, *q).size());
      s.message_time = sourced(per_message, location(w.file, *proc) + " msg_processing_time");
    }
  }
  s.autoscaling = a;
}

void CopilotImporter::map_publish(Workload& w, DraftService& s) {
  for (const auto& t : topics_) {
    if (t.service == w.name) s.publish_topics.push_back(t.key);
  }
}

void CopilotImporter::map_subscribe(Workload& w) {
  DraftQueue q;
  q.name = w.name;
  const YamlTree* sub = w.manifest.find("subscribe");
  q.from = sub ? location(w.file, *sub) : w.file + " (the worker's queue)";
  bool fifo = false;
  if (sub != nullptr) {
    sub->touch();
    if (const YamlTree* qn = sub->find("queue")) {
      qn->touch();
      if (const YamlTree* v = qn->find("timeout")) q.visibility_timeout = sourced(duration_of(w.file, *v, "subscribe.queue.timeout"), location(w.file, *v));
      if (const YamlTree* v = qn->find("retention")) q.retention = sourced(duration_of(w.file, *v, "subscribe.queue.retention"), location(w.file, *v));
      if (const YamlTree* v = qn->find("delay")) {
        if (duration_of(w.file, *v, "subscribe.queue.delay") > 0) {
          draft_.not_imported(location(w.file, *v), "subscribe.queue.delay: a delay queue; loadcast delivers messages at once");
        }
      }
      if (const YamlTree* dl = qn->find("dead_letter")) {
        dl->touch();
        if (const YamlTree* tries = dl->find("tries")) {
          const std::string dlq = w.name + "-dlq";
          q.dead_letter_queue = sourced(dlq, location(w.file, *tries));
          q.max_receive_count = sourced(static_cast<std::int64_t>(integer_of(w.file, *tries, "dead_letter.tries")), location(w.file, *tries));
          DraftQueue d;
          d.name = dlq;
          d.from = location(w.file, *dl) + " (Copilot's dead-letter queue)";
          d.retention = sourced(14 * sim::kDay, std::string("Copilot's dead-letter queue keeps messages 14 days"));
          draft_.queues.push_back(d);
        }
      }
      if (const YamlTree* f = qn->find("fifo")) {
        f->touch();
        if (f->is_map()) {
          fifo = true;
          bool high = false;
          std::string scope, limit;
          if (const YamlTree* v = f->find("high_throughput")) high = bool_of(w.file, *v, "fifo.high_throughput");
          if (const YamlTree* v = f->find("deduplication_scope")) scope = string_of(w.file, *v, "fifo.deduplication_scope");
          if (const YamlTree* v = f->find("throughput_limit")) limit = string_of(w.file, *v, "fifo.throughput_limit");
          if (high || (scope == "messageGroup" && limit == "perMessageGroupId")) {
            q.high_throughput = sourced(true, location(w.file, *f));
          } else if (!scope.empty() || !limit.empty()) {
            draft_.not_imported(location(w.file, *f), "fifo: deduplication_scope '" + scope + "' with throughput_limit '" + limit +
                                                          "': loadcast models the default FIFO mode or high throughput (messageGroup with perMessageGroupId)");
          }
        } else {
          fifo = bool_of(w.file, *f, "subscribe.queue.fifo");
        }
      }
    }
    if (const YamlTree* topics = sub->find("topics")) {
      topics->touch();
      if (!topics->is_sequence()) fail(w.file, *topics, "subscribe.topics must be a list");
      for (const auto& t : topics->items) {
        t.touch();
        const YamlTree* name = t.find("name");
        const YamlTree* svc = t.find("service");
        if (name == nullptr || svc == nullptr) fail(w.file, t, "subscribe.topics: a subscription needs name and service");
        const std::string topic = string_of(w.file, *name, "subscribe.topics.name");
        const std::string publisher = string_of(w.file, *svc, "subscribe.topics.service");
        Topic* found = nullptr;
        for (auto& tp : topics_) {
          if (tp.name == topic && tp.service == publisher) found = &tp;
        }
        if (found == nullptr) {
          fail(w.file, t, "subscribes to topic '" + topic + "' of service '" + publisher + "', which no manifest in the workspace publishes");
        }
        found->subscriptions.push_back(q.name);
        if (const YamlTree* own = t.find("queue")) {
          own->use();
          if (!(own->is_scalar() && as_bool(*own) == std::optional<bool>(false))) {
            draft_.not_imported(location(w.file, *own), "subscribe.topics.queue: a topic-specific queue; loadcast's worker consumes one queue, so topic " +
                                                            topic + " delivers to " + q.name + " instead");
          }
        }
      }
    }
  }
  if (!fifo) {
    draft_.not_imported(q.from, "the queue of " + w.name + " is a standard queue: loadcast models SQS FIFO (imported as FIFO)");
  }
  draft_.queues.insert(draft_.queues.begin() + static_cast<long>(draft_.queues.size() - (q.dead_letter_queue ? 1 : 0)), q);
}

void CopilotImporter::map_job(Workload& w, DraftService& s) {
  DraftQueue q;
  q.name = w.name;
  q.from = w.file + " (the job's schedule as messages)";
  const YamlTree* on = w.manifest.find("on");
  const YamlTree* schedule = on ? on->find("schedule") : nullptr;
  if (schedule == nullptr) fail(w.file, on ? *on : w.manifest, "a Scheduled Job needs on.schedule");
  on->touch();
  const std::string expr = string_of(w.file, *schedule, "on.schedule");
  std::string why;
  if (const auto r = parse_recurrence(expr, why)) {
    DraftSchedule sc;
    sc.from = location(w.file, *schedule) + " '" + expr + "'";
    sc.every = r->every;
    sc.start = r->start;
    q.schedules.push_back(sc);
    if (!r->approximation.empty()) draft_.not_imported(location(w.file, *schedule), "on.schedule '" + expr + "': " + r->approximation);
  } else {
    draft_.not_imported(location(w.file, *schedule), "on.schedule: " + why + "; the job never runs in the scenario");
  }
  if (const YamlTree* t = w.manifest.find("timeout")) {
    q.visibility_timeout = sourced(duration_of(w.file, *t, "timeout"), location(w.file, *t) + " timeout (a run that takes longer runs again)");
  } else {
    q.visibility_timeout = sourced(12 * sim::kHour, std::string("ASSUMPTION: no timeout, so the longest visibility timeout"));
  }
  draft_.queues.push_back(q);
  s.queue = w.name;
  s.job = true;
  DraftAutoscaling a;
  a.from = w.file + " (a job runs a task per schedule: 0-1 tasks, started by a message)";
  a.min = 0;
  a.max = 1;
  DraftPolicy p;
  p.from = "ASSUMPTION: starts a task when the schedule's message waits";
  p.metric = "backlog_per_task";
  p.target = 1;
  a.policies.push_back(p);
  s.autoscaling = a;
  draft_.note(w.file, "Scheduled Job " + w.name + ": modelled as a worker at 0-1 tasks fed one message per run; its task starts a few minutes after the schedule fires (the scale-out alarm) and stops 15 minutes after its queue empties");
}

void CopilotImporter::finish_topics() {
  for (const auto& t : topics_) {
    if (t.subscriptions.empty()) {
      draft_.not_imported(t.from, "topic " + t.name + " of " + t.service + " has no subscriber in the workspace; publishing to it is not modelled");
      for (auto& s : draft_.services) {
        std::erase(s.publish_topics, t.key);
      }
      continue;
    }
    if (!t.fifo) draft_.not_imported(t.from, "topic " + t.name + " is a standard SNS topic: loadcast models SNS FIFO (imported as FIFO)");
    DraftTopic d;
    d.name = t.key;
    d.from = t.from;
    d.subscriptions = t.subscriptions;
    draft_.topics.push_back(d);
  }
  // Listener rule priorities: Copilot assigns them in deployment order (not in the workspace);
  // the most specific (longest) path first keeps every rule reachable.
  if (draft_.load_balancer && !draft_.load_balancer->rules.empty()) {
    auto& rules = draft_.load_balancer->rules;
    std::stable_sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) { return a.paths.front().size() > b.paths.front().size(); });
    for (std::size_t i = 0; i < rules.size(); ++i) rules[i].priority = static_cast<int>(i + 1);
    if (rules.size() > 1) {
      draft_.note("load_balancer.rules", "Copilot gives listener rules priorities in deployment order; loadcast evaluates the longest path first");
    }
  }
}

}  // namespace loadcast::scenario
