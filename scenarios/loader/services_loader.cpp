// The `services:` section (ECS Fargate services with auto scaling) and the `cpu:` and `db:`
// steps of request classes.
#include <algorithm>
#include <set>

#include "models/core/initial_capacity.hpp"
#include "scenarios/loader/problem_report.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/web_loader_util.hpp"

namespace loadcast::scenario {

namespace {

void load_lifecycle(MapReader& svc, models::ServiceConfig& c) {
  Context& ctx = svc.ctx();
  MapReader m(ctx, svc.get("startup"), svc.child_path("startup"));
  if (auto d = m.distribution("provisioning")) c.lifecycle.provisioning = *d;
  if (auto d = m.distribution("pending")) c.lifecycle.pending = *d;
  if (auto d = m.distribution("activating")) c.lifecycle.activating = *d;
  m.finish();
  if (auto d = svc.distribution("shutdown")) c.lifecycle.shutdown = *d;
  if (auto v = svc.duration("stop_timeout")) c.lifecycle.stop_timeout = *v;
  if (auto v = svc.duration("health_check_grace_period")) c.lifecycle.health_check_grace = *v;
}

models::TargetTrackingConfig load_target_tracking(MapReader& m) {
  Context& ctx = m.ctx();
  models::TargetTrackingConfig tt;
  if (auto v = m.number("target")) {
    tt.target = *v;
  } else if (!m.has("target")) {
    ctx.error(m.node(), m.path(), "a target_tracking policy needs 'target' (e.g. target: 70 for 70 % CPU)");
  }
  read_target_tracking_scaling(m, tt);
  {
    MapReader a(ctx, m.get("alarm_high"), m.child_path("alarm_high"));
    read_alarm_shape(a, tt.high_periods, tt.high_datapoints);
    a.finish();
  }
  {
    MapReader a(ctx, m.get("alarm_low"), m.child_path("alarm_low"));
    read_alarm_shape(a, tt.low_periods, tt.low_datapoints);
    if (auto v = a.number("ratio")) tt.low_ratio = *v;
    a.finish();
  }
  return tt;
}

models::StepScalingConfig load_step_scaling(MapReader& m, ProblemReport& report) {
  Context& ctx = m.ctx();
  models::StepScalingConfig st;
  if (auto v = m.str("comparison")) {
    if (auto c = parse_comparison(*v)) st.comparison = *c;
    else ctx.error(m.get("comparison"), m.child_path("comparison"), "must be one of >, >=, <, <= (found '" + *v + "')");
  } else {
    ctx.error(m.node(), m.path(), "a step_scaling policy needs 'comparison' (>, >=, <, <=)");
  }
  if (auto v = m.number("threshold")) st.threshold = *v;
  else if (!m.has("threshold")) ctx.error(m.node(), m.path(), "a step_scaling policy needs 'threshold' (its alarm's threshold)");
  read_alarm_counts(m, st.evaluation_periods, st.datapoints_to_alarm);
  if (auto v = m.str("adjustment_type")) {
    if (*v == "change_in_capacity") st.adjustment_type = models::AdjustmentType::kChangeInCapacity;
    else if (*v == "exact_capacity") st.adjustment_type = models::AdjustmentType::kExactCapacity;
    else if (*v == "percent_change_in_capacity") st.adjustment_type = models::AdjustmentType::kPercentChangeInCapacity;
    else ctx.error(m.get("adjustment_type"), m.child_path("adjustment_type"),
                   "must be change_in_capacity, exact_capacity or percent_change_in_capacity (found '" + *v + "')");
  }
  if (auto v = m.whole<int>("min_adjustment_magnitude")) st.min_adjustment_magnitude = *v;
  if (auto v = m.duration("cooldown")) st.cooldown = *v;
  if (auto v = m.str("aggregation")) {
    if (*v == "average") st.aggregation = models::Aggregation::kAverage;
    else if (*v == "minimum") st.aggregation = models::Aggregation::kMinimum;
    else if (*v == "maximum") st.aggregation = models::Aggregation::kMaximum;
    else ctx.error(m.get("aggregation"), m.child_path("aggregation"), "must be average, minimum or maximum (found '" + *v + "')");
  }
  const YAML::Node steps = m.get("steps");
  for_each_item(ctx, steps, m.child_path("steps"), [&](const YAML::Node& n, const std::string& p) {
    MapReader s(ctx, n, p);
    models::StepAdjustment a;
    if (auto v = s.number("lower")) a.lower = *v;
    if (auto v = s.number("upper")) a.upper = *v;
    if (auto v = s.number("adjustment")) a.adjustment = *v;
    else if (!s.has("adjustment")) ctx.error(n, p, "needs 'adjustment' (tasks to add, or the capacity, or a percentage)");
    s.finish();
    st.steps.push_back(a);
  });
  if (!steps.IsDefined() || steps.IsNull()) {
    ctx.error(m.node(), m.path(), "a step_scaling policy needs 'steps'");
    report.drop(m.child_path("steps"));
  }
  return st;
}

void load_autoscaling(MapReader& svc, models::ServiceConfig& c, bool has_group, const std::vector<std::string>& extra_metrics,
                      ProblemReport& report) {
  Context& ctx = svc.ctx();
  if (!svc.has("autoscaling")) {
    svc.get("autoscaling");
    return;
  }
  const std::string path = svc.child_path("autoscaling");
  MapReader m(ctx, svc.get("autoscaling"), path);
  models::AutoscalingConfig a;
  // Without min or max (an error) the desired count stands in; an invalid one, its default.
  a.min = a.max = c.desired >= 0 ? c.desired : models::ServiceConfig{}.desired;
  if (auto v = m.whole<int>("min")) a.min = *v;
  else if (!m.has("min")) ctx.error(m.node(), path, "needs 'min' (the fewest tasks)");
  if (auto v = m.whole<int>("max")) a.max = *v;
  else if (!m.has("max")) ctx.error(m.node(), path, "needs 'max' (the most tasks)");
  for_each_item(ctx, m.get("policies"), m.child_path("policies"), [&](const YAML::Node& n, const std::string& p) {
    MapReader pm(ctx, n, p);
    if (!pm.valid()) return;
    models::ScalingPolicyConfig pc;
    const auto type = pm.str("type");
    std::string metric;
    if (auto v = pm.str("metric")) {
      metric = *v;
      std::string allowed = "cpu, memory or requests_per_target";
      for (const auto& e : extra_metrics) allowed = e + ", " + allowed;
      const bool extra = std::find(extra_metrics.begin(), extra_metrics.end(), metric) != extra_metrics.end();
      if (metric != "cpu" && metric != "memory" && metric != "requests_per_target" && !extra) {
        ctx.error(pm.get("metric"), pm.child_path("metric"), "must be " + allowed + " (found '" + metric + "')");
      } else if (metric == "requests_per_target" && !has_group) {
        ctx.error(pm.get("metric"), pm.child_path("metric"), "requests_per_target needs the service behind the load balancer");
      }
    } else {
      ctx.error(n, p, "needs 'metric' (cpu, memory or requests_per_target)");
    }
    if (!type) {
      ctx.error(n, p, "needs 'type' (target_tracking or step_scaling)");
    } else if (*type == "target_tracking") {
      auto tt = load_target_tracking(pm);
      tt.metric = metric;
      pc.name = metric + "-target-tracking";
      pc.spec = tt;
    } else if (*type == "step_scaling") {
      auto st = load_step_scaling(pm, report);
      st.metric = metric;
      pc.name = metric + "-step-scaling-" + std::to_string(a.policies.size() + 1);
      pc.spec = st;
    } else {
      ctx.error(pm.get("type"), pm.child_path("type"), "must be target_tracking or step_scaling (found '" + *type + "')");
    }
    if (auto v = pm.str("name")) pc.name = *v;
    pm.finish();
    // Items that are not mappings are skipped: policy k of the configuration is this item.
    report.rename(index_path(m.child_path("policies"), a.policies.size()), p);
    a.policies.push_back(std::move(pc));
  });
  for_each_item(ctx, m.get("scheduled"), m.child_path("scheduled"), [&](const YAML::Node& n, const std::string& p) {
    MapReader sm(ctx, n, p);
    models::ScheduledActionConfig sa;
    if (auto v = sm.duration("at")) sa.at = *v;
    else ctx.error(n, p, "needs 'at' (when, from the start of the run, e.g. at: 8h)");
    if (auto v = sm.whole<int>("min")) sa.min = *v;
    if (auto v = sm.whole<int>("max")) sa.max = *v;
    if (!sa.min && !sa.max) ctx.error(n, p, "needs 'min' or 'max' (or both)");
    sm.finish();
    a.scheduled.push_back(sa);
  });
  m.finish();
  c.autoscaling = std::move(a);
}

}  // namespace

std::optional<models::Comparison> parse_comparison(const std::string& text) {
  if (text == ">" || text == "GreaterThanThreshold") return models::Comparison::kGreater;
  if (text == ">=" || text == "GreaterThanOrEqualToThreshold") return models::Comparison::kGreaterOrEqual;
  if (text == "<" || text == "LessThanThreshold") return models::Comparison::kLess;
  if (text == "<=" || text == "LessThanOrEqualToThreshold") return models::Comparison::kLessOrEqual;
  return std::nullopt;
}

void read_target_tracking_scaling(MapReader& m, models::TargetTrackingConfig& tt) {
  using Rounding = models::TargetTrackingConfig::ScaleInRounding;
  if (auto v = m.duration("scale_out_cooldown")) tt.scale_out_cooldown = *v;
  if (auto v = m.duration("scale_in_cooldown")) tt.scale_in_cooldown = *v;
  if (auto v = m.boolean("disable_scale_in")) tt.disable_scale_in = *v;
  if (auto v = m.str("scale_in_rounding")) {
    if (*v == "ceil") tt.scale_in_rounding = Rounding::kCeil;
    else if (*v == "floor") tt.scale_in_rounding = Rounding::kFloor;
    else m.ctx().error(m.get("scale_in_rounding"), m.child_path("scale_in_rounding"), "must be ceil or floor (found '" + *v + "')");
  }
}

void read_alarm_counts(MapReader& m, int& periods, int& datapoints) {
  if (auto v = m.whole<int>("evaluation_periods")) periods = *v;
  if (auto v = m.whole<int>("datapoints_to_alarm")) {
    datapoints = *v;
  } else if (m.has("evaluation_periods") && periods >= 1 && datapoints > periods) {
    datapoints = periods;  // fewer periods than the default datapoints: all of them
  }
}

void read_alarm_shape(MapReader& m, std::optional<int>& periods, std::optional<int>& datapoints) {
  if (auto v = m.integer("evaluation_periods")) periods = to_int(*v);
  if (auto v = m.integer("datapoints_to_alarm")) datapoints = to_int(*v);
}

// `concurrency: event_loop`, or `{ thread_pool: N | process_pool: N, backlog: B }`.
void load_concurrency(MapReader& m, models::ServiceConfig& c, ProblemReport& report) {
  Context& ctx = m.ctx();
  if (!m.has("concurrency")) return;
  const YAML::Node n = m.get("concurrency");
  const std::string p = m.child_path("concurrency");
  models::ConcurrencyConfig& cc = c.concurrency;
  if (n.IsScalar()) {
    if (n.Scalar() != "event_loop") {
      ctx.error(n, p, "must be event_loop, or a mapping with thread_pool: N or process_pool: N (workers per task) and an optional backlog (found '" + n.Scalar() + "')");
    }
    return;
  }
  MapReader cm(ctx, n, p);
  if (!cm.valid()) return;
  int pools = 0;
  if (auto v = cm.whole<int>("thread_pool")) {
    cc.model = models::Concurrency::kThreadPool;
    cc.workers = *v;
    ++pools;
  }
  if (auto v = cm.whole<int>("process_pool")) {
    cc.model = models::Concurrency::kProcessPool;
    cc.workers = *v;
    ++pools;
  }
  if (pools > 1) ctx.error(n, p, "give either thread_pool or process_pool, not both");
  if (pools == 0 && cm.valid()) ctx.error(n, p, "needs thread_pool: N or process_pool: N (workers per task); an event loop is written concurrency: event_loop");
  if (auto v = cm.whole<int>("backlog")) cc.backlog = *v;
  cm.finish();
  // A pool of N is N runnable threads: `threads` defaults to N (validate() checks a written one).
  if (cc.pool() && !m.has("threads")) {
    c.threads = cc.workers;
    report.drop(m.child_path("threads"));  // taken from the pool, reported there
  }
}

void read_service(MapReader& m, models::ServiceConfig& c, bool routed, ProblemReport& report,
                  const std::vector<std::string>& extra_metrics) {
  Context& ctx = m.ctx();
  if (auto v = m.str("type")) {
    if (*v != "fargate") ctx.error(m.get("type"), m.child_path("type"), "must be fargate (found '" + *v + "')");
  }
  if (auto v = m.whole<int>("cpu")) c.cpu_units = *v;
  if (auto v = m.whole<int>("memory")) c.memory_mib = *v;
  // Without `memory` the size's problem is the service's (its cpu has no default memory).
  if (!m.has("memory")) report.place(m.child_path("memory"), m.node(), m.path());
  if (auto v = m.whole<int>("threads")) c.threads = *v;
  if (auto v = m.duration("cpu_period")) c.cpu_period = *v;
  if (auto v = m.number("cpu_demand_sd")) c.cpu_demand_sd = *v;
  load_concurrency(m, c, report);
  if (is_auto(m, "desired")) {
    // Resolved once the whole scenario is read (resolve_initial_capacity).
    c.desired_auto = true;
  } else if (auto v = m.whole<int>("desired")) {
    c.desired = *v;
  }
  if (auto v = m.str("architecture")) {
    if (*v == "arm64") c.arm64 = true;
    else if (*v != "x86_64") ctx.error(m.get("architecture"), m.child_path("architecture"), "must be x86_64 or arm64 (found '" + *v + "')");
  }
  if (auto v = m.str("capacity")) {
    if (*v == "spot") c.capacity_providers = {models::CapacityProviderItem{models::CapacityProvider::kFargateSpot, 0, 1}};
    else if (*v != "on_demand") ctx.error(m.get("capacity"), m.child_path("capacity"), "must be on_demand or spot (found '" + *v + "')");
  }
  if (m.has("capacity_provider_strategy")) {
    if (m.has("capacity")) {
      ctx.error(m.get("capacity_provider_strategy"), m.child_path("capacity_provider_strategy"),
                "give either capacity (all tasks on one provider) or capacity_provider_strategy, not both");
    }
    c.capacity_providers.clear();
    for_each_item(ctx, m.get("capacity_provider_strategy"), m.child_path("capacity_provider_strategy"),
                  [&](const YAML::Node& n, const std::string& p) {
                    MapReader im(ctx, n, p);
                    if (!im.valid()) return;
                    models::CapacityProviderItem item;
                    item.weight = 0;  // the API's default
                    if (auto v = im.str("provider")) {
                      if (*v == "FARGATE" || *v == "fargate") item.provider = models::CapacityProvider::kFargate;
                      else if (*v == "FARGATE_SPOT" || *v == "fargate_spot") item.provider = models::CapacityProvider::kFargateSpot;
                      else ctx.error(im.get("provider"), im.child_path("provider"), "must be FARGATE or FARGATE_SPOT (found '" + *v + "')");
                    } else {
                      ctx.error(n, p, "needs 'provider' (FARGATE or FARGATE_SPOT)");
                    }
                    if (auto v = im.integer("base")) item.base = to_int(*v);
                    if (auto v = im.integer("weight")) item.weight = to_int(*v);
                    im.finish();
                    // Items that are not mappings are skipped: item k of the configuration is this item.
                    report.rename(index_path(m.child_path("capacity_provider_strategy"), c.capacity_providers.size()), p);
                    c.capacity_providers.push_back(item);
                  });
  } else {
    m.get("capacity_provider_strategy");
  }
  if (auto v = m.number("spot_interruptions_per_hour")) c.spot_interruptions_per_hour = *v;
  if (auto v = m.integer("maximum_percent")) c.maximum_percent = to_int(*v);
  if (auto v = m.integer("minimum_healthy_percent")) c.minimum_healthy_percent = to_int(*v);
  {
    MapReader am(ctx, m.get("app_memory"), m.child_path("app_memory"));
    if (auto v = am.number("base")) c.memory_base_mib = *v;
    if (auto v = am.number("per_request")) c.memory_per_request_mib = *v;
    am.finish();
  }
  {
    MapReader bm(ctx, m.get("background"), m.child_path("background"));
    if (auto v = bm.number("cpu")) c.background_vcpu = *v;
    if (auto v = bm.duration("interval")) c.background_interval = *v;
    bm.finish();
  }
  if (auto v = m.duration("wakeup_cpu")) c.wakeup_cpu = *v;
  if (auto v = m.duration("wakeup_cold_after")) c.wakeup_cold_after = *v;
  load_lifecycle(m, c);
  {
    MapReader pm(ctx, m.get("db_pool"), m.child_path("db_pool"));
    if (auto v = pm.whole<int>("size")) c.db_pool.size = *v;
    if (auto v = pm.duration("timeout")) c.db_pool.timeout = *v;
    if (auto v = pm.duration("idle_timeout")) c.db_pool.idle_timeout = *v;
    pm.finish();
  }
  {
    MapReader mm(ctx, m.get("metrics"), m.child_path("metrics"));
    if (auto v = mm.duration("resolution")) {
      c.metrics.period = *v;
      if (*v == 20 * sim::kSecond) c.metrics.delay = 15 * sim::kSecond;
    }
    if (auto v = mm.duration("delay")) c.metrics.delay = *v;
    mm.finish();
  }
  load_autoscaling(m, c, routed, extra_metrics, report);
  // A `desired` outside autoscaling min..max is not an error: registering the scalable target
  // clamps it (Autoscaler::register_capacity, with an event at t = 0), which is what a sweep
  // over autoscaling.min needs.
  if (c.autoscaling && !m.has("desired")) c.desired = c.autoscaling->min;
  // Not written, so not wrong: a desired count taken from autoscaling.min is reported there.
  if (!m.has("desired")) report.drop(m.child_path("desired"));
}

void load_services(MapReader& top, Scenario& s) {
  Context& ctx = top.ctx();
  MapReader services(ctx, top.get("services"), "services");
  // A service is behind the load balancer when a rule names it; the ALB section is read later,
  // so look at its raw rules here for the one check that needs it (requests_per_target).
  std::set<std::string> routed;
  const YAML::Node lb = top.node().IsMap() ? top.node()["load_balancer"] : YAML::Node();
  if (lb.IsDefined() && lb.IsMap()) {
    const YAML::Node rules = lb["rules"];
    if (rules.IsDefined() && rules.IsSequence()) {
      for (const auto& r : rules) {
        if (r.IsMap() && r["service"].IsDefined() && r["service"].IsScalar()) routed.insert(r["service"].Scalar());
      }
    }
    if (lb["default"].IsDefined() && lb["default"].IsScalar()) routed.insert(lb["default"].Scalar());
  }
  for (const auto& name : services.keys()) {
    const std::string path = services.child_path(name);
    MapReader m(ctx, services.get(name), path);
    if (!m.valid()) continue;
    models::ServiceConfig c;
    c.name = name;
    // Read with the load balancer, whose defaults it overrides (load_target_groups).
    m.get("target_group");
    ProblemReport report(m);
    read_service(m, c, routed.count(name) > 0, report);
    report.add(c.validate());
    m.finish();
    s.model.services.push_back(std::move(c));
  }
  services.finish();
}

bool load_web_step(MapReader& m, const Scenario& s, models::StepConfig& step) {
  Context& ctx = m.ctx();
  (void)s;
  if (m.has("cpu")) {
    step.kind = models::StepKind::kCpu;
    if (auto d = m.distribution("cpu")) step.service = *d;
    return true;
  }
  if (!m.has("db")) return false;
  step.kind = models::StepKind::kDb;
  MapReader d(ctx, m.get("db"), m.child_path("db"));
  if (auto v = d.whole<int>("reads")) step.db.reads = *v;
  if (auto v = d.whole<int>("writes")) step.db.writes = *v;
  if (auto v = d.distribution("read")) step.db.read = *v;
  if (auto v = d.distribution("write")) step.db.write = *v;
  if (auto v = d.number("pinned")) step.db.pinned = *v;
  ProblemReport report(d);
  if (!d.valid()) report.drop(d.path());  // not a mapping: said already, and it has no queries
  report.add(step.db.validate());
  d.finish();
  return true;
}

}  // namespace loadcast::scenario
