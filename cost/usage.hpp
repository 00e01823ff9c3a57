// Usage: the billable quantities a run metered, before prices. The simulator's components add
// their meters to it at the end of a run; cost.hpp prices it with a PriceTable.
//
// Invariant: every quantity is a sum over the metered span `metered_seconds` (a count, or a
// time integral in unit x seconds), never a level or a rate. So two Usages (two replications,
// two shards) merge by adding, and the monthly projection multiplies every field by the same
// factor 730 h / metered span. A constant level L held for the whole run is entered as
// L x metered_seconds (e.g. 10 GB of Aurora storage -> storage_gb_seconds += 10 * span).
// `fixed_costs` are monthly amounts for what is not simulated and are never projected.
// The billing rules that produce these quantities (Fargate's 1-minute minimum, the ALB LCU
// maximum per hour, 64 KB request chunks...) are in billing.hpp. Which fields name a resource
// and which are metered is listed once, in usage_fields.hpp.
// Not thread safe: one Usage per simulation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cost/billing.hpp"

namespace loadcast::cost {

enum class CpuArch { kX86, kArm };
enum class CapacityType { kOnDemand, kSpot };
enum class AuroraStorage { kStandard, kIoOptimized };

const char* to_string(CpuArch a);
const char* to_string(CapacityType c);
const char* to_string(AuroraStorage s);

// One ECS service's Fargate tasks of one architecture and capacity type.
struct FargateUsage {
  std::string service;
  CpuArch arch = CpuArch::kX86;
  CapacityType capacity = CapacityType::kOnDemand;
  double vcpu_seconds = 0.0;          // sum of billed seconds x task vCPU
  double gb_seconds = 0.0;            // sum of billed seconds x task memory (GB)
  double ephemeral_gb_seconds = 0.0;  // sum of billed seconds x ephemeral GB above the free 20
  double task_seconds = 0.0;          // sum of billed seconds (reported, not priced)
  std::uint64_t tasks = 0;            // tasks billed

  // Adds one task's billing: billed_seconds from fargate_billed_seconds(pull start -> stop).
  void add_task(double vcpu, double memory_gb, std::int64_t billed_seconds, double ephemeral_gb = 20.0);
};

struct AlbUsage {
  std::string name;
  double seconds = 0.0;         // time the load balancer existed
  double lcu_hours = 0.0;       // sum over clock hours of alb_lcus_for_hour(...).billed
  AlbHourTotals totals{};       // dimension totals over the run (for reports and Infracost)
  double response_bytes = 0.0;  // bytes of the responses it sent to clients (internet egress)
  // The AWS WAF web ACL associated with it (`load_balancer.waf`): time the web ACL existed, its
  // rules x that time, and the requests it inspected (every request the load balancer received).
  double waf_acl_seconds = 0.0;
  double waf_rule_seconds = 0.0;
  double waf_requests = 0.0;

  // Adds one clock hour: its LCUs (highest dimension) and its totals.
  void add_hour(const AlbHourTotals& hour);
};

struct AuroraServerlessUsage {
  std::string instance;
  std::string cluster;
  AuroraStorage storage = AuroraStorage::kStandard;
  double acu_seconds = 0.0;  // integral of current capacity (ACU) over time
};

struct AuroraProvisionedUsage {
  std::string instance;
  std::string cluster;
  std::string instance_class;  // "db.r6g.large"
  AuroraStorage storage = AuroraStorage::kStandard;
  double instance_seconds = 0.0;  // aurora_instance_billed_seconds() of each instance lifetime
};

struct AuroraClusterUsage {
  std::string cluster;
  AuroraStorage storage = AuroraStorage::kStandard;
  double storage_gb_seconds = 0.0;  // integral of stored GB over time
  double backup_gb_seconds = 0.0;   // integral of billable backup GB (above 100 % of the cluster)
  double io_requests = 0.0;         // storage I/O requests (billed only with Aurora Standard)
  double read_io_requests = 0.0;    // the part of io_requests from read queries
  double write_io_requests = 0.0;   // the part from write queries
};

// An RDS (not Aurora) DB instance, single-AZ. Assumption: a Multi-AZ instance is entered as two
// instances (AWS bills the primary and the standby; "approximately twice as much",
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_OnDemandDBInstances.html).
struct RdsInstanceUsage {
  std::string instance;
  std::string engine;          // "mysql" or "postgresql"
  std::string instance_class;  // "db.t3.small"
  double instance_seconds = 0.0;    // billed seconds, 10-minute minimum (aurora_instance_billed_seconds)
  double storage_gb_seconds = 0.0;  // integral of provisioned gp3 GB over time
};

struct RdsProxyUsage {
  std::string name;
  double vcpu_seconds = 0.0;  // integral of rds_proxy_billed_vcpus(target vCPUs) over time
  double acu_seconds = 0.0;   // integral of rds_proxy_billed_acus(target ACUs) over time
};

struct SqsUsage {
  std::string queue;
  bool fifo = true;
  double requests = 0.0;        // billed requests: every API call, sqs_billed_requests(payload)
  double empty_receives = 0.0;  // the part of `requests` that were receives returning nothing
  double payload_bytes = 0.0;   // bytes sent (for the Infracost request size)
  // The part of `requests` that were SendMessage calls SNS made to deliver a subscribed topic's
  // messages (billing.hpp: sns_delivery_billed_as_sqs_request).
  double sns_deliveries = 0.0;

  void add_call(std::uint64_t payload_bytes, bool empty_receive = false);
};

struct SnsUsage {
  std::string topic;
  bool fifo = true;
  double publish_requests = 0.0;  // billed publishes, sqs_billed_requests(payload) each
  double publish_bytes = 0.0;     // payload published
  double deliveries = 0.0;        // messages delivered to SQS subscriptions
  double delivery_bytes = 0.0;    // payload delivered

  void add_publish(std::uint64_t payload_bytes, int subscriptions);
};

struct NatGatewayUsage {
  std::string name;
  double seconds = 0.0;          // time the gateway existed
  double processed_bytes = 0.0;  // bytes through it, both directions
};

struct VpcEndpointUsage {
  std::string name;
  double az_seconds = 0.0;       // time existed x AZs it is in
  double processed_bytes = 0.0;
};

struct PublicIpv4Usage {
  std::string owner;          // "alb", "nat", "web tasks"
  double ip_seconds = 0.0;    // integral of public addresses held over time
};

// A monthly amount for something the simulator does not model. Either a dollar figure, or a
// quantity of a price in the table: `quantity` units per month, or for a per-hour unit `count`
// resources running all month (count x 730 h).
struct FixedCost {
  std::string name;            // item key in cost.monthly_usd.items (several may share one)
  double usd_per_month = 0.0;  // when `price` is empty
  std::string price;           // "group.item", e.g. "nat_gateway.gb_processed", "waf.rule_month"
  double quantity = 0.0;
  double count = 0.0;
  std::string note;
  std::string location;        // file:line:col it came from, for messages
};

struct Usage {
  double metered_seconds = 0.0;  // the simulated span the meters covered
  std::vector<FargateUsage> fargate;
  std::vector<AlbUsage> albs;
  std::vector<AuroraServerlessUsage> aurora_serverless;
  std::vector<AuroraProvisionedUsage> aurora_provisioned;
  std::vector<AuroraClusterUsage> aurora_clusters;
  std::vector<RdsInstanceUsage> rds_instances;
  std::vector<RdsProxyUsage> rds_proxies;
  std::vector<SqsUsage> sqs;
  std::vector<SnsUsage> sns;
  std::vector<NatGatewayUsage> nat_gateways;
  std::vector<VpcEndpointUsage> vpc_endpoints;
  std::vector<PublicIpv4Usage> public_ipv4;
  double inter_az_bytes = 0.0;       // cross-AZ traffic, billed once per direction crossed
  // Data transfer out to the internet: the load balancers' responses (AlbUsage::response_bytes)
  // and what tasks send out through a NAT gateway or a public address (outbound calls).
  double internet_out_bytes = 0.0;
  double log_ingest_bytes = 0.0;     // CloudWatch Logs ingestion
  // Requests inspected by a WAF web ACL that is not a load balancer's (a load balancer's web ACL
  // meters into AlbUsage::waf_requests).
  double waf_requests = 0.0;
  std::vector<FixedCost> fixed_costs;

  // Find-or-add by name, so a meter can keep a reference for the whole run.
  FargateUsage& fargate_for(const std::string& service, CpuArch arch, CapacityType capacity);
  AlbUsage& alb_for(const std::string& name);
  AuroraServerlessUsage& aurora_serverless_for(const std::string& instance, const std::string& cluster,
                                               AuroraStorage storage);
  AuroraProvisionedUsage& aurora_provisioned_for(const std::string& instance, const std::string& cluster,
                                                 const std::string& instance_class, AuroraStorage storage);
  AuroraClusterUsage& aurora_cluster_for(const std::string& cluster, AuroraStorage storage);
  RdsInstanceUsage& rds_instance_for(const std::string& instance, const std::string& engine,
                                     const std::string& instance_class);
  RdsProxyUsage& rds_proxy_for(const std::string& name);
  SqsUsage& sqs_for(const std::string& queue, bool fifo);
  SnsUsage& sns_for(const std::string& topic, bool fifo);
  NatGatewayUsage& nat_gateway_for(const std::string& name);
  VpcEndpointUsage& vpc_endpoint_for(const std::string& name);
  PublicIpv4Usage& public_ipv4_for(const std::string& owner);

  // Adds every metered quantity of `other`: a resource of the same name adds to this one's, a
  // new one is appended (in `other`'s order). Fixed costs are kept from this Usage when it has
  // any, else taken from `other`: they are monthly, not metered.
  void merge(const Usage& other);
  // Multiplies every metered quantity, metered_seconds included, by `factor` (the mean of R
  // merged replications is merge() of all, then scale(1 / R)); counts of tasks are rounded.
  // The monthly projection of a scaled Usage is unchanged. Fixed costs are left alone.
  void scale(double factor);
};

}  // namespace loadcast::cost
