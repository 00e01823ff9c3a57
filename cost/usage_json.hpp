// Usage <-> JSON at the file boundary: the `usage` section of a simulated result.json, written
// from the run's typed Usage, and read back from a stored result (to re-price it with another
// table, or to export it to Infracost).
// The JSON mirrors the struct with its field names (units as in usage.hpp), one object per
// record, in the order of usage_fields.hpp; absent keys read as zero (as the struct's default),
// unknown keys and wrong types are errors naming the key path. Pure functions; thread safe.
#pragma once

#include "cost/usage.hpp"
#include "reports/result.hpp"

namespace loadcast::cost {

reports::Json usage_to_section(const Usage& usage);
// Throws std::runtime_error naming the key at fault.
Usage usage_from_section(const reports::Json& j);

// Writes `usage` as result.sections["usage"], placed before the `cost` section that prices it
// (last when there is none), replacing any `usage` section there was.
void add_usage_section(reports::Result& result, const Usage& usage);

}  // namespace loadcast::cost
