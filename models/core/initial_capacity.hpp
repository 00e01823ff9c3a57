// Initial capacity: what `desired: auto` (and `initial_acu: auto`) starts a run at — the
// capacity each autoscaled component's policies would hold at the load of the run's first
// minute, so a run begins where a deployment already serving that load is, not in an overload
// spiral that exists only in the model. A service or worker holds the fixed point of target
// tracking's ceil(current × metric / target); Aurora replicas with a reader_cpu policy likewise;
// a Serverless v2 writer the capacity at which its CPU is the controller's target_utilization
// (aurora.hpp; its floors are not estimated). Every estimate is clamped to the component's
// min..max; queueing is ignored (unloaded times), so the run's own autoscaling corrects it.
// Pure functions; thread safe.
// [doc] https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
// The estimates, formula by formula: docs/scenarios.md#desired-auto
#pragma once

#include <string>
#include <vector>

#include "models/core/config.hpp"
#include "workload/workload_spec.hpp"

namespace loadcast::models {

// A desired count or initial capacity the scenario asked to estimate (`desired: auto`,
// `initial_acu: auto`); the loader replaces it with the estimate before anything runs.
inline constexpr int kDesiredAuto = -1;
inline constexpr double kAcuAuto = -1.0;

struct CapacityEstimate {
  std::string path;  // the scenario key: "services.web.desired", "workers.w.desired",
                     // "database.replica_autoscaling.desired", "database.initial_acu"
  double value = 0.0;  // tasks, readers or ACU, clamped to the component's range
  std::string basis;   // how: "150 req/s x 12 ms CPU / (0.5 vCPU x 60 %) = 6"
};

// The first minute's mean arrival rate of `workload`: requests per second, or with flows session
// starts per second.
double first_minute_rate(const workload::WorkloadSpec& workload, const ModelConfig& model);

// An estimate for every service, worker, replica set with replica auto scaling and Aurora
// Serverless v2 database of `model`, in that order.
std::vector<CapacityEstimate> estimate_initial_capacity(const workload::WorkloadSpec& workload, const ModelConfig& model);

}  // namespace loadcast::models
