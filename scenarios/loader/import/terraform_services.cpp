// The web tier of a Terraform plan (terraform_importer.hpp): ECS services and task definitions,
// the ALB, its listeners, rules and target groups, and Application Auto Scaling. Attribute names
// are the AWS provider's: [doc] https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/
// ecs_service, ecs_task_definition, lb, lb_listener, lb_listener_rule, lb_target_group,
// appautoscaling_target, appautoscaling_policy, appautoscaling_scheduled_action,
// cloudwatch_metric_alarm. Predefined metric types: [doc]
// https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html
#include <algorithm>
#include <cmath>

#include "models/web/fargate_sizes.hpp"
#include "scenarios/loader/import/schedule_expression.hpp"
#include "scenarios/loader/import/terraform_importer.hpp"

namespace loadcast::scenario {

namespace {

const std::vector<std::string> kLbTypes = {"aws_lb", "aws_alb"};
const std::vector<std::string> kListenerTypes = {"aws_lb_listener", "aws_alb_listener"};
const std::vector<std::string> kRuleTypes = {"aws_lb_listener_rule", "aws_alb_listener_rule"};
const std::vector<std::string> kTargetGroupTypes = {"aws_lb_target_group", "aws_alb_target_group"};

sim::Time seconds(double s) { return static_cast<sim::Time>(std::llround(s * 1e9)); }

std::string comparison_of(const std::string& op) {
  if (op == "GreaterThanThreshold") return ">";
  if (op == "GreaterThanOrEqualToThreshold") return ">=";
  if (op == "LessThanThreshold") return "<";
  if (op == "LessThanOrEqualToThreshold") return "<=";
  return {};
}

std::string adjustment_of(const std::string& t) {
  if (t == "ChangeInCapacity") return "change_in_capacity";
  if (t == "ExactCapacity") return "exact_capacity";
  if (t == "PercentChangeInCapacity") return "percent_change_in_capacity";
  return {};
}

std::string dimension(const Json& metric, const std::string& name) {
  for (const Json* d : tf_blocks(metric, {"dimensions"})) {
    if (d->is_object() && d->value("name", "") == name) return d->value("value", "");
  }
  // An alarm's dimensions are a map.
  if (const Json* m = tf_at(metric, {"dimensions"}); m && m->is_object()) {
    if (auto it = m->find(name); it != m->end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

std::string without_spaces(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

}  // namespace

DraftService* TerraformImporter::service_of(const TfResource* ecs) {
  auto it = service_names_.find(ecs);
  return it == service_names_.end() ? nullptr : draft_.service(it->second);
}

void TerraformImporter::map_services() {
  const auto services = plan_.of_type("aws_ecs_service");
  // The configuration's label names a service ("web") unless it is generic ("this") or shared by
  // instances; then the ECS service's own name does.
  auto label_ok = [&](const TfResource& r) {
    static const char* kGeneric[] = {"this", "main", "default", "service", "app", "ecs", "svc"};
    for (const char* g : kGeneric) {
      if (r.name == g) return false;
    }
    int same = 0;
    for (const TfResource* o : services) same += o->name == r.name ? 1 : 0;
    return r.index.empty() && same == 1;
  };
  for (const TfResource* r : services) {
    handled(r);
    DraftService s;
    s.name = label_ok(*r) ? r->name : tf_string(*r->values, {"name"}).value_or(r->name + (r->index.empty() ? "" : "-" + r->index));
    s.from = r->address;
    s.kind = "aws_ecs_service";
    if (draft_.service(s.name) != nullptr) {
      draft_.not_imported(r->address, "a second ECS service named " + s.name + " (in another cluster?): loadcast needs distinct names");
      continue;
    }
    if (auto d = tf_number(*r->values, {"desired_count"})) s.desired = sourced(static_cast<int>(*d), r->address + " desired_count");
    const std::string launch = tf_string(*r->values, {"launch_type"}).value_or("");
    if (launch == "EC2" || launch == "EXTERNAL") {
      draft_.not_imported(r->address, "launch_type " + launch + ": loadcast models Fargate tasks (imported as Fargate)");
    }
    const auto strategy = tf_blocks(*r->values, {"capacity_provider_strategy"});
    if (!strategy.empty()) {
      bool spot = false, on_demand = false;
      for (const Json* c : strategy) {
        const std::string provider = c->value("capacity_provider", "");
        const double weight = tf_number(*c, {"weight"}).value_or(0);
        const double base = tf_number(*c, {"base"}).value_or(0);
        if (provider == "FARGATE_SPOT" && (weight > 0 || base > 0)) spot = true;
        else if (provider == "FARGATE" && (weight > 0 || base > 0)) on_demand = true;
        else if (provider != "FARGATE" && provider != "FARGATE_SPOT") {
          draft_.not_imported(r->address, "capacity provider " + provider + ": loadcast models Fargate and Fargate Spot");
        }
      }
      if (spot && !on_demand) s.spot = sourced(true, r->address + " capacity_provider_strategy (FARGATE_SPOT only)");
      else if (spot) draft_.not_imported(r->address, "capacity_provider_strategy mixes FARGATE and FARGATE_SPOT: loadcast prices every task of a service alike (on-demand kept)");
    }
    if (auto g = tf_number(*r->values, {"health_check_grace_period_seconds"}); g && *g > 0) {
      s.health_check_grace = sourced(seconds(*g), r->address + " health_check_grace_period_seconds");
    }
    const double max_pct = tf_number(*r->values, {"deployment_maximum_percent"}).value_or(200);
    const double min_pct = tf_number(*r->values, {"deployment_minimum_healthy_percent"}).value_or(100);
    if (max_pct != 200 || min_pct != 100) {
      draft_.not_imported(r->address, "deployment_maximum_percent / deployment_minimum_healthy_percent: loadcast simulates a running service, not a deployment");
    }
    map_task_definition(*r, s);
    service_names_[r] = s.name;
    draft_.services.push_back(std::move(s));
  }
}

void TerraformImporter::map_task_definition(const TfResource& service, DraftService& s) {
  const TfResource* td = plan_.link(service, {"task_definition"}, {"aws_ecs_task_definition"});
  if (td == nullptr) {
    draft_.not_imported(service.address, "its task definition is not in the plan (or not linked): cpu and memory keep loadcast's defaults");
    return;
  }
  handled(td);
  task_defs_[&service] = td;
  const auto cpu = tf_number(*td->values, {"cpu"});
  const auto memory = tf_number(*td->values, {"memory"});
  if (cpu && memory) {
    const std::string problem = models::check_fargate_size(static_cast<int>(*cpu), static_cast<int>(*memory));
    if (!problem.empty()) throw ImportError({td->file + ": " + td->address + ": " + problem});
    s.cpu = sourced(static_cast<int>(*cpu), td->address + " cpu");
    s.memory = sourced(static_cast<int>(*memory), td->address + " memory");
  } else {
    draft_.not_imported(td->address, "cpu and memory are not set on the task (an EC2 task definition?): loadcast's defaults are kept");
  }
  if (auto arch = tf_string(*td->values, {"runtime_platform", "cpu_architecture"})) {
    if (*arch == "ARM64") s.arm64 = sourced(true, td->address + " runtime_platform.cpu_architecture");
  }
  if (auto os = tf_string(*td->values, {"runtime_platform", "operating_system_family"}); os && os->rfind("WINDOWS", 0) == 0) {
    draft_.not_imported(td->address, "operating_system_family " + *os + ": loadcast models Linux tasks (imported as Linux)");
  }
  if (auto defs = tf_string(*td->values, {"container_definitions"})) {
    Json containers;
    try {
      containers = Json::parse(*defs);
    } catch (const Json::parse_error&) {
      throw ImportError({td->file + ": " + td->address + ": container_definitions is not valid JSON"});
    }
    if (containers.is_array()) {
      if (containers.size() > 1) {
        draft_.not_imported(td->address, std::to_string(containers.size()) + " containers: they share the task's CPU and memory; loadcast models the main application only");
      }
      std::optional<double> stop;
      for (const auto& c : containers) {
        if (c.is_object() && c.contains("stopTimeout") && c["stopTimeout"].is_number()) stop = std::max(stop.value_or(0), c["stopTimeout"].get<double>());
      }
      if (stop) s.stop_timeout = sourced(seconds(*stop), td->address + " container_definitions stopTimeout");
    }
  }
}

void TerraformImporter::map_target_group(const TfResource& tg, DraftService& s) {
  handled(&tg);
  auto& g = s.target_group;
  const std::string at = tg.address + " ";
  if (auto v = tf_number(*tg.values, {"deregistration_delay"})) g.deregistration_delay = sourced(seconds(*v), at + "deregistration_delay");
  if (auto v = tf_number(*tg.values, {"slow_start"}); v && *v > 0) g.slow_start = sourced(seconds(*v), at + "slow_start");
  if (auto v = tf_string(*tg.values, {"load_balancing_algorithm_type"})) g.algorithm = sourced(*v, at + "load_balancing_algorithm_type");
  if (auto v = tf_bool(*tg.values, {"stickiness", "enabled"}); v && *v) {
    draft_.not_imported(tg.address, "stickiness: sticky sessions; loadcast balances every request on its own");
  }
  if (tf_bool(*tg.values, {"health_check", "enabled"}) == std::optional<bool>(false)) {
    draft_.not_imported(tg.address, "health_check.enabled false: loadcast's ALB always checks its targets");
  }
  auto& h = g.health_check;
  if (auto v = tf_number(*tg.values, {"health_check", "interval"})) h.interval = sourced(seconds(*v), at + "health_check.interval");
  if (auto v = tf_number(*tg.values, {"health_check", "timeout"})) h.timeout = sourced(seconds(*v), at + "health_check.timeout");
  if (auto v = tf_number(*tg.values, {"health_check", "healthy_threshold"})) h.healthy_threshold = sourced(static_cast<int>(*v), at + "health_check.healthy_threshold");
  if (auto v = tf_number(*tg.values, {"health_check", "unhealthy_threshold"})) h.unhealthy_threshold = sourced(static_cast<int>(*v), at + "health_check.unhealthy_threshold");
  if (auto p = tf_string(*tg.values, {"protocol_version"}); p && *p == "GRPC") {
    draft_.note(tg.address, "protocol_version GRPC: requests are modelled as HTTP requests");
  }
}

void TerraformImporter::map_load_balancer() {
  // Target group -> the ECS service registered in it.
  std::map<const TfResource*, const TfResource*> service_of_tg;
  for (const auto& [svc, name] : service_names_) {
    for (const TfResource* tg : plan_.links(*svc, {"load_balancer", "target_group_arn"}, kTargetGroupTypes)) {
      if (service_of_tg.count(tg)) {
        draft_.not_imported(svc->address, "shares target group " + tg->address + " with another service: loadcast gives a target group one service");
        continue;
      }
      service_of_tg[tg] = svc;
    }
    const auto tgs = plan_.links(*svc, {"load_balancer", "target_group_arn"}, kTargetGroupTypes);
    if (tgs.size() > 1) draft_.not_imported(svc->address, "registered in several target groups: loadcast gives a service one (the first's settings are used)");
  }
  std::vector<const TfResource*> albs;
  for (const TfResource* lb : plan_.of_types(kLbTypes)) {
    handled(lb);
    const std::string type = tf_string(*lb->values, {"load_balancer_type"}).value_or("application");
    if (type != "application") {
      draft_.not_imported(lb->address, "a " + type + " load balancer: loadcast models an Application Load Balancer");
      continue;
    }
    albs.push_back(lb);
  }
  bool chosen = false;
  for (const TfResource* lb : albs) {
    // The listeners of this ALB that forward, and the rules on them.
    std::vector<const TfResource*> listeners;
    for (const TfResource* l : plan_.of_types(kListenerTypes)) {
      if (plan_.link(*l, {"load_balancer_arn"}, kLbTypes) != lb) continue;
      handled(l);
      const auto actions = tf_blocks(*l->values, {"default_action"});
      const std::string first = actions.empty() ? "" : (*actions.front()).value("type", "");
      bool has_rules = false;
      for (const TfResource* rule : plan_.of_types(kRuleTypes)) has_rules = has_rules || plan_.link(*rule, {"listener_arn"}, kListenerTypes) == l;
      if (first == "redirect" && !has_rules) {
        draft_.ignored(l->address, "a listener that only redirects (HTTP to HTTPS): outside the model");
        continue;
      }
      listeners.push_back(l);
    }
    if (listeners.empty()) {
      draft_.not_imported(lb->address, "no listener that forwards to a target group");
      continue;
    }
    if (chosen) {
      draft_.not_imported(lb->address, "a second ALB: loadcast models one load balancer per scenario");
      for (const TfResource* l : listeners) draft_.not_imported(l->address, "a listener of the second ALB");
      continue;
    }
    chosen = true;
    // Prefer the HTTPS listener (port 443) when several forward.
    std::stable_sort(listeners.begin(), listeners.end(), [](const TfResource* a, const TfResource* b) {
      return tf_number(*a->values, {"port"}).value_or(0) == 443 && tf_number(*b->values, {"port"}).value_or(0) != 443;
    });
    const TfResource* listener = listeners.front();
    for (std::size_t i = 1; i < listeners.size(); ++i) {
      draft_.not_imported(listeners[i]->address, "a second forwarding listener: loadcast sends every request through one (" + listener->address + ")");
    }
    DraftLoadBalancer d;
    d.from = lb->address;
    if (auto n = tf_string(*lb->values, {"name"})) d.name = sourced(*n, lb->address + " name");
    if (auto t = tf_number(*lb->values, {"idle_timeout"})) d.idle_timeout = sourced(seconds(*t), lb->address + " idle_timeout");
    if (tf_bool(*lb->values, {"internal"}) == std::optional<bool>(true)) draft_.note(lb->address, "an internal ALB: requests are simulated as if they reached it");
    auto service_for = [&](const TfResource& from, const std::vector<std::string>& path) -> const TfResource* {
      for (const TfResource* tg : plan_.links(from, path, kTargetGroupTypes)) {
        auto it = service_of_tg.find(tg);
        if (it != service_of_tg.end()) return tg;
      }
      return nullptr;
    };
    auto target_of_action = [&](const TfResource& from, const std::string& block) -> const TfResource* {
      if (const TfResource* tg = service_for(from, {block, "target_group_arn"})) return tg;
      return service_for(from, {block, "forward", "target_group", "arn"});
    };
    auto attach = [&](const TfResource* tg) -> std::string {
      const TfResource* svc = service_of_tg.at(tg);
      behind_alb_.insert(svc);
      DraftService* s = service_of(svc);
      if (s != nullptr && !s->target_group.any()) map_target_group(*tg, *s);
      else handled(tg);
      return s ? s->name : std::string();
    };
    for (const Json* a : tf_blocks(*listener->values, {"default_action"})) {
      const std::string type = a->value("type", "");
      if (type != "forward") continue;
      if (tf_blocks(*a, {"forward", "target_group"}).size() > 1) {
        draft_.not_imported(listener->address, "default_action forwards to weighted target groups: loadcast forwards each rule to one service");
      }
      if (const TfResource* tg = target_of_action(*listener, "default_action")) d.default_service = sourced(attach(tg), listener->address + " default_action");
      else draft_.not_imported(listener->address, "default_action forwards to a target group no ECS service is registered in");
    }
    for (const TfResource* rule : plan_.of_types(kRuleTypes)) {
      if (plan_.link(*rule, {"listener_arn"}, kListenerTypes) != listener) {
        if (std::find(listeners.begin(), listeners.end(), plan_.link(*rule, {"listener_arn"}, kListenerTypes)) != listeners.end()) {
          handled(rule);
          draft_.not_imported(rule->address, "a rule of " + plan_.link(*rule, {"listener_arn"}, kListenerTypes)->address + ", a listener loadcast does not send requests through");
        }
        continue;
      }
      handled(rule);
      DraftRule dr;
      dr.from = rule->address;
      if (auto p = tf_number(*rule->values, {"priority"})) dr.priority = static_cast<int>(*p);
      bool supported = true;
      for (const Json* c : tf_blocks(*rule->values, {"condition"})) {
        for (const Json* pp : tf_blocks(*c, {"path_pattern", "values"})) {
          if (pp->is_string()) dr.paths.push_back(pp->get<std::string>());
        }
        if (tf_at(*c, {"host_header"})) draft_.ignored(rule->address, "condition.host_header (a host-header condition: loadcast's listener rules match paths only)");
        for (const char* other : {"http_header", "http_request_method", "query_string", "source_ip"}) {
          if (tf_at(*c, {other})) {
            draft_.not_imported(rule->address, std::string("condition.") + other + ": loadcast's listener rules match paths only (the rule is left out)");
            supported = false;
          }
        }
      }
      if (dr.paths.empty()) {
        draft_.not_imported(rule->address, "a rule without a path condition: loadcast's listener rules match paths only (left out)");
        continue;
      }
      if (!supported) continue;
      const auto actions = tf_blocks(*rule->values, {"action"});
      bool forwards = false;
      for (const Json* a : actions) forwards = forwards || a->value("type", "") == "forward";
      if (!forwards) {
        draft_.not_imported(rule->address, "an action other than forward (redirect, fixed-response, authenticate): left out");
        continue;
      }
      const TfResource* tg = target_of_action(*rule, "action");
      if (tg == nullptr) {
        draft_.not_imported(rule->address, "forwards to a target group no ECS service is registered in (or that the plan does not link)");
        continue;
      }
      dr.service = attach(tg);
      d.rules.push_back(dr);
    }
    draft_.load_balancer = d;
  }
  for (const auto& [tg, svc] : service_of_tg) {
    if (handled_.count(tg) == 0) {
      handled(tg);
      draft_.not_imported(tg->address, "no listener rule of the modelled ALB forwards to it (" + svc->address + " gets no traffic through it)");
    }
  }
}

std::string TerraformImporter::metric_of(const Json& spec, const TfResource& at, DraftService& s, bool& ok) {
  ok = true;
  const std::string ns = spec.value("namespace", "");
  const std::string name = spec.value("metric_name", "");
  if (ns == "AWS/ECS" && name == "CPUUtilization") return "cpu";
  if (ns == "AWS/ECS" && name == "MemoryUtilization") return "memory";
  if (ns == "AWS/ApplicationELB" && name == "RequestCountPerTarget") return "requests_per_target";
  if (ns == "AWS/SQS" && name == "ApproximateAgeOfOldestMessage") {
    const std::string q = dimension(spec, "QueueName");
    if (!q.empty()) worker_queue_hint_[s.name] = q;
    return "oldest_message_age";
  }
  // Metric math: visible messages divided by the running (or desired) task count is AWS's
  // backlog per task. [doc] https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
  const auto metrics = tf_blocks(spec, {"metrics"});
  if (!metrics.empty()) {
    std::string visible, tasks, expression;
    for (const Json* m : metrics) {
      const std::string id = m->value("id", "");
      if (const Json* stat = tf_at(*m, {"metric_stat", "metric"})) {
        const std::string mn = stat->value("metric_name", "");
        if (mn == "ApproximateNumberOfMessagesVisible") {
          visible = id;
          const std::string q = dimension(*stat, "QueueName");
          if (!q.empty()) worker_queue_hint_[s.name] = q;
        }
        if (mn == "RunningTaskCount" || mn == "DesiredTaskCount") tasks = id;
      }
      if (tf_bool(*m, {"return_data"}) == std::optional<bool>(true) && m->contains("expression") && (*m)["expression"].is_string()) {
        expression = without_spaces((*m)["expression"].get<std::string>());
      }
    }
    if (!visible.empty() && !tasks.empty() && expression == visible + "/" + tasks) return "backlog_per_task";
    ok = false;
    draft_.not_imported(at.address, "target tracking on metric math '" + expression + "': loadcast has meters for backlog per task (visible messages / running tasks)");
    return {};
  }
  ok = false;
  draft_.not_imported(at.address, "scaling on " + (ns.empty() ? std::string("?") : ns) + "/" + (name.empty() ? std::string("?") : name) +
                                      ": loadcast has no meter for this metric");
  return {};
}

bool TerraformImporter::map_policy(const TfResource& policy, DraftService& s, DraftAutoscaling& a) {
  const std::string type = tf_string(*policy.values, {"policy_type"}).value_or("StepScaling");
  if (type == "StepScaling") return map_step_policy(policy, s, a);
  if (type != "TargetTrackingScaling") {
    draft_.not_imported(policy.address, "policy_type " + type + ": loadcast models target tracking and step scaling");
    return false;
  }
  const Json* cfg = tf_at(*policy.values, {"target_tracking_scaling_policy_configuration"});
  if (cfg == nullptr) {
    draft_.not_imported(policy.address, "no target_tracking_scaling_policy_configuration");
    return false;
  }
  DraftPolicy p;
  p.from = policy.address;
  p.name = tf_string(*policy.values, {"name"}).value_or("");
  if (auto pre = tf_string(*cfg, {"predefined_metric_specification", "predefined_metric_type"})) {
    if (*pre == "ECSServiceAverageCPUUtilization") p.metric = "cpu";
    else if (*pre == "ECSServiceAverageMemoryUtilization") p.metric = "memory";
    else if (*pre == "ALBRequestCountPerTarget") p.metric = "requests_per_target";
    else {
      draft_.not_imported(policy.address, "predefined metric " + *pre + ": loadcast has no meter for it");
      return false;
    }
  } else if (const Json* custom = tf_at(*cfg, {"customized_metric_specification"})) {
    bool ok = false;
    p.metric = metric_of(*custom, policy, s, ok);
    if (!ok) return false;
  } else {
    draft_.not_imported(policy.address, "target tracking without a metric");
    return false;
  }
  bool routed = false;
  if (draft_.load_balancer) {
    for (const auto& r : draft_.load_balancer->rules) routed = routed || r.service == s.name;
    routed = routed || (draft_.load_balancer->default_service && draft_.load_balancer->default_service->value == s.name);
  }
  if (p.metric == "requests_per_target" && !routed) {
    draft_.not_imported(policy.address, "RequestCountPerTarget of a service no modelled listener rule reaches");
    return false;
  }
  p.target = tf_number(*cfg, {"target_value"}).value_or(0);
  if (auto v = tf_number(*cfg, {"scale_in_cooldown"})) p.scale_in_cooldown = seconds(*v);
  if (auto v = tf_number(*cfg, {"scale_out_cooldown"})) p.scale_out_cooldown = seconds(*v);
  if (auto v = tf_bool(*cfg, {"disable_scale_in"})) p.disable_scale_in = *v;
  for (const auto& other : a.policies) {
    if (!other.step_scaling && other.metric == p.metric) {
      draft_.not_imported(policy.address, "a second target tracking policy on " + p.metric + " (AWS allows one per metric)");
      return false;
    }
  }
  a.policies.push_back(p);
  return true;
}

bool TerraformImporter::map_step_policy(const TfResource& policy, DraftService& s, DraftAutoscaling& a) {
  const Json* cfg = tf_at(*policy.values, {"step_scaling_policy_configuration"});
  if (cfg == nullptr) {
    draft_.not_imported(policy.address, "a step scaling policy without step_scaling_policy_configuration");
    return false;
  }
  // Its alarm: the aws_cloudwatch_metric_alarm whose alarm_actions name the policy.
  const TfResource* alarm = nullptr;
  for (const TfResource* al : plan_.of_type("aws_cloudwatch_metric_alarm")) {
    for (const TfResource* target : plan_.links(*al, {"alarm_actions"}, {"aws_appautoscaling_policy"})) {
      if (target == &policy) alarm = al;
    }
  }
  if (alarm == nullptr) {
    draft_.not_imported(policy.address, "a step scaling policy no aws_cloudwatch_metric_alarm of the plan triggers");
    return false;
  }
  handled(alarm);
  if (tf_at(*alarm->values, {"metric_query"})) {
    draft_.not_imported(alarm->address, "an alarm on metric math: loadcast's step scaling alarms watch one metric");
    return false;
  }
  bool ok = false;
  DraftPolicy p;
  p.step_scaling = true;
  p.from = policy.address + ", " + alarm->address;
  p.name = tf_string(*policy.values, {"name"}).value_or("");
  p.metric = metric_of(*alarm->values, *alarm, s, ok);
  if (!ok) return false;
  p.comparison = comparison_of(tf_string(*alarm->values, {"comparison_operator"}).value_or(""));
  if (p.comparison.empty()) {
    draft_.not_imported(alarm->address, "comparison_operator " + tf_string(*alarm->values, {"comparison_operator"}).value_or("?") + ": not a threshold comparison");
    return false;
  }
  p.threshold = tf_number(*alarm->values, {"threshold"}).value_or(0);
  if (auto v = tf_number(*alarm->values, {"evaluation_periods"})) p.evaluation_periods = static_cast<int>(*v);
  if (auto v = tf_number(*alarm->values, {"datapoints_to_alarm"})) p.datapoints_to_alarm = static_cast<int>(*v);
  if (auto period = tf_number(*alarm->values, {"period"}); period && *period != 60) {
    draft_.note(alarm->address, "period " + std::to_string(static_cast<int>(*period)) + "s: loadcast's metrics have the service's period (60s, or 20s with high resolution)");
  }
  const std::string stat = tf_string(*alarm->values, {"statistic"}).value_or("Average");
  if (stat != "Average") draft_.note(alarm->address, "statistic " + stat + ": loadcast's service metrics are averages over the running tasks");
  p.adjustment_type = adjustment_of(tf_string(*cfg, {"adjustment_type"}).value_or("ChangeInCapacity"));
  if (auto v = tf_number(*cfg, {"cooldown"})) p.cooldown = seconds(*v);
  if (auto v = tf_number(*cfg, {"min_adjustment_magnitude"}); v && *v > 0 && p.adjustment_type == "percent_change_in_capacity") {
    p.min_adjustment_magnitude = static_cast<int>(*v);
  }
  if (auto v = tf_string(*cfg, {"metric_aggregation_type"})) {
    std::string agg = *v;
    std::transform(agg.begin(), agg.end(), agg.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    p.aggregation = agg;
  }
  for (const Json* st : tf_blocks(*cfg, {"step_adjustment"})) {
    DraftStep step;
    if (auto v = tf_number(*st, {"metric_interval_lower_bound"})) step.lower = *v;
    if (auto v = tf_number(*st, {"metric_interval_upper_bound"})) step.upper = *v;
    step.adjustment = tf_number(*st, {"scaling_adjustment"}).value_or(0);
    p.steps.push_back(step);
  }
  if (p.steps.empty()) {
    draft_.not_imported(policy.address, "a step scaling policy without step_adjustment");
    return false;
  }
  a.policies.push_back(p);
  return true;
}

void TerraformImporter::map_autoscaling() {
  std::map<const TfResource*, const TfResource*> service_of_target;
  for (const TfResource* t : plan_.of_type("aws_appautoscaling_target")) {
    const std::string dim = tf_string(*t->values, {"scalable_dimension"}).value_or("");
    if (dim == "rds:cluster:ReadReplicaCount") continue;  // the database's (terraform_importer.cpp)
    handled(t);
    if (dim != "ecs:service:DesiredCount") {
      draft_.not_imported(t->address, "scalable dimension " + (dim.empty() ? std::string("?") : dim) + ": loadcast scales ECS services and Aurora replicas");
      continue;
    }
    const TfResource* svc = nullptr;
    if (auto id = tf_string(*t->values, {"resource_id"})) {
      const std::string svc_name = id->substr(id->rfind('/') + 1);
      for (const auto& [r, name] : service_names_) {
        if (tf_string(*r->values, {"name"}) == svc_name) svc = r;
      }
    }
    if (svc == nullptr) svc = plan_.link(*t, {"resource_id"}, {"aws_ecs_service"});
    if (svc == nullptr || service_of(svc) == nullptr) {
      draft_.not_imported(t->address, "its ECS service is not in the plan (resource_id " + tf_string(*t->values, {"resource_id"}).value_or("unknown") + ")");
      continue;
    }
    service_of_target[t] = svc;
  }
  for (const auto& [t, svc] : service_of_target) {
    DraftService& s = *service_of(svc);
    DraftAutoscaling a;
    a.from = t->address;
    a.min = static_cast<int>(tf_number(*t->values, {"min_capacity"}).value_or(1));
    a.max = static_cast<int>(tf_number(*t->values, {"max_capacity"}).value_or(a.min));
    const auto matches = [&](const TfResource& r) {
      const auto id = tf_string(*r.values, {"resource_id"});
      const auto mine = tf_string(*t->values, {"resource_id"});
      if (id && mine) return *id == *mine && tf_string(*r.values, {"scalable_dimension"}) == tf_string(*t->values, {"scalable_dimension"});
      return plan_.link(r, {"resource_id"}, {"aws_appautoscaling_target"}) == t || plan_.config_refers(r, *t) ||
             plan_.link(r, {"resource_id"}, {"aws_ecs_service"}) == svc;
    };
    for (const TfResource* p : plan_.of_type("aws_appautoscaling_policy")) {
      if (!matches(*p)) continue;
      handled(p);
      map_policy(*p, s, a);
    }
    for (const TfResource* sa : plan_.of_type("aws_appautoscaling_scheduled_action")) {
      if (!matches(*sa)) continue;
      handled(sa);
      const std::string expr = tf_string(*sa->values, {"schedule"}).value_or("");
      std::string why;
      const auto at = parse_time_of_day(expr, why);
      if (!at) {
        draft_.not_imported(sa->address, "schedule: " + why + " (a scenario's scheduled action happens once, at a time of the run)");
        continue;
      }
      DraftScheduledAction d;
      d.from = sa->address + " '" + expr + "'" + (tf_string(*sa->values, {"timezone"}) ? " " + *tf_string(*sa->values, {"timezone"}) : std::string());
      d.at = *at;
      if (auto v = tf_number(*sa->values, {"scalable_target_action", "min_capacity"})) d.min = static_cast<int>(*v);
      if (auto v = tf_number(*sa->values, {"scalable_target_action", "max_capacity"})) d.max = static_cast<int>(*v);
      if (!d.min && !d.max) {
        draft_.not_imported(sa->address, "scalable_target_action changes neither min nor max");
        continue;
      }
      a.scheduled.push_back(d);
    }
    std::stable_sort(a.scheduled.begin(), a.scheduled.end(), [](const auto& x, const auto& y) { return x.at < y.at; });
    s.autoscaling = a;
  }
  for (const TfResource* p : plan_.of_types({"aws_appautoscaling_policy", "aws_appautoscaling_scheduled_action"})) {
    if (handled_.count(p)) continue;
    const std::string dim = tf_string(*p->values, {"scalable_dimension"}).value_or("");
    if (dim == "rds:cluster:ReadReplicaCount") continue;
    handled(p);
    draft_.not_imported(p->address, "its scalable target is not an ECS service of the plan");
  }
}

}  // namespace loadcast::scenario
