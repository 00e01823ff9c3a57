#include "models/data/replica_scaling_config.hpp"

#include <string>
#include <variant>

namespace loadcast::models {

namespace {

bool replica_count(int n) { return n >= 0 && n <= kMaxAuroraReplicas; }

}  // namespace

ConfigProblems ReplicaScalingConfig::validate(const DatabaseConfig& database) const {
  ConfigProblems out;
  if (database.type != DbType::kAuroraProvisioned) out.push_back({"", "applies to aurora_provisioned only"});
  const int min = autoscaling.min, max = autoscaling.max;
  if (!replica_count(min)) out.push_back({"min", "must be between 0 and 15 (Aurora replicas)"});
  if (!replica_count(max)) out.push_back({"max", "must be between 0 and 15 (Aurora replicas)"});
  // In force: the database's readers stand in for an invalid min or max (as for an absent one).
  const int readers = replica_count(database.readers) ? database.readers : DatabaseConfig{}.readers;
  const int min_in_force = replica_count(min) ? min : readers;
  const int max_in_force = replica_count(max) ? max : readers;
  if (max_in_force < min_in_force) out.push_back({"max", "must be >= min"});
  if (readers < min_in_force || readers > max_in_force) {
    out.push_back({"", "database.readers (" + std::to_string(readers) + ") must be within min..max (" +
                           std::to_string(min_in_force) + ".." + std::to_string(max_in_force) + ")"});
  }
  for (const auto& p : autoscaling.policies) {
    const auto* tt = std::get_if<TargetTrackingConfig>(&p.spec);
    if (tt != nullptr && (tt->target <= 0 || (tt->metric == "reader_cpu" && tt->target > 100))) {
      out.push_back({"target", "must be > 0 (and <= 100 for reader_cpu)"});
    }
  }
  return out;
}

}  // namespace loadcast::models
