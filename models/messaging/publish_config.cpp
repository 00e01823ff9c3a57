#include "models/messaging/publish_config.hpp"

namespace loadcast::models {

ConfigProblems PublishConfig::validate() const {
  ConfigProblems out;
  if (groups < 1 || groups > kMaxGroups) out.push_back({"groups", between(1, kMaxGroups, groups)});
  if (bytes < 1 || bytes > kMaxMessageBytes) out.push_back({"bytes", between(1, kMaxMessageBytes, bytes)});
  return out;
}

}  // namespace loadcast::models
