// `database.proxy` (RDS Proxy) and `database.replica_autoscaling` (Aurora replica auto
// scaling), read inside the database section into ModelConfig (models/data/rds_proxy_config.hpp,
// models/data/replica_scaling_config.hpp, whose validate() checks them against the database).
#include <algorithm>

#include "models/core/initial_capacity.hpp"
#include "scenarios/loader/problem_report.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/web_loader_util.hpp"

namespace loadcast::scenario {

void load_data_tier(MapReader& db, const models::DatabaseConfig& c, Scenario& s) {
  Context& ctx = db.ctx();
  if (db.has("proxy")) {
    MapReader m(ctx, db.get("proxy"), db.child_path("proxy"));
    models::RdsProxyConfig p;
    if (auto v = m.str("name")) p.name = *v;
    if (auto v = m.number("max_connections_percent")) p.max_connections_percent = *v;
    if (auto v = m.number("max_idle_connections_percent")) p.max_idle_connections_percent = *v;
    if (auto v = m.duration("borrow_timeout")) p.borrow_timeout = *v;
    if (auto d = m.distribution("latency")) p.latency = *d;
    if (auto v = m.duration("pinned_session")) p.pinned_session = *v;
    ProblemReport(m).add(p.validate(c));
    m.finish();
    s.model.db_proxy = p;
  } else {
    db.get("proxy");
  }
  if (!db.has("replica_autoscaling")) {
    db.get("replica_autoscaling");
    return;
  }
  const YAML::Node node = db.get("replica_autoscaling");
  MapReader m(ctx, node, db.child_path("replica_autoscaling"));
  models::ReplicaScalingConfig r;
  models::AutoscalingConfig& a = r.autoscaling;
  // Without min or max (an error) the readers stand in; invalid readers, their default.
  const bool readers_ok = c.readers >= 0 && c.readers <= models::kMaxAuroraReplicas;
  a.min = a.max = readers_ok ? c.readers : models::DatabaseConfig{}.readers;
  for (const char* key : {"min", "max"}) {
    if (auto v = m.whole<int>(key)) {
      (std::string(key) == "min" ? a.min : a.max) = *v;
    } else if (!m.has(key)) {
      ctx.error(node, m.path(), std::string("needs '") + key + "' (Aurora replicas, 0-15)");
    }
  }
  models::TargetTrackingConfig tt;
  tt.metric = "reader_cpu";
  if (auto v = m.str("metric")) {
    if (*v == "reader_cpu" || *v == "reader_connections") tt.metric = *v;
    else ctx.error(m.get("metric"), m.child_path("metric"), "must be reader_cpu (RDSReaderAverageCPUUtilization) or reader_connections (RDSReaderAverageDatabaseConnections), found '" + *v + "'");
  }
  if (auto v = m.number("target")) tt.target = *v;
  else ctx.error(node, m.path(), "needs 'target' (e.g. 70 for reader_cpu)");
  read_target_tracking_scaling(m, tt);
  if (is_auto(m, "desired")) {
    r.initial_readers = models::kDesiredAuto;  // resolve_initial_capacity()
  } else if (auto v = m.integer("desired")) {
    const int lo = std::max(a.min, c.readers);
    if (*v < lo || *v > a.max) {
      ctx.error(m.get("desired"), m.child_path("desired"),
                "must be auto or between " + std::to_string(lo) + " (min and database.readers) and max (" + std::to_string(a.max) +
                    "); got " + std::to_string(*v));
    } else {
      r.initial_readers = static_cast<int>(*v);
    }
  }
  if (auto d = m.distribution("launch_time")) r.launch_time = *d;
  if (auto v = m.duration("metrics_delay")) r.metrics.delay = *v;
  a.policies.push_back(models::ScalingPolicyConfig{tt.metric + "-target-tracking", tt});
  ProblemReport(m).add(r.validate(c));
  m.finish();
  s.model.replica_scaling = std::move(r);
}

}  // namespace loadcast::scenario
