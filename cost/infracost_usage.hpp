// Infracost usage-file export: the simulated usage, projected to a month like the cost, in the
// format `infracost breakdown --usage-file` reads (`version: 0.1`, `resource_usage:` keyed by
// Terraform resource address), so teams reviewing cost in pull requests with Infracost get
// autoscaling-aware usage instead of hand-written guesses. Every value is written in the unit
// Infracost's resource code reads it in (infracost/infracost internal/resources/aws/*.go), so its
// formula gives back loadcast's quantity as closely as the formula allows, and only when the run
// measured it (no made-up 0); what Infracost cannot take as usage is written as comments.
// Pure function; thread safe.
// [source] https://github.com/infracost/infracost (internal/resources/aws/*.go)
// The keys, Infracost's formulas and where they differ from AWS's (aws_lb's LCU):
// docs/cost.md#infracost-usage-export
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
