#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include "models/infracost_usage.hpp"

using namespace loadcast;
using namespace loadcast::models;

TEST_CASE("InfracostUsage: writes monthly usage keyed by resource address") {
  Usage u;
  u.metered_seconds = 3600;  // one hour, projected x730
  auto& alb = u.alb_for("public alb");
  alb.seconds = 3600;
  AlbHourTotals h;
  h.new_connections = 36000;                  // 10 per second
  h.active_connection_seconds = 3600.0 * 50;  // 50 open on average
  h.processed_bytes = 2.0 * kBytesPerGb;      // 2 GB in the hour
  h.requests = 3600.0 * 100;
  h.rule_evaluations = h.requests * 12;       // 2 billable rules: 200 per second
  alb.add_hour(h);
  auto& q = u.sqs_for("orders.fifo", true);
  for (int i = 0; i < 100; ++i) q.add_call(1000);
  u.nat_gateway_for("nat-a").processed_bytes = 0.5 * kBytesPerGb;
  u.aurora_serverless_for("writer", "bookmark-db", AuroraStorage::kStandard).acu_seconds = 0.5 * 3600;
  u.aurora_serverless_for("reader", "bookmark-db", AuroraStorage::kStandard).acu_seconds = 0.5 * 3600;
  u.fargate_for("web", CpuArch::kX86, CapacityType::kOnDemand).add_task(1, 2, 3600);
  u.inter_az_bytes = kBytesPerGb;

  InfracostOptions o;
  o.region = "ap-northeast-1";
  o.addresses["nat-a"] = "module.vpc.aws_nat_gateway.this[0]";
  const std::string text = infracost_usage_yaml(u, o);
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
  CHECK(ru["aws_rds_cluster.bookmark-db"]["capacity_units_per_hr"].as<int>() == 1);
  CHECK(ru["aws_data_transfer.ap-northeast-1"]["intra_region_gb"].as<double>() == Approx(730));
  CHECK_THAT(text, Catch::Contains("aws_ecs_service.web: Infracost prices desired_count"));
}

TEST_CASE("InfracostUsage: an empty usage is still a valid usage file") {
  const YAML::Node doc = YAML::Load(infracost_usage_yaml(Usage{}, InfracostOptions{}));
  CHECK(doc["version"].as<std::string>() == "0.1");
  CHECK(doc["resource_usage"].IsMap());
  CHECK(doc["resource_usage"].size() == 0);
}

TEST_CASE("InfracostUsage: resource names become Terraform identifiers") {
  CHECK(terraform_name("orders.fifo") == "orders_fifo");
  CHECK(terraform_name("web-api") == "web-api");
  CHECK(terraform_name("1st") == "_1st");
}
