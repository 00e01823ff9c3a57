// The cost table of seed 002 (bookmark app, ap-northeast-1), checked: loadcast prices the same
// constant configurations from Usage directly (no simulation needed) and the test pins every
// line, so the side-by-side table of docs/cost.md is reproducible with:
//   build/<dir>/tests/cost/test_cost "Seed002Cost: *"
// Seed figures (seeds/002, lines ~130-175): minimum $190.50 = ECS $44 + Aurora $88 + other $58.50;
// peak $620.50 = ECS $440 + Aurora $176 + other $58.50; other = ALB $23 + NAT $32 + Route 53 $0.50
// + bastion t3.nano $3.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <string>

#include "app/simulate.hpp"
#include "cost/usage.hpp"
#include "reports/threshold.hpp"
#include "scenarios/loader/pricing_loader.hpp"
#include "tests/support/scenario_run.hpp"

using namespace loadcast;
using cost::AuroraStorage;
using cost::CapacityType;
using cost::CpuArch;

namespace {

constexpr double kMonthS = 730.0 * 3600.0;

// Web + API services with `tasks` tasks each (1 vCPU / 2 GB), an Aurora Serverless v2 writer and
// reader at `acu` each, one ALB, one single-AZ NAT gateway, one hosted zone and a t3.nano bastion,
// all for a 730-hour month. ALB LCUs and NAT data depend on traffic and are metered by the
// simulator; this constant check leaves them at zero, as the seed's table does.
cost::Usage seed_configuration(int tasks, double acu) {
  cost::Usage u;
  u.metered_seconds = kMonthS;
  for (const char* service : {"web", "api"}) {
    auto& f = u.fargate_for(service, CpuArch::kX86, CapacityType::kOnDemand);
    for (int i = 0; i < tasks; ++i) f.add_task(1.0, 2.0, static_cast<std::int64_t>(kMonthS));
  }
  for (const char* instance : {"writer", "reader"}) {
    u.aurora_serverless_for(instance, "bookmark", AuroraStorage::kStandard).acu_seconds = acu * kMonthS;
  }
  u.alb_for("alb").seconds = kMonthS;
  u.nat_gateway_for("nat").seconds = kMonthS;
  u.fixed_costs.push_back(cost::FixedCost{"route53", 0, "route53.hosted_zone_month", 0, 1, "1 hosted zone", ""});
  u.fixed_costs.push_back(cost::FixedCost{"bastion", 0, "ec2_instance.t3.nano", 0, 1, "t3.nano", ""});
  return u;
}

double cents(double usd) { return std::round(usd * 100.0) / 100.0; }

cost::CostReport price(const cost::Usage& u, const std::string& region) {
  return cost::price_usage(u, scenario::builtin_price_table(region));
}

void print_row(const char* line, double seed, double ours, const char* why) {
  std::printf("| %s | $%.2f | $%.2f | %s |\n", line, seed, ours, why);
}

}  // namespace

TEST_CASE("Seed002Cost: loadcast prices the seed's minimum and peak configurations line by line") {
  const auto min = price(seed_configuration(1, 0.5), "ap-northeast-1");
  const auto peak = price(seed_configuration(10, 2.0), "ap-northeast-1");

  SECTION("minimum: 1+1 tasks and 2 x 0.5 ACU") {
    CHECK(cents(min.item("fargate")) == 89.97);
    CHECK(cents(min.item("aurora")) == 146.00);
    CHECK(cents(min.item("alb")) == 17.74);
    CHECK(cents(min.item("nat_gateway")) == 45.26);
    CHECK(cents(min.item("route53")) == 0.50);
    CHECK(cents(min.item("bastion")) == 4.96);
    CHECK(cents(min.total_usd) == 304.43);
    CHECK(min.factor == Approx(1.0));
  }
  SECTION("peak: 10+10 tasks and 2 x 2 ACU") {
    CHECK(cents(peak.item("fargate")) == 899.65);
    CHECK(cents(peak.item("aurora")) == 584.00);
    CHECK(cents(peak.total_usd - peak.item("fargate") - peak.item("aurora")) == 68.46);
    CHECK(cents(peak.total_usd) == 1552.12);
  }
  SECTION("the seed's figures are reproduced by other prices or other arithmetic") {
    const auto virginia = price(seed_configuration(1, 0.5), "us-east-1");
    CHECK(cents(virginia.item("aurora")) == 87.60);     // seed $88: the us-east-1 ACU rate
    CHECK(cents(virginia.item("nat_gateway")) == 32.85);  // seed $32: the us-east-1 NAT rate
    CHECK(cents(min.item("fargate") / 2) == 44.98);      // seed $44: one task, not two
    CHECK(cents(2 * virginia.item("aurora")) == 175.20);  // seed $176: the minimum doubled, not x4
  }
  SECTION("left out by the seed: public IPv4 for the ALB's 2 AZ addresses and the NAT's EIP") {
    cost::Usage ips;
    ips.metered_seconds = kMonthS;
    ips.public_ipv4_for("alb").ip_seconds = 2 * kMonthS;
    ips.public_ipv4_for("nat").ip_seconds = kMonthS;
    CHECK(cents(price(ips, "ap-northeast-1").total_usd) == 10.95);
  }

  SECTION("the side-by-side table, as printed in docs/cost.md") {
    std::printf("\n| line | seed 002 | loadcast (ap-northeast-1) | why they differ |\n|---|---:|---:|---|\n");
    print_row("ECS Fargate, minimum (web 1 + api 1, 1 vCPU / 2 GB)", 44, min.item("fargate"), "seed counts one task-month");
    print_row("Aurora Serverless v2, minimum (2 x 0.5 ACU)", 88, min.item("aurora"), "seed uses the us-east-1 $0.12/ACU-h");
    print_row("ALB", 23, min.item("alb"), "LCU-hours are traffic-dependent");
    print_row("NAT gateway (1 AZ)", 32, min.item("nat_gateway"), "seed uses the us-east-1 $0.045/h");
    print_row("Route 53 (1 zone)", 0.5, min.item("route53"), "same");
    print_row("Bastion t3.nano", 3, min.item("bastion"), "seed ~ us-east-1 $0.0052/h");
    print_row("Total, minimum", 190.5, min.total_usd, "");
    print_row("ECS Fargate, peak (10 + 10 tasks)", 440, peak.item("fargate"), "seed: 20 x $22");
    print_row("Aurora Serverless v2, peak (2 x 2 ACU)", 176, peak.item("aurora"), "seed doubles instead of x4");
    print_row("Total, peak", 620.5, peak.total_usd, "");
  }
}

TEST_CASE("Seed002Cost: a simulated bookmark-prod run carries a cost priced from what it metered") {
  const auto sc = scenario::load_file(std::string(LOADCAST_SOURCE_DIR) + "/scenarios/bookmark-prod.yaml");
  app::SimRun run = testing::simulate_one_thread(sc, 30 * sim::kMinute);
  REQUIRE(run.usage.has_value());
  reports::Result& r = run.result;
  REQUIRE(scenario::add_cost_section(r, run.usage, sc.region, cost::CostConfig{}, sc.base_dir));
  const auto& cost = r.sections["cost"];
  CHECK(cost["region"] == "ap-northeast-1");
  const auto priced = cost::price_usage(*run.usage, scenario::builtin_price_table("ap-northeast-1"));
  CHECK(cost["monthly_usd"]["total"].get<double>() == Approx(priced.total_usd).epsilon(1e-6));
  // At least the minimum configuration all month: 1 + 1 tasks, 2 x 0.5 ACU, the ALB's hours.
  CHECK(cost["monthly_usd"]["items"]["fargate"].get<double>() >= 89.96);
  CHECK(cost["monthly_usd"]["items"]["aurora"].get<double>() >= 145.99);
  CHECK(cost["monthly_usd"]["items"]["alb"].get<double>() > 17.74);  // hours plus metered LCUs
  CHECK_THAT(cost["projection"].get<std::string>(), Catch::Contains("metered over 30m"));
  CHECK(reports::evaluate_threshold("cost.monthly_usd.total < 100000", r.to_json()).ok);
}

TEST_CASE("Seed002Cost: bookmark-prod's cost section prices the seed's fixed items") {
  const auto sc = scenario::load_file(std::string(LOADCAST_SOURCE_DIR) + "/scenarios/bookmark-prod.yaml");
  CHECK(sc.cost.period_seconds == 86400.0);
  cost::Usage nothing_metered;
  const auto fixed = scenario::price_scenario_usage(nothing_metered, sc.cost, sc.region, sc.base_dir);
  // The seed's "other fixed costs" without the ALB, which the simulator meters.
  CHECK(cents(fixed.item("nat_gateway")) == 45.26);     // seed $32 (us-east-1's rate)
  CHECK(cents(fixed.item("route53")) == 0.50);          // seed $0.50
  CHECK(cents(fixed.item("bastion")) == 4.96);          // seed $3
  // Listed by the seed but left out of its totals, at Tokyo prices or its own estimates.
  CHECK(cents(fixed.item("vpc_endpoint")) == 20.44);    // seed $15: 2 endpoint-AZs x $0.014 x 730 h
  // seed $10-50 for WAF: the web ACL on the ALB (load_balancer.waf, 4 rules) is metered with the
  // requests it inspects, so it is no fixed item.
  CHECK(fixed.item("waf") == 0.0);
  REQUIRE(sc.model.load_balancer->waf);
  CHECK(sc.model.load_balancer->waf->rules == 4);
  CHECK(cents(fixed.item("cloudwatch_logs")) == 7.93);  // seed $5: 10 GB x $0.76 + 10 GB-month x $0.033
  CHECK(cents(fixed.item("aurora_backup") + fixed.item("s3") + fixed.item("ecr") + fixed.item("container_insights")) == 23.00);
  // Not in the seed: the NAT's Elastic IP and the ALB's two AZ addresses.
  CHECK(cents(fixed.item("public_ipv4")) == 10.95);
  CHECK(cents(fixed.total_usd) == 113.04);
  for (const auto& l : fixed.lines) CHECK(l.fixed);
}
