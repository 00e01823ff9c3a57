// StepConfig: one step of a request class or of a worker's message processing — service at a
// station, a pure delay (optionally a metered call out of the VPC, core/outbound_call.hpp), CPU
// work on the serving task, database queries (DbStepConfig, data/database_config.hpp) or a
// publish (PublishConfig, messaging/publish_config.hpp). Steps run in order. Distributions in
// seconds. Plain data; the scenario loader fills it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "models/core/outbound_call.hpp"
#include "models/data/database_config.hpp"
#include "models/messaging/publish_config.hpp"
#include "sim/distribution.hpp"

namespace loadcast::models {

enum class StepKind {
  kStation,  // service at a generic station: `station: s1, service: exp(1ms)`
  kDelay,    // pure latency, no resource: `delay: const(20ms)` (an external call)
  kCpu,      // CPU work on the serving task: `cpu: exp(10ms)`
  kDb,       // database queries from the serving task: `db: { reads: 1, writes: 1 }`
  kPublish,  // one message to a topic or queue: `publish: { topic: T, groups: N }`
};

struct StepConfig {
  StepKind kind = StepKind::kStation;
  std::string target;           // station name
  std::size_t target_index = 0; // resolved by the loader
  sim::Distribution service;    // service demand, delay or CPU work
  DbStepConfig db;              // kDb only
  PublishConfig publish;        // kPublish only
  std::optional<OutboundCallConfig> call;  // kDelay only: the bytes of a call out of the VPC
};

}  // namespace loadcast::models
