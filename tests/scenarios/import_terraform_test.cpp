// loadcast import terraform: the bookmark manager's production plan (tests/scenarios/import/
// terraform-bookmark/plan.json, written from Terraform's JSON output format and the AWS
// provider's documentation as seed 002 describes the environment) imports as the hand-written
// scenarios/bookmark-prod.yaml in every key the plan determines, compared on the loaded
// configurations; a state (values known, no configuration) links by value; what loadcast cannot
// model is listed by resource address; bad input fails with a located error.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/support/run_command.hpp"
#include "tests/scenarios/import_compare.hpp"

using namespace loadcast;
using loadcast::testing::find_queue;
using loadcast::testing::find_service;
using loadcast::testing::find_topic;
using loadcast::testing::find_worker;
using Kind = scenario::ImportFinding::Kind;

namespace {

std::string source(const std::string& rel) { return std::string(LOADCAST_SOURCE_DIR) + "/" + rel; }

scenario::ImportResult import_files(const std::vector<std::string>& files, const std::string& name = "") {
  scenario::TerraformImportOptions o;
  o.files = files;
  o.name = name;
  return scenario::import_terraform(o);
}

std::vector<std::string> import_errors(const std::string& text) {
  const std::string dir = loadcast::testing::temp_dir("tf-bad");
  const std::string file = dir + "/plan.json";
  loadcast::testing::write_file(file, text);
  try {
    (void)import_files({file});
  } catch (const scenario::ImportError& e) {
    std::vector<std::string> out;
    for (const auto& m : e.errors()) out.push_back(m.substr(m.find("plan.json")));
    return out;
  }
  return {};
}

}  // namespace

TEST_CASE("ImportTerraform: the bookmark plan imports as bookmark-prod.yaml in every key the plan determines") {
  const auto result = import_files({source("tests/scenarios/import/terraform-bookmark/plan.json")}, "bookmark-prod");
  const auto imported = loadcast::testing::load_imported(result);
  const auto hand = loadcast::testing::load_shipped("scenarios/bookmark-prod.yaml");
  const auto& m = imported.model;
  const auto& h = hand.model;

  SECTION("the region comes from the provider's configuration (var.aws_region)") { CHECK(imported.region == hand.region); }

  SECTION("/api/* reaches api, everything else web; the ALB's idle timeout and algorithm") {
    for (const auto& c : hand.workload.classes) {
      INFO(c.http.path);
      CHECK(loadcast::testing::route(m, c.http.path) == loadcast::testing::route(h, c.http.path));
    }
    CHECK(m.load_balancer->idle_timeout == h.load_balancer->idle_timeout);
  }

  SECTION("web and api: 1 vCPU / 2 GB, one task, 1-10 tasks on CPU 70 % and memory 80 %, cooldowns 60 s out / 300 s in") {
    for (const char* name : {"web", "api"}) {
      const auto* i = find_service(m, name);
      const auto* s = find_service(h, name);
      REQUIRE(i != nullptr);
      REQUIRE(s != nullptr);
      loadcast::testing::check_task_size(*i, *s);
      loadcast::testing::check_autoscaling(*i, *s);
      const auto& tg = i->target_group;
      const auto& hg = s->target_group;
      CHECK(tg.algorithm == hg.algorithm);
      CHECK(tg.slow_start == hg.slow_start);
      CHECK(tg.deregistration_delay == hg.deregistration_delay);
      CHECK(tg.health_check.interval == hg.health_check.interval);
      CHECK(tg.health_check.timeout == hg.health_check.timeout);
      CHECK(i->lifecycle.stop_timeout == s->lifecycle.stop_timeout);
      // Legitimate differences: the seed gives no health-check thresholds or grace period, so the
      // hand scenario keeps loadcast's (AWS's) defaults, 5 healthy / 2 unhealthy and no grace; the
      // plan's target groups set 2 / 3 and its services a 60 s grace period.
      CHECK(tg.health_check.healthy_threshold == 2);
      CHECK(tg.health_check.unhealthy_threshold == 3);
      CHECK(hg.health_check.healthy_threshold == 5);
      CHECK(i->lifecycle.health_check_grace == 60 * sim::kSecond);
    }
  }

  SECTION("Aurora Serverless v2 PostgreSQL, writer + reader, 0.5-2 ACU") {
    REQUIRE(m.database);
    const auto& i = *m.database;
    const auto& s = *h.database;
    CHECK(i.type == s.type);
    CHECK(i.engine == s.engine);
    CHECK(i.min_acu == s.min_acu);
    CHECK(i.max_acu == s.max_acu);
    CHECK(i.readers == s.readers);
    CHECK(i.reader_tier == s.reader_tier);
    CHECK(i.io_optimized == s.io_optimized);
    CHECK(i.auto_pause_after == s.auto_pause_after);
  }

  SECTION("the web ACL becomes the load balancer's waf, as in the hand scenario") {
    REQUIRE(m.load_balancer);
    REQUIRE(m.load_balancer->waf);
    REQUIRE(h.load_balancer->waf);
    CHECK(m.load_balancer->waf->rules == 4);  // Core Rule Set, SQLi, XSS, rate limit
    CHECK(m.load_balancer->waf->rules == h.load_balancer->waf->rules);
  }

  SECTION("billed resources that are not simulated become cost.fixed_costs; what stays out is listed") {
    using loadcast::testing::listed;
    const auto& fc = imported.cost.fixed_costs;
    const auto count = [&fc](const std::string& price) {
      double n = 0.0;
      for (const auto& f : fc) n += f.price == price ? f.count + f.quantity : 0.0;
      return n;
    };
    CHECK(count("nat_gateway.hour") == 1.0);
    CHECK(count("public_ipv4.ip_hour") == 1.0);                 // the NAT gateway's Elastic IP
    CHECK(count("vpc_endpoint.interface_az_hour") == 2.0);      // ecr.api and ecr.dkr; the S3 gateway endpoint is free
    CHECK(count("s3.standard_gb_month") == 10.0);               // an assumption, in the fill-in list
    CHECK(listed(result, Kind::kIgnored, "module.network.aws_vpc_endpoint.s3", "gateway endpoint"));
    // Still out: an EC2 instance and Container Insights, which the plan does not price.
    CHECK_FALSE(result.complete());
    CHECK(listed(result, Kind::kNotImported, "module.network.aws_instance.bastion", "aws_instance"));
    CHECK(listed(result, Kind::kNotImported, "module.compute.aws_ecs_cluster.main", "Container Insights"));
    CHECK_FALSE(listed(result, Kind::kNotImported, "module.network.aws_nat_gateway.main", ""));
    CHECK_FALSE(listed(result, Kind::kNotImported, "module.security.aws_wafv2_web_acl.main", ""));
    CHECK(listed(result, Kind::kIgnored, "module.security.aws_iam_role.task", "IAM"));
    CHECK(listed(result, Kind::kIgnored, "module.compute.aws_lb_listener.http", "redirects"));
    CHECK(listed(result, Kind::kIgnored, "module.network.aws_subnet.private[1]", "subnets"));
  }
}

TEST_CASE("ImportTerraform: a state links resources by their ARNs, names and URLs") {
  const auto r = import_files({source("tests/scenarios/import/terraform-shop-state/state.json")}, "shop");
  INFO(r.yaml);
  CHECK(r.complete());
  const auto s = loadcast::testing::load_imported(r);
  const auto& m = s.model;
  SECTION("the region comes from the ARNs") { CHECK(s.region == "us-east-1"); }
  SECTION("the listener's default action reaches web; its target group and task definition") {
    CHECK(loadcast::testing::route(m, "/anything") == "web");
    const auto* web = find_service(m, "web");
    REQUIRE(web != nullptr);
    CHECK(web->cpu_units == 512);
    CHECK(web->arm64);
    CHECK_FALSE(web->uses_spot());
    CHECK(web->desired == 2);
    CHECK(web->lifecycle.stop_timeout == 20 * sim::kSecond);
    CHECK(web->target_group.algorithm == models::Algorithm::kLeastOutstandingRequests);
    CHECK(web->target_group.deregistration_delay == 30 * sim::kSecond);
    CHECK(m.load_balancer->idle_timeout == 120 * sim::kSecond);
  }
  SECTION("target tracking on requests per target, step scaling from its alarm, scheduled actions") {
    const auto& a = *find_service(m, "web")->autoscaling;
    CHECK(a.min == 2);
    CHECK(a.max == 8);
    const auto* req = loadcast::testing::policy_on(a, "requests_per_target");
    REQUIRE(req != nullptr);
    CHECK(std::get<models::TargetTrackingConfig>(req->spec).disable_scale_in);
    const auto* step = loadcast::testing::policy_on(a, "cpu");
    REQUIRE(step != nullptr);
    const auto& st = std::get<models::StepScalingConfig>(step->spec);
    CHECK(st.comparison == models::Comparison::kGreaterOrEqual);
    CHECK(st.threshold == 80);
    CHECK(st.evaluation_periods == 2);
    CHECK(st.cooldown == 120 * sim::kSecond);
    REQUIRE(st.steps.size() == 2);
    CHECK(st.steps[1].adjustment == 3);
    CHECK_FALSE(st.steps[1].upper);
    REQUIRE(a.scheduled.size() == 2);
    CHECK(a.scheduled[0].at == 8 * sim::kHour);
    CHECK(a.scheduled[0].min == 4);
    CHECK(a.scheduled[1].at == 20 * sim::kHour);
    CHECK_FALSE(a.scheduled[1].max);
  }
  SECTION("the worker consumes orders (its backlog metric math names the queue), on Spot, from 0 tasks") {
    const auto* w = find_worker(m, "worker");
    REQUIRE(w != nullptr);
    CHECK(w->queue == "orders");
    // IF(m2 > 0, m1 / m2, m1): the guarded expression, which has a datapoint at zero tasks.
    CHECK(w->backlog_math == models::BacklogMath::kGuarded);
    CHECK(w->service.uses_spot());
    REQUIRE(w->service.autoscaling);
    CHECK(w->service.autoscaling->min == 0);
    const auto* b = loadcast::testing::policy_on(*w->service.autoscaling, "backlog_per_task");
    REQUIRE(b != nullptr);
    CHECK(std::get<models::TargetTrackingConfig>(b->spec).target == 50);
  }
  SECTION("FIFO queue with its redrive policy and high throughput; the topic's subscription; the schedule") {
    const auto* q = find_queue(m, "orders");
    REQUIRE(q != nullptr);
    CHECK(q->visibility_timeout == 60 * sim::kSecond);
    CHECK(q->retention == 24 * sim::kHour);
    CHECK(q->high_throughput);
    CHECK(q->dead_letter_queue == "orders-dlq");
    CHECK(q->max_receive_count == 4);
    REQUIRE(q->schedules.size() == 1);
    CHECK(q->schedules[0].every == 15 * sim::kMinute);
    const auto* t = find_topic(m, "order-events");
    REQUIRE(t != nullptr);
    CHECK(t->subscriptions == std::vector<std::string>{"orders"});
  }
  SECTION("provisioned Aurora MySQL I/O-Optimized with replica auto scaling and RDS Proxy") {
    REQUIRE(m.database);
    CHECK(m.database->type == models::DbType::kAuroraProvisioned);
    CHECK(m.database->instance_class == "db.r6g.large");
    CHECK(m.database->readers == 1);
    CHECK(m.database->io_optimized);
    REQUIRE(m.replica_scaling);
    CHECK(m.replica_scaling->autoscaling.max == 4);
    const auto& p = std::get<models::TargetTrackingConfig>(m.replica_scaling->autoscaling.policies.at(0).spec);
    CHECK(p.target == 60);
    CHECK(p.scale_in_cooldown == 600 * sim::kSecond);
    REQUIRE(m.db_proxy);
    CHECK(m.db_proxy->borrow_timeout == 30 * sim::kSecond);
    CHECK(m.db_proxy->max_connections_percent == 90);
    CHECK(m.db_proxy->max_idle_connections_percent == 40);
  }
}

TEST_CASE("ImportTerraform: several files (one per stack) merge into one scenario") {
  // The state split in two: the database in one file, everything else in the other.
  std::ifstream in(source("tests/scenarios/import/terraform-shop-state/state.json"));
  nlohmann::json whole = nlohmann::json::parse(in);
  nlohmann::json db = whole, rest = whole;
  auto& db_resources = db["values"]["root_module"]["resources"];
  auto& rest_resources = rest["values"]["root_module"]["resources"];
  db_resources = nlohmann::json::array();
  rest_resources = nlohmann::json::array();
  for (const auto& r : whole["values"]["root_module"]["resources"]) {
    const std::string type = r["type"];
    const bool data_tier = type.rfind("aws_rds_", 0) == 0 || type.rfind("aws_db_", 0) == 0 ||
                           (type == "aws_appautoscaling_target" || type == "aws_appautoscaling_policy");
    (data_tier ? db_resources : rest_resources).push_back(r);
  }
  db["values"]["root_module"].erase("child_modules");
  const std::string dir = loadcast::testing::temp_dir("tf-split");
  loadcast::testing::write_file(dir + "/database.json", db.dump());
  loadcast::testing::write_file(dir + "/app.json", rest.dump());
  const auto r = import_files({dir + "/app.json", dir + "/database.json"});
  CHECK(r.complete());
  const auto s = loadcast::testing::load_imported(r);
  REQUIRE(s.model.database);
  CHECK(s.model.replica_scaling);
  CHECK(find_worker(s.model, "worker") != nullptr);
}

TEST_CASE("ImportTerraform: bad input fails with a located error") {
  SECTION("malformed JSON is located by line and column") {
    const auto e = import_errors("{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {\n    \"root_module\": [}\n}\n");
    REQUIRE(e.size() == 1);
    CHECK(e[0].rfind("plan.json:4:", 0) == 0);
    CHECK(e[0].find("not valid JSON") != std::string::npos);
  }
  SECTION("JSON that is not terraform show -json output") {
    const auto e = import_errors(R"({"resources": []})");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "plan.json: neither planned_values (a plan) nor values (a state): not the output of terraform show -json");
  }
  SECTION("a reference to a resource the plan does not hold") {
    const auto e = import_errors(R"({
  "format_version": "1.2",
  "planned_values": { "root_module": { "resources": [
    { "address": "aws_ecs_service.web", "mode": "managed", "type": "aws_ecs_service", "name": "web",
      "values": { "name": "web", "desired_count": 1 } } ] } },
  "configuration": { "root_module": { "resources": [
    { "address": "aws_ecs_service.web", "mode": "managed", "type": "aws_ecs_service", "name": "web",
      "expressions": { "task_definition": { "references": ["aws_ecs_task_definition.web.arn", "aws_ecs_task_definition.web"] } } } ] } }
})");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "plan.json: aws_ecs_service.web refers to aws_ecs_task_definition.web, which the plan does not hold");
  }
  SECTION("a format version loadcast does not read") {
    const auto e = import_errors(R"({"format_version": "2.0", "planned_values": {"root_module": {}}})");
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "plan.json: format_version 2.0: loadcast reads the JSON output format 1.x");
  }
}
