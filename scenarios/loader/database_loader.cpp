// The `database:` section: Aurora Serverless v2, a provisioned Aurora instance, or one RDS
// instance, with query costs and the capacity controller's parameters.
#include <algorithm>
#include <cmath>
#include <utility>

#include "models/core/component.hpp"
#include "models/core/initial_capacity.hpp"
#include "models/data/db_instance_classes.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/web_loader_util.hpp"

namespace loadcast::scenario {

namespace {

bool half_step(double acu) { return std::fabs(acu * 2.0 - std::round(acu * 2.0)) < 1e-9; }

void load_scaling(MapReader& db, models::ServerlessScalingConfig& sc) {
  Context& ctx = db.ctx();
  MapReader m(ctx, db.get("scaling"), db.child_path("scaling"));
  auto fraction = [&](const char* key, double& into, bool allow_above_one) {
    if (auto v = m.number(key)) {
      if (*v <= 0 || (!allow_above_one && *v > 1)) ctx.error(m.get(key), m.child_path(key), allow_above_one ? "must be > 0" : "must be in (0, 1]");
      else into = *v;
    }
  };
  fraction("vcpu_per_acu", sc.vcpu_per_acu, true);
  fraction("up_utilization", sc.up_utilization, false);
  fraction("up_fraction", sc.up_fraction, true);
  fraction("down_utilization", sc.down_utilization, false);
  fraction("down_fraction", sc.down_fraction, false);
  for (const char* key : {"up_interval", "down_interval"}) {
    if (auto v = m.duration(key)) {
      if (*v < 100 * sim::kMillisecond) ctx.error(m.get(key), m.child_path(key), "must be at least 100ms");
      else (std::string(key) == "up_interval" ? sc.up_interval : sc.down_interval) = *v;
    }
  }
  if (sc.down_utilization >= sc.up_utilization) {
    ctx.error(m.node(), m.path(), "down_utilization must be below up_utilization");
  }
  m.finish();
}

// `volume: { gb, io_per_read, io_per_write, backup_gb }`: the storage and I/O meters
// (models/billing.hpp VolumeMeterConfig, defaults and assumptions there).
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
  const auto non_negative = [&](const char* key, double& into) {
    if (auto x = m.number(key)) {
      if (*x < 0) ctx.error(m.get(key), m.child_path(key), "must be >= 0");
      else into = *x;
    }
  };
  non_negative("gb", v.gb);
  const std::pair<const char*, double*> aurora_only[] = {
      {"io_per_read", &v.io_per_read}, {"io_per_write", &v.io_per_write}, {"backup_gb", &v.backup_gb}};
  for (const auto& [key, into] : aurora_only) {
    if (c.type == models::DbType::kRds && m.has(key)) {
      ctx.error(m.get(key), m.child_path(key), "applies to Aurora only (RDS gp3 storage has no per-I/O charge)");
      continue;
    }
    non_negative(key, *into);
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
  const bool serverless = c.type == models::DbType::kAuroraServerlessV2;
  if (serverless) {
    if (auto v = m.number("min_acu")) {
      if (*v < 0 || *v > 256 || !half_step(*v)) ctx.error(m.get("min_acu"), m.child_path("min_acu"), "must be 0 to 256 in 0.5 ACU steps");
      else c.min_acu = *v;
    }
    if (auto v = m.number("max_acu")) {
      if (*v < 1 || *v > 256 || !half_step(*v)) ctx.error(m.get("max_acu"), m.child_path("max_acu"), "must be 1 to 256 in 0.5 ACU steps");
      else c.max_acu = *v;
    } else if (!m.has("max_acu")) {
      ctx.error(m.node(), "database", "needs 'max_acu' (the most capacity an instance may scale to)");
    }
    if (c.max_acu < c.min_acu) {
      ctx.error(m.get("max_acu"), m.child_path("max_acu"), "max_acu must be >= min_acu");
    }
    if (c.min_acu == 0.0) c.auto_pause_after = 300 * sim::kSecond;
    if (auto v = m.duration("auto_pause")) {
      if (c.min_acu != 0.0) ctx.error(m.get("auto_pause"), m.child_path("auto_pause"), "auto-pause needs min_acu: 0");
      else if (*v < 300 * sim::kSecond || *v > 86400 * sim::kSecond) ctx.error(m.get("auto_pause"), m.child_path("auto_pause"), "must be between 300s and 86400s (SecondsUntilAutoPause)");
      else c.auto_pause_after = *v;
    }
    if (auto v = m.duration("resume_time")) c.resume_time = *v;
    if (is_auto(m, "initial_acu")) {
      c.initial_acu = models::kAcuAuto;  // resolve_initial_capacity()
    } else if (auto v = m.number("initial_acu")) {
      const double lo = std::max(0.5, c.min_acu);
      if (*v < lo || *v > c.max_acu || !half_step(*v)) {
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
      const models::DbInstanceClass* cls = models::find_db_instance_class(*v);
      const bool aurora = c.type == models::DbType::kAuroraProvisioned;
      if (cls == nullptr || (aurora && !cls->aurora)) {
        std::string known;
        for (const auto& n : models::db_instance_class_names(aurora)) known += (known.empty() ? "" : ", ") + n;
        ctx.error(m.get("instance_class"), m.child_path("instance_class"), "unknown " + std::string(aurora ? "Aurora " : "") +
                                                                              "instance class '" + *v + "' (known: " + known + ")");
      }
    } else {
      ctx.error(m.node(), "database", "needs 'instance_class' (e.g. db.r6g.large)");
    }
  }
  if (auto v = m.integer("readers")) {
    if (*v < 0 || *v > 15) ctx.error(m.get("readers"), m.child_path("readers"), "must be between 0 and 15");
    else if (*v > 0 && c.type == models::DbType::kRds) ctx.error(m.get("readers"), m.child_path("readers"), "an rds database here is one instance (readers: 0)");
    else c.readers = static_cast<int>(*v);
  }
  if (auto v = m.str("reader_instance_class")) {
    const models::DbInstanceClass* cls = models::find_db_instance_class(*v);
    if (c.type != models::DbType::kAuroraProvisioned) {
      ctx.error(m.get("reader_instance_class"), m.child_path("reader_instance_class"), "applies to aurora_provisioned only");
    } else if (cls == nullptr || !cls->aurora) {
      ctx.error(m.get("reader_instance_class"), m.child_path("reader_instance_class"), "unknown Aurora instance class '" + *v + "'");
    } else {
      c.reader_instance_class = *v;
    }
  }
  if (auto v = m.integer("reader_tier")) {
    if (*v < 0 || *v > 15) ctx.error(m.get("reader_tier"), m.child_path("reader_tier"), "must be between 0 and 15");
    else c.reader_tier = static_cast<int>(*v);
  }
  if (auto v = m.integer("max_connections")) {
    if (*v < 1) ctx.error(m.get("max_connections"), m.child_path("max_connections"), "must be at least 1");
    else c.max_connections = static_cast<int>(*v);
  }
  if (auto v = m.str("storage")) {
    if (*v == "io_optimized") c.io_optimized = true;
    else if (*v != "standard") ctx.error(m.get("storage"), m.child_path("storage"), "must be standard or io_optimized (found '" + *v + "')");
  }
  load_volume(m, c);
  {
    MapReader q(ctx, m.get("query"), m.child_path("query"));
    if (auto d = q.distribution("read")) c.query.read = *d;
    if (auto d = q.distribution("write")) c.query.write = *d;
    q.finish();
  }
  load_data_tier(m, c, s);
  check_database_prices(m, c, s);
  m.finish();
  s.model.database = std::move(c);
}

}  // namespace loadcast::scenario
