// Initial capacity: what `desired: auto` starts a run at — the capacity each autoscaled
// component's policies would hold at the load of the run's first minute, so a run begins where
// a deployment already serving that load is, not in an overload spiral that exists only in the
// model.
//
// The first minute's load is the mean arrival rate over [0, 60 s) (open model), or the mean
// users over it divided by think time plus the requests' unloaded response time (closed model).
// Each request class adds its share of that rate to the service the listener rules route it to,
// with its steps' mean demand; each publish step adds messages to its queue (or to every queue
// its topic fans out to), as do scheduled feeds and the publish steps of the workers that
// consume those messages (a worker processes its queue's whole inflow). From there:
// - a service or worker with target tracking holds ceil(demand / (per-task capacity x target)) —
//   the fixed point of AWS's formula, which scales to ceil(current x metric / target) both ways:
//   cpu: busy vCPU / (vCPU x target); memory: in-flight requests (rate x response time, Little's
//   law) x memory_per_request / (target x memory - base); requests_per_target: requests per
//   minute / target; a step policy's alarm threshold stands for the target. A worker's
//   backlog_per_task policy holds the fewest tasks that keep up with the inflow (its backlog
//   then stays near zero); every estimate keeps at least enough tasks for the CPU demand
//   (utilization below 100 % of min(threads, vCPU)). Without policies: CPU at 70 %.
//   https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
// - an Aurora replica set with a reader_cpu policy holds ceil(read CPU / (reader vCPU x
//   target)) readers (a reader_connections policy is not estimated: its configured readers);
// - an Aurora Serverless v2 instance settles inside the controller's band (aurora.hpp): it adds
//   capacity when a 2-second window's CPU reaches up_utilization and releases it when a
//   30-second mean falls below down_utilization, so from below it keeps rising until bursts stay
//   under the top. assumption: it settles a quarter of the way up the band, (3 x down + up) / 4
//   = 40 % by default: ceil to 0.5 ACU of (CPU demand / (vcpu_per_acu x that)); reads go to the
//   readers when there are any.
// Every estimate is clamped to the component's min..max. Queueing is ignored (unloaded times),
// so an estimate is a starting point the run's own autoscaling then corrects.
// Pure functions; thread safe.
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

// The first minute's mean arrival rate (requests per second) of `workload`.
double first_minute_rate(const workload::WorkloadSpec& workload, const ModelConfig& model);

// An estimate for every service, worker, replica set with replica auto scaling and Aurora
// Serverless v2 database of `model`, in that order.
std::vector<CapacityEstimate> estimate_initial_capacity(const workload::WorkloadSpec& workload, const ModelConfig& model);

}  // namespace loadcast::models
