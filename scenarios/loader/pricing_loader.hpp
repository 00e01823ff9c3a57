// Price tables and the `cost:` section of a scenario, read from YAML; pricing a run's usage with
// them.
//
// The region files cost/prices/<region>.yaml are embedded into the binary at build time
// (CMake generates pricing_embedded.cpp from them), so `loadcast` prices a run from any working
// directory; a scenario's `region:` picks the table and `cost.pricing: FILE` replaces it with a
// file of the same format. Parsing is strict: unknown keys, groups and items are errors, every
// price needs usd, unit (the one the calculator expects), source, date (YYYY-MM-DD) and
// confidence (doc | secondary | unverified); every error is "file:line:col: path: sentence" and
// all of them are reported at once (LoadError). The YAML readers the scenario loader calls are
// in sections.hpp; this header shows no yaml-cpp type.
// The built-in tables are parsed once, on first use, under a lock; afterwards they are shared
// read-only, so every function here is thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cost/cost.hpp"
#include "cost/pricing.hpp"
#include "cost/usage.hpp"
#include "reports/result.hpp"
#include "scenarios/loader/scenario.hpp"

namespace loadcast::scenario {

// Parses a price table; throws LoadError with every problem (including missing prices).
cost::PriceTable parse_price_table(const std::string& yaml_text, const std::string& file);
cost::PriceTable load_price_table_file(const std::string& path);

// Regions with a built-in table, sorted.
std::vector<std::string> builtin_regions();
// "ap-northeast-1, us-east-1": the built-in regions for a message.
std::string builtin_region_list();
bool has_builtin_prices(const std::string& region);
// True for a string shaped like an AWS region code: two letters, words, a number, joined by
// '-' (us-east-1, ap-northeast-1, us-gov-west-1). [doc] https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
bool aws_region_name(const std::string& text);
// The built-in table of `region`; throws LoadError naming the available regions.
const cost::PriceTable& builtin_price_table(const std::string& region);

// The table a scenario uses: `pricing_file` (relative to base_dir) when given, else the built-in
// table of `region`.
cost::PriceTable price_table_for(const std::string& region, const std::string& pricing_file,
                                 const std::string& base_dir);

// The table of a scenario's cost section: price_table_for() with `cost.prices` applied. Throws
// LoadError for an unreadable table or a bad override.
cost::PriceTable scenario_price_table(const cost::CostConfig& cost, const std::string& region,
                                      const std::string& base_dir);

// Reads a scenario's top-level `cost:` mapping alone, as load_file() does, from YAML text whose
// top level holds only `cost:`; `file` names it in the errors. The cost section reads:
//   cost:
//     pricing: prices/tokyo-2026.yaml    # optional price table file
//     period: 24h                        # the workload's period, for the month projection
//     prices:                            # optional: replace (or add) single prices
//       fargate.spot_discount: 0.55
//       aurora_instance_standard.db.x2g.large: 1.2
//     fixed_costs:
//       - { name: route53, price: route53.hosted_zone_month, count: 1 }
//       - { name: nat, price: nat_gateway.gb_processed, quantity: 100, note: "100 GB/month" }
//       - { name: datadog, usd_per_month: 62 }
// Every problem of the YAML is in `errors`, located. Fixed costs that name a price are checked
// against the price table later (check_cost_config), once the region is known.
struct CostSection {
  cost::CostConfig config;
  std::vector<std::string> errors;
};
CostSection parse_cost_section(const std::string& yaml_text, const std::string& file);

// Checks a loaded cost section against the table it will use (a readable pricing file, the
// `prices` overrides, fixed-cost price keys and units). Returns every problem, each starting
// with its location.
std::vector<std::string> check_cost_config(const cost::CostConfig& cost, const std::string& region,
                                           const std::string& base_dir);

// Prices a run's usage for a scenario: the table from scenario_price_table(), the scenario's
// fixed costs added, projected to a month with the configured period (cost::price_usage).
cost::CostReport price_scenario_usage(const cost::Usage& usage, const cost::CostConfig& cost,
                                      const std::string& region, const std::string& base_dir);

// Prices what a run metered (`usage`, nullopt when nothing was metered) plus the fixed costs and
// writes the result's `cost` section. Returns false, writing nothing, when there is neither
// usage nor a fixed cost. Never throws: when pricing fails (a missing price table or price) the
// section is cost::cost_error_section(), so the result is still written; cost::cost_error()
// reads it back.
bool add_cost_section(reports::Result& result, const std::optional<cost::Usage>& usage, const std::string& region,
                      const cost::CostConfig& cost, const std::string& base_dir);

}  // namespace loadcast::scenario
