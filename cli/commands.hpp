// The subcommands of `loadcast`. Each takes the arguments after its name and returns its exit
// code (app/exit_code.hpp). Errors are reported to stderr by the command itself, or by main for
// a UsageError (exit 2) or any other exception (exit 1).
#pragma once

#include "app/exit_code.hpp"

namespace loadcast::cli {

using app::ExitCode;

ExitCode run_sim(int argc, char** argv);
ExitCode run_check(int argc, char** argv);
ExitCode run_load(int argc, char** argv);
ExitCode run_testbed(int argc, char** argv);
ExitCode run_merge(int argc, char** argv);
ExitCode run_validate(int argc, char** argv);
ExitCode run_report(int argc, char** argv);
ExitCode run_gate(int argc, char** argv);
ExitCode run_diff(int argc, char** argv);
ExitCode run_sweep(int argc, char** argv);
ExitCode run_import(int argc, char** argv);
ExitCode run_calibrate(int argc, char** argv);
ExitCode run_compare(int argc, char** argv);

}  // namespace loadcast::cli
