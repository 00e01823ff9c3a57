#include "models/faults/fault_config.hpp"

namespace loadcast::models {

ConfigProblems FaultConfig::validate() const {
  ConfigProblems out;
  if (type != FaultType::kKillTasks && duration <= 0) out.push_back({"duration", "must be longer than 0s"});
  if (type == FaultType::kKillTasks && count < 1) out.push_back({"count", "must be at least 1"});
  if (type == FaultType::kWorkerErrors && (failure_probability < 0 || failure_probability > 1)) {
    out.push_back({"failure_probability", "must be between 0 and 1"});
  }
  return out;
}

}  // namespace loadcast::models
