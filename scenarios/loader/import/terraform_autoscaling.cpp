// Application Auto Scaling in a Terraform plan (terraform_importer.hpp): scalable targets of ECS
// services, their target tracking and step scaling policies (a step policy with the alarm that
// triggers it) and scheduled actions. Attribute names are the AWS provider's: [doc]
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ appautoscaling_target,
// appautoscaling_policy, appautoscaling_scheduled_action, cloudwatch_metric_alarm. Predefined
// metric types: [doc] https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html
#include <algorithm>

#include "models/messaging/worker_config.hpp"
#include "scenarios/loader/import/schedule_expression.hpp"
#include "scenarios/loader/import/terraform_importer.hpp"

namespace loadcast::scenario {

namespace {

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
    // Unguarded, the division has no datapoint at zero tasks; guarded, it is the whole backlog
    // then (models/messaging/worker_config.hpp): the worker's backlog_metric_math says which.
    if (!visible.empty() && !tasks.empty()) {
      const bool divide = expression == visible + "/" + tasks;
      const bool guarded = expression == "IF(" + tasks + ">0," + visible + "/" + tasks + "," + visible + ")";
      if (divide || guarded) {
        s.backlog_metric_math = sourced(std::string(divide ? models::kBacklogDivide : models::kBacklogGuarded), at.address + " metric math");
        return "backlog_per_task";
      }
    }
    ok = false;
    draft_.not_imported(at.address, "target tracking on metric math '" + expression + "': loadcast has meters for backlog per task (visible / running tasks, or IF(running > 0, visible / running, visible))");
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
  if (auto v = tf_number(*cfg, {"scale_in_cooldown"})) p.scale_in_cooldown = tf_seconds(*v);
  if (auto v = tf_number(*cfg, {"scale_out_cooldown"})) p.scale_out_cooldown = tf_seconds(*v);
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
  if (auto v = tf_number(*cfg, {"cooldown"})) p.cooldown = tf_seconds(*v);
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
  for (const auto& entry : service_of_target) {
    // Named, not a structured binding: clang before 16 (the fuzz build) cannot capture those.
    const auto& t = entry.first;
    const auto& svc = entry.second;
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
