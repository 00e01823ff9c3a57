// loadcast merge: combine shard results of one distributed load run exactly.
#include <cstdio>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "loadgen/merge.hpp"
#include "loadgen/summary.hpp"

namespace loadcast::cli {

int run_merge(int argc, char** argv) {
  Args args("merge", {
                         {"out", "o", true, false, "FILE  where to write the merged result.json (required)"},
                         {"quiet", "q", false, false, "print nothing but warnings and errors"},
                         {"help", "h", false, false, "show this help"},
                     });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast merge RESULT... --out FILE\n\n"
                "Combines the result.json files of the shards of one load run (loadcast load --shard i/N):\n"
                "counts add and histograms add bucket by bucket, so percentiles are those of the whole run.\n\n%s",
                args.help().c_str());
    return kExitOk;
  }
  if (args.positionals().empty()) throw UsageError("expected one or more result files");
  const auto out = args.get("out");
  if (!out) throw UsageError("--out FILE is required");
  std::vector<loadgen::NamedResult> inputs;
  for (const auto& path : args.positionals()) {
    try {
      inputs.push_back({path, reports::load_result(path)});
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
  reports::save_result(merged.result, *out);
  for (const auto& w : merged.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (!args.has("quiet")) {
    std::fputs(loadgen::format_summary(merged.result, merged.info).c_str(), stdout);
    std::printf("wrote %s (%zu results)\n", out->c_str(), inputs.size());
  }
  return merged.result.requests.balanced() ? kExitOk : kExitFailure;
}

}  // namespace loadcast::cli
