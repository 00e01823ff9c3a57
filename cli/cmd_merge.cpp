// loadcast merge: combine shard outputs exactly, by their schema: the result.json files of one
// distributed load run (loadcast.result/v1, loadgen::merge_results) or the sweep.json files
// (or output directories) of one sharded sweep (loadcast.sweep/v1, reports::merge_sweeps).
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "loadgen/merge.hpp"
#include "loadgen/summary.hpp"
#include "reports/run_outputs.hpp"
#include "reports/sweep_table.hpp"

namespace loadcast::cli {

namespace {

// The merged sweep goes to OUT (a .json path: OUT and its .csv/.md/.html siblings) or, when OUT
// is a directory or has no .json extension, to OUT/sweep.{json,csv,md,html}.
int merge_sweep_shards(const std::vector<std::string>& paths, const std::string& out, bool quiet) {
  std::vector<reports::SweepTable> shards;
  reports::SweepTable merged;
  try {
    for (const auto& p : paths) shards.push_back(reports::read_sweep_table(p));
    merged = reports::merge_sweeps(shards);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  const std::filesystem::path o(out);
  const bool file = o.extension() == ".json" && !std::filesystem::is_directory(o);
  const std::string base = file ? (o.parent_path() / o.stem()).string() : (o / "sweep").string();
  const auto written = reports::write_sweep_outputs(merged, base);
  if (!quiet) {
    std::printf("%s\nwrote %s (+ .csv, .md, .html; %zu shards, %zu points)\n", merged.markdown().c_str(), written[0].c_str(),
                shards.size(), merged.points.size());
  }
  return kExitOk;
}

int merge_load_shards(const std::vector<std::string>& paths, const std::string& out, bool quiet) {
  std::vector<loadgen::NamedResult> inputs;
  for (const auto& path : paths) {
    const std::string file = std::filesystem::is_directory(path) ? path + "/result.json" : path;
    try {
      inputs.push_back({file, reports::load_result(file)});
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
  }
  loadgen::MergeOutput merged;
  try {
    merged = loadgen::merge_results(inputs);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  reports::save_result(merged.result, out);
  for (const auto& w : merged.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (!quiet) {
    std::fputs(loadgen::format_summary(merged.result, merged.info).c_str(), stdout);
    std::printf("wrote %s (%zu results)\n", out.c_str(), inputs.size());
  }
  return merged.result.requests.balanced() ? kExitOk : kExitFailure;
}

}  // namespace

int run_merge(int argc, char** argv) {
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
    return kExitOk;
  }
  if (args.positionals().empty()) throw UsageError("expected one or more result files");
  const auto out = args.get("out");
  if (!out) throw UsageError("--out FILE is required");
  std::string schema;
  for (const auto& path : args.positionals()) {
    std::string s;
    try {
      s = reports::schema_of(path);
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
    if (s != reports::kResultSchema && s != reports::kSweepSchema) {
      throw UsageError(path + ": schema is '" + s + "'; loadcast merge takes " + reports::kResultSchema + " or " +
                       reports::kSweepSchema + " files");
    }
    if (!schema.empty() && s != schema) {
      throw UsageError(path + ": schema is " + s + " but " + args.positionals().front() + " is " + schema +
                       "; merge the shards of one run or of one sweep");
    }
    schema = s;
  }
  if (schema == reports::kSweepSchema) return merge_sweep_shards(args.positionals(), *out, args.has("quiet"));
  return merge_load_shards(args.positionals(), *out, args.has("quiet"));
}

}  // namespace loadcast::cli
