// The `load_balancer:` section (an ALB with listener rules and target-group settings), the
// per-service `target_group:` overrides, and the routing of request classes to services.
#include <algorithm>

#include "models/web/alb.hpp"
#include "scenarios/loader/problem_report.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/web_loader_util.hpp"

namespace loadcast::scenario {

namespace {

void read_health_check(MapReader& m, models::HealthCheckConfig& hc) {
  if (auto v = m.duration("interval")) hc.interval = *v;
  if (auto v = m.duration("timeout")) hc.timeout = *v;
  if (auto v = m.whole<int>("healthy_threshold")) hc.healthy_threshold = *v;
  if (auto v = m.whole<int>("unhealthy_threshold")) hc.unhealthy_threshold = *v;
  if (auto d = m.distribution("cpu")) hc.cpu = *d;
}

std::optional<std::size_t> service_index(const Scenario& s, const std::string& name) {
  for (std::size_t i = 0; i < s.model.services.size(); ++i) {
    if (s.model.services[i].name == name) return i;
  }
  return std::nullopt;
}

std::string service_names(const Scenario& s) {
  std::string out;
  for (const auto& svc : s.model.services) out += (out.empty() ? "" : ", ") + svc.name;
  return out.empty() ? "no services are defined" : "defined: " + out;
}

}  // namespace

void read_target_group(MapReader& m, models::TargetGroupConfig& into) {
  Context& ctx = m.ctx();
  if (auto v = m.str("algorithm")) {
    if (*v == "round_robin") into.algorithm = models::Algorithm::kRoundRobin;
    else if (*v == "least_outstanding_requests") into.algorithm = models::Algorithm::kLeastOutstandingRequests;
    else if (*v == "weighted_random") into.algorithm = models::Algorithm::kWeightedRandom;
    else ctx.error(m.get("algorithm"), m.child_path("algorithm"),
                   "must be round_robin, least_outstanding_requests or weighted_random (found '" + *v + "')");
  }
  if (auto v = m.duration("slow_start")) into.slow_start = *v;
  if (auto v = m.duration("deregistration_delay")) into.deregistration_delay = *v;
  if (auto v = m.duration("registration_delay")) into.registration_delay = *v;
  MapReader hc(ctx, m.get("health_check"), m.child_path("health_check"));
  read_health_check(hc, into.health_check);
  hc.finish();
}

void load_load_balancer(MapReader& top, Scenario& s) {
  Context& ctx = top.ctx();
  const YAML::Node services_node = top.node().IsMap() ? top.node()["services"] : YAML::Node();
  auto service_target_group = [&](const std::string& name) -> YAML::Node {
    if (!services_node.IsDefined() || !services_node.IsMap()) return YAML::Node();
    const YAML::Node svc = services_node[name];
    if (!svc.IsDefined() || !svc.IsMap()) return YAML::Node();
    return svc["target_group"];
  };
  if (!top.has("load_balancer")) {
    top.get("load_balancer");
    for (const auto& svc : s.model.services) {
      const YAML::Node tg = service_target_group(svc.name);
      if (tg.IsDefined() && !tg.IsNull()) {
        ctx.error(tg, "services." + svc.name + ".target_group", "a target group needs a load_balancer section");
      }
    }
    return;
  }
  MapReader m(ctx, top.get("load_balancer"), "load_balancer");
  if (!m.valid()) return;
  models::AlbConfig alb;
  if (auto v = m.str("type")) {
    if (*v != "alb") ctx.error(m.get("type"), m.child_path("type"), "must be alb (found '" + *v + "')");
  } else {
    ctx.error(m.node(), "load_balancer", "needs 'type: alb'");
  }
  if (auto v = m.str("name")) alb.name = *v;
  if (auto v = m.duration("idle_timeout")) alb.idle_timeout = *v;
  read_target_group(m, alb.target_group);
  ProblemReport report(m);
  for_each_item(ctx, m.get("rules"), m.child_path("rules"), [&](const YAML::Node& n, const std::string& p) {
    MapReader r(ctx, n, p);
    if (!r.valid()) return;
    models::ListenerRule rule;
    rule.priority = static_cast<int>(alb.rules.size()) + 1;
    if (auto v = r.whole<int>("priority")) rule.priority = *v;
    const YAML::Node path = r.get("path");
    if (!path.IsDefined() || path.IsNull()) {
      ctx.error(n, p, "needs 'path' (a path pattern such as /api/*, or a list of them)");
    } else if (path.IsSequence()) {
      for_each_item(ctx, path, r.child_path("path"), [&](const YAML::Node& pn, const std::string& pp) {
        if (auto v = read_string(ctx, pn, pp)) rule.paths.push_back(*v);
      });
    } else if (auto v = read_string(ctx, path, r.child_path("path"))) {
      rule.paths.push_back(*v);
    }
    if (auto v = r.str("service")) {
      rule.service = *v;
      if (auto i = service_index(s, *v)) rule.service_index = *i;
      else ctx.error(r.get("service"), r.child_path("service"), "unknown service '" + *v + "' (" + service_names(s) + ")");
    } else {
      ctx.error(n, p, "needs 'service' (the service whose target group gets the matching requests)");
    }
    r.finish();
    // Items that are not mappings are skipped: rule k of the configuration is this item.
    report.rename(index_path(m.child_path("rules"), alb.rules.size()), p);
    alb.rules.push_back(std::move(rule));
  });
  if (auto v = m.str("default")) {
    if (auto i = service_index(s, *v)) alb.default_service = *i;
    else ctx.error(m.get("default"), m.child_path("default"), "unknown service '" + *v + "' (" + service_names(s) + ")");
  }
  if (m.has("capacity")) {
    MapReader c(ctx, m.get("capacity"), m.child_path("capacity"));
    alb.capacity.enabled = true;
    if (auto v = c.number("initial_lcu")) alb.capacity.initial_lcu = *v;
    if (auto v = c.number("reserved_lcu")) alb.capacity.reserved_lcu = *v;
    if (auto v = c.duration("doubling_time")) alb.capacity.doubling_time = *v;
    if (auto v = c.duration("tick")) alb.capacity.tick = *v;
    c.finish();
  } else {
    m.get("capacity");
  }
  if (m.has("waf")) {
    MapReader w(ctx, m.get("waf"), m.child_path("waf"));
    models::WafConfig waf;
    if (auto v = w.integer("rules")) waf.rules = to_int(*v);
    w.finish();
    if (w.valid()) alb.waf = waf;
  } else {
    m.get("waf");
  }
  {
    MapReader l(ctx, m.get("lcu"), m.child_path("lcu"));
    if (auto v = l.number("requests_per_connection")) alb.requests_per_connection = *v;
    if (auto v = l.duration("connection_lifetime")) alb.connection_lifetime = *v;
    if (auto v = l.number("request_bytes")) alb.request_bytes = *v;
    if (auto v = l.number("response_bytes")) alb.response_bytes = *v;
    l.finish();
  }
  report.add(alb.validate());  // rules still in list order
  m.finish();
  std::stable_sort(alb.rules.begin(), alb.rules.end(), [](const auto& a, const auto& b) { return a.priority < b.priority; });
  for (auto& svc : s.model.services) {
    svc.target_group = alb.target_group;
    const YAML::Node tg = service_target_group(svc.name);
    if (!tg.IsDefined() || tg.IsNull()) continue;
    MapReader t(ctx, tg, "services." + svc.name + ".target_group");
    read_target_group(t, svc.target_group);
    // A value inherited from load_balancer was reported there: keep the problems of the keys
    // this mapping sets and of the group as a whole.
    ProblemReport where(t);
    models::ConfigProblems own;
    for (auto& p : svc.target_group.validate()) {
      if (p.key.empty() || where.find(where.path_of(p.key)).IsDefined()) own.push_back(std::move(p));
    }
    where.add(own);
    t.finish();
  }
  s.model.load_balancer = std::move(alb);
}

void link_web_tier(MapReader& top, Scenario& s) {
  Context& ctx = top.ctx();
  // The class's node looked up again by the path it was read from (a listed or an inline request).
  const ProblemReport root(ctx, top.node(), "");
  auto class_node = [&](std::size_t c, const char* key) -> YAML::Node {
    if (c >= s.class_paths.size()) return YAML::Node();
    const YAML::Node n = root.find(s.class_paths[c]);
    if (!n.IsDefined() || !n.IsMap()) return n;
    const YAML::Node k = n[key];
    return k.IsDefined() ? k : n;
  };
  const auto& alb = s.model.load_balancer;
  for (std::size_t c = 0; c < s.model.classes.size() && c < s.workload.classes.size(); ++c) {
    auto& cc = s.model.classes[c];
    const auto& rc = s.workload.classes[c];
    const std::string cpath = c < s.class_paths.size() ? s.class_paths[c] : index_path("workload.requests", c);
    bool web_steps = false;
    bool db_steps = false;
    for (const auto& step : cc.steps) {
      web_steps = web_steps || step.kind == models::StepKind::kCpu || step.kind == models::StepKind::kDb;
      db_steps = db_steps || step.kind == models::StepKind::kDb;
    }
    if (db_steps && !s.model.database) {
      ctx.error(class_node(c, "steps"), cpath + ".steps", "has a db step but the scenario has no database section");
    }
    if (!alb) {
      if (web_steps) {
        ctx.error(class_node(c, "steps"), cpath + ".steps",
                  "cpu and db steps run on a service's task: add a load_balancer whose rules route " + rc.http.path + " to a service");
      }
      continue;
    }
    // Rules match the path without its query string; {param} placeholders match as written.
    std::string path = rc.http.path;
    if (const auto q = path.find('?'); q != std::string::npos) path.resize(q);
    int evaluated = 0;
    for (const auto& rule : alb->rules) {
      ++evaluated;
      bool hit = false;
      for (const auto& pattern : rule.paths) hit = hit || models::alb_path_matches(pattern, path);
      if (hit) {
        cc.service = rule.service_index;
        break;
      }
    }
    if (!cc.service && alb->default_service) cc.service = *alb->default_service;
    cc.rules_evaluated = evaluated;
    if (!cc.service) {
      ctx.error(class_node(c, "path"), cpath + ".path",
                "path " + path + " matches no load_balancer rule and the load balancer has no default service");
    }
  }
}

}  // namespace loadcast::scenario
