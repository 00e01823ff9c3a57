// RdsProxyConfig: validate() against the database it fronts.
#include <catch2/catch.hpp>

#include "models/data/rds_proxy_config.hpp"
#include "tests/models/config_problems.hpp"

using namespace loadcast;
using namespace loadcast::models;
using testing::Lines;
using testing::lines;

TEST_CASE("RdsProxyConfig: pool percentages and the borrow timeout") {
  const DatabaseConfig db;
  RdsProxyConfig p;
  CHECK(p.validate(db).empty());
  p.max_connections_percent = 40;
  p.max_idle_connections_percent = 50;
  CHECK(lines(p.validate(db)) == Lines{"max_idle_connections_percent: must be between 0 and max_connections_percent (40)"});
  p = RdsProxyConfig{};
  p.max_connections_percent = 0;
  p.borrow_timeout = 500 * sim::kMillisecond;
  CHECK(lines(p.validate(db)) ==
        Lines{"max_connections_percent: must be between 1 and 100", "borrow_timeout: must be 0s (no limit) or between 1s and 3600s"});
  p = RdsProxyConfig{};
  p.borrow_timeout = 0;  // no limit
  CHECK(p.validate(db).empty());
  p.pinned_session = 0;
  CHECK(lines(p.validate(db)) == Lines{"pinned_session: must be more than 0s (how long a client connection keeps a pinned session)"});
}

TEST_CASE("RdsProxyConfig: not with Aurora Serverless v2 auto-pause") {
  DatabaseConfig db;
  db.min_acu = 0;
  CHECK(lines(RdsProxyConfig{}.validate(db)) ==
        Lines{"(itself): cannot be used with Aurora Serverless v2 auto-pause (min_acu: 0); set min_acu to 0.5 or more"});
  db.min_acu = 0.5;
  CHECK(RdsProxyConfig{}.validate(db).empty());
}
