#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include "cost/infracost_usage.hpp"

using namespace loadcast;
using namespace loadcast::cost;

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
  CHECK(lb["new_connections"].as<int>() == 10);
  CHECK(lb["active_connections"].as<int>() == 50);
  CHECK(lb["processed_bytes_gb"].as<double>() == Approx(2.0));
  CHECK(lb["rule_evaluations"].as<int>() == 200);
  CHECK(ru["aws_sqs_queue.orders_fifo"]["monthly_requests"].as<double>() == Approx(73000));
  CHECK(ru["aws_sqs_queue.orders_fifo"]["request_size_kb"].as<int>() == 64);
  CHECK(ru["module.vpc.aws_nat_gateway.this[0]"]["monthly_data_processed_gb"].as<double>() == Approx(365));
  // Serverless v2 ACUs have no Infracost key (capacity_units_per_hr is Serverless v1 only) and
  // the cluster metered no storage or I/O: no made-up keys, only the comment.
  CHECK_FALSE(ru["aws_rds_cluster.bookmark-db"].IsDefined());
  CHECK_THAT(text, Catch::Contains("aws_rds_cluster.bookmark-db: Aurora Serverless v2: average 1 ACU"));
  CHECK_THAT(text, Catch::Contains("engine_mode = \"serverless\" (Serverless v1)"));
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
