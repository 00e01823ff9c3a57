// The web tier of a Terraform plan (terraform_importer.hpp): ECS services and task definitions,
// the ALB, its listeners, rules and target groups. Attribute names are the AWS provider's:
// [doc] https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ ecs_service,
// ecs_task_definition, lb, lb_listener, lb_listener_rule, lb_target_group.
#include <algorithm>
#include <cmath>

#include "models/web/fargate_sizes.hpp"
#include "scenarios/loader/import/terraform_importer.hpp"

namespace loadcast::scenario {

namespace {

const std::vector<std::string> kLbTypes = {"aws_lb", "aws_alb"};
const std::vector<std::string> kListenerTypes = {"aws_lb_listener", "aws_alb_listener"};
const std::vector<std::string> kRuleTypes = {"aws_lb_listener_rule", "aws_alb_listener_rule"};
const std::vector<std::string> kTargetGroupTypes = {"aws_lb_target_group", "aws_alb_target_group"};

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
      s.health_check_grace = sourced(tf_seconds(*g), r->address + " health_check_grace_period_seconds");
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
      if (stop) s.stop_timeout = sourced(tf_seconds(*stop), td->address + " container_definitions stopTimeout");
    }
  }
}

void TerraformImporter::map_target_group(const TfResource& tg, DraftService& s) {
  handled(&tg);
  auto& g = s.target_group;
  const std::string at = tg.address + " ";
  if (auto v = tf_number(*tg.values, {"deregistration_delay"})) g.deregistration_delay = sourced(tf_seconds(*v), at + "deregistration_delay");
  if (auto v = tf_number(*tg.values, {"slow_start"}); v && *v > 0) g.slow_start = sourced(tf_seconds(*v), at + "slow_start");
  if (auto v = tf_string(*tg.values, {"load_balancing_algorithm_type"})) g.algorithm = sourced(*v, at + "load_balancing_algorithm_type");
  if (auto v = tf_bool(*tg.values, {"stickiness", "enabled"}); v && *v) {
    draft_.not_imported(tg.address, "stickiness: sticky sessions; loadcast balances every request on its own");
  }
  if (tf_bool(*tg.values, {"health_check", "enabled"}) == std::optional<bool>(false)) {
    draft_.not_imported(tg.address, "health_check.enabled false: loadcast's ALB always checks its targets");
  }
  auto& h = g.health_check;
  if (auto v = tf_number(*tg.values, {"health_check", "interval"})) h.interval = sourced(tf_seconds(*v), at + "health_check.interval");
  if (auto v = tf_number(*tg.values, {"health_check", "timeout"})) h.timeout = sourced(tf_seconds(*v), at + "health_check.timeout");
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
    if (auto t = tf_number(*lb->values, {"idle_timeout"})) d.idle_timeout = sourced(tf_seconds(*t), lb->address + " idle_timeout");
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

}  // namespace loadcast::scenario
