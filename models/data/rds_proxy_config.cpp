#include "models/data/rds_proxy_config.hpp"

namespace loadcast::models {

ConfigProblems RdsProxyConfig::validate(const DatabaseConfig& database) const {
  ConfigProblems out;
  if (database.serverless() && database.min_acu == 0.0) {
    out.push_back({"", "cannot be used with Aurora Serverless v2 auto-pause (min_acu: 0); set min_acu to 0.5 or more"});
  }
  const bool pool_ok = max_connections_percent >= 1 && max_connections_percent <= 100;
  if (!pool_ok) out.push_back({"max_connections_percent", "must be between 1 and 100"});
  // Idle connections are a share of the pool, and a percentage (at most 100) whatever the pool.
  const double idle_max = pool_ok ? max_connections_percent : 100.0;
  if (max_idle_connections_percent && (*max_idle_connections_percent < 0 || *max_idle_connections_percent > idle_max)) {
    out.push_back({"max_idle_connections_percent",
                   "must be between 0 and max_connections_percent (" + show_number(max_connections_percent) + ")"});
  }
  if (borrow_timeout != 0 && (borrow_timeout < sim::kSecond || borrow_timeout > 3600 * sim::kSecond)) {
    out.push_back({"borrow_timeout", "must be 0s (no limit) or between 1s and 3600s"});
  }
  if (pinned_session <= 0) out.push_back({"pinned_session", "must be more than 0s (how long a client connection keeps a pinned session)"});
  return out;
}

}  // namespace loadcast::models
