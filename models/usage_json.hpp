// Usage <-> JSON, so a result can carry what its run metered (`sections["usage"]`): shard and
// replication usages merge after the fact, a stored result can be re-priced with another price
// table, and the Infracost usage file can be written from a stored result.
// The JSON mirrors the struct field by field (units as in usage.hpp); from_json rejects unknown
// keys and wrong types with the key path. Pure functions; thread safe.
#pragma once

#include "models/usage.hpp"
#include "reports/result.hpp"

namespace loadcast::models {

reports::Json usage_to_json(const Usage& usage);
// Throws std::runtime_error naming the key at fault.
Usage usage_from_json(const reports::Json& j);

}  // namespace loadcast::models
