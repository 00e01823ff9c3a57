// Usage <-> JSON, so a result can carry what its run metered (`sections["usage"]`): shard and
// replication usages merge after the fact, a stored result can be re-priced with another price
// table, and the Infracost usage file can be written from a stored result.
// The JSON mirrors the struct field by field with the field names (units as in usage.hpp);
// absent keys read as zero, unknown keys and wrong types are errors naming the key path.
// Pure functions; thread safe.
#pragma once

#include "cost/usage.hpp"
#include "reports/result.hpp"

namespace loadcast::cost {

reports::Json usage_to_section(const Usage& usage);
// Throws std::runtime_error naming the key at fault.
Usage usage_from_section(const reports::Json& j);

}  // namespace loadcast::cost
