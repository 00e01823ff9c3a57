// Writes a Draft (draft.hpp) as a scenario file: the keys the input determined, each with a
// comment naming its source, and the assumptions that make it runnable at once — a workload
// with one request class per routed service, default steps for every class and worker, one
// thread per task, the database's query costs, the duration, and the region when the input does
// not give it — each marked "# ASSUMPTION" and listed in `fill_in`, which the file's header
// repeats with the findings (what was not imported, what was ignored). Deterministic: the same
// draft gives the same text. Pure function; thread safe.
#pragma once

#include <string>
#include <vector>

#include "scenarios/loader/import/draft.hpp"

namespace loadcast::scenario {

// The default assumptions, in one place (docs/import.md quotes them).
inline constexpr double kAssumedRate = 10.0;                    // requests/s over all classes
inline constexpr const char* kAssumedDuration = "1h";
inline constexpr const char* kAssumedRequestCpu = "exp(10ms)";
inline constexpr const char* kAssumedMessageCpu = "exp(50ms)";
inline constexpr const char* kAssumedJobCpu = "exp(30s)";
inline constexpr const char* kAssumedQueryRead = "exp(1ms)";
inline constexpr const char* kAssumedQueryWrite = "exp(3ms)";
inline constexpr int kAssumedPublishGroups = 100;

// The scenario text and its list of assumptions; also completes the result's findings.
ImportResult write_scenario(const Draft& draft);

// A YAML scalar for a name or a path: plain when that reads back as the same string, else
// double-quoted.
std::string yaml_scalar(const std::string& s);

// The request path a class uses to reach a rule with these patterns: '*' matches nothing, '?' an
// 'x' ("/api/*" -> "/api/"), always starting with '/'.
std::string example_path(const std::string& pattern);

}  // namespace loadcast::scenario
