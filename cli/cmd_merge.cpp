// loadcast merge RESULT... --out FILE: combine the shard outputs of one load run or of one sweep
// exactly, by their schema (app/merge.hpp), and print the merged summary or table.
#include <cstdio>
#include <string>

#include "app/merge.hpp"
#include "app/sweep.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/scenario_file.hpp"
#include "loadgen/summary.hpp"
#include "reports/run_outputs.hpp"

namespace loadcast::cli {

namespace {

ExitCode merge_sweep_shards(const std::vector<std::string>& paths, const std::string& out, bool quiet) {
  const reports::SweepTable merged = app::merge_sweep_files(paths);
  const auto written = reports::write_sweep_outputs(merged, app::sweep_output_base(out));
  if (!quiet) {
    std::printf("%s\nwrote %s (+ .csv, .md, .html; %zu shards, %zu points)\n", merged.markdown().c_str(), written[0].c_str(),
                paths.size(), merged.points.size());
  }
  return ExitCode::kOk;
}

ExitCode merge_load_shards(const std::vector<std::string>& paths, const std::string& out, bool quiet) {
  const loadgen::MergeOutput merged = app::merge_load_files(paths);
  reports::save_result(merged.result, out);
  for (const auto& w : merged.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (!quiet) {
    std::fputs(loadgen::format_summary(merged.result, merged.info).c_str(), stdout);
    std::printf("wrote %s (%zu results)\n", out.c_str(), paths.size());
  }
  return merged.result.requests.balanced() ? ExitCode::kOk : ExitCode::kFailure;
}

}  // namespace

ExitCode run_merge(int argc, char** argv) {
  Args args("merge", {
                         {"out", "o", true, false, "FILE  where to write the merged result.json or sweep.json (required)"},
                         {"quiet", "q", false, false, "print nothing but warnings and errors"},
                         {"help", "h", false, false, "show this help"},
                     });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast merge RESULT... --out FILE\n\n"
                "Combines shard outputs exactly, by their schema:\n"
                "  loadcast.result/v1  the result.json files of one load run (loadcast load --shard i/N): counts add\n"
                "                      and histograms add bucket by bucket, so percentiles are those of the whole run;\n"
                "  loadcast.sweep/v1   the sweep.json files or output directories of one sweep (loadcast sweep --shard i/N):\n"
                "                      the points join into the table of the whole grid; FILE.json gets FILE.csv, .md\n"
                "                      and .html beside it (a directory gets sweep.{json,csv,md,html}).\n\n%s",
                args.help().c_str());
    return ExitCode::kOk;
  }
  if (args.positionals().empty()) throw UsageError("expected one or more result files");
  const auto out = args.get("out");
  if (!out) throw UsageError("--out FILE is required");
  const bool sweep = app::merge_kind(args.positionals()) == app::MergeKind::kSweep;
  check_output(sweep ? app::sweep_output_base(*out) + ".json" : *out, true);
  if (app::merge_kind(args.positionals()) == app::MergeKind::kSweep) {
    return merge_sweep_shards(args.positionals(), *out, args.has("quiet"));
  }
  return merge_load_shards(args.positionals(), *out, args.has("quiet"));
}

}  // namespace loadcast::cli
