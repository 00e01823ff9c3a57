#include "loadgen/merge.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace loadcast::loadgen {

namespace {
constexpr std::size_t kMissingListed = 20;  // a warning names at most this many missing shards
}  // namespace

MergeOutput merge_results(const std::vector<NamedResult>& inputs) {
  if (inputs.empty()) throw std::invalid_argument("nothing to merge");
  MergeOutput out;
  LoadTotals totals;
  LoadInfo& merged = out.info;
  std::set<std::uint64_t> seen;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    // Named, not a structured binding: clang before 16 (the fuzz build) cannot capture those.
    const std::string& name = inputs[k].name;
    const reports::Result& r = inputs[k].result;
    LoadInfo info;
    try {
      if (r.kind != "load") throw std::runtime_error("kind is '" + r.kind + "', only load results merge");
      totals.add(totals_from_result(r));
      info = info_from_result(r);
    } catch (const std::runtime_error& e) {
      throw std::invalid_argument(name + ": " + e.what());
    }
    if (k == 0) {
      merged = info;
      merged.shard_indices.clear();
      merged.threads = 0;
      merged.connections = 0;
      merged.users = 0;
      merged.cpu_s = 0.0;
      merged.preconnect_failures = 0;
      merged.open_connections_peak = 0;
      merged.connect_backoffs = 0;
      merged.fds_needed = 0;
      merged.connection_events = {};
      merged.target_rps = 0.0;
    } else {
      const auto differs = [&](const std::string& what, const std::string& a, const std::string& b) {
        if (a != b) throw std::invalid_argument(name + ": " + what + " '" + b + "' differs from '" + a + "' in " + inputs[0].name);
      };
      differs("scenario", merged.scenario, info.scenario);
      differs("target", merged.target, info.target);
      differs("model", merged.model, info.model);
      differs("shard count", std::to_string(merged.shards), std::to_string(info.shards));
      const auto epoch = [](const std::optional<double>& e) { return e ? std::to_string(*e) : std::string("none"); };
      differs("start epoch", epoch(merged.start_epoch), epoch(info.start_epoch));
      // Same target, model and epoch are not enough: shards of another run (another seed,
      // schedule or request mix) would add up to a schedule nobody ran.
      for (const auto& [key, value] : merged.fingerprint.items()) {
        const auto other = info.fingerprint.find(key);
        const std::string theirs = other == info.fingerprint.end() ? "(missing)" : other->dump();
        if (theirs != value.dump()) {
          throw std::invalid_argument(name + ": a shard of a different run: load.fingerprint." + key + " " + theirs +
                                      " differs from " + value.dump() + " in " + inputs[0].name);
        }
      }
      if (info.fingerprint.size() != merged.fingerprint.size()) {
        throw std::invalid_argument(name + ": a shard of a different run: load.fingerprint has other keys than in " +
                                    inputs[0].name);
      }
      if (info.started_epoch && (!merged.started_epoch || *info.started_epoch < *merged.started_epoch)) {
        merged.started_epoch = info.started_epoch;  // the earliest shard's start
      }
      merged.drain_s = std::max(merged.drain_s, info.drain_s);
      merged.duration_s = std::max(merged.duration_s, info.duration_s);
      merged.wall_s = std::max(merged.wall_s, info.wall_s);
      merged.max_thread_utilization = std::max(merged.max_thread_utilization, info.max_thread_utilization);
      merged.rss_peak_kib = std::max(merged.rss_peak_kib, info.rss_peak_kib);
      merged.stopped_early = merged.stopped_early || info.stopped_early;
    }
    for (std::uint64_t i : info.shard_indices) {
      if (i >= info.shards) {
        throw std::invalid_argument(name + ": load.shard.indices has shard " + std::to_string(i) + " but load.shard.count is " +
                                    std::to_string(info.shards) + " (indices run 0.." + std::to_string(info.shards - 1) +
                                    "): not a shard of this run");
      }
      if (!seen.insert(i).second) {
        throw std::invalid_argument(name + ": shard " + std::to_string(i) + " appears twice (it would be counted twice)");
      }
      merged.shard_indices.push_back(i);
    }
    merged.threads += info.threads;
    merged.connections += info.connections;
    merged.users += info.users;
    merged.cpu_s += info.cpu_s;
    merged.preconnect_failures += info.preconnect_failures;
    merged.connect_backoffs += info.connect_backoffs;
    // Shards run in their own processes: the largest need, and the limit of the shard that had least.
    merged.fds_needed = std::max(merged.fds_needed, info.fds_needed);
    if (k > 0) merged.fd_limit = std::min(merged.fd_limit, info.fd_limit);
    merged.fd_limit_raised_from = std::max(merged.fd_limit_raised_from, info.fd_limit_raised_from);
    merged.open_connections_peak += info.open_connections_peak;
    merged.connection_events.add(info.connection_events);
    merged.target_rps += info.target_rps;
  }
  std::sort(merged.shard_indices.begin(), merged.shard_indices.end());
  // Every index is below the count and none repeats, so the missing ones are the rest of 0..n-1.
  std::vector<std::uint64_t> missing;
  for (std::uint64_t i = 0, k = 0; i < merged.shards; ++i) {
    if (k < merged.shard_indices.size() && merged.shard_indices[k] == i) {
      ++k;
    } else {
      missing.push_back(i);
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (std::size_t k = 0; k < missing.size() && k < kMissingListed; ++k) list += (k ? ", " : "") + std::to_string(missing[k]);
    if (missing.size() > kMissingListed) list += ", … (" + std::to_string(missing.size()) + " in all)";
    out.warnings.push_back("merged " + std::to_string(merged.shard_indices.size()) + " of " + std::to_string(merged.shards) +
                           " shards: shard" + (missing.size() > 1 ? "s " : " ") + list + " missing; the result covers part of the schedule");
  }
  out.result = build_result(totals, merged);
  out.result.sections["load"]["shard"]["missing"] = missing;
  if (!out.warnings.empty()) out.result.sections["load"]["merge_warnings"] = out.warnings;
  return out;
}

}  // namespace loadcast::loadgen
