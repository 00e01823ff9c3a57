// Configuration of RDS Proxy (rds_proxy.hpp) in front of the database: its connection pool
// limits as percentages of the instances' max_connections, the borrow timeout and the latency it
// adds — the `database.proxy:` section. Durations sim::Time, latency in seconds. validate()
// returns the problems with keys relative to the section.
//
// Defaults and limits: MaxConnectionsPercent 100 (1-100), MaxIdleConnectionsPercent half of
// MaxConnectionsPercent (0..MaxConnectionsPercent), ConnectionBorrowTimeout 120 s (0 = unlimited,
// else 1-3600 s). [doc] https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ConnectionPoolConfiguration.html
// With Aurora Serverless v2 ("You can use RDS Proxy with Aurora Serverless v2 clusters", [doc]
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy.html) but not with its
// auto-pause (min 0 ACU): listed among the features incompatible with auto-pause, [doc]
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html
// Assumption (a parameter): the proxy adds 1 ms per query.
#pragma once

#include <optional>
#include <string>

#include "models/core/config_problem.hpp"
#include "models/data/database_config.hpp"
#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

struct RdsProxyConfig {
  std::string name = "proxy";
  double max_connections_percent = 100.0;
  std::optional<double> max_idle_connections_percent;  // default: max_connections_percent / 2
  sim::Time borrow_timeout = 120 * sim::kSecond;  // 0: wait without limit
  sim::Distribution latency = sim::Distribution::constant(0.001);  // assumption: per query
  // assumption: how long a pinned session lasts — the life of the client connection in the
  // application's pool after the query that pinned it (HikariCP's default maxLifetime, 30 min).
  sim::Time pinned_session = 30 * sim::kMinute;

  // In front of `database`.
  ConfigProblems validate(const DatabaseConfig& database) const;
};

}  // namespace loadcast::models
