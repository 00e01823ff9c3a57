// FlowSpec: user journeys (workload.flows), as both engines read them.
//
// A flow is a session: an ordered list of steps, each one request class, with an optional
// think time before it, a repeat count, and what comes after it (the next step in order, or
// probabilistic branches and an exit probability: a customer behaviour model graph). The
// simulator runs the graph; the load generator also carries per-session state: values
// extracted from responses into variables substituted as `{name}`, checks counted per check,
// a setup once per virtual user and cookies. Plain data, validated by the scenario loader.
// Syntax: docs/scenarios.md#flows
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/distribution.hpp"

namespace loadcast::workload {

// Where an extracted value comes from.
enum class ExtractSource {
  kJsonPointer,  // RFC 6901 pointer into a JSON body; a string value as it is, others as JSON text
  kHeader,       // a response header (case-insensitive name)
  kRegex,        // the first capture group (or the whole match) of an ECMAScript regex on the body
  kStatus,       // the status code
};

struct ExtractSpec {
  std::string variable;  // the session variable it sets ({variable})
  ExtractSource source = ExtractSource::kJsonPointer;
  std::string expression;  // pointer, header name or regex; empty for kStatus
};

enum class CheckKind {
  kStatus,        // status == expected_status
  kJsonExists,    // the pointer resolves (exists: true) or does not (exists: false)
  kJsonEquals,    // the pointer's value (as extracted) == expected
  kBodyContains,  // the body contains expected
};

struct CheckSpec {
  std::string name;  // unique in its flow; counted as checks.<flow>.<name>
  CheckKind kind = CheckKind::kStatus;
  std::string expression;  // JSON pointer for kJsonExists / kJsonEquals
  std::string expected;    // kJsonEquals / kBodyContains
  int expected_status = 0;
  bool exists = true;
};

struct Branch {
  std::string to;  // a step name of the same flow
  std::size_t to_index = 0;  // resolved by the loader
  double p = 0.0;
};

struct FlowStep {
  std::string name;           // unique in the flow
  std::size_t request = 0;    // index into WorkloadSpec::classes (inline requests are appended there)
  std::optional<sim::Distribution> think;   // before the step
  std::optional<sim::Distribution> repeat;  // integer-valued; absent = once
  std::vector<ExtractSpec> extract;
  std::vector<CheckSpec> checks;
  std::vector<Branch> next;   // empty: the following step in order (or the end after the last)
  double exit = 0.0;          // probability the session ends after this step
};

struct CredentialsSpec {
  std::string csv_path;  // resolved against the scenario's directory
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

struct FlowSpec {
  std::string name;
  double weight = 1.0;
  bool cookies = false;
  std::optional<CredentialsSpec> credentials;
  std::vector<FlowStep> setup;  // load generator: once per virtual user; the simulator ignores it
  std::vector<FlowStep> steps;
};

}  // namespace loadcast::workload
