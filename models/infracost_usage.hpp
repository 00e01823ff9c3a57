// Infracost usage-file export: the simulated usage, projected to a month like the cost, in the
// format `infracost breakdown --usage-file` reads (`version: 0.1`, `resource_usage:` keyed by
// Terraform resource address), so teams reviewing cost in pull requests with Infracost get
// autoscaling-aware usage instead of hand-written guesses.
//
// Keys written (from Infracost's resource schemas in infracost/infracost internal/resources/aws):
//   aws_lb: new_connections (per s), active_connections (per min), processed_bytes_gb (per h),
//           rule_evaluations (per s, after the 10 free rules per request)
//   aws_rds_cluster: storage_gb, read_requests_per_sec (all I/O; loadcast does not split reads
//           from writes), write_requests_per_sec (0), capacity_units_per_hr (total average ACU)
//   aws_sqs_queue: monthly_requests (already in 64 KB chunks), request_size_kb (64)
//   aws_sns_topic: monthly_requests, request_size_kb (64)
//   aws_nat_gateway, aws_vpc_endpoint: monthly_data_processed_gb
//   aws_cloudwatch_log_group: monthly_data_ingested_gb
//   aws_data_transfer: region, intra_region_gb, outbound_internet_gb
// Infracost prices ECS services from the Terraform desired_count and has no usage key for them;
// the time-weighted average task count of each service is written as a comment instead.
// Infracost takes averages over the month, so its LCU figure can be lower than loadcast's, which
// takes the highest dimension in each hour; the comment beside aws_lb gives loadcast's value.
// Addresses default to aws_<type>.<name> with the name reduced to [A-Za-z0-9_-]; `addresses`
// maps a loadcast resource name to the real Terraform address. Pure function; thread safe.
#pragma once

#include <map>
#include <string>

#include "models/cost.hpp"
#include "models/usage.hpp"

namespace loadcast::models {

struct InfracostOptions {
  std::string region;  // for aws_data_transfer
  double hours_per_month = kHoursPerMonth;
  std::map<std::string, std::string> addresses;  // loadcast name -> Terraform address
};

std::string infracost_usage_yaml(const Usage& usage, const InfracostOptions& options);

// Terraform identifier from a loadcast name: characters outside [A-Za-z0-9_-] become '_', and a
// leading digit gets a '_' prefix.
std::string terraform_name(const std::string& name);

}  // namespace loadcast::models
