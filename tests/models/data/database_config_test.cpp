// DatabaseConfig, ServerlessScalingConfig, DbStepConfig: validate() on plain structs.
#include <catch2/catch.hpp>

#include "models/data/database_config.hpp"
#include "tests/models/config_problems.hpp"

using namespace loadcast;
using namespace loadcast::models;
using testing::Lines;
using testing::lines;

namespace {

DatabaseConfig provisioned(const std::string& instance_class) {
  DatabaseConfig c;
  c.type = DbType::kAuroraProvisioned;
  c.engine = DbEngine::kMysql;
  c.instance_class = instance_class;
  return c;
}

}  // namespace

TEST_CASE("DatabaseConfig: the defaults are a valid Serverless v2 cluster") {
  CHECK(DatabaseConfig{}.validate().empty());
  CHECK(provisioned("db.r7g.large").validate().empty());
}

TEST_CASE("DatabaseConfig: Serverless v2 capacity in 0.5 ACU steps, max >= min") {
  DatabaseConfig c;
  c.max_acu = 4.2;
  c.min_acu = -1;
  CHECK(lines(c.validate()) == Lines{"min_acu: must be 0 to 256 in 0.5 ACU steps", "max_acu: must be 1 to 256 in 0.5 ACU steps"});
  c = DatabaseConfig{};
  c.min_acu = 8;
  CHECK(lines(c.validate()) == Lines{"max_acu: max_acu must be >= min_acu"});
  c.max_acu = 300;  // invalid: the default 4 stands in for it, still below 8
  CHECK(lines(c.validate()) == Lines{"max_acu: must be 1 to 256 in 0.5 ACU steps", "max_acu: max_acu must be >= min_acu"});
}

TEST_CASE("DatabaseConfig: auto-pause only at min 0 ACU, 300-86400 s") {
  DatabaseConfig c;
  c.auto_pause_after = 10 * sim::kMinute;
  CHECK(lines(c.validate()) == Lines{"auto_pause: auto-pause needs min_acu: 0"});
  c.min_acu = 0;
  CHECK(c.validate().empty());
  c.auto_pause_after = 100 * sim::kSecond;
  CHECK(lines(c.validate()) == Lines{"auto_pause: must be between 300s and 86400s (SecondsUntilAutoPause)"});
}

TEST_CASE("DatabaseConfig: the capacity controller's target, fractions, intervals, CPU period and memory floor") {
  ServerlessScalingConfig sc;
  CHECK(sc.validate().empty());
  sc.vcpu_per_acu = 0;
  sc.cpu_period = 2 * sim::kSecond;  // cpu.cfs_period_us is at most 1 s
  sc.target_utilization = 0;
  sc.down_fraction = 2;
  sc.up_interval = 10 * sim::kMillisecond;
  sc.working_set_gib = -1;
  sc.buffer_pool_share = 1.5;
  CHECK(lines(sc.validate()) == Lines{"vcpu_per_acu: must be > 0", "cpu_period: must be between 1ms and 1s",
                                      "target_utilization: must be in (0, 1]", "down_fraction: must be in (0, 1]",
                                      "up_interval: must be at least 100ms", "working_set_gib: must be >= 0",
                                      "buffer_pool_share: must be in (0, 1]"});
  DatabaseConfig c;
  c.scaling.target_utilization = 1.5;
  CHECK(lines(c.validate()) == Lines{"scaling.target_utilization: must be in (0, 1]"});
}

TEST_CASE("DatabaseConfig: the buffer pool share is AWS's example's for the engine unless set") {
  DatabaseConfig c;
  c.engine = DbEngine::kPostgresql;
  CHECK(c.buffer_pool_share() == 0.675);  // shared_buffers 1,425,408 x 8 KiB at 8 ACU = 0.68 of 16 GiB
  c.engine = DbEngine::kMysql;
  CHECK(c.buffer_pool_share() == 0.57);   // innodb_buffer_pool_size 0.54-0.60 of memory at 8-12.5 ACU
  c.scaling.buffer_pool_share = 0.5;
  CHECK(c.buffer_pool_share() == 0.5);
}

TEST_CASE("DatabaseConfig: instance classes, readers, tiers, connections, volume") {
  CHECK_THAT(provisioned("db.t3.small").validate().at(0).message, Catch::StartsWith("unknown Aurora instance class 'db.t3.small' (known: "));
  DatabaseConfig c = provisioned("db.r7g.large");
  c.readers = 16;
  c.reader_instance_class = "db.m5.large";  // an RDS class, not offered for Aurora
  c.reader_tier = -1;
  c.max_connections = 0;
  c.volume.gb = -1;
  c.volume.backup_gb = -2;
  CHECK(lines(c.validate()) == Lines{"readers: must be between 0 and 15", "reader_instance_class: unknown Aurora instance class 'db.m5.large'",
                                     "reader_tier: must be between 0 and 15", "max_connections: must be at least 1",
                                     "volume.gb: must be >= 0", "volume.backup_gb: must be >= 0"});
  c = provisioned("db.m5.large");
  c.type = DbType::kRds;
  c.readers = 1;
  CHECK(lines(c.validate()) == Lines{"readers: an rds database here is one instance (readers: 0)"});
}

TEST_CASE("DbStepConfig: 0-1000 reads and writes, at least one query") {
  CHECK(DbStepConfig{1, 0, {}, {}, 0.0}.validate().empty());
  CHECK(lines(DbStepConfig{}.validate()) == Lines{"(itself): needs reads or writes (queries to run, e.g. db: { reads: 1 })"});
  CHECK(lines(DbStepConfig{1001, 0, {}, {}, 0.0}.validate()) == Lines{"(itself): reads and writes must be between 0 and 1000"});
  CHECK(lines(DbStepConfig{-1, 1, {}, {}, 0.0}.validate()) == Lines{"(itself): reads and writes must be between 0 and 1000"});
}

TEST_CASE("DbStepConfig: the pinned share of its queries is a probability") {
  CHECK(DbStepConfig{1, 0, {}, {}, 1.0}.validate().empty());
  CHECK(lines(DbStepConfig{1, 0, {}, {}, 1.5}.validate()) ==
        Lines{"pinned: must be between 0 and 1 (the share of its queries that pin their RDS Proxy session)"});
  CHECK(lines(DbStepConfig{1, 0, {}, {}, -0.1}.validate()) ==
        Lines{"pinned: must be between 0 and 1 (the share of its queries that pin their RDS Proxy session)"});
}

TEST_CASE("DatabaseConfig: the reconnect work after a failover is not negative") {
  DatabaseConfig c;
  c.reconnect_work = -0.001;
  CHECK(lines(c.validate()) == Lines{"reconnect_work: must be 0 or more (vCPU-seconds per reconnect)"});
}
