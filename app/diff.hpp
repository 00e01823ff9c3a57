// What `loadcast diff BASE CANDIDATE` does: compare two results for a pull request
// (reports/diff.hpp) and judge the `--fail-on` conditions on the difference. A condition is an
// expression of the threshold language (reports/threshold.hpp) over the diff's JSON, e.g.
// "cost.total.change_pct > 10"; the check fails when the condition holds (a condition on a
// value that is missing, such as the change % of a line that was $0, does not hold).
// Pure function; thread safe.
#pragma once

#include <string>
#include <vector>

#include "app/exit_code.hpp"
#include "reports/diff.hpp"
#include "reports/result.hpp"

namespace loadcast::app {

struct DiffRun {
  reports::DiffReport report;
  // One per --fail-on condition, in order: `ok` is false when the condition holds.
  std::vector<reports::ThresholdVerdict> conditions;
  Verdict verdict;  // threshold_error: a malformed condition or unknown key; checks_failed: one held
};

// `base` and `candidate` are Result::to_json(); the names label them in the report.
DiffRun diff(const reports::Json& base, const reports::Json& candidate, const std::string& base_name,
             const std::string& candidate_name, const std::vector<std::string>& fail_on);

}  // namespace loadcast::app
