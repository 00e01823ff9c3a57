// Infracost usage-file export: the simulated usage, projected to a month like the cost, in the
// format `infracost breakdown --usage-file` reads (`version: 0.1`, `resource_usage:` keyed by
// Terraform resource address), so teams reviewing cost in pull requests with Infracost get
// autoscaling-aware usage instead of hand-written guesses.
//
// Keys written (from Infracost's resource schemas in infracost/infracost internal/resources/aws),
// each only when the run measured it (nothing is written as a made-up 0):
//   aws_lb: new_connections (per s), active_connections (per min), processed_bytes_gb (per h),
//           rule_evaluations (per s, after the 10 free rules per request)
//   aws_rds_cluster: storage_gb (database.volume), read_requests_per_sec and
//           write_requests_per_sec (the storage I/O of read and write queries, database.volume)
//   aws_sqs_queue: monthly_requests (already in 64 KB chunks), request_size_kb (64)
//   aws_sns_topic: monthly_requests, request_size_kb (64)
//   aws_nat_gateway, aws_vpc_endpoint: monthly_data_processed_gb
//   aws_cloudwatch_log_group: monthly_data_ingested_gb, storage_gb
//   aws_wafv2_web_acl: monthly_requests; aws_route53_record: monthly_standard_queries
//   aws_dynamodb_table: monthly_write_request_units, monthly_read_request_units, storage_gb
//   aws_s3_bucket: standard.storage_gb, standard.monthly_tier_1_requests / _2_requests
//   aws_data_transfer.<region>: region, monthly_intra_region_gb (half the cross-AZ GB: Infracost
//           bills it in both directions), monthly_outbound_internet_gb
// Metered usage is projected to a month like the cost; fixed costs given as a quantity of a
// price with an Infracost key (nat_gateway.gb_processed, cloudwatch_logs.ingest_gb, ...) are
// written under the fixed cost's name, added to a metered value of the same resource; the other
// fixed costs (per-hour resources such as the NAT gateway itself, dollar amounts) are listed as
// comments, since Infracost prices those from the Terraform resource.
// Infracost prices ECS services from the Terraform desired_count and has no usage key for them;
// the time-weighted average task count of each service is written as a comment instead, and so
// is the average of billed Aurora provisioned instances (replica auto scaling).
// Aurora Serverless v2 ACUs have no Infracost usage key: `capacity_units_per_hr` of
// aws_rds_cluster is read only when engine_mode = "serverless" (Serverless v1; rds_cluster.go
// prices "Aurora serverless" ACU-hours in that mode only), and Serverless v2 instances are
// aws_rds_cluster_instance with instance_class db.serverless, which has no ACU key; the average
// ACU is written as a comment.
// Infracost takes averages over the month, so its LCU figure can be lower than loadcast's, which
// takes the highest dimension in each hour; the comment beside aws_lb gives loadcast's value.
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
  std::map<std::string, std::string> addresses;  // loadcast name -> Terraform address
};

std::string infracost_usage_yaml(const Usage& usage, const InfracostOptions& options);

// Terraform identifier from a loadcast name: characters outside [A-Za-z0-9_-] become '_', and a
// leading digit gets a '_' prefix.
std::string terraform_name(const std::string& name);

}  // namespace loadcast::cost
