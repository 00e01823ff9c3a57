// Database instance classes (vCPU, memory) and the default max_connections of each engine.
//
// Sources:
// - vCPU and memory per class: [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.Summary.html
//   and https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html
// - Aurora MySQL max_connections per class (table): [doc]
//   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Performance.html
// - Aurora PostgreSQL and RDS for PostgreSQL: LEAST({DBInstanceClassMemory/9531392}, 5000);
//   RDS for MySQL: {DBInstanceClassMemory/12582880} [doc] RDS parameter-group defaults.
//   assumption: DBInstanceClassMemory = the class memory (AWS subtracts an undocumented
//   reserve, so real values are somewhat lower; `max_connections:` overrides).
// - Aurora Serverless v2 max_connections by maximum ACU (MySQL / PostgreSQL): 1: 90/189,
//   4: 135/823, 8: 1000/1669, 16: 2000/3360, 32: 3000/5000, 64: 4000/5000, 128: 5000/5000;
//   PostgreSQL capped at 2000 when the minimum is 0.5 ACU (or lower). [doc]
//   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html
//   assumption: linear interpolation between the rows; 256 ACU as 128 (PostgreSQL) and 6000
//   (MySQL, [unverified]).
// Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/data/database_config.hpp"

namespace loadcast::models {

struct DbInstanceClass {
  const char* name;
  double vcpu;
  double memory_gib;
  int aurora_mysql_max_connections;  // 0: not an Aurora MySQL class
  bool aurora;                       // offered for Aurora (else RDS only)
};

const DbInstanceClass* find_db_instance_class(const std::string& name);
std::vector<std::string> db_instance_class_names(bool aurora_only);

// Default max_connections of a provisioned instance of `cls`.
int provisioned_max_connections(DbType type, DbEngine engine, const DbInstanceClass& cls);
// Default max_connections of an Aurora Serverless v2 instance with this capacity range.
int serverless_max_connections(DbEngine engine, double min_acu, double max_acu);
// The least capacity (ACU, not rounded) whose row of the max_connections table covers
// `connections` (the same interpolation read backwards): 0 up to the 1 ACU row, 256 beyond the
// last. assumption: the memory the table allows per connection is what an instance holding
// that many connections needs (AWS: high-connection workloads need a higher minimum).
double serverless_connection_floor_acu(DbEngine engine, int connections);

}  // namespace loadcast::models
