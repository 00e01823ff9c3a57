#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

#include "cost/cost.hpp"
#include "cost/infracost_usage.hpp"

using namespace loadcast;
using namespace loadcast::cost;

namespace {

// Every catalogue price 0.01 except those the formula check names.
cost::PriceTable table() {
  cost::PriceTable t;
  t.region = "test-1";
  t.origin = "test";
  const auto add = [&](const std::string& g, const std::string& i, double usd, const std::string& unit) {
    t.set(g, i, cost::PriceEntry{usd, unit, "https://example.com/" + g, "2026-11-22", cost::PriceConfidence::kSecondary, ""});
  };
  for (const auto& c : kPriceCatalog) add(std::string(c.group), std::string(c.item), 0.01, std::string(c.unit));
  add("alb", "lcu_hour", 0.008, "LCU-hour");
  add("aurora", "acu_hour_standard", 0.20, "ACU-hour");
  add("aurora", "storage_gb_month_standard", 0.12, "GB-month");
  add("aurora", "io_million_requests", 0.24, "1M requests");
  add("sqs", "fifo_million_requests", 0.50, "1M requests");
  add("sns", "fifo_publish_million", 0.30, "1M requests");
  add("sns", "fifo_publish_gb", 0.017, "GB");
  add("sns", "fifo_delivery_million", 0.01, "1M deliveries");
  add("sns", "fifo_delivery_gb", 0.001, "GB");
  add("nat_gateway", "gb_processed", 0.062, "GB");
  add("waf", "million_requests", 0.60, "1M requests");
  add("data_transfer", "internet_out_gb", 0.114, "GB");
  return t;
}

// loadcast's monthly dollars of the lines priced with `price_key` (for `resource` when given).
double line_usd(const cost::CostReport& r, const std::string& price_key, const std::string& resource = "") {
  double usd = 0.0;
  for (const auto& l : r.lines) {
    if (l.price_key == price_key && (resource.empty() || l.resource == resource)) usd += l.usd;
  }
  return usd;
}

}  // namespace

TEST_CASE("InfracostUsage: writes monthly usage keyed by resource address") {
  cost::Usage u;
  u.metered_seconds = 3600;  // one hour, projected x730
  auto& alb = u.alb_for("public alb");
  alb.seconds = 3600;
  cost::AlbHourTotals h;
  h.new_connections = 36000;                  // 10 per second
  h.active_connection_seconds = 3600.0 * 50;  // 50 open on average
  h.processed_bytes = 2.0 * cost::kBytesPerGb;      // 2 GB in the hour
  h.requests = 3600.0 * 100;
  h.rule_evaluations = h.requests * 12;       // 2 billable rules: 200 per second
  alb.add_hour(h);
  auto& q = u.sqs_for("orders.fifo", true);
  for (int i = 0; i < 100; ++i) q.add_call(1000);
  u.nat_gateway_for("nat-a").processed_bytes = 0.5 * cost::kBytesPerGb;
  u.aurora_serverless_for("writer", "bookmark-db", cost::AuroraStorage::kStandard).acu_seconds = 0.5 * 3600;
  u.aurora_serverless_for("reader", "bookmark-db", cost::AuroraStorage::kStandard).acu_seconds = 0.5 * 3600;
  u.fargate_for("web", cost::CpuArch::kX86, cost::CapacityType::kOnDemand).add_task(1, 2, 3600);
  u.inter_az_bytes = cost::kBytesPerGb;

  cost::InfracostOptions o;
  o.region = "ap-northeast-1";
  o.addresses["nat-a"] = "module.vpc.aws_nat_gateway.this[0]";
  const std::string text = cost::infracost_usage_yaml(u, o);
  const YAML::Node doc = YAML::Load(text);
  CHECK(doc["version"].as<std::string>() == "0.1");
  const YAML::Node ru = doc["resource_usage"];
  REQUIRE(ru.IsMap());
  const YAML::Node lb = ru["aws_lb.public_alb"];
  REQUIRE(lb.IsMap());
  // Infracost's lb.go reads monthly figures: new_connections / 100, active_connections / 3000,
  // processed_bytes_gb and rule_evaluations / 1000 are each the month's LCU-hours of that
  // dimension. The hour: 10 new connections/s = 0.4 LCU, 50 open = 0.0167 LCU, 2 GB = 2 LCU,
  // 200 billable rule evaluations/s = 0.2 LCU; x 730 hours.
  CHECK(lb["new_connections"].as<long>() == 29200);     // 0.4 x 730 x 100
  CHECK(lb["active_connections"].as<long>() == 36500);  // 50 / 3000 x 730 x 3000
  CHECK(lb["processed_bytes_gb"].as<double>() == Approx(1460.0));
  CHECK(lb["rule_evaluations"].as<long>() == 146000);   // 0.2 x 730 x 1000
  CHECK(ru["aws_sqs_queue.orders_fifo"]["monthly_requests"].as<double>() == Approx(73000));
  CHECK(ru["aws_sqs_queue.orders_fifo"]["request_size_kb"].as<int>() == 64);
  CHECK(ru["module.vpc.aws_nat_gateway.this[0]"]["monthly_data_processed_gb"].as<double>() == Approx(365));
  // Serverless v2: Infracost prices a db.serverless aws_rds_cluster_instance from
  // capacity_units_per_hr (x 730 h): the average ACU of each instance. The cluster metered no
  // storage or I/O, so it gets no made-up keys.
  CHECK(ru["aws_rds_cluster_instance.writer"]["capacity_units_per_hr"].as<double>() == Approx(0.5));
  CHECK(ru["aws_rds_cluster_instance.reader"]["capacity_units_per_hr"].as<double>() == Approx(0.5));
  CHECK_FALSE(ru["aws_rds_cluster.bookmark-db"].IsDefined());
  CHECK_THAT(text, Catch::Contains("aws_ecs_service.web: Infracost prices desired_count"));
  // Infracost's data-transfer resource: its region, and half the cross-AZ GB (it bills both ways).
  const YAML::Node dt = ru["aws_data_transfer.ap-northeast-1"];
  CHECK(dt["region"].as<std::string>() == "ap-northeast-1");
  CHECK(dt["monthly_intra_region_gb"].as<double>() == Approx(365));
  CHECK_FALSE(dt["monthly_outbound_internet_gb"].IsDefined());
}

TEST_CASE("InfracostUsage: Aurora storage and I/O are written only when metered") {
  cost::Usage u;
  u.metered_seconds = 3600;
  auto& metered = u.aurora_cluster_for("pos-db", cost::AuroraStorage::kStandard);
  metered.storage_gb_seconds = 25.0 * 3600;
  metered.read_io_requests = 3600.0 * 40;
  metered.write_io_requests = 3600.0 * 12;
  metered.io_requests = metered.read_io_requests + metered.write_io_requests;
  u.aurora_cluster_for("other-db", cost::AuroraStorage::kStandard);
  const YAML::Node ru = YAML::Load(cost::infracost_usage_yaml(u, cost::InfracostOptions{}))["resource_usage"];
  const YAML::Node c = ru["aws_rds_cluster.pos-db"];
  CHECK(c["storage_gb"].as<double>() == Approx(25));
  CHECK(c["read_requests_per_sec"].as<int>() == 40);
  CHECK(c["write_requests_per_sec"].as<int>() == 12);
  CHECK_FALSE(ru["aws_rds_cluster.other-db"].IsDefined());
}

TEST_CASE("InfracostUsage: fixed costs go under their Infracost usage keys, the rest as comments") {
  cost::Usage u;
  u.metered_seconds = 86400;  // one day of a 24 h period
  u.nat_gateway_for("nat").processed_bytes = 2.0 * cost::kBytesPerGb;  // x30.42 = 60.83 GB a month
  u.fixed_costs = {
      cost::FixedCost{"nat", 0, "nat_gateway.gb_processed", 100, 0, "documented", ""},
      cost::FixedCost{"nat", 0, "nat_gateway.hour", 0, 1, "", ""},
      cost::FixedCost{"logs", 0, "cloudwatch_logs.ingest_gb", 10, 0, "", ""},
      cost::FixedCost{"dns", 0, "route53.million_queries", 2.5, 0, "", ""},
      cost::FixedCost{"assets", 0, "s3.standard_gb_month", 50, 0, "", ""},
      cost::FixedCost{"assets", 0, "s3.get_thousand_requests", 300, 0, "", ""},
      cost::FixedCost{"datadog", 62, "", 0, 0, "", ""},
  };
  cost::InfracostOptions o;
  o.period_seconds = 86400;
  const std::string text = cost::infracost_usage_yaml(u, o);
  const YAML::Node ru = YAML::Load(text)["resource_usage"];
  CHECK(ru["aws_nat_gateway.nat"]["monthly_data_processed_gb"].as<double>() == Approx(2.0 * 730 / 24 + 100).epsilon(1e-5));
  CHECK(ru["aws_cloudwatch_log_group.logs"]["monthly_data_ingested_gb"].as<double>() == Approx(10));
  CHECK(ru["aws_route53_record.dns"]["monthly_standard_queries"].as<long>() == 2500000);
  CHECK(ru["aws_s3_bucket.assets"]["standard"]["storage_gb"].as<double>() == Approx(50));
  CHECK(ru["aws_s3_bucket.assets"]["standard"]["monthly_tier_2_requests"].as<long>() == 300000);
  CHECK_THAT(text, Catch::Contains("fixed cost 'nat' (nat_gateway.hour x 1): no Infracost usage key"));
  CHECK_THAT(text, Catch::Contains("fixed cost 'datadog' ($62/month)"));
  // The cost period reaches the header: a one-day run of a one-day profile.
  CHECK_THAT(text, Catch::Contains("# metered over 1 x 24h workload period; monthly = metered x 730 h / 24h"));
}

TEST_CASE("InfracostUsage: an empty usage is still a valid usage file") {
  const YAML::Node doc = YAML::Load(cost::infracost_usage_yaml(cost::Usage{}, cost::InfracostOptions{}));
  CHECK(doc["version"].as<std::string>() == "0.1");
  CHECK(doc["resource_usage"].IsMap());
  CHECK(doc["resource_usage"].size() == 0);
}

TEST_CASE("InfracostUsage: resource names become Terraform identifiers") {
  CHECK(cost::terraform_name("orders.fifo") == "orders_fifo");
  CHECK(cost::terraform_name("web-api") == "web-api");
  CHECK(cost::terraform_name("1st") == "_1st");
}

// Each resource's monthly cost as Infracost's resource code computes it from the written usage
// (internal/resources/aws: lb.go, rds_cluster_instance.go, rds_cluster.go, sqs_queue.go,
// sns_topic.go SNSFIFOTopic, nat_gateway.go, wafv2_web_acl.go, data_transfer.go), at the same unit
// prices, against loadcast's own line items. Tolerances: integer keys (Infracost reads
// new_connections, rule_evaluations, I/O rates as whole numbers) round by at most 0.5 of a unit.
TEST_CASE("InfracostUsage: Infracost's formulas on the written usage give back loadcast's line items") {
  cost::Usage u;
  u.metered_seconds = 7200;  // two hours, projected x365
  auto& alb = u.alb_for("alb");
  alb.seconds = 7200;
  for (double gb : {3.0, 1.0}) {  // processed bytes lead both hours, so the two LCU formulas agree
    cost::AlbHourTotals h;
    h.requests = 3600.0 * 20;
    h.new_connections = h.requests / 10;
    h.active_connection_seconds = h.new_connections * 60;
    h.processed_bytes = gb * cost::kBytesPerGb;
    h.rule_evaluations = h.requests * 11;
    alb.add_hour(h);
  }
  alb.waf_acl_seconds = 7200;
  alb.waf_rule_seconds = 4 * 7200;
  alb.waf_requests = 144000;
  u.aurora_serverless_for("writer", "db", cost::AuroraStorage::kStandard).acu_seconds = 1.5 * 7200;
  auto& cl = u.aurora_cluster_for("db", cost::AuroraStorage::kStandard);
  cl.storage_gb_seconds = 10.0 * 7200;
  cl.read_io_requests = 7200.0 * 40;
  cl.write_io_requests = 7200.0 * 10;
  cl.io_requests = cl.read_io_requests + cl.write_io_requests;
  auto& q = u.sqs_for("orders.fifo", true);
  for (int i = 0; i < 1000; ++i) q.add_call(1000);
  auto& t = u.sns_for("orders", true);
  for (int i = 0; i < 500; ++i) t.add_publish(300, 1);
  u.nat_gateway_for("nat").processed_bytes = 0.25 * cost::kBytesPerGb;
  u.internet_out_bytes = 5.0 * cost::kBytesPerGb;

  const cost::PriceTable prices = table();
  const cost::CostReport own = cost::price_usage(u, prices, cost::CostOptions{});
  cost::InfracostOptions o;
  o.region = "test-1";
  const YAML::Node ru = YAML::Load(cost::infracost_usage_yaml(u, o))["resource_usage"];
  const auto price = [&](const char* g, const char* i) { return prices.usd(g, i); };

  // lb.go: LCU-hours = max(new_connections / 100, active_connections / 3000, processed_bytes_gb,
  // rule_evaluations / 1000); loadcast: 4 GB x 365 = 1,460 LCU-hours.
  const YAML::Node lb = ru["aws_lb.alb"];
  const double lcu = std::max({lb["new_connections"].as<double>() / 100.0, lb["active_connections"].as<double>() / 3000.0,
                               lb["processed_bytes_gb"].as<double>(), lb["rule_evaluations"].as<double>() / 1000.0});
  CHECK(lcu * price("alb", "lcu_hour") == Approx(line_usd(own, "alb.lcu_hour")).epsilon(1e-9));
  CHECK(lcu == Approx(1460.0));

  // rds_cluster_instance.go (db.serverless): capacity_units_per_hr x 730 ACU-hours.
  const double acu_hours = ru["aws_rds_cluster_instance.writer"]["capacity_units_per_hr"].as<double>() * 730.0;
  CHECK(acu_hours * price("aurora", "acu_hour_standard") == Approx(line_usd(own, "aurora.acu_hour_standard")).epsilon(1e-9));

  // rds_cluster.go: storage_gb per month; (read + write requests per second) x 730 h x 3600 s.
  const YAML::Node c = ru["aws_rds_cluster.db"];
  CHECK(c["storage_gb"].as<double>() * price("aurora", "storage_gb_month_standard") ==
        Approx(line_usd(own, "aurora.storage_gb_month_standard")).epsilon(1e-9));
  const double io = (c["read_requests_per_sec"].as<double>() + c["write_requests_per_sec"].as<double>()) * 730.0 * 3600.0;
  CHECK(io / 1e6 * price("aurora", "io_million_requests") == Approx(line_usd(own, "aurora.io_million_requests")).epsilon(1e-9));

  // sqs_queue.go: ceil(request_size_kb / 64) x monthly_requests.
  const YAML::Node sq = ru["aws_sqs_queue.orders_fifo"];
  const double sqs = std::ceil(sq["request_size_kb"].as<double>() / 64.0) * sq["monthly_requests"].as<double>();
  CHECK(sqs / 1e6 * price("sqs", "fifo_million_requests") == Approx(line_usd(own, "sqs.fifo_million_requests")).epsilon(1e-9));

  // sns_topic.go SNSFIFOTopic: publishes, payload requests x request_size_kb / 10^6 GB, and per
  // subscription (1 here, from Terraform) the deliveries and their payload.
  const YAML::Node sn = ru["aws_sns_topic.orders"];
  const double publishes = sn["monthly_requests"].as<double>();
  const double gb = publishes * sn["request_size_kb"].as<double>() / 1e6;
  CHECK(publishes / 1e6 * price("sns", "fifo_publish_million") == Approx(line_usd(own, "sns.fifo_publish_million")).epsilon(1e-9));
  // (request_size_kb is written with 6 significant digits.)
  CHECK(gb * price("sns", "fifo_publish_gb") == Approx(line_usd(own, "sns.fifo_publish_gb")).epsilon(1e-5));
  CHECK(publishes / 1e6 * price("sns", "fifo_delivery_million") == Approx(line_usd(own, "sns.fifo_delivery_million")).epsilon(1e-9));
  CHECK(gb * price("sns", "fifo_delivery_gb") == Approx(line_usd(own, "sns.fifo_delivery_gb")).epsilon(1e-5));

  // nat_gateway.go: monthly_data_processed_gb; wafv2_web_acl.go: monthly_requests per million;
  // data_transfer.go: monthly_outbound_internet_gb at the first tier's price.
  CHECK(ru["aws_nat_gateway.nat"]["monthly_data_processed_gb"].as<double>() * price("nat_gateway", "gb_processed") ==
        Approx(line_usd(own, "nat_gateway.gb_processed")).epsilon(1e-9));
  CHECK(ru["aws_wafv2_web_acl.alb"]["monthly_requests"].as<double>() / 1e6 * price("waf", "million_requests") ==
        Approx(line_usd(own, "waf.million_requests")).epsilon(1e-9));
  CHECK(ru["aws_data_transfer.test-1"]["monthly_outbound_internet_gb"].as<double>() * price("data_transfer", "internet_out_gb") ==
        Approx(line_usd(own, "data_transfer.internet_out_gb")).epsilon(1e-9));
}

TEST_CASE("InfracostUsage: when the leading LCU dimension changes between hours, Infracost's figure is lower") {
  cost::Usage u;
  u.metered_seconds = 7200;
  auto& alb = u.alb_for("alb");
  alb.seconds = 7200;
  cost::AlbHourTotals bytes;  // hour 1: 2 GB, nothing else
  bytes.processed_bytes = 2.0 * cost::kBytesPerGb;
  cost::AlbHourTotals conns;  // hour 2: 90,000 new connections = 1 LCU
  conns.new_connections = 90000;
  alb.add_hour(bytes);
  alb.add_hour(conns);
  // AWS (and loadcast): 2 + 1 = 3 LCU-hours in the two hours, x365 = 1,095. Infracost: the
  // largest monthly sum, max(1 x 365, 2 x 365) = 730; the file says so beside the key.
  CHECK(alb.lcu_hours == Approx(3.0));
  const std::string text = cost::infracost_usage_yaml(u, cost::InfracostOptions{});
  const YAML::Node lb = YAML::Load(text)["resource_usage"]["aws_lb.alb"];
  CHECK(lb["new_connections"].as<double>() / 100.0 == Approx(365.0));
  CHECK(lb["processed_bytes_gb"].as<double>() == Approx(730.0));
  CHECK_THAT(text, Catch::Contains("Infracost's LCU-hours: max of the four terms = 730 (processed_bytes); loadcast bills the "
                                   "highest dimension of each hour: 1095"));
}
