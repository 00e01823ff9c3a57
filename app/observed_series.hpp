// Observed series for `loadcast compare`: what a real deployment did over time, per metric, in the
// simulator's units, whatever the source. Today the source is CloudWatch metric data as
// `aws cloudwatch get-metric-data` writes it (app/cloudwatch.hpp); another source (ALB access
// logs, issue #20 item 4) fills the same struct and compare() takes it unchanged.
//
// The CloudWatch metric each flag expects, and its conversion:
//   tasks     ECS/ContainerInsights RunningTaskCount, Average                    tasks
//   cpu       AWS/ECS CPUUtilization, Average                                    percent
//   memory    AWS/ECS MemoryUtilization, Average                                 percent
//   acu       AWS/RDS ServerlessDatabaseCapacity, Average                        ACU
//   p50..p99  AWS/ApplicationELB TargetResponseTime, statistic p50/p95/p99       seconds -> ms
//   5xx       AWS/ApplicationELB HTTPCode_Target_5XX_Count (+ HTTPCode_ELB_5XX_Count), Sum
//             per period; a period without a datapoint is 0 (ALB reports these "when nonzero")
//   requests  AWS/ApplicationELB RequestCount, Sum per period -> requests per second
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html
// [doc] https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
// The period of a series is `period_s` (--period), else the smallest gap between its timestamps;
// a count (5xx, requests), whose zero periods CloudWatch leaves out, takes the smallest gap of
// all the series given. Pure functions, thread safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/cloudwatch.hpp"

namespace loadcast::app {

enum class ObservedMetric { kTasks, kCpu, kMemory, kAcu, kLatencyP50, kLatencyP95, kLatencyP99, k5xx, kRequests };

// Facts about a metric shared by the sources and the comparison: its flag, label, unit, the
// CloudWatch statistic the comparison assumes, and whether it is a count summed per period.
struct MetricInfo {
  ObservedMetric metric;
  const char* key;        // "tasks", "cpu", ..., "latency_p95", "5xx", "requests": compare.json's keys
  const char* flag;       // "--tasks"
  const char* label;      // "tasks running"
  const char* unit;       // "tasks", "%", "ACU", "ms", "per period", "req/s"
  const char* statistic;  // "Average", "p95", "Sum"
};

const MetricInfo& info(ObservedMetric m);
const std::vector<ObservedMetric>& all_metrics();

struct ObservedSeries {
  ObservedMetric metric = ObservedMetric::kTasks;
  std::string source;  // "cw.json: MetricDataResults[1] (Id tasks)"
  double period_s = 0.0;
  std::vector<double> t_epoch;  // period starts, seconds since the epoch, ascending, on the period grid
  std::vector<double> values;   // in the simulator's units, parallel to t_epoch
};

struct ObservedData {
  std::vector<std::string> files;      // the sources read, for the report
  std::vector<ObservedSeries> series;  // at most one per metric
};

// Which MetricDataResults Id each metric is (the --tasks, --cpu, ... flags).
using CloudWatchIds = std::map<ObservedMetric, std::string>;

// Throws InputError naming the file and the JSON location: an unknown id (the ids there are
// listed), a series whose period cannot be read, timestamps off the period grid.
ObservedData observed_from_cloudwatch(const MetricData& data, const CloudWatchIds& ids, std::optional<double> period_s);

// ALB access logs (scenarios/loader/import/alb_log.hpp; gzip or plain), binned into periods of
// `period_s`, requests by when they arrived (request_creation_time), the rest by `time` (when
// the load balancer answered):
//   requests  entries per second of the period (RequestCount / period: what the ALB received)
//   5xx       entries with a 5xx elb_status_code, per period (the load balancer's and the
//             targets' 5xx together, as --5xx with both CloudWatch metrics)
//   p50..p99  target_processing_time of the entries a target answered, ms, nearest rank; a
//             period without one has no value
// Every period from the first entry's to the last one's is present for the counts (0 when
// empty). The metrics in `skip` (given from CloudWatch instead) are left out. Throws InputError
// for a file that cannot be read, a bad line ("FILE:LINE: field N (name): ..."), or no entry.
ObservedData observed_from_alb_logs(const std::vector<std::string>& files, double period_s, const std::vector<ObservedMetric>& skip = {});

}  // namespace loadcast::app
