// Infracost usage-file export: the simulated usage, projected to a month like the cost, in the
// format `infracost breakdown --usage-file` reads (`version: 0.1`, `resource_usage:` keyed by
// Terraform resource address), so teams reviewing cost in pull requests with Infracost get
// autoscaling-aware usage instead of hand-written guesses.
//
// Every value is written in the unit Infracost's resource code reads it in (infracost/infracost
// internal/resources/aws/*.go), so that Infracost's formula gives back loadcast's quantity as
// closely as the formula allows; each key only when the run measured it (no made-up 0):
//   aws_lb: Infracost bills max(new_connections/100, active_connections/3000, processed_bytes_gb,
//       rule_evaluations/1000) as the month's LCU-hours (lb.go); each key is written so its term
//       is loadcast's LCU-hours of that dimension over the month. loadcast bills the highest
//       dimension of each hour, Infracost the highest monthly sum: the two agree when one
//       dimension leads every hour, otherwise Infracost's is lower (the key's comment says by how
//       much). Infracost divides new connections by 100, where an ALB LCU is 25 per second: the
//       key is written x 100 to land on loadcast's LCU-hours, so it is not a connection count.
//   aws_rds_cluster_instance: capacity_units_per_hr, the average ACU of each Serverless v2
//       instance (db.serverless; rds_cluster_instance.go, Infracost v0.10.37 and later).
//   aws_rds_cluster: storage_gb, read_requests_per_sec and write_requests_per_sec (database.volume;
//       Infracost reads whole numbers and bills (reads + writes) x 730 h x 3600 s).
//   aws_sqs_queue: monthly_requests (already in 64 KB chunks), request_size_kb 64 (so Infracost's
//       ceil(size / 64) keeps them as they are).
//   aws_sns_topic: monthly_requests; request_size_kb: for a FIFO topic the average payload of a
//       publish, scaled so that Infracost's payload GB (requests x request_size_kb / 10^6,
//       SNSFIFOTopic) are loadcast's (bytes / 2^30); 64 for a standard one (requests already in
//       chunks).
//   aws_wafv2_web_acl: monthly_requests, the requests the load balancer's web ACL inspected.
//   aws_nat_gateway, aws_vpc_endpoint: monthly_data_processed_gb.
//   aws_cloudwatch_log_group: monthly_data_ingested_gb, storage_gb
//   aws_route53_record: monthly_standard_queries
//   aws_dynamodb_table: monthly_write_request_units, monthly_read_request_units, storage_gb
//   aws_s3_bucket: standard.storage_gb, standard.monthly_tier_1_requests / _2_requests
//   aws_data_transfer.<region>: region, monthly_intra_region_gb (half the cross-AZ GB: Infracost
//       bills it in both directions), monthly_outbound_internet_gb (after the free allowance the
//       scenario applies, cost.free_internet_out_gb; Infracost applies none).
// Metered usage is projected to a month like the cost; fixed costs given as a quantity of a
// price with an Infracost key (nat_gateway.gb_processed, cloudwatch_logs.ingest_gb, ...) are
// written under the fixed cost's name, added to a metered value of the same resource; the other
// fixed costs (per-hour resources such as the NAT gateway itself, dollar amounts) are listed as
// comments, since Infracost prices those from the Terraform resource.
// Not priced by Infracost, said in comments: ECS services (Infracost prices the Terraform
// desired_count; the simulated average task count is given), provisioned Aurora instances
// (priced all month; the simulated average count is given), RDS Proxy (no aws_db_proxy cost
// resource: its billed vCPU- or ACU-hours are given), the web ACL's rules (counted from the
// Terraform rule blocks). GB are 2^30 bytes, as in the cost (billing.hpp).
// Addresses default to aws_<type>.<name> with the name reduced to [A-Za-z0-9_-]; `addresses`
// maps a loadcast resource name to the real Terraform address. Pure function; thread safe.
#pragma once

#include <map>
#include <string>

#include "cost/cost.hpp"
#include "cost/usage.hpp"

namespace loadcast::cost {

struct InfracostOptions {
  std::string region;  // for aws_data_transfer
  double hours_per_month = kHoursPerMonth;
  double period_seconds = 0.0;  // the workload's period (cost.period), for the projection text
  double free_internet_out_gb = 0.0;  // cost.free_internet_out_gb, taken off the internet GB
  std::map<std::string, std::string> addresses;  // loadcast name -> Terraform address
};

std::string infracost_usage_yaml(const Usage& usage, const InfracostOptions& options);

// Terraform identifier from a loadcast name: characters outside [A-Za-z0-9_-] become '_', and a
// leading digit gets a '_' prefix.
std::string terraform_name(const std::string& name);

}  // namespace loadcast::cost
