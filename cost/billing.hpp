// AWS billing rules that turn what a model observed into billed quantities. Pure functions,
// thread safe. The simulator's meters call these and add the results to a Usage (usage.hpp);
// durations come in as int64 nanoseconds (the simulator's clock unit, named in the parameter),
// so this library needs nothing of the simulation engine.
//
// Sources (docs/cost.md, "AWS pricing pages and billing rules"):
// - Fargate bills from the start of the image pull until the task stops, per second rounded up,
//   with a 1-minute minimum. [doc] https://aws.amazon.com/jp/fargate/pricing/
// - Aurora provisioned instances bill per second with a 10-minute minimum.
//   [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/User_DBInstanceBilling.html
// - ALB: each hour is billed on the single highest of four dimensions: 25 new connections/s,
//   3,000 active connections/min, 1 GB processed/h (0.4 GB for Lambda targets), 1,000 rule
//   evaluations/s where rule evaluations = request rate x (rules processed - 10 free).
//   [secondary] https://handbook.vantage.sh/aws/services/elb-pricing (matches the pricing page)
//   Assumption: the free 10 rules are applied to the hour's aggregate (requests x 10), which is
//   how the pricing page states it.
// - "GB" is 2^30 bytes in every meter (kBytesPerGb): AWS's worked billing examples convert bytes
//   with 1,073,741,824 bytes per GB ("100GB (107,374,182,400 bytes)", [doc]
//   https://aws.amazon.com/s3/faqs/), and the Aurora and RDS billing pages bill storage "per GiB
//   per month". Assumption: data transfer, NAT gateway, SNS payload, ALB processed bytes and
//   CloudWatch Logs GB use the same convention (their pages say "GB" without defining it).
// - SQS and SNS bill each 64 KB chunk of a request's payload as one request; an empty receive
//   or any other call without payload is one request. https://aws.amazon.com/sqs/pricing/
// - An SNS delivery to an SQS queue is a SendMessage call on the queue (the queue policy must
//   allow sqs:SendMessage to sns.amazonaws.com, [doc]
//   https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html), and SQS
//   bills every API call on a queue: so it is billed as an SQS request too, besides SNS FIFO's
//   per-delivery charge. Assumption: neither pricing page says so in words; the line is priced
//   apart (SqsUsage::sns_deliveries) so its amount is visible.
// - RDS Proxy bills the vCPUs of provisioned targets with a minimum of 2, or the ACUs of
//   Serverless v2 targets with a minimum of 8. [secondary] docs/models/data.md
// - Aurora bills the storage a cluster volume uses per GB-month, and with Aurora Standard every
//   storage I/O request per million; "you accrue billed read operations for queries that request
//   database pages that aren't in the buffer cache". [doc]
//   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/User_DBInstanceBilling.html and
//   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
//   (VolumeReadIOPs). AWS publishes no I/O count per query: VolumeMeterConfig's are assumptions.
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
