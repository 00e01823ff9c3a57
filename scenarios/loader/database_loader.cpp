// The `database:` section: Aurora Serverless v2, a provisioned Aurora instance, or one RDS
// instance, with query costs and the capacity controller's parameters.
#include <algorithm>
#include <cmath>
#include <utility>

#include "models/core/component.hpp"
#include "models/core/initial_capacity.hpp"
#include "models/data/db_instance_classes.hpp"
#include "scenarios/loader/problem_report.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/web_loader_util.hpp"

namespace loadcast::scenario {

namespace {

void load_scaling(MapReader& db, models::ServerlessScalingConfig& sc) {
  MapReader m(db.ctx(), db.get("scaling"), db.child_path("scaling"));
  const std::pair<const char*, double*> numbers[] = {{"vcpu_per_acu", &sc.vcpu_per_acu},
                                                     {"target_utilization", &sc.target_utilization},
                                                     {"up_fraction", &sc.up_fraction},
                                                     {"down_fraction", &sc.down_fraction},
                                                     {"working_set_gib", &sc.working_set_gib}};
  for (const auto& [key, into] : numbers) {
    if (auto v = m.number(key)) *into = *v;
  }
  if (auto v = m.number("buffer_pool_share")) sc.buffer_pool_share = *v;
  if (auto v = m.boolean("connection_floor")) sc.connection_floor = *v;
  if (auto v = m.duration("cpu_period")) sc.cpu_period = *v;
  if (auto v = m.duration("up_interval")) sc.up_interval = *v;
  if (auto v = m.duration("down_interval")) sc.down_interval = *v;
  m.finish();
}

// `volume: { gb, io_per_read, io_per_write, backup_gb }`: the storage and I/O meters
// (cost/billing.hpp VolumeMeterConfig, defaults and assumptions there).
void load_volume(MapReader& db, models::DatabaseConfig& c) {
  if (!db.has("volume")) {
    db.get("volume");
    return;
  }
  Context& ctx = db.ctx();
  MapReader m(ctx, db.get("volume"), db.child_path("volume"));
  if (!m.valid()) return;
  cost::VolumeMeterConfig& v = c.volume;
  v.metered = true;
  if (auto x = m.number("gb")) v.gb = *x;
  const std::pair<const char*, double*> aurora_only[] = {
      {"io_per_read", &v.io_per_read}, {"io_per_write", &v.io_per_write}, {"backup_gb", &v.backup_gb}};
  for (const auto& [key, into] : aurora_only) {
    if (c.type == models::DbType::kRds && m.has(key)) {
      ctx.error(m.get(key), m.child_path(key), "applies to Aurora only (RDS gp3 storage has no per-I/O charge)");
      continue;
    }
    if (auto x = m.number(key)) *into = *x;
  }
  m.finish();
}

}  // namespace

void load_database(MapReader& top, Scenario& s) {
  Context& ctx = top.ctx();
  if (!top.has("database")) {
    top.get("database");
    return;
  }
  MapReader m(ctx, top.get("database"), "database");
  if (!m.valid()) return;
  models::DatabaseConfig c;
  if (auto v = m.str("name")) c.name = *v;
  if (auto v = m.str("type")) {
    if (*v == "aurora_serverless_v2") c.type = models::DbType::kAuroraServerlessV2;
    else if (*v == "aurora_provisioned") c.type = models::DbType::kAuroraProvisioned;
    else if (*v == "rds") c.type = models::DbType::kRds;
    else ctx.error(m.get("type"), m.child_path("type"), "must be aurora_serverless_v2, aurora_provisioned or rds (found '" + *v + "')");
  } else {
    ctx.error(m.node(), "database", "needs 'type' (aurora_serverless_v2, aurora_provisioned or rds)");
  }
  if (auto v = m.str("engine")) {
    if (*v == "postgresql") c.engine = models::DbEngine::kPostgresql;
    else if (*v == "mysql") c.engine = models::DbEngine::kMysql;
    else ctx.error(m.get("engine"), m.child_path("engine"), "must be postgresql or mysql (found '" + *v + "')");
  } else {
    ctx.error(m.node(), "database", "needs 'engine' (postgresql or mysql)");
  }
  ProblemReport report(m);
  if (c.serverless()) {
    if (auto v = m.number("min_acu")) c.min_acu = *v;
    if (auto v = m.number("max_acu")) c.max_acu = *v;
    else if (!m.has("max_acu")) ctx.error(m.node(), "database", "needs 'max_acu' (the most capacity an instance may scale to)");
    if (c.min_acu == 0.0) c.auto_pause_after = 300 * sim::kSecond;
    if (auto v = m.duration("auto_pause")) c.auto_pause_after = *v;
    if (auto v = m.duration("resume_time")) c.resume_time = *v;
    if (is_auto(m, "initial_acu")) {
      c.initial_acu = models::kAcuAuto;  // resolve_initial_capacity()
    } else if (auto v = m.number("initial_acu")) {
      const double lo = std::max(0.5, c.min_acu);
      if (*v < lo || *v > c.max_acu || !models::half_acu_step(*v)) {
        ctx.error(m.get("initial_acu"), m.child_path("initial_acu"),
                  "must be auto or " + models::format_number(lo) + " to max_acu (" + models::format_number(c.max_acu) +
                      ") in 0.5 ACU steps (got " + models::format_number(*v) + ")");
      } else {
        c.initial_acu = *v;
      }
    }
    load_scaling(m, c.scaling);
    if (m.has("instance_class")) ctx.error(m.get("instance_class"), m.child_path("instance_class"), "applies to provisioned types, not aurora_serverless_v2");
  } else {
    for (const char* key : {"min_acu", "max_acu", "auto_pause", "resume_time", "scaling", "initial_acu"}) {
      if (m.has(key)) ctx.error(m.get(key), m.child_path(key), "applies to aurora_serverless_v2 only");
    }
    if (auto v = m.str("instance_class")) {
      c.instance_class = *v;
    } else {
      ctx.error(m.node(), "database", "needs 'instance_class' (e.g. db.r6g.large)");
      report.drop(m.child_path("instance_class"));
    }
  }
  if (auto v = m.whole<int>("readers")) c.readers = *v;
  if (auto v = m.str("reader_instance_class")) {
    if (c.type != models::DbType::kAuroraProvisioned) {
      ctx.error(m.get("reader_instance_class"), m.child_path("reader_instance_class"), "applies to aurora_provisioned only");
    } else {
      c.reader_instance_class = *v;
    }
  }
  if (auto v = m.whole<int>("reader_tier")) c.reader_tier = *v;
  if (auto v = m.whole<int>("max_connections")) c.max_connections = *v;
  if (auto v = m.str("storage")) {
    if (*v == "io_optimized") c.io_optimized = true;
    else if (*v != "standard") ctx.error(m.get("storage"), m.child_path("storage"), "must be standard or io_optimized (found '" + *v + "')");
  }
  load_volume(m, c);
  if (auto d = m.distribution("reconnect_latency")) c.reconnect_latency = *d;
  if (auto d = m.distribution("round_trip")) c.round_trip = *d;
  if (auto v = m.number("reconnect_work")) c.reconnect_work = *v;
  {
    MapReader q(ctx, m.get("query"), m.child_path("query"));
    if (auto d = q.distribution("read")) c.query.read = *d;
    if (auto d = q.distribution("write")) c.query.write = *d;
    q.finish();
  }
  report.add(c.validate());
  load_data_tier(m, c, s);
  check_database_prices(m, c, s);
  m.finish();
  s.model.database = std::move(c);
}

}  // namespace loadcast::scenario
