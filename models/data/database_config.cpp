#include "models/data/database_config.hpp"

#include <cmath>
#include <utility>

#include "models/data/db_instance_classes.hpp"

namespace loadcast::models {

namespace {

bool fraction(double v) { return v > 0 && v <= 1; }

}  // namespace

ConfigProblems ServerlessScalingConfig::validate() const {
  ConfigProblems out;
  if (vcpu_per_acu <= 0) out.push_back({"vcpu_per_acu", "must be > 0"});
  if (cpu_period < sim::kMillisecond || cpu_period > sim::kSecond) out.push_back({"cpu_period", "must be between 1ms and 1s"});
  if (!fraction(target_utilization)) out.push_back({"target_utilization", "must be in (0, 1]"});
  if (up_fraction <= 0) out.push_back({"up_fraction", "must be > 0"});
  if (!fraction(down_fraction)) out.push_back({"down_fraction", "must be in (0, 1]"});
  if (up_interval < 100 * sim::kMillisecond) out.push_back({"up_interval", "must be at least 100ms"});
  if (down_interval < 100 * sim::kMillisecond) out.push_back({"down_interval", "must be at least 100ms"});
  if (working_set_gib < 0) out.push_back({"working_set_gib", "must be >= 0"});
  if (buffer_pool_share && !fraction(*buffer_pool_share)) out.push_back({"buffer_pool_share", "must be in (0, 1]"});
  return out;
}

double engine_buffer_pool_share(DbEngine engine) { return engine == DbEngine::kPostgresql ? 0.675 : 0.57; }

double DatabaseConfig::buffer_pool_share() const {
  return scaling.buffer_pool_share ? *scaling.buffer_pool_share : engine_buffer_pool_share(engine);
}
bool half_acu_step(double acu) { return std::fabs(acu * 2.0 - std::round(acu * 2.0)) < 1e-9; }

ConfigProblems DatabaseConfig::validate() const {
  ConfigProblems out;
  if (!(reconnect_work >= 0.0)) out.push_back({"reconnect_work", "must be 0 or more (vCPU-seconds per reconnect)"});
  if (serverless()) {
    const bool min_ok = min_acu >= 0 && min_acu <= 256 && half_acu_step(min_acu);
    const bool max_ok = max_acu >= 1 && max_acu <= 256 && half_acu_step(max_acu);
    if (!min_ok) out.push_back({"min_acu", "must be 0 to 256 in 0.5 ACU steps"});
    if (!max_ok) out.push_back({"max_acu", "must be 1 to 256 in 0.5 ACU steps"});
    const DatabaseConfig defaults;
    if ((max_ok ? max_acu : defaults.max_acu) < (min_ok ? min_acu : defaults.min_acu)) out.push_back({"max_acu", "max_acu must be >= min_acu"});
    if (auto_pause_after) {
      if (min_acu != 0.0) {
        out.push_back({"auto_pause", "auto-pause needs min_acu: 0"});
      } else if (*auto_pause_after < 300 * sim::kSecond || *auto_pause_after > 86400 * sim::kSecond) {
        out.push_back({"auto_pause", "must be between 300s and 86400s (SecondsUntilAutoPause)"});
      }
    }
    add_problems(out, "scaling", scaling.validate());
  } else {
    const bool aurora = type == DbType::kAuroraProvisioned;
    const DbInstanceClass* cls = find_db_instance_class(instance_class);
    if (cls == nullptr || (aurora && !cls->aurora)) {
      std::string known;
      for (const auto& n : db_instance_class_names(aurora)) known += (known.empty() ? "" : ", ") + n;
      out.push_back({"instance_class", "unknown " + std::string(aurora ? "Aurora " : "") + "instance class '" + instance_class +
                                           "' (known: " + known + ")"});
    }
  }
  if (readers < 0 || readers > kMaxAuroraReplicas) {
    out.push_back({"readers", "must be between 0 and 15"});
  } else if (readers > 0 && type == DbType::kRds) {
    out.push_back({"readers", "an rds database here is one instance (readers: 0)"});
  }
  if (reader_instance_class && type == DbType::kAuroraProvisioned) {
    const DbInstanceClass* cls = find_db_instance_class(*reader_instance_class);
    if (cls == nullptr || !cls->aurora) out.push_back({"reader_instance_class", "unknown Aurora instance class '" + *reader_instance_class + "'"});
  }
  if (reader_tier < 0 || reader_tier > 15) out.push_back({"reader_tier", "must be between 0 and 15"});
  if (max_connections && *max_connections < 1) out.push_back({"max_connections", "must be at least 1"});
  const std::pair<const char*, double> volume_keys[] = {
      {"volume.gb", volume.gb}, {"volume.io_per_read", volume.io_per_read}, {"volume.io_per_write", volume.io_per_write}, {"volume.backup_gb", volume.backup_gb}};
  for (const auto& [key, value] : volume_keys) {
    if (value < 0) out.push_back({key, "must be >= 0"});
  }
  return out;
}

ConfigProblems DbStepConfig::validate() const {
  if (reads < 0 || writes < 0 || reads > 1000 || writes > 1000) return {{"", "reads and writes must be between 0 and 1000"}};
  if (reads + writes == 0) return {{"", "needs reads or writes (queries to run, e.g. db: { reads: 1 })"}};
  if (!(pinned >= 0.0 && pinned <= 1.0)) return {{"pinned", "must be between 0 and 1 (the share of its queries that pin their RDS Proxy session)"}};
  return {};
}

}  // namespace loadcast::models
