// Configuration of the data tier beyond a single Aurora instance set: RDS Proxy in front of the
// cluster and Aurora replica auto scaling (both read from keys of the `database:` section).
// Plain data: defaults in member initialisers, units in names.
//
// Sources:
// - RDS Proxy: MaxConnectionsPercent default 100 (1..100), MaxIdleConnectionsPercent default
//   half of MaxConnectionsPercent (0..MaxConnectionsPercent), ConnectionBorrowTimeout default
//   120 s (0 = unlimited, else 1..3600 s). [doc] https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ConnectionPoolConfiguration.html
// - Replica auto scaling: target tracking on RDSReaderAverageCPUUtilization or
//   RDSReaderAverageDatabaseConnections, 0..15 replicas, default cooldowns 300 s, alarms 3 of 3
//   high and 15 of 15 low. [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Integrating.AutoScaling.html
// Assumptions (parameters): the proxy adds 1 ms per query; a new replica takes 5-10 minutes to
// become available; RDS metrics are published 60 s after their period.
#pragma once

#include <optional>
#include <string>

#include "models/web/web_config.hpp"
#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

struct RdsProxyConfig {
  std::string name = "proxy";
  double max_connections_percent = 100.0;
  std::optional<double> max_idle_connections_percent;  // default: max_connections_percent / 2
  sim::Time borrow_timeout = 120 * sim::kSecond;  // 0: wait without limit
  sim::Distribution latency = sim::Distribution::constant(0.001);  // assumption: per query
};

struct ReplicaScalingConfig {
  AutoscalingConfig autoscaling;  // min/max readers; policies on reader_cpu or reader_connections
  sim::Distribution launch_time = sim::Distribution::uniform(300.0, 600.0);  // assumption
  MetricsConfig metrics{60 * sim::kSecond, 60 * sim::kSecond};              // assumption: delay
  // Readers in service at the start (configured ones included): those beyond the configured
  // readers were added by replica auto scaling before the run, so it may remove them again.
  std::optional<int> initial_readers;
};

}  // namespace loadcast::models
