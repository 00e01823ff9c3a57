// ReplicaScalingConfig: validate() against the cluster whose readers it scales.
#include <catch2/catch.hpp>

#include "models/data/replica_scaling_config.hpp"
#include "tests/models/config_problems.hpp"

using namespace loadcast;
using namespace loadcast::models;
using testing::Lines;
using testing::lines;

namespace {

DatabaseConfig cluster(int readers) {
  DatabaseConfig db;
  db.type = DbType::kAuroraProvisioned;
  db.instance_class = "db.r7g.large";
  db.readers = readers;
  return db;
}

ReplicaScalingConfig replicas(int min, int max, const std::string& metric, double target) {
  ReplicaScalingConfig r;
  r.autoscaling.min = min;
  r.autoscaling.max = max;
  TargetTrackingConfig tt;
  tt.metric = metric;
  tt.target = target;
  r.autoscaling.policies.push_back(ScalingPolicyConfig{metric + "-target-tracking", tt});
  return r;
}

}  // namespace

TEST_CASE("ReplicaScalingConfig: 0-15 replicas around the configured readers") {
  CHECK(replicas(1, 3, "reader_cpu", 70).validate(cluster(1)).empty());
  CHECK(lines(replicas(1, 16, "reader_cpu", 70).validate(cluster(1))) == Lines{"max: must be between 0 and 15 (Aurora replicas)"});
  CHECK(lines(replicas(3, 2, "reader_cpu", 70).validate(cluster(2))) ==
        Lines{"max: must be >= min", "(itself): database.readers (2) must be within min..max (3..2)"});
  CHECK(lines(replicas(2, 3, "reader_cpu", 70).validate(cluster(1))) == Lines{"(itself): database.readers (1) must be within min..max (2..3)"});
}

TEST_CASE("ReplicaScalingConfig: the target is a percentage for reader_cpu") {
  CHECK(lines(replicas(1, 3, "reader_cpu", 150).validate(cluster(1))) == Lines{"target: must be > 0 (and <= 100 for reader_cpu)"});
  CHECK(replicas(1, 3, "reader_connections", 150).validate(cluster(1)).empty());
  CHECK(lines(replicas(1, 3, "reader_connections", 0).validate(cluster(1))) == Lines{"target: must be > 0 (and <= 100 for reader_cpu)"});
}

TEST_CASE("ReplicaScalingConfig: provisioned Aurora only") {
  DatabaseConfig serverless;
  CHECK(lines(replicas(0, 0, "reader_cpu", 70).validate(serverless)) == Lines{"(itself): applies to aurora_provisioned only"});
}
