// The database instance classes: max_connections from the documented tables.
#include <catch2/catch.hpp>

#include "models/data/db_instance_classes.hpp"

using namespace loadcast::models;

TEST_CASE("DbInstanceClasses: max_connections from the documented tables") {
  CHECK(serverless_max_connections(DbEngine::kMysql, 0.5, 1) == 90);
  CHECK(serverless_max_connections(DbEngine::kPostgresql, 0.5, 4) == 823);
  CHECK(serverless_max_connections(DbEngine::kMysql, 0.5, 16) == 2000);
  CHECK(serverless_max_connections(DbEngine::kPostgresql, 1, 64) == 5000);
  CHECK(serverless_max_connections(DbEngine::kPostgresql, 0.5, 64) == 2000);  // capped with min 0.5
  CHECK(serverless_max_connections(DbEngine::kPostgresql, 0.5, 2) == 400);    // interpolated 1..4
  const auto* r6g = find_db_instance_class("db.r6g.large");
  REQUIRE(r6g != nullptr);
  CHECK(r6g->vcpu == 2);
  CHECK(provisioned_max_connections(DbType::kAuroraProvisioned, DbEngine::kMysql, *r6g) == 1000);
  CHECK(provisioned_max_connections(DbType::kAuroraProvisioned, DbEngine::kPostgresql, *r6g) == 1802);
  const auto* t3 = find_db_instance_class("db.t3.small");
  REQUIRE(t3 != nullptr);
  CHECK_FALSE(t3->aurora);
  CHECK(provisioned_max_connections(DbType::kRds, DbEngine::kMysql, *t3) == 170);
  CHECK(find_db_instance_class("db.x9.huge") == nullptr);
}
