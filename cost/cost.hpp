// The cost calculator: prices a Usage with a PriceTable into a monthly bill, `cost.monthly_usd`
// = {total, items{...}} plus one line per priced component (quantity, unit, unit price, source
// confidence), the way the AWS Pricing Calculator and Infracost break a bill down. Metered
// quantities are projected to 730 h (`projection` says how); fixed costs are monthly; free tiers
// are not applied except `cost.free_internet_out_gb`; Fargate Spot is On-Demand ×
// (1 − fargate.spot_discount) with an assumption saying what the discount rests on; `not_priced`
// lists what the bill leaves out. When pricing fails the section is {"error", "region"}
// (cost_error_section), so the result is still written. Pure functions; thread safe.
// [doc] https://aws.amazon.com/ec2/pricing/on-demand/ ("Data Transfer": 100 GB free a month)
// [doc] https://aws.amazon.com/fargate/pricing/ (Spot "up to 70 %"; the page fills its Spot
// table from https://dftu77xade0tc.cloudfront.net/fargate-spot-prices.json, which is where each
// Region's fargate.spot_discount comes from: a measured Spot price over the On-Demand one)
// Facts and assumptions: docs/cost.md#projection-to-a-month and
// docs/cost.md#the-cost-section-of-a-result
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cost/pricing.hpp"
#include "cost/usage.hpp"
#include "reports/result.hpp"

namespace loadcast::cost {

inline constexpr double kHoursPerMonth = 730.0;

// What a scenario declares that its bill depends on but no meter prices; the scenario loader
// counts it from the configuration, and price_usage() lists it under `not_priced`.
struct Coverage {
  int target_tracking_policies = 0;  // services', workers' and replica auto scaling's (2 alarms each)
  int step_scaling_policies = 0;     // each evaluates one CloudWatch alarm the user created
  int ecs_services = 0;              // services and workers (Container Insights, image pulls)
  bool load_balancer = false;        // an internet-facing ALB (public IPv4 addresses)
};

struct CostOptions {
  double hours_per_month = kHoursPerMonth;
  double period_seconds = 0.0;  // the workload's period (86400 for a one-day profile); 0: none
  // GB of data transfer out to the internet each month that are free (AWS: 100 GB per account,
  // across services and Regions); 0: none applied, the Pricing Calculator's default.
  double free_internet_out_gb = 0.0;
  Coverage coverage;
};

// One entry of `cost.prices`: a price of the table replaced by the scenario's own figure (e.g.
// fargate.spot_discount: 0.55), or an instance class added to an instance group.
struct PriceOverride {
  std::string key;       // "group.item": "fargate.spot_discount", "aurora_instance_standard.db.x2g.large"
  double usd = 0.0;
  std::string location;  // file:line:col, for messages
};

// The `cost:` section of a scenario (read by scenarios/loader/pricing_loader).
struct CostConfig {
  std::string pricing_file;  // `pricing:` a price table replacing the built-in one of the region
  double period_seconds = 0.0;  // `period:` the workload's period (24h profile: 86400); 0: none
  double free_internet_out_gb = 0.0;   // `free_internet_out_gb:` (CostOptions)
  std::vector<FixedCost> fixed_costs;  // `fixed_costs:` monthly items that are not simulated
  std::vector<PriceOverride> prices;   // `prices:` GROUP.ITEM: USD, applied over the table
  Coverage coverage;                   // counted by the loader from the rest of the scenario
};

struct CostLine {
  std::string item;       // "fargate", "alb", ... or a fixed cost's name
  std::string resource;   // "web (x86, on_demand)", "writer", ...
  std::string component;  // "vCPU", "memory", "LCU", ...
  std::string price_key;  // "fargate.x86_vcpu_hour"; empty for a dollar-only fixed cost
  double quantity = 0.0;  // per month, in `unit`
  std::string unit;
  double unit_usd = 0.0;
  double usd = 0.0;       // per month
  PriceConfidence confidence = PriceConfidence::kDoc;
  bool fixed = false;     // from fixed_costs (not metered, not projected)
};

struct CostReport {
  std::string region;
  std::string price_origin;
  double hours_per_month = kHoursPerMonth;
  double metered_seconds = 0.0;
  double period_seconds = 0.0;
  double factor = 0.0;      // monthly = metered x factor
  std::string projection;   // the method in a sentence
  double total_usd = 0.0;
  std::vector<std::pair<std::string, double>> items;  // in first-seen order
  std::vector<CostLine> lines;
  // Sentences on what the figure assumes beyond the prices: what the Fargate Spot discount rests
  // on, the free internet allowance applied.
  std::vector<std::string> assumptions;
  // What the figure leaves out (a sentence each): see the file comment.
  std::vector<std::string> not_priced;

  double item(const std::string& name) const;  // 0 when absent
  // Price keys used by a line whose source is unverified, sorted and unique.
  std::vector<std::string> unverified_prices() const;
  // The `cost` section of a result: {"monthly_usd": {"total", "items"}, "region",
  // "hours_per_month", "projection", "projection_factor", "metered_s", "period_s", "lines",
  // "unverified_prices", "assumptions", "not_priced"}.
  reports::Json to_json() const;
};

// Throws std::invalid_argument when the usage has metered quantities but no metered span, and
// MissingPrice when a needed price (an instance class, a fixed cost's price) is not in the table.
CostReport price_usage(const Usage& usage, const PriceTable& prices, const CostOptions& options = {});
// Prices a run for a scenario's cost section: `config`'s fixed costs when the usage carries none,
// projected with its period, its free internet allowance and coverage. `prices` is the table
// with config.prices applied.
CostReport price_usage(const Usage& usage, const PriceTable& prices, const CostConfig& config);

// The `cost` section of a result whose pricing failed, and the reason read back from a result
// (nullopt when it has no cost section or one that priced).
reports::Json cost_error_section(const std::string& error, const std::string& region);
std::optional<std::string> cost_error(const reports::Result& result);

// The projection sentence for a run of `metered_seconds` with workload period `period_seconds`.
std::string describe_projection(double metered_seconds, double period_seconds, double hours_per_month);

// Problems with fixed cost items against a table: unknown price keys, `count` given for a price
// that is not per hour, missing amounts. Each message starts with the item's location.
std::vector<std::string> validate_fixed_costs(const std::vector<FixedCost>& items, const PriceTable& prices);

// Sets every override in `table` (confidence kScenario, unit from the price it replaces or
// "instance-hour" for a new class of an instance group). Returns the problems, each starting with
// the override's location: a key that is not GROUP.ITEM of the table, a negative amount, a
// fraction outside [0, 1). Overrides with a problem are not applied.
std::vector<std::string> apply_price_overrides(PriceTable& table, const std::vector<PriceOverride>& overrides);

}  // namespace loadcast::cost
