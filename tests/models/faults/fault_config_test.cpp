// FaultConfig: validate() checks the keys of the fault's type.
#include <catch2/catch.hpp>

#include "models/faults/fault_config.hpp"
#include "tests/models/config_problems.hpp"

using namespace loadcast;
using namespace loadcast::models;
using testing::Lines;
using testing::lines;

TEST_CASE("FaultConfig: each type's keys and ranges") {
  FaultConfig f;
  CHECK(f.validate().empty());
  f.duration = 0;
  f.count = 0;                  // not a db_failover's key
  f.failure_probability = 2;    // nor this
  CHECK(lines(f.validate()) == Lines{"duration: must be longer than 0s"});
  f.type = FaultType::kKillTasks;
  CHECK(lines(f.validate()) == Lines{"count: must be at least 1"});
  f.type = FaultType::kWorkerErrors;
  CHECK(lines(f.validate()) == Lines{"duration: must be longer than 0s", "failure_probability: must be between 0 and 1"});
}
