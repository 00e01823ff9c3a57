#include "models/core/run_output.hpp"

#include "models/core/replication_merger.hpp"

namespace loadcast::models {

cost::Usage& RunOutput::metered_usage(sim::Time end) {
  if (!usage) usage.emplace();
  usage->metered_seconds = sim::to_seconds(end);
  return *usage;
}

std::optional<cost::Usage> mean_usage(const std::vector<RunOutput>& runs) {
  ReplicationMerger merger(MergeInfo{});
  for (const auto& run : runs) {
    RunOutput usage_only;
    usage_only.usage = run.usage;
    merger.add(std::move(usage_only));
  }
  return merger.mean_usage();
}

reports::Result merge_replications(std::vector<RunOutput>& runs, const MergeInfo& info) {
  ReplicationMerger merger(info);
  for (auto& run : runs) merger.add(std::move(run));
  return merger.finish();
}

}  // namespace loadcast::models
