// Configuration of Aurora replica auto scaling (cluster_control.hpp): the range of readers, one
// target tracking policy on the readers' CPU or connections, how long a new replica takes and
// when the RDS metrics are published — the `database.replica_autoscaling:` section of a
// provisioned Aurora cluster. Durations sim::Time, launch time in seconds. validate() returns
// the problems with keys relative to the section.
//
// Defaults and limits: target tracking on RDSReaderAverageCPUUtilization (percent, at most 100)
// or RDSReaderAverageDatabaseConnections, 0-15 replicas, cooldowns 300 s, alarms 3 of 3 high
// and 15 of 15 low. [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Integrating.AutoScaling.html
// Assumptions (parameters): a new replica takes 5-10 minutes to become available; RDS metrics
// are published 60 s after their period.
#pragma once

#include <optional>

#include "models/core/config_problem.hpp"
#include "models/data/database_config.hpp"
#include "models/scaling/autoscaling_config.hpp"
#include "models/scaling/cloudwatch_config.hpp"
#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

struct ReplicaScalingConfig {
  AutoscalingConfig autoscaling;  // min/max readers; policies on reader_cpu or reader_connections
  sim::Distribution launch_time = sim::Distribution::uniform(300.0, 600.0);  // assumption
  MetricsConfig metrics{60 * sim::kSecond, 60 * sim::kSecond};              // assumption: delay
  // Readers in service at the start (configured ones included): those beyond the configured
  // readers were added by replica auto scaling before the run, so it may remove them again.
  std::optional<int> initial_readers;

  // Scaling the readers of `database`.
  ConfigProblems validate(const DatabaseConfig& database) const;
};

}  // namespace loadcast::models
