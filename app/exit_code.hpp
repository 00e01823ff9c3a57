// Exit codes and the one policy that turns a judged run into one, for every command:
// 0 ok · 1 runtime failure · 2 usage error or invalid scenario (or input to import) · 3 partial
// import (`loadcast import` wrote a scenario but left out what loadcast cannot model, each item
// listed) · 99 thresholds failed (k6's convention, familiar to CI users) · 105 interrupted
// (SIGINT/SIGTERM stopped `sim`, `load` or `validate`; the partial result was written — k6's
// code for an external abort). A threshold that cannot be judged (malformed, unknown
// metric) is a usage error and wins over a run that failed, which wins over failed checks.
// UsageError is thrown by app/ and cli/ for wrong usage; main prints it and exits 2.
// Pure functions; thread safe.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "reports/result.hpp"

namespace loadcast::app {

enum class ExitCode : int { kOk = 0, kFailure = 1, kUsage = 2, kPartial = 3, kThresholds = 99, kInterrupted = 105 };

// Wrong usage: a bad flag value, a combination of flags that does not fit, an expression that
// cannot be judged. The message is one sentence without the "loadcast <cmd>: " prefix.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What judging a finished run found.
struct Verdict {
  std::string threshold_error;  // a threshold could not be judged: the reason (usage error)
  bool run_failed = false;      // the run itself failed: unpriced, unbalanced counts, stopped early
  bool checks_failed = false;   // a threshold, comparison or tolerance check failed
  bool interrupted = false;     // SIGINT/SIGTERM stopped the run early: its partial result was written
};

ExitCode exit_code(const Verdict& verdict);

// Evaluates `exprs` on the finished `result` (Result::to_json()) into result.thresholds and
// records the outcome in `verdict`: the ThresholdError's message when an expression cannot be
// judged (nothing stored then), else whether any failed.
void judge_thresholds(reports::Result& result, const std::vector<std::string>& exprs, Verdict& verdict);

// True when every verdict passed (none: true).
bool all_passed(const std::vector<reports::ThresholdVerdict>& verdicts);

}  // namespace loadcast::app
