// The `services:` section (ECS Fargate services with auto scaling) and the `cpu:` and `db:`
// steps of request classes.
#include <algorithm>
#include <set>

#include "models/core/initial_capacity.hpp"
#include "models/web/fargate_sizes.hpp"
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
  if (auto v = svc.duration("stop_timeout")) {
    if (*v < 2 * sim::kSecond || *v > 120 * sim::kSecond) {
      ctx.error(svc.get("stop_timeout"), svc.child_path("stop_timeout"), "must be between 2s and 120s on Fargate");
    } else {
      c.lifecycle.stop_timeout = *v;
    }
  }
  if (auto v = svc.duration("health_check_grace_period")) c.lifecycle.health_check_grace = *v;
}

models::TargetTrackingConfig load_target_tracking(MapReader& m) {
  Context& ctx = m.ctx();
  models::TargetTrackingConfig tt;
  if (auto v = m.number("target")) {
    if (*v <= 0) ctx.error(m.get("target"), m.child_path("target"), "must be > 0");
    tt.target = *v;
  } else if (!m.has("target")) {
    ctx.error(m.node(), m.path(), "a target_tracking policy needs 'target' (e.g. target: 70 for 70 % CPU)");
  }
  read_target_tracking_scaling(m, tt);
  {
    MapReader a(ctx, m.get("alarm_high"), m.child_path("alarm_high"));
    read_alarm_counts(a, tt.high_periods, tt.high_datapoints);
    a.finish();
  }
  {
    MapReader a(ctx, m.get("alarm_low"), m.child_path("alarm_low"));
    read_alarm_counts(a, tt.low_periods, tt.low_datapoints);
    if (auto v = a.number("ratio")) {
      if (*v <= 0 || *v > 1) ctx.error(a.get("ratio"), a.child_path("ratio"), "must be in (0, 1]");
      else tt.low_ratio = *v;
    }
    a.finish();
  }
  return tt;
}

void check_steps(Context& ctx, const YAML::Node& node, const std::string& path, const models::StepScalingConfig& st) {
  if (st.steps.empty()) {
    ctx.error(node, path, "needs at least one step, e.g. steps: [ { lower: 0, adjustment: 1 } ]");
    return;
  }
  int open_lower = 0, open_upper = 0;
  for (const auto& s : st.steps) {
    if (!s.lower) ++open_lower;
    if (!s.upper) ++open_upper;
    if (s.lower && s.upper && *s.lower >= *s.upper) {
      ctx.error(node, path, "a step's lower bound must be below its upper bound");
      return;
    }
  }
  if (open_lower > 1 || open_upper > 1) {
    ctx.error(node, path, "only one step may leave 'lower' out and only one may leave 'upper' out");
    return;
  }
  // Sorted by lower bound, consecutive steps must touch: no gap, no overlap.
  std::vector<models::StepAdjustment> sorted = st.steps;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    const double la = a.lower ? *a.lower : -1e300;
    const double lb = b.lower ? *b.lower : -1e300;
    return la < lb;
  });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    if (!sorted[i - 1].upper || !sorted[i].lower || *sorted[i - 1].upper != *sorted[i].lower) {
      ctx.error(node, path, "steps must not overlap or leave gaps: each step's lower bound is the previous step's upper bound");
      return;
    }
  }
}

models::StepScalingConfig load_step_scaling(MapReader& m) {
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
  if (auto v = m.integer("min_adjustment_magnitude")) {
    if (*v < 1) ctx.error(m.get("min_adjustment_magnitude"), m.child_path("min_adjustment_magnitude"), "must be at least 1");
    else if (st.adjustment_type != models::AdjustmentType::kPercentChangeInCapacity) {
      ctx.error(m.get("min_adjustment_magnitude"), m.child_path("min_adjustment_magnitude"),
                "applies only with adjustment_type: percent_change_in_capacity");
    } else {
      st.min_adjustment_magnitude = static_cast<int>(*v);
    }
  }
  if (auto v = m.duration("cooldown")) st.cooldown = *v;
  if (auto v = m.str("aggregation")) {
    if (*v == "average") st.aggregation = models::Aggregation::kAverage;
    else if (*v == "minimum") st.aggregation = models::Aggregation::kMinimum;
    else if (*v == "maximum") st.aggregation = models::Aggregation::kMaximum;
    else ctx.error(m.get("aggregation"), m.child_path("aggregation"), "must be average, minimum or maximum (found '" + *v + "')");
  }
  const std::string spath = m.child_path("steps");
  const YAML::Node steps = m.get("steps");
  for_each_item(ctx, steps, spath, [&](const YAML::Node& n, const std::string& p) {
    MapReader s(ctx, n, p);
    models::StepAdjustment a;
    if (auto v = s.number("lower")) a.lower = *v;
    if (auto v = s.number("upper")) a.upper = *v;
    if (auto v = s.number("adjustment")) a.adjustment = *v;
    else if (!s.has("adjustment")) ctx.error(n, p, "needs 'adjustment' (tasks to add, or the capacity, or a percentage)");
    if (st.adjustment_type == models::AdjustmentType::kExactCapacity && a.adjustment < 0) {
      ctx.error(s.get("adjustment"), s.child_path("adjustment"), "an exact capacity must be >= 0");
    }
    s.finish();
    st.steps.push_back(a);
  });
  if (!steps.IsDefined() || steps.IsNull()) ctx.error(m.node(), m.path(), "a step_scaling policy needs 'steps'");
  else check_steps(ctx, steps, spath, st);
  return st;
}

// The actions run in time order (equal times in list order), each changing min and/or max of
// what the previous ones left: an action that leaves min above max is an error (a scalable
// target's min may not exceed its max). A min alone above the max in force, or a max alone
// below the min, is the usual slip; an action setting both inverted is reported by its reader.
struct Located {
  YAML::Node node;
  std::string path;
};

void check_scheduled(Context& ctx, const models::AutoscalingConfig& a, const std::vector<Located>& where) {
  std::vector<std::size_t> order(a.scheduled.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return a.scheduled[x].at < a.scheduled[y].at; });
  int min = a.min, max = a.max;
  for (std::size_t i : order) {
    const auto& sa = a.scheduled[i];
    const int new_min = sa.min ? *sa.min : min;
    const int new_max = sa.max ? *sa.max : max;
    if (new_min > new_max) {
      const std::string what = sa.min ? "min (" + std::to_string(new_min) + ") is above the max in force then (" + std::to_string(new_max) + ")"
                                      : "max (" + std::to_string(new_max) + ") is below the min in force then (" + std::to_string(new_min) + ")";
      ctx.error(where[i].node, where[i].path, what + "; set both min and max, or change them in an earlier action");
      continue;
    }
    min = new_min;
    max = new_max;
  }
}

void load_autoscaling(MapReader& svc, models::ServiceConfig& c, bool has_group, const std::vector<std::string>& extra_metrics) {
  Context& ctx = svc.ctx();
  if (!svc.has("autoscaling")) {
    svc.get("autoscaling");
    return;
  }
  const std::string path = svc.child_path("autoscaling");
  MapReader m(ctx, svc.get("autoscaling"), path);
  models::AutoscalingConfig a;
  a.min = a.max = c.desired;
  if (auto v = m.integer("min")) a.min = static_cast<int>(*v);
  else ctx.error(m.node(), path, "needs 'min' (the fewest tasks)");
  if (auto v = m.integer("max")) a.max = static_cast<int>(*v);
  else ctx.error(m.node(), path, "needs 'max' (the most tasks)");
  if (a.min < 0) ctx.error(m.get("min"), m.child_path("min"), "must be >= 0");
  if (a.max < a.min) {
    ctx.error(m.get("max"), m.child_path("max"),
              "max (" + std::to_string(a.max) + ") must be >= min (" + std::to_string(a.min) + ")");
  }
  std::set<std::string> tt_metrics, names;
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
      if (!metric.empty() && !tt_metrics.insert(metric).second) {
        ctx.error(pm.get("metric"), pm.child_path("metric"), "another target_tracking policy already uses metric " + metric + " (AWS requires one policy per metric)");
      }
      pc.name = metric + "-target-tracking";
      pc.spec = tt;
    } else if (*type == "step_scaling") {
      auto st = load_step_scaling(pm);
      st.metric = metric;
      pc.name = metric + "-step-scaling-" + std::to_string(a.policies.size() + 1);
      pc.spec = st;
    } else {
      ctx.error(pm.get("type"), pm.child_path("type"), "must be target_tracking or step_scaling (found '" + *type + "')");
    }
    if (auto v = pm.str("name")) pc.name = *v;
    if (!names.insert(pc.name).second) ctx.error(n, p, "duplicate policy name '" + pc.name + "'");
    pm.finish();
    a.policies.push_back(std::move(pc));
  });
  std::vector<Located> where;  // of each scheduled action, for check_scheduled
  for_each_item(ctx, m.get("scheduled"), m.child_path("scheduled"), [&](const YAML::Node& n, const std::string& p) {
    MapReader sm(ctx, n, p);
    models::ScheduledActionConfig sa;
    bool ok = true;
    if (auto v = sm.duration("at")) sa.at = *v;
    else ctx.error(n, p, "needs 'at' (when, from the start of the run, e.g. at: 8h)");
    if (auto v = sm.integer("min")) sa.min = static_cast<int>(*v);
    if (auto v = sm.integer("max")) sa.max = static_cast<int>(*v);
    if (!sa.min && !sa.max) ctx.error(n, p, "needs 'min' or 'max' (or both)");
    if ((sa.min && *sa.min < 0) || (sa.max && *sa.max < 0)) {
      ctx.error(n, p, "min and max must be >= 0");
      ok = false;
    }
    if (sa.min && sa.max && *sa.max < *sa.min) {
      ctx.error(n, p, "max must be >= min");
      ok = false;
    }
    sm.finish();
    if (!ok) return;
    a.scheduled.push_back(sa);
    where.push_back(Located{n, p});
  });
  check_scheduled(ctx, a, where);
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
  Context& ctx = m.ctx();
  if (auto v = m.integer("evaluation_periods")) {
    if (*v < 1 || *v > 100) ctx.error(m.get("evaluation_periods"), m.child_path("evaluation_periods"), "must be between 1 and 100");
    else periods = static_cast<int>(*v);
  }
  if (auto v = m.integer("datapoints_to_alarm")) {
    if (*v < 1) ctx.error(m.get("datapoints_to_alarm"), m.child_path("datapoints_to_alarm"), "must be at least 1");
    else datapoints = static_cast<int>(*v);
  } else if (m.has("evaluation_periods") && datapoints > periods) {
    datapoints = periods;
  }
  if (datapoints > periods) {
    ctx.error(m.node(), m.path(), "datapoints_to_alarm (" + std::to_string(datapoints) + ") must be <= evaluation_periods (" +
                                      std::to_string(periods) + ")");
  }
}

void read_service(MapReader& m, models::ServiceConfig& c, bool routed, const std::vector<std::string>& extra_metrics) {
  Context& ctx = m.ctx();
  const std::string& path = m.path();
  if (auto v = m.str("type")) {
    if (*v != "fargate") ctx.error(m.get("type"), m.child_path("type"), "must be fargate (found '" + *v + "')");
  }
  const auto cpu = m.integer("cpu");
  const auto memory = m.integer("memory");
  if (cpu) c.cpu_units = static_cast<int>(*cpu);
  if (memory) c.memory_mib = static_cast<int>(*memory);
  const std::string size_problem = models::check_fargate_size(c.cpu_units, c.memory_mib);
  if (!size_problem.empty()) ctx.error(m.has("memory") ? m.get("memory") : m.node(), m.has("memory") ? m.child_path("memory") : path, size_problem);
  if (auto v = m.integer("threads")) {
    if (*v < 1) ctx.error(m.get("threads"), m.child_path("threads"), "must be at least 1");
    else c.threads = static_cast<int>(*v);
  }
  if (is_auto(m, "desired")) {
    // Resolved once the whole scenario is read (resolve_initial_capacity).
    c.desired = models::kDesiredAuto;
  } else if (auto v = m.integer("desired")) {
    if (*v < 0) ctx.error(m.get("desired"), m.child_path("desired"), "must be >= 0 or auto (got " + std::to_string(*v) + ")");
    else c.desired = static_cast<int>(*v);
  }
  if (auto v = m.str("architecture")) {
    if (*v == "arm64") c.arm64 = true;
    else if (*v != "x86_64") ctx.error(m.get("architecture"), m.child_path("architecture"), "must be x86_64 or arm64 (found '" + *v + "')");
  }
  if (auto v = m.str("capacity")) {
    if (*v == "spot") c.spot = true;
    else if (*v != "on_demand") ctx.error(m.get("capacity"), m.child_path("capacity"), "must be on_demand or spot (found '" + *v + "')");
  }
  {
    MapReader am(ctx, m.get("app_memory"), m.child_path("app_memory"));
    if (auto v = am.number("base")) c.memory_base_mib = *v;
    if (auto v = am.number("per_request")) c.memory_per_request_mib = *v;
    if (c.memory_per_request_mib < 0) ctx.error(am.get("per_request"), am.child_path("per_request"), "must be >= 0");
    if (am.has("base") && (c.memory_base_mib < 0 || c.memory_base_mib >= c.memory_mib)) {
      ctx.error(am.get("base"), am.child_path("base"), "must be >= 0 and below the task memory (" + std::to_string(c.memory_mib) + " MiB)");
    }
    am.finish();
  }
  load_lifecycle(m, c);
  {
    MapReader pm(ctx, m.get("db_pool"), m.child_path("db_pool"));
    if (auto v = pm.integer("size")) {
      if (*v < 1) ctx.error(pm.get("size"), pm.child_path("size"), "must be at least 1");
      else c.db_pool.size = static_cast<int>(*v);
    }
    if (auto v = pm.duration("timeout")) c.db_pool.timeout = *v;
    if (auto v = pm.duration("idle_timeout")) {
      if (*v <= 0) ctx.error(pm.get("idle_timeout"), pm.child_path("idle_timeout"), "must be longer than 0s");
      else c.db_pool.idle_timeout = *v;
    }
    pm.finish();
  }
  {
    MapReader mm(ctx, m.get("metrics"), m.child_path("metrics"));
    if (auto v = mm.duration("resolution")) {
      if (*v == 20 * sim::kSecond) {
        c.metrics.period = *v;
        c.metrics.delay = 15 * sim::kSecond;
      } else if (*v != 60 * sim::kSecond) {
        ctx.error(mm.get("resolution"), mm.child_path("resolution"), "must be 60s (standard) or 20s (high resolution)");
      }
    }
    if (auto v = mm.duration("delay")) c.metrics.delay = *v;
    mm.finish();
  }
  load_autoscaling(m, c, routed, extra_metrics);
  // A `desired` outside autoscaling min..max is not an error: registering the scalable target
  // clamps it (Autoscaler::register_capacity, with an event at t = 0), which is what a sweep
  // over autoscaling.min needs.
  if (c.autoscaling && !m.has("desired")) c.desired = c.autoscaling->min;
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
    read_service(m, c, routed.count(name) > 0);
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
  if (auto v = d.integer("reads")) step.db.reads = static_cast<int>(*v);
  if (auto v = d.integer("writes")) step.db.writes = static_cast<int>(*v);
  if (step.db.reads < 0 || step.db.writes < 0 || step.db.reads > 1000 || step.db.writes > 1000) {
    ctx.error(m.get("db"), m.child_path("db"), "reads and writes must be between 0 and 1000");
  } else if (step.db.reads + step.db.writes == 0 && d.valid()) {
    ctx.error(m.get("db"), m.child_path("db"), "needs reads or writes (queries to run, e.g. db: { reads: 1 })");
  }
  if (auto v = d.distribution("read")) step.db.read = *v;
  if (auto v = d.distribution("write")) step.db.write = *v;
  d.finish();
  return true;
}

}  // namespace loadcast::scenario
