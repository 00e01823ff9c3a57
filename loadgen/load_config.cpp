#include "loadgen/load_config.hpp"

#include <cmath>

namespace loadcast::loadgen {

std::vector<std::string> LoadConfig::validate() const {
  std::vector<std::string> errors;
  if (duration <= 0) errors.push_back("the duration must be positive");
  if (warmup < 0 || warmup >= duration) errors.push_back("the warm-up must be shorter than the duration");
  if (threads == 0) errors.push_back("--threads must be at least 1");
  if (threads > 256) errors.push_back("--threads must be at most 256");
  if (shards == 0 || shard >= shards) {
    errors.push_back("--shard i/N needs 0 <= i < N (got " + std::to_string(shard) + "/" + std::to_string(shards) + ")");
  }
  if (engine.timeout <= 0) errors.push_back("--timeout must be positive");
  if (drain && *drain < 0) errors.push_back("--drain must not be negative");
  if (engine.streams == 0) errors.push_back("--streams must be at least 1");
  if (workload.classes.empty()) errors.push_back("the workload has no request classes");
  if (const auto* open = std::get_if<sim::OpenWorkload>(&workload.model)) {
    if (connections == 0) errors.push_back("-c/--connections must be at least 1");
    if (!(open->rate.max_value() > 0.0)) errors.push_back("the arrival rate is zero throughout");
  } else {
    const auto& closed = std::get<sim::ClosedWorkload>(workload.model);
    if (!(closed.users.max_value() >= 1.0)) errors.push_back("the closed model needs at least one user");
    if (closed.users.max_value() > 1e6) errors.push_back("the closed model asks for more than 1,000,000 users");
  }
  if (start_at && !std::isfinite(*start_at)) errors.push_back("--start-at must be a Unix time in seconds");
  return errors;
}

}  // namespace loadcast::loadgen
