// `database.proxy` (RDS Proxy) and `database.replica_autoscaling` (Aurora replica auto
// scaling), read inside the database section into ModelConfig (models/data_tier_config.hpp).
#include <algorithm>

#include "models/core/initial_capacity.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/web_loader_util.hpp"

namespace loadcast::scenario {

void load_data_tier(MapReader& db, const models::DatabaseConfig& c, Scenario& s) {
  Context& ctx = db.ctx();
  if (db.has("proxy")) {
    const YAML::Node node = db.get("proxy");
    MapReader m(ctx, node, db.child_path("proxy"));
    models::RdsProxyConfig p;
    // RDS Proxy works with Aurora Serverless v2 ("You can use RDS Proxy with Aurora Serverless v2
    // clusters", [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.html)
    // but not with its auto-pause (min 0 ACU): [secondary] (docs/models/data.md), listed among
    // the features incompatible with auto-pause
    // (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html).
    if (c.type == models::DbType::kAuroraServerlessV2 && c.min_acu <= 0.0) {
      ctx.error(node, m.path(), "cannot be used with Aurora Serverless v2 auto-pause (min_acu: 0); set min_acu to 0.5 or more");
    }
    if (auto v = m.str("name")) p.name = *v;
    if (auto v = m.number("max_connections_percent")) {
      if (*v < 1 || *v > 100) ctx.error(m.get("max_connections_percent"), m.child_path("max_connections_percent"), "must be between 1 and 100");
      else p.max_connections_percent = *v;
    }
    if (auto v = m.number("max_idle_connections_percent")) {
      if (*v < 0 || *v > p.max_connections_percent) {
        const std::string pool = m.has("max_connections_percent") ? m.get("max_connections_percent").Scalar() : "100";
        ctx.error(m.get("max_idle_connections_percent"), m.child_path("max_idle_connections_percent"),
                  "must be between 0 and max_connections_percent (" + pool + ")");
      } else {
        p.max_idle_connections_percent = *v;
      }
    }
    if (auto v = m.duration("borrow_timeout")) {
      if (*v != 0 && (*v < sim::kSecond || *v > 3600 * sim::kSecond)) {
        ctx.error(m.get("borrow_timeout"), m.child_path("borrow_timeout"), "must be 0s (no limit) or between 1s and 3600s");
      } else {
        p.borrow_timeout = *v;
      }
    }
    if (auto d = m.distribution("latency")) p.latency = *d;
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
  if (c.type != models::DbType::kAuroraProvisioned) ctx.error(node, m.path(), "applies to aurora_provisioned only");
  models::ReplicaScalingConfig r;
  models::AutoscalingConfig& a = r.autoscaling;
  a.min = a.max = c.readers;
  auto count = [&](const char* key, int& into) {
    if (auto v = m.integer(key)) {
      if (*v < 0 || *v > 15) ctx.error(m.get(key), m.child_path(key), "must be between 0 and 15 (Aurora replicas)");
      else into = static_cast<int>(*v);
    } else if (!m.has(key)) {
      ctx.error(node, m.path(), std::string("needs '") + key + "' (Aurora replicas, 0-15)");
    }
  };
  count("min", a.min);
  count("max", a.max);
  if (a.max < a.min) ctx.error(m.get("max"), m.child_path("max"), "must be >= min");
  if (c.readers < a.min || c.readers > a.max) {
    ctx.error(node, m.path(), "database.readers (" + std::to_string(c.readers) + ") must be within min..max (" + std::to_string(a.min) +
                                  ".." + std::to_string(a.max) + ")");
  }
  models::TargetTrackingConfig tt;
  tt.metric = "reader_cpu";
  if (auto v = m.str("metric")) {
    if (*v == "reader_cpu" || *v == "reader_connections") tt.metric = *v;
    else ctx.error(m.get("metric"), m.child_path("metric"), "must be reader_cpu (RDSReaderAverageCPUUtilization) or reader_connections (RDSReaderAverageDatabaseConnections), found '" + *v + "'");
  }
  if (auto v = m.number("target")) {
    if (*v <= 0 || (tt.metric == "reader_cpu" && *v > 100)) ctx.error(m.get("target"), m.child_path("target"), "must be > 0 (and <= 100 for reader_cpu)");
    else tt.target = *v;
  } else {
    ctx.error(node, m.path(), "needs 'target' (e.g. 70 for reader_cpu)");
  }
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
  m.finish();
  a.policies.push_back(models::ScalingPolicyConfig{tt.metric + "-target-tracking", tt});
  s.model.replica_scaling = std::move(r);
}

}  // namespace loadcast::scenario
