// AWS billing rules that turn what a model observed into billed quantities: Fargate's 1-minute
// minimum, Aurora and RDS instances' 10-minute minimum, the ALB's LCU per clock hour (the highest
// of four dimensions; assumption: the 10 free rule evaluations taken from the hour's aggregate),
// SQS and SNS requests in 64 KB chunks (an SNS delivery to SQS is an SQS request too, priced
// apart: assumption), RDS Proxy's minimums, Aurora storage I/O per query (assumption:
// VolumeMeterConfig), and "GB" = 2^30 bytes in every meter (kBytesPerGb). Pure functions, thread
// safe; durations come in as int64 nanoseconds, so this library needs nothing of the engine.
// [doc] https://aws.amazon.com/fargate/pricing/
// [doc] https://aws.amazon.com/elasticloadbalancing/pricing/
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/User_DBInstanceBilling.html
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
// [doc] https://aws.amazon.com/sqs/pricing/
// [doc] https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html
// [doc] https://aws.amazon.com/s3/faqs/ (bytes per GB in AWS's worked examples)
// [secondary] https://aws.amazon.com/rds/proxy/pricing/ (minimums as quoted by others)
// Facts and assumptions: docs/cost.md#what-is-metered-and-how-aws-bills-it,
// docs/cost.md#questions-settled and docs/cost.md#aws-pricing-pages-and-billing-rules
#pragma once

#include <cstdint>
#include <string>

namespace loadcast::cost {

inline constexpr std::int64_t kFargateMinimumBilledSeconds = 60;
inline constexpr std::int64_t kAuroraInstanceMinimumBilledSeconds = 600;
inline constexpr double kBytesPerGb = 1073741824.0;  // 2^30
inline constexpr std::uint64_t kSqsChunkBytes = 65536;   // 64 KB
inline constexpr double kAlbFreeRulesPerRequest = 10.0;
inline constexpr double kRdsProxyMinimumVcpus = 2.0;
inline constexpr double kRdsProxyMinimumAcus = 8.0;

// What a database's storage meters: the scenario's `database.volume` section. Off unless given
// (then the result says storage and I/O were not metered). The stored GB is held constant over
// the run; I/O requests are counted per query the instances run.
// assumption: io_per_read 0.1 (about 90 % of the pages a read touches are in the buffer cache,
// so one read query in ten goes to storage), io_per_write 1 (one 4 KB log write per write query;
// Aurora groups concurrent commits, so this is an upper estimate under load); gb 10.
struct VolumeMeterConfig {
  bool metered = false;       // `volume:` given
  double gb = 10.0;           // GB stored (Aurora cluster volume, or each RDS instance's gp3)
  double io_per_read = 0.1;   // storage I/O requests per read query (Aurora)
  double io_per_write = 1.0;  // storage I/O requests per write query (Aurora)
  double backup_gb = 0.0;     // billable backup GB above 100 % of the volume (Aurora)
};

// Billed seconds of a Fargate task that lived `lifetime_ns` nanoseconds (image pull start to
// stop): max(60, ceil(seconds)). A negative lifetime is treated as zero (still the 1-minute
// minimum).
std::int64_t fargate_billed_seconds(std::int64_t lifetime_ns);

// Billed seconds of an Aurora provisioned instance that existed for `lifetime_ns` nanoseconds:
// max(600, ceil(seconds)).
std::int64_t aurora_instance_billed_seconds(std::int64_t lifetime_ns);

// Billed requests for one SQS/SNS call carrying `payload_bytes` (the sum over a batch):
// max(1, ceil(bytes / 64 KB)). An empty receive is billed_requests(0) == 1.
std::uint64_t sqs_billed_requests(std::uint64_t payload_bytes);

// What an ALB did during one clock hour (or the part of it a run covered; rates are still taken
// over 3,600 s, as AWS bills a partial hour as a full one).
struct AlbHourTotals {
  double new_connections = 0.0;            // connections opened
  double active_connection_seconds = 0.0;  // integral of open connections over time (conn x s)
  double processed_bytes = 0.0;            // request + response bytes, both directions
  double requests = 0.0;
  double rule_evaluations = 0.0;           // sum over requests of the listener rules processed
  bool lambda_targets = false;             // 0.4 GB/h per LCU instead of 1 GB/h
  // LCU Reservation in force during the hour: billed as LCU-hours even when unused; LCUs used
  // beyond it are billed as usual. [doc]
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/capacity-unit-reservation.html
  double reserved_lcus = 0.0;
};

struct AlbLcus {
  double new_connections = 0.0;
  double active_connections = 0.0;
  double processed_bytes = 0.0;
  double rule_evaluations = 0.0;
  double billed = 0.0;      // the maximum of the four: LCU-hours for this hour
  std::string dominant;     // which dimension set `billed`
};

AlbLcus alb_lcus_for_hour(const AlbHourTotals& hour);

// The LCU-hours of each dimension over a month from a run's totals: an hour's LCUs of one
// dimension are linear in its totals, so their sum over the run's hours is that of the totals,
// times `factor` (730 h / the run). `billed` is the largest of the four monthly sums, which is
// what Infracost's lb.go bills; it is at most what AWS bills, the sum over hours of each hour's
// largest dimension (AlbUsage::lcu_hours), and equal when one dimension leads every hour.
AlbLcus alb_lcus_for_month(const AlbHourTotals& totals, double factor);

// Billed RDS Proxy capacity for the current target capacity: max(2, vCPUs) or max(8, ACUs).
double rds_proxy_billed_vcpus(double target_vcpus);
double rds_proxy_billed_acus(double target_acus);

}  // namespace loadcast::cost
