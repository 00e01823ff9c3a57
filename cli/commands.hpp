// The subcommands of `loadcast`. Each takes the arguments after its name and returns the exit
// code: 0 ok · 1 runtime failure · 2 usage error or invalid scenario · 99 thresholds failed.
// Errors are reported to stderr by the command itself (or by main for UsageError).
#pragma once

namespace loadcast::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitThresholds = 99;

int run_sim(int argc, char** argv);
int run_check(int argc, char** argv);
int run_load(int argc, char** argv);
int run_testbed(int argc, char** argv);
int run_merge(int argc, char** argv);
int run_validate(int argc, char** argv);
int run_report(int argc, char** argv);
int run_gate(int argc, char** argv);
int run_sweep(int argc, char** argv);

}  // namespace loadcast::cli
