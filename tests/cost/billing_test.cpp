#include <catch2/catch.hpp>

#include "cost/billing.hpp"
#include "sim/time.hpp"  // lifetimes written in the simulator's units, as the models pass them

using namespace loadcast;
using namespace loadcast::cost;

TEST_CASE("Billing: Fargate bills whole seconds with a one-minute minimum") {
  CHECK(cost::fargate_billed_seconds(0) == 60);
  CHECK(cost::fargate_billed_seconds(-5 * sim::kSecond) == 60);
  CHECK(cost::fargate_billed_seconds(59 * sim::kSecond + 200 * sim::kMillisecond) == 60);
  CHECK(cost::fargate_billed_seconds(60 * sim::kSecond) == 60);
  CHECK(cost::fargate_billed_seconds(60 * sim::kSecond + 1) == 61);
  CHECK(cost::fargate_billed_seconds(sim::kHour) == 3600);
}

TEST_CASE("Billing: Aurora provisioned instances bill at least ten minutes") {
  CHECK(cost::aurora_instance_billed_seconds(30 * sim::kSecond) == 600);
  CHECK(cost::aurora_instance_billed_seconds(10 * sim::kMinute) == 600);
  CHECK(cost::aurora_instance_billed_seconds(10 * sim::kMinute + sim::kMillisecond) == 601);
}

TEST_CASE("Billing: SQS and SNS bill each 64 KB chunk and an empty call as one request") {
  CHECK(cost::sqs_billed_requests(0) == 1);
  CHECK(cost::sqs_billed_requests(1) == 1);
  CHECK(cost::sqs_billed_requests(65536) == 1);
  CHECK(cost::sqs_billed_requests(65537) == 2);
  CHECK(cost::sqs_billed_requests(256 * 1024) == 4);
}

TEST_CASE("Billing: the ALB is billed on its highest LCU dimension each hour") {
  SECTION("new connections dominate: 90,000 per hour is 25 per second, one LCU") {
    cost::AlbHourTotals h;
    h.new_connections = 90000;
    h.active_connection_seconds = 3600.0 * 1500;  // 1,500 open on average: 0.5 LCU
    const auto l = cost::alb_lcus_for_hour(h);
    CHECK(l.new_connections == Approx(1.0));
    CHECK(l.active_connections == Approx(0.5));
    CHECK(l.billed == Approx(1.0));
    CHECK(l.dominant == "new_connections");
  }
  SECTION("processed bytes dominate: 3 GiB in the hour is 3 LCU, 7.5 for Lambda targets") {
    cost::AlbHourTotals h;
    h.processed_bytes = 3.0 * cost::kBytesPerGb;
    h.new_connections = 900;
    CHECK(cost::alb_lcus_for_hour(h).billed == Approx(3.0));
    CHECK(cost::alb_lcus_for_hour(h).dominant == "processed_bytes");
    h.lambda_targets = true;
    CHECK(cost::alb_lcus_for_hour(h).billed == Approx(7.5));
  }
  SECTION("the first 10 rules of every request are free") {
    cost::AlbHourTotals h;
    h.requests = 3600.0 * 1000;  // 1,000 req/s
    h.rule_evaluations = h.requests * 10;
    CHECK(cost::alb_lcus_for_hour(h).rule_evaluations == 0.0);
    h.rule_evaluations = h.requests * 12;  // 2 billable rules per request: 2,000 evaluations/s
    CHECK(cost::alb_lcus_for_hour(h).rule_evaluations == Approx(2.0));
    CHECK(cost::alb_lcus_for_hour(h).dominant == "rule_evaluations");
  }
  SECTION("an LCU Reservation is billed when unused, and usage above it as usual") {
    cost::AlbHourTotals h;
    h.processed_bytes = 3.0 * cost::kBytesPerGb;
    h.reserved_lcus = 5.0;
    CHECK(cost::alb_lcus_for_hour(h).billed == Approx(5.0));
    CHECK(cost::alb_lcus_for_hour(h).dominant == "reserved");
    h.processed_bytes = 8.0 * cost::kBytesPerGb;
    CHECK(cost::alb_lcus_for_hour(h).billed == Approx(8.0));
    CHECK(cost::alb_lcus_for_hour(h).dominant == "processed_bytes");
  }
}

TEST_CASE("Billing: RDS Proxy bills at least 2 vCPUs or 8 ACUs") {
  CHECK(cost::rds_proxy_billed_vcpus(1) == 2.0);
  CHECK(cost::rds_proxy_billed_vcpus(4) == 4.0);
  CHECK(cost::rds_proxy_billed_acus(1) == 8.0);
  CHECK(cost::rds_proxy_billed_acus(16) == 16.0);
}
