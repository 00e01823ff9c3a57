// Configuration of a `publish` step (messaging.hpp): one message to an SNS FIFO topic or
// straight to an SQS FIFO queue, on a message group drawn uniformly over `groups` or zipf(s)
// over them (hot keys). Sizes in bytes. validate() returns the problems with keys relative to
// `publish:`. Limits: queue_config.hpp (message size, groups).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "models/core/config_problem.hpp"
#include "models/messaging/queue_config.hpp"
#include "sim/distribution.hpp"

namespace loadcast::models {

struct PublishConfig {
  bool to_topic = true;
  std::string target;
  std::size_t target_index = 0;
  std::int64_t groups = 1;
  std::optional<sim::Distribution> skew;  // zipf(s, groups), ranks 1..groups
  std::int64_t bytes = 1024;

  ConfigProblems validate() const;
};

}  // namespace loadcast::models
