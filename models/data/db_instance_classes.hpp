// Database instance classes (vCPU, memory) and the default max_connections of each engine: AWS's
// table for Aurora MySQL, the parameter-group formulas for PostgreSQL and RDS for MySQL
// (assumption: DBInstanceClassMemory = the class memory), and the Serverless v2 table by maximum
// ACU (assumption: linear between its rows). Pure functions, thread safe.
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.Summary.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Performance.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html
// Facts and assumptions: docs/models/data.md#aurora-serverless-v2 and
// docs/models/data.md#provisioned-instances-and-rds
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
