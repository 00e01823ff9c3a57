#include <catch2/catch.hpp>

#include "cost/cost.hpp"
#include "cost/usage_json.hpp"

using namespace loadcast;
using namespace loadcast::cost;

namespace {

// A complete table: every catalogue price 0.01 unless set, plus the prices these tests use.
// Options with the default month and a workload period (0: none).
cost::CostOptions with_period(double period_seconds) {
  cost::CostOptions o;
  o.period_seconds = period_seconds;
  return o;
}

cost::PriceTable table() {
  cost::PriceTable t;
  t.region = "test-1";
  t.origin = "test";
  const auto add = [&](const std::string& g, const std::string& i, double usd, const std::string& unit,
                       cost::PriceConfidence c = cost::PriceConfidence::kSecondary) {
    t.set(g, i, cost::PriceEntry{usd, unit, "https://example.com/" + g, "2026-11-22", c, ""});
  };
  for (const auto& c : kPriceCatalog) add(std::string(c.group), std::string(c.item), 0.01, std::string(c.unit));
  for (const auto cls : cost::kRequiredRdsClasses) {
    add("rds_instance_mysql", std::string(cls), 0.05, "instance-hour");
    add("rds_instance_postgresql", std::string(cls), 0.06, "instance-hour");
  }
  for (const auto cls : cost::kRequiredAuroraClasses) {
    add("aurora_instance_standard", std::string(cls), 0.30, "instance-hour");
    add("aurora_instance_io_optimized", std::string(cls), 0.39, "instance-hour", cost::PriceConfidence::kUnverified);
  }
  add("fargate", "x86_vcpu_hour", 0.05, "vCPU-hour");
  add("fargate", "x86_gb_hour", 0.005, "GB-hour");
  add("fargate", "spot_discount", 0.70, "fraction", cost::PriceConfidence::kUnverified);
  add("alb", "hour", 0.025, "ALB-hour");
  add("alb", "lcu_hour", 0.008, "LCU-hour");
  add("aurora", "acu_hour_standard", 0.20, "ACU-hour");
  add("aurora", "storage_gb_month_standard", 0.10, "GB-month");
  add("aurora", "io_million_requests", 0.20, "1M requests");
  add("sqs", "fifo_million_requests", 0.50, "1M requests");
  add("nat_gateway", "hour", 0.06, "NAT-hour");
  add("route53", "hosted_zone_month", 0.50, "zone-month");
  return t;
}

constexpr double kDay = 86400.0;
constexpr double kMonthS = 730.0 * 3600.0;

}  // namespace

TEST_CASE("Cost: the test price table is complete against the catalogue") {
  CHECK(table().validate().empty());
  cost::PriceTable broken = table();
  broken.set("alb", "hour", cost::PriceEntry{0.02, "hour", "https://x", "2026-01-01", cost::PriceConfidence::kDoc, ""});
  const auto errors = broken.validate();
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::Contains("alb.hour has unit 'hour', expected 'ALB-hour'"));
}

TEST_CASE("Cost: a day of one Fargate task projects to 730 hours") {
  cost::Usage u;
  u.metered_seconds = kDay;
  u.fargate_for("web", cost::CpuArch::kX86, cost::CapacityType::kOnDemand).add_task(1.0, 2.0, 86400);
  const cost::CostReport r = cost::price_usage(u, table(), with_period(kDay));
  const double expected = 730.0 * (0.05 + 2 * 0.005);
  CHECK(r.total_usd == Approx(expected));
  CHECK(r.item("fargate") == Approx(expected));
  CHECK(r.factor == Approx(730.0 / 24.0));
  CHECK_THAT(r.projection, Catch::Contains("metered over 1 x 24h workload period"));
  REQUIRE(r.lines.size() == 2);
  CHECK(r.lines[0].component == "vCPU");
  CHECK(r.lines[0].quantity == Approx(730.0));
  CHECK(r.lines[1].quantity == Approx(1460.0));
  CHECK(r.lines[1].unit == "GB-hour");
}

TEST_CASE("Cost: a run shorter than the workload period says it is repeated all month") {
  cost::Usage u;
  u.metered_seconds = 90 * 60.0;
  u.alb_for("alb").seconds = u.metered_seconds;
  const cost::CostReport r = cost::price_usage(u, table(), with_period(kDay));
  CHECK(r.factor == Approx(kMonthS / 5400.0));
  CHECK(r.item("alb") == Approx(730.0 * 0.025));
  CHECK_THAT(r.projection, Catch::Contains("shorter than the 24h workload period"));
  CHECK_THAT(r.projection, Catch::Contains("as if the run repeated all month"));
  const cost::CostReport none = cost::price_usage(u, table(), with_period(0.0));
  CHECK_THAT(none.projection, Catch::Contains("no workload period declared"));
}

TEST_CASE("Cost: Fargate Spot is On-Demand minus the spot discount and flagged unverified") {
  cost::Usage u;
  u.metered_seconds = 3600;
  u.fargate_for("worker", cost::CpuArch::kX86, cost::CapacityType::kSpot).add_task(1.0, 0.0, 3600);
  const cost::CostReport r = cost::price_usage(u, table());
  CHECK(r.total_usd == Approx(730.0 * 0.05 * 0.30));
  REQUIRE(r.lines.size() == 1);
  CHECK(r.lines[0].confidence == cost::PriceConfidence::kUnverified);
  CHECK(r.unverified_prices() == std::vector<std::string>{"fargate.x86_vcpu_hour x (1 - fargate.spot_discount)"});
}

TEST_CASE("Cost: the Spot discount is marked as AWS's upper bound unless the scenario sets it") {
  cost::Usage u;
  u.metered_seconds = 3600;
  u.fargate_for("worker", cost::CpuArch::kX86, cost::CapacityType::kSpot).add_task(1.0, 0.0, 3600);
  const cost::CostReport r = cost::price_usage(u, table());
  REQUIRE(r.assumptions.size() == 1);
  CHECK_THAT(r.assumptions[0], Catch::Contains("On-Demand x (1 - 0.7): 70 % is AWS's \"up to\" discount, an upper bound, "
                                               "so the Spot figure is a lower bound"));
  CHECK(r.to_json()["assumptions"][0] == r.assumptions[0]);
  cost::PriceTable t = table();
  CHECK(cost::apply_price_overrides(t, {cost::PriceOverride{"fargate.spot_discount", 0.5, "s.yaml:3:5"}}).empty());
  const cost::CostReport set = cost::price_usage(u, t);
  CHECK(set.total_usd == Approx(730.0 * 0.05 * 0.5));
  REQUIRE(set.assumptions.size() == 1);
  CHECK_THAT(set.assumptions[0], Catch::EndsWith("(1 - 0.5), the discount the scenario set (cost.prices)"));
  CHECK(set.lines[0].confidence == cost::PriceConfidence::kSecondary);  // the x86 price's, no longer unverified
  CHECK(set.unverified_prices().empty());
  // On-Demand tasks carry no such assumption.
  cost::Usage od;
  od.metered_seconds = 3600;
  od.fargate_for("web", cost::CpuArch::kX86, cost::CapacityType::kOnDemand).add_task(1.0, 2.0, 3600);
  CHECK(cost::price_usage(od, table()).assumptions.empty());
}

TEST_CASE("Cost: price overrides replace a price or add an instance class, and bad ones are located") {
  cost::PriceTable t = table();
  const auto errors = cost::apply_price_overrides(t, {cost::PriceOverride{"alb.hour", 0.03, "s.yaml:4:5"},
                                                cost::PriceOverride{"aurora_instance_standard.db.x2g.large", 1.2, "s.yaml:5:5"},
                                                cost::PriceOverride{"alb.minute", 1, "s.yaml:6:5"},
                                                cost::PriceOverride{"fargate.spot_discount", 1.0, "s.yaml:7:5"},
                                                cost::PriceOverride{"nat_gateway.hour", -1, "s.yaml:8:5"}});
  REQUIRE(errors.size() == 3);
  CHECK(errors[0] == "s.yaml:6:5: cost.prices.alb.minute: is not a price of the test-1 table (GROUP.ITEM, e.g. fargate.spot_discount)");
  CHECK(errors[1] == "s.yaml:7:5: cost.prices.fargate.spot_discount: is a fraction and must be in [0, 1)");
  CHECK(errors[2] == "s.yaml:8:5: cost.prices.nat_gateway.hour: must be a number >= 0 (USD per NAT-hour)");
  CHECK(t.usd("alb", "hour") == 0.03);
  CHECK(t.at("alb", "hour").confidence == cost::PriceConfidence::kScenario);
  CHECK(t.at("alb", "hour").unit == "ALB-hour");
  CHECK(t.usd("aurora_instance_standard", "db.x2g.large") == 1.2);
  CHECK(t.at("aurora_instance_standard", "db.x2g.large").unit == "instance-hour");
  CHECK(t.usd("nat_gateway", "hour") == 0.06);  // a bad override is not applied
  CHECK(t.validate().empty());
}

TEST_CASE("Cost: Aurora prices ACU-hours instance-hours storage and I/O") {
  cost::Usage u;
  u.metered_seconds = 7200;
  u.aurora_serverless_for("writer", "db", cost::AuroraStorage::kStandard).acu_seconds = 2.0 * 7200;  // 2 ACU
  u.aurora_provisioned_for("reader", "db", "db.r7g.large", cost::AuroraStorage::kStandard).instance_seconds = 7200;
  auto& c = u.aurora_cluster_for("db", cost::AuroraStorage::kStandard);
  c.storage_gb_seconds = 10.0 * 7200;  // 10 GB all along
  c.io_requests = 1e6;                 // per 2 hours
  const cost::CostReport r = cost::price_usage(u, table());
  const double expected = 730 * 2 * 0.20 + 730 * 0.30 + 10 * 0.10 + 365 * 0.20;
  CHECK(r.item("aurora") == Approx(expected));
  CHECK(r.total_usd == Approx(expected));
}

TEST_CASE("Cost: a missing instance class names the classes that are priced") {
  cost::Usage u;
  u.metered_seconds = 3600;
  u.aurora_provisioned_for("w", "db", "db.x9.huge", cost::AuroraStorage::kStandard).instance_seconds = 3600;
  CHECK_THROWS_WITH(cost::price_usage(u, table()), Catch::Contains("no price 'aurora_instance_standard.db.x9.huge'") &&
                                                 Catch::Contains("db.r7g.large"));
}

TEST_CASE("Cost: SQS requests include empty receives in 64 KB chunks") {
  cost::Usage u;
  u.metered_seconds = 3600;
  auto& q = u.sqs_for("orders.fifo", true);
  q.add_call(100);                 // send: 1
  q.add_call(200 * 1024);          // big batch: 4
  q.add_call(0, true);             // empty receive: 1
  CHECK(q.requests == 6.0);
  CHECK(q.empty_receives == 1.0);
  const cost::CostReport r = cost::price_usage(u, table());
  CHECK(r.item("sqs") == Approx(6.0 * 730.0 / 1e6 * 0.50));
}

TEST_CASE("Cost: fixed costs are monthly and never projected") {
  cost::Usage u;
  u.metered_seconds = 600;  // 10 minutes: factor 4380
  u.fixed_costs.push_back(cost::FixedCost{"route53", 0.0, "route53.hosted_zone_month", 0.0, 1.0, "", ""});
  u.fixed_costs.push_back(cost::FixedCost{"nat", 0.0, "nat_gateway.hour", 0.0, 2.0, "two AZs", ""});
  u.fixed_costs.push_back(cost::FixedCost{"datadog", 62.0, "", 0.0, 0.0, "4 hosts", ""});
  const cost::CostReport r = cost::price_usage(u, table());
  CHECK(r.item("route53") == Approx(0.50));
  CHECK(r.item("nat") == Approx(2 * 730 * 0.06));
  CHECK(r.item("datadog") == Approx(62.0));
  CHECK(r.total_usd == Approx(0.50 + 87.6 + 62.0));
  const auto j = r.to_json();
  CHECK(j["monthly_usd"]["total"].get<double>() == Approx(150.1));
  CHECK(j["monthly_usd"]["items"]["datadog"].get<double>() == Approx(62.0));
  CHECK(j["lines"][2]["confidence"] == "scenario");
}

TEST_CASE("Cost: fixed cost items are validated against the table") {
  std::vector<cost::FixedCost> items = {
      cost::FixedCost{"a", 0.0, "nat_gateway.gb_processed", 0.0, 3.0, "", "s.yaml:3:5"},
      cost::FixedCost{"b", 0.0, "waf.nothing", 1.0, 0.0, "", "s.yaml:4:5"},
      cost::FixedCost{"c", 0.0, "", 0.0, 0.0, "", "s.yaml:5:5"},
  };
  const auto errors = cost::validate_fixed_costs(items, table());
  REQUIRE(errors.size() == 3);
  CHECK_THAT(errors[0], Catch::StartsWith("s.yaml:3:5: fixed cost 'a': count applies to per-hour or per-month prices"));
  CHECK_THAT(errors[1], Catch::Contains("price 'waf.nothing' is not in the test-1 price table"));
  CHECK_THAT(errors[2], Catch::Contains("needs usd_per_month > 0"));
}

TEST_CASE("Cost: merging replications gives the same monthly cost as one") {
  cost::Usage one;
  one.metered_seconds = 3600;
  one.fargate_for("web", cost::CpuArch::kX86, cost::CapacityType::kOnDemand).add_task(0.5, 1.0, 3600);
  one.nat_gateway_for("nat").seconds = 3600;
  cost::Usage two = one;
  two.merge(one);
  CHECK(two.metered_seconds == 7200);
  CHECK(two.fargate.size() == 1);
  CHECK(two.fargate[0].tasks == 2);
  CHECK(cost::price_usage(two, table()).total_usd == Approx(cost::price_usage(one, table()).total_usd));
}

TEST_CASE("Cost: a usage scaled by 1/R is the mean of R merged replications and prices the same") {
  cost::Usage one;
  one.metered_seconds = 3600;
  one.fargate_for("web", cost::CpuArch::kX86, cost::CapacityType::kOnDemand).add_task(0.5, 1.0, 3600);
  one.aurora_serverless_for("writer", "db", cost::AuroraStorage::kStandard).acu_seconds = 1800;
  cost::Usage two = one;
  two.aurora_serverless_for("reader-2", "db", cost::AuroraStorage::kStandard).acu_seconds = 3600;  // only here
  cost::Usage mean = one;
  mean.merge(two);
  mean.scale(0.5);
  CHECK(mean.metered_seconds == 3600);
  CHECK(mean.fargate[0].tasks == 1);
  CHECK(mean.fargate[0].vcpu_seconds == Approx(1800));
  REQUIRE(mean.aurora_serverless.size() == 2);
  CHECK(mean.aurora_serverless[0].acu_seconds == Approx(1800));
  CHECK(mean.aurora_serverless[1].instance == "reader-2");
  CHECK(mean.aurora_serverless[1].acu_seconds == Approx(1800));  // one replication's hour over two
  CHECK(cost::price_usage(mean, table()).total_usd ==
        Approx((cost::price_usage(one, table()).total_usd + cost::price_usage(two, table()).total_usd) / 2));
}

TEST_CASE("Cost: metered quantities without a metered span are rejected") {
  cost::Usage u;
  u.alb_for("alb").seconds = 10;
  CHECK_THROWS_WITH(cost::price_usage(u, table()), Catch::Contains("metered_seconds is 0"));
  cost::Usage fixed_only;
  fixed_only.fixed_costs.push_back(cost::FixedCost{"x", 5.0, "", 0, 0, "", ""});
  CHECK(cost::price_usage(fixed_only, table()).total_usd == Approx(5.0));
}

TEST_CASE("Cost: a usage stored as JSON prices the same and rejects unknown keys") {
  cost::Usage u;
  u.metered_seconds = 7200;
  u.fargate_for("web", cost::CpuArch::kArm, cost::CapacityType::kOnDemand).add_task(0.5, 1.0, 7200);
  u.fargate_for("worker", cost::CpuArch::kX86, cost::CapacityType::kSpot).add_task(1.0, 2.0, 600);
  cost::AlbHourTotals h;
  h.new_connections = 90000;
  h.requests = 1000;
  u.alb_for("alb").add_hour(h);
  u.alb_for("alb").seconds = 7200;
  u.aurora_serverless_for("writer", "db", cost::AuroraStorage::kIoOptimized).acu_seconds = 7200;
  u.aurora_provisioned_for("reader", "db", "db.r6g.large", cost::AuroraStorage::kStandard).instance_seconds = 7200;
  u.aurora_cluster_for("db", cost::AuroraStorage::kStandard).io_requests = 5e6;
  u.rds_proxy_for("proxy").vcpu_seconds = 2 * 7200;
  u.rds_instance_for("pdf-db", "mysql", "db.t3.small").instance_seconds = 7200;
  u.sqs_for("q.fifo", true).add_call(0, true);
  u.sns_for("t.fifo", true).add_publish(2000, 3);
  u.nat_gateway_for("nat").seconds = 7200;
  u.vpc_endpoint_for("ecr").az_seconds = 2 * 7200;
  u.public_ipv4_for("alb").ip_seconds = 2 * 7200;
  u.inter_az_bytes = 1e9;
  u.waf_requests = 1e5;
  u.fixed_costs.push_back(cost::FixedCost{"datadog", 62.0, "", 0, 0, "4 hosts", "s.yaml:3:5"});
  const auto j = cost::usage_to_section(u);
  const cost::Usage back = cost::usage_from_section(j);
  CHECK(cost::usage_to_section(back).dump() == j.dump());
  CHECK(cost::price_usage(back, table()).to_json().dump() == cost::price_usage(u, table()).to_json().dump());
  auto bad = j;
  bad["fargate"][0]["vcpus"] = 1;
  CHECK_THROWS_WITH(cost::usage_from_section(bad), Catch::Contains("unknown key 'fargate[0].vcpus'"));
  bad = j;
  bad["metered_seconds"] = "long";
  CHECK_THROWS_WITH(cost::usage_from_section(bad), Catch::Contains("'usage.metered_seconds' must be a number"));
}

TEST_CASE("Cost: a result's usage section goes before the cost section that prices it") {
  cost::Usage u;
  u.metered_seconds = 60;
  u.alb_for("alb").seconds = 60;
  reports::Result r;
  r.sections["services"] = reports::Json::object();
  r.sections["cost"] = reports::Json::object();
  r.sections["precision"] = reports::Json::object();
  cost::add_usage_section(r, u);
  std::vector<std::string> keys;
  for (const auto& [k, v] : r.sections.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"services", "usage", "cost", "precision"});
  CHECK(r.sections["usage"].dump() == cost::usage_to_section(u).dump());
  u.alb_for("alb").seconds = 30;
  cost::add_usage_section(r, u);  // replaced in place
  CHECK(r.sections.size() == 4);
  CHECK(r.sections["usage"]["albs"][0]["seconds"] == 30.0);
  reports::Result bare;
  bare.sections["stations"] = reports::Json::object();
  cost::add_usage_section(bare, u);
  CHECK(bare.sections.items().begin().key() == "stations");
  CHECK(bare.sections.contains("usage"));
}

TEST_CASE("Cost: an RDS instance is priced by engine and class with its gp3 storage") {
  cost::Usage u;
  u.metered_seconds = 3600;
  auto& db = u.rds_instance_for("pdf-db", "mysql", "db.t3.small");
  db.instance_seconds = 3600;
  db.storage_gb_seconds = 20.0 * 3600;
  const cost::CostReport r = cost::price_usage(u, table());
  CHECK(r.item("rds") == Approx(730 * 0.05 + 20 * 0.01));
  u.rds_instance_for("other", "oracle", "db.t3.small").instance_seconds = 3600;
  CHECK_THROWS_WITH(cost::price_usage(u, table()), Catch::Contains("no price 'rds_instance_oracle.db.t3.small'"));
}
