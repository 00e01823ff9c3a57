// loadcast import copilot: the POS workspace (tests/scenarios/import/copilot-pos, written from
// Copilot's manifest and addon documentation as seeds 000, 001 and 003 describe the system)
// imports as the hand-written scenarios/pos-production.yaml in every key the workspace
// determines, compared on the loaded configurations; what Copilot cannot express or loadcast
// cannot model is listed with its location; bad workspaces fail with a located error.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "tests/support/run_command.hpp"
#include "tests/scenarios/import_compare.hpp"

using namespace loadcast;
using loadcast::testing::find_queue;
using loadcast::testing::find_service;
using loadcast::testing::find_topic;
using loadcast::testing::find_worker;
using Kind = scenario::ImportFinding::Kind;

namespace {

std::string fixture() { return std::string(LOADCAST_SOURCE_DIR) + "/tests/scenarios/import/copilot-pos"; }

scenario::ImportResult import_pos(const std::string& env = "production", std::optional<std::string> region = std::string("ap-northeast-1")) {
  scenario::CopilotImportOptions o;
  o.dir = fixture();
  o.env = env;
  o.region = std::move(region);
  return scenario::import_copilot(o);
}

// A workspace of the given files (path under copilot/ -> text) in a fresh directory.
std::string workspace(const std::string& name, const std::vector<std::pair<std::string, std::string>>& files) {
  const std::string dir = loadcast::testing::temp_dir("copilot-" + name);
  for (const auto& [path, text] : files) {
    const auto full = std::filesystem::path(dir) / "copilot" / path;
    std::filesystem::create_directories(full.parent_path());
    loadcast::testing::write_file(full.string(), text);
  }
  return dir;
}

std::vector<std::string> import_errors(const std::string& dir, std::optional<std::string> env = std::nullopt) {
  scenario::CopilotImportOptions o;
  o.dir = dir;
  o.env = std::move(env);
  try {
    (void)scenario::import_copilot(o);
  } catch (const scenario::ImportError& e) {
    return e.errors();
  }
  return {};
}

const char* kWeb = R"(name: web
type: Load Balanced Web Service
http:
  path: '/'
cpu: 256
memory: 512
count: 1
)";

// An environment addon as `copilot storage init` generates it (Aurora Serverless v2, PostgreSQL).
const char* kServerlessAddon = R"(Parameters:
  App: { Type: String }
  Env: { Type: String }
  shopclusterDBName: { Type: String, Default: shop }
  VPCID: { Type: String, Default: "" }
  PrivateSubnets: { Type: String, Default: "" }
Mappings:
  shopclusterEnvScalingConfigurationMap:
    All:
      "DBMinCapacity": 0.5
      "DBMaxCapacity": 8
Resources:
  shopclusterDBSubnetGroup:
    Type: 'AWS::RDS::DBSubnetGroup'
    Properties:
      DBSubnetGroupDescription: Group of private subnets for Aurora Serverless v2 cluster.
      SubnetIds: !Split [',', !Ref PrivateSubnets]
  shopclusterAuroraSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString:
        SecretStringTemplate: '{"username": "postgres"}'
        GenerateStringKey: "password"
  shopclusterDBCluster:
    Type: 'AWS::RDS::DBCluster'
    Properties:
      MasterUsername: !Join [ "",  [ '{{resolve:secretsmanager:', !Ref shopclusterAuroraSecret, ":SecretString:username}}" ]]
      DatabaseName: !Ref shopclusterDBName
      Engine: 'aurora-postgresql'
      EngineVersion: '14.4'
      DBSubnetGroupName: !Ref shopclusterDBSubnetGroup
      ServerlessV2ScalingConfiguration:
        MinCapacity: !FindInMap [shopclusterEnvScalingConfigurationMap, All, DBMinCapacity]
        MaxCapacity: !FindInMap [shopclusterEnvScalingConfigurationMap, All, DBMaxCapacity]
  shopclusterDBWriterInstance:
    Type: 'AWS::RDS::DBInstance'
    Properties:
      DBClusterIdentifier: !Ref shopclusterDBCluster
      DBInstanceClass: db.serverless
      Engine: 'aurora-postgresql'
      PromotionTier: 1
      AvailabilityZone: !Select
        - 0
        - !GetAZs
          Ref: AWS::Region
  shopclusterSecretAuroraClusterAttachment:
    Type: AWS::SecretsManager::SecretTargetAttachment
    Properties:
      SecretId: !Ref shopclusterAuroraSecret
      TargetId: !Ref shopclusterDBCluster
      TargetType: AWS::RDS::DBCluster
)";

}  // namespace

TEST_CASE("ImportCopilot: the POS workspace imports as pos-production.yaml in every key the workspace determines") {
  const auto result = import_pos();
  const auto imported = loadcast::testing::load_imported(result);
  const auto hand = loadcast::testing::load_shipped("scenarios/pos-production.yaml");
  const auto& m = imported.model;
  const auto& h = hand.model;

  SECTION("the region is the one given with --region (Copilot manifests do not record it)") { CHECK(imported.region == hand.region); }

  SECTION("every request path of the hand scenario reaches the same service through the listener rules") {
    // The priorities differ (Copilot gives non-root rules 1, 2... in deployment order; the hand
    // scenario chose 10) and Copilot's rule for path 'ec' is [/ec, /ec/*] where the hand one is
    // /ec/*: the routing of the scenario's requests is the same.
    for (const auto& c : hand.workload.classes) {
      INFO(c.http.path);
      CHECK(loadcast::testing::route(m, c.http.path) == loadcast::testing::route(h, c.http.path));
    }
    CHECK(m.load_balancer->target_group.algorithm == h.load_balancer->target_group.algorithm);
  }

  SECTION("the web services have the same task size, bounds and CPU policy") {
    for (const char* name : {"pos-web-app", "ec-web-app"}) {
      const auto* i = find_service(m, name);
      const auto* s = find_service(h, name);
      REQUIRE(i != nullptr);
      REQUIRE(s != nullptr);
      loadcast::testing::check_task_size(*i, *s);
      loadcast::testing::check_autoscaling(*i, *s);
      // Legitimate difference: Copilot's templates set a 60 s deregistration delay and a 60 s
      // health-check grace period (http.deregistration_delay, http.healthcheck.grace_period
      // defaults); the hand scenario left both at loadcast's defaults (AWS's 300 s, no grace).
      CHECK(i->target_group.deregistration_delay == 60 * sim::kSecond);
      CHECK(s->target_group.deregistration_delay == 300 * sim::kSecond);
      CHECK(i->lifecycle.health_check_grace == 60 * sim::kSecond);
      CHECK(i->target_group.health_check.interval == s->target_group.health_check.interval);
      CHECK(i->target_group.health_check.healthy_threshold == s->target_group.health_check.healthy_threshold);
    }
  }

  SECTION("the queue workers have 0.25 vCPU on Spot, the same bounds, backlog and CPU policies, queues and DLQs") {
    for (const char* name : {"worker-item", "worker-product", "worker-transaction", "worker-ec-order", "worker-notification", "worker-external-ec"}) {
      INFO(name);
      const auto* i = find_worker(m, name);
      const auto* s = find_worker(h, name);
      REQUIRE(i != nullptr);
      REQUIRE(s != nullptr);
      loadcast::testing::check_task_size(i->service, s->service);
      loadcast::testing::check_autoscaling(i->service, s->service);
      // Copilot's backlog calculator divides by max(running tasks, 1): the guarded metric math.
      CHECK(i->backlog_math == loadcast::models::BacklogMath::kGuarded);
      CHECK(i->queue == s->queue);
      const auto* iq = find_queue(m, i->queue);
      const auto* sq = find_queue(h, s->queue);
      REQUIRE(iq != nullptr);
      REQUIRE(sq != nullptr);
      CHECK(iq->visibility_timeout == sq->visibility_timeout);
      CHECK(iq->retention == sq->retention);
      CHECK(iq->high_throughput == sq->high_throughput);
      CHECK(iq->dead_letter_queue == sq->dead_letter_queue);
      CHECK(iq->max_receive_count == sq->max_receive_count);
      const auto* dlq = find_queue(m, iq->dead_letter_queue);
      REQUIRE(dlq != nullptr);
      // Legitimate difference: Copilot's dead-letter queue keeps messages 14 days
      // (subscribe.yml, MessageRetentionPeriod 1209600); the hand DLQs keep SQS's default 4 days.
      CHECK(dlq->retention == 14 * sim::kDay);
      CHECK(find_queue(h, sq->dead_letter_queue)->retention == 4 * sim::kDay);
    }
  }

  SECTION("worker-scheduled: one on-demand task, its queue and DLQ, and the EventBridge schedules") {
    const auto* i = find_worker(m, "worker-scheduled");
    const auto* s = find_worker(h, "worker-scheduled");
    REQUIRE(i != nullptr);
    REQUIRE(s != nullptr);
    loadcast::testing::check_task_size(i->service, s->service);
    loadcast::testing::check_autoscaling(i->service, s->service);
    const auto* iq = find_queue(m, "worker-scheduled");
    const auto* sq = find_queue(h, "worker-scheduled");
    CHECK(iq->visibility_timeout == sq->visibility_timeout);
    CHECK(iq->max_receive_count == sq->max_receive_count);
    REQUIRE(iq->schedules.size() == sq->schedules.size());
    for (std::size_t k = 0; k < iq->schedules.size(); ++k) {
      CHECK(iq->schedules[k].every == sq->schedules[k].every);
      CHECK(iq->schedules[k].start == sq->schedules[k].start);
      // Legitimate difference: an EventBridge schedule sends one message per firing; the hand
      // scenario assumed four messages in four groups for the hourly one.
      CHECK(iq->schedules[k].messages == 1);
    }
  }

  SECTION("the topics fan out to the same queues") {
    for (const auto& t : h.topics) {
      INFO(t.name);
      if (t.name == "outbox") {
        // Legitimate difference: nothing in the workspace subscribes to outbox (backend-outbox is
        // a Backend Service, which cannot subscribe); the hand scenario assumed a backend-outbox
        // queue. The import reports the topic as not imported.
        CHECK(find_topic(m, "outbox") == nullptr);
        continue;
      }
      const auto* it = find_topic(m, t.name);
      REQUIRE(it != nullptr);
      CHECK(it->subscriptions == t.subscriptions);
      CHECK(it->high_throughput == t.high_throughput);
    }
  }

  SECTION("backend-outbox has the same task size; Copilot makes it a service, not a worker") {
    // Legitimate difference: the hand scenario models backend-outbox as a worker on a queue
    // subscribed to outbox (an assumption, its comment says); in the workspace it is a Backend
    // Service with one task and no queue, so it imports as a service that gets no traffic.
    const auto* i = find_service(m, "backend-outbox");
    const auto* s = find_service(h, "backend-outbox");
    REQUIRE(i != nullptr);
    REQUIRE(s != nullptr);
    loadcast::testing::check_task_size(*i, *s);
    CHECK(i->desired == s->desired);
    CHECK(find_worker(m, "backend-outbox") == nullptr);
  }

  SECTION("Aurora MySQL: r8g writer, r7g reader, 1-3 readers on reader CPU 70 %, RDS Proxy") {
    REQUIRE(m.database);
    const auto& i = *m.database;
    const auto& s = *h.database;
    CHECK(i.type == s.type);
    CHECK(i.engine == s.engine);
    CHECK(i.instance_class == s.instance_class);
    CHECK(i.reader_instance_class == s.reader_instance_class);
    CHECK(i.readers == s.readers);
    CHECK(i.reader_tier == s.reader_tier);
    REQUIRE(m.db_proxy);
    CHECK(m.db_proxy->borrow_timeout == h.db_proxy->borrow_timeout);
    CHECK(m.db_proxy->max_connections_percent == h.db_proxy->max_connections_percent);
    // The hand scenario leaves max idle at its default, half of max_connections_percent: 50.
    CHECK(m.db_proxy->max_idle_connections_percent.value_or(-1) == h.db_proxy->max_idle_connections_percent.value_or(h.db_proxy->max_connections_percent / 2));
    REQUIRE(m.replica_scaling);
    CHECK(m.replica_scaling->autoscaling.min == h.replica_scaling->autoscaling.min);
    CHECK(m.replica_scaling->autoscaling.max == h.replica_scaling->autoscaling.max);
    const auto& ip = std::get<models::TargetTrackingConfig>(m.replica_scaling->autoscaling.policies.at(0).spec);
    const auto& hp = std::get<models::TargetTrackingConfig>(h.replica_scaling->autoscaling.policies.at(0).spec);
    CHECK(ip.metric == hp.metric);
    CHECK(ip.target == hp.target);
    CHECK(ip.scale_in_cooldown == hp.scale_in_cooldown);
    CHECK(ip.scale_out_cooldown == hp.scale_out_cooldown);
  }

  SECTION("the scheduled jobs become workers fed by their schedule (the hand scenario leaves them out)") {
    const auto* job = find_worker(m, "job-daily-calculate");
    REQUIRE(job != nullptr);
    CHECK(job->service.cpu_units == 1024);
    REQUIRE(job->service.autoscaling);
    CHECK(job->service.autoscaling->min == 0);
    CHECK(job->service.autoscaling->max == 1);
    const auto* q = find_queue(m, "job-daily-calculate");
    REQUIRE(q != nullptr);
    REQUIRE(q->schedules.size() == 1);
    CHECK(q->schedules[0].every == sim::kDay);
    CHECK(q->schedules[0].start == 18 * sim::kHour);
    CHECK(q->visibility_timeout == sim::kHour);  // the job's timeout
    CHECK(find_worker(h, "job-daily-calculate") == nullptr);
  }
}

TEST_CASE("ImportCopilot: what the workspace holds and loadcast cannot model is listed with its location") {
  const auto r = import_pos();
  CHECK_FALSE(r.complete());
  using loadcast::testing::listed;
  CHECK(listed(r, Kind::kNotImported, "copilot/pos-web-app/manifest.yml:31:1", "sidecars"));
  CHECK(listed(r, Kind::kNotImported, "copilot/pos-web-app/manifest.yml:52:7", "topic outbox of pos-web-app has no subscriber"));
  CHECK(listed(r, Kind::kNotImported, "copilot/job-daily-calculate/manifest.yml:7:1", "retries"));
  // The Valkey cache is billed but not simulated: a fixed cost of its stored GB, as in the hand
  // scenario (1 GB, an assumption there too), instead of an unmapped item.
  CHECK_FALSE(listed(r, Kind::kNotImported, "copilot/environments/addons/valkey.yml", ""));
  const auto imported = loadcast::testing::load_imported(r);
  const auto hand = loadcast::testing::load_shipped("scenarios/pos-production.yaml");
  const auto cache = [](const auto& fixed) {
    double gb = 0.0;
    for (const auto& f : fixed) gb += f.price == "elasticache_valkey_serverless.gb_hour" ? f.count : 0.0;
    return gb;
  };
  CHECK(cache(imported.cost.fixed_costs) == 1.0);
  CHECK(cache(imported.cost.fixed_costs) == cache(hand.cost.fixed_costs));
  CHECK(listed(r, Kind::kIgnored, "copilot/pos-web-app/manifest.yml:39:1", "secrets"));
  CHECK(listed(r, Kind::kIgnored, "copilot/environments/addons/rds.yml:123:3 DBProxyRole", "AWS::IAM::Role"));
  CHECK(listed(r, Kind::kIgnored, "copilot/environments/production/manifest.yml:13:5", "http.public.certificates"));
  // Nothing else: every other key of the workspace was imported or ignored.
  CHECK(r.count(Kind::kNotImported) == 4);

  SECTION("the scenario's header lists the same assumptions the command prints, and every finding") {
    for (const auto& f : r.fill_in) CHECK(r.yaml.find(f) != std::string::npos);
    for (const auto& f : r.findings) {
      if (f.kind == Kind::kNotImported) CHECK(r.yaml.find(f.where + ": " + f.what) != std::string::npos);
    }
    CHECK(r.yaml.find("ASSUMPTION") != std::string::npos);
  }
}

TEST_CASE("ImportCopilot: the environment's overrides and conditions apply") {
  const auto r = import_pos("staging");
  const auto s = loadcast::testing::load_imported(r);
  const auto* web = find_service(s.model, "pos-web-app");
  REQUIRE(web != nullptr);
  SECTION("environments.staging in a manifest replaces cpu, memory and count") {
    CHECK(web->cpu_units == 512);
    CHECK(web->memory_mib == 1024);
    CHECK(web->desired == 1);
    CHECK_FALSE(web->autoscaling);
  }
  SECTION("the addon's mapping and IsProduction condition give staging one db.t4g.medium and no replica scaling") {
    REQUIRE(s.model.database);
    CHECK(s.model.database->instance_class == "db.t4g.medium");
    CHECK(s.model.database->readers == 0);
    CHECK_FALSE(s.model.replica_scaling);
  }
}

TEST_CASE("ImportCopilot: without --region the region is an assumption to fill in") {
  const auto r = import_pos("production", std::nullopt);
  CHECK(loadcast::testing::load_imported(r).region == "us-east-1");
  bool asked = false;
  for (const auto& f : r.fill_in) asked = asked || f.rfind("region:", 0) == 0;
  CHECK(asked);
}

TEST_CASE("ImportCopilot: a workspace loadcast can model entirely imports complete") {
  const auto dir = workspace("complete", {{".workspace", "application: shop\n"},
                                          {"web/manifest.yml", std::string(kWeb) + "platform: linux/arm64\n"},
                                          {"environments/addons/db.yml", kServerlessAddon},
                                          {"api/manifest.yml", R"(name: api
type: Load Balanced Web Service
http:
  path: api
  healthcheck:
    path: /api/health
    healthy_threshold: 3
    interval: 10s
  deregistration_delay: 15s
cpu: 512
memory: 1024
count:
  range: 1-4
  requests: 500
  memory_percentage:
    value: 75
    cooldown: { in: 200s }
)"}});
  scenario::CopilotImportOptions o;
  o.dir = dir;
  const auto r = scenario::import_copilot(o);
  INFO(r.yaml);
  CHECK(r.complete());
  const auto s = loadcast::testing::load_imported(r);
  CHECK(s.name == "shop");
  CHECK(loadcast::testing::route(s.model, "/api/items") == "api");
  CHECK(loadcast::testing::route(s.model, "/api") == "api");
  CHECK(loadcast::testing::route(s.model, "/other") == "web");
  const auto* web = find_service(s.model, "web");
  CHECK(web->arm64);
  const auto* api = find_service(s.model, "api");
  CHECK(api->target_group.deregistration_delay == 15 * sim::kSecond);
  CHECK(api->target_group.health_check.healthy_threshold == 3);
  CHECK(api->target_group.health_check.interval == 10 * sim::kSecond);
  REQUIRE(api->autoscaling);
  const auto* req = loadcast::testing::policy_on(*api->autoscaling, "requests_per_target");
  REQUIRE(req != nullptr);
  CHECK(std::get<models::TargetTrackingConfig>(req->spec).target == 500);
  // Copilot's defaults where the manifest gives no cooldown: 120 s in, 60 s out.
  CHECK(std::get<models::TargetTrackingConfig>(req->spec).scale_in_cooldown == 120 * sim::kSecond);
  CHECK(std::get<models::TargetTrackingConfig>(req->spec).scale_out_cooldown == 60 * sim::kSecond);
  const auto* mem = loadcast::testing::policy_on(*api->autoscaling, "memory");
  REQUIRE(mem != nullptr);
  CHECK(std::get<models::TargetTrackingConfig>(mem->spec).target == 75);
  CHECK(std::get<models::TargetTrackingConfig>(mem->spec).scale_in_cooldown == 200 * sim::kSecond);
  // The Aurora Serverless v2 addon in the shape `copilot storage init` writes it.
  REQUIRE(s.model.database);
  CHECK(s.model.database->type == models::DbType::kAuroraServerlessV2);
  CHECK(s.model.database->engine == models::DbEngine::kPostgresql);
  CHECK(s.model.database->min_acu == 0.5);
  CHECK(s.model.database->max_acu == 8);
}

TEST_CASE("ImportCopilot: approximations are reported, not made silently") {
  const auto dir = workspace("approx", {{"web/manifest.yml", std::string(kWeb) + R"(publish:
  topics:
    - name: events
)"},
                                        {"worker/manifest.yml", R"(name: worker
type: Worker Service
count:
  range: { min: 1, max: 4, spot_from: 3 }
  response_time: 2s
subscribe:
  topics:
    - name: events
      service: web
      filter_policy: { kind: [order] }
      queue: true
  queue:
    delay: 10s
)"}});
  scenario::CopilotImportOptions o;
  o.dir = dir;
  const auto r = scenario::import_copilot(o);
  using loadcast::testing::listed;
  CHECK(listed(r, Kind::kNotImported, "copilot/web/manifest.yml:10:7", "topic events is a standard SNS topic"));
  CHECK(listed(r, Kind::kNotImported, "copilot/worker/manifest.yml:4:39", "spot_from 3"));
  CHECK(listed(r, Kind::kNotImported, "copilot/worker/manifest.yml:5:3", "count.response_time"));
  CHECK(listed(r, Kind::kNotImported, "copilot/worker/manifest.yml:10:7", "filter_policy"));
  CHECK(listed(r, Kind::kNotImported, "copilot/worker/manifest.yml:11:14", "topic-specific queue"));
  CHECK(listed(r, Kind::kNotImported, "copilot/worker/manifest.yml:13:12", "delay queue"));
  CHECK(listed(r, Kind::kNotImported, "copilot/worker/manifest.yml:7:3", "standard queue"));
  const auto s = loadcast::testing::load_imported(r);
  CHECK_FALSE(find_service(s.model, "worker")->uses_spot());
  CHECK(find_topic(s.model, "events")->subscriptions == std::vector<std::string>{"worker"});
}

TEST_CASE("ImportCopilot: bad workspaces fail with a located error") {
  SECTION("an unknown manifest type") {
    const auto dir = workspace("type", {{"web/manifest.yml", "name: web\ntype: Load Balanced Service\n"}});
    const auto e = import_errors(dir);
    REQUIRE(e.size() == 1);
    CHECK(e[0].rfind("copilot/web/manifest.yml:2:7: unknown manifest type 'Load Balanced Service'", 0) == 0);
  }
  SECTION("malformed YAML") {
    const auto dir = workspace("yaml", {{"web/manifest.yml", "name: web\ntype: [Load Balanced Web Service\n"}});
    const auto e = import_errors(dir);
    REQUIRE(e.size() == 1);
    CHECK(e[0].rfind("copilot/web/manifest.yml:", 0) == 0);
    CHECK(e[0].find("not valid YAML") != std::string::npos);
  }
  SECTION("a subscription to a topic no manifest publishes") {
    const auto dir = workspace("sub", {{"web/manifest.yml", kWeb},
                                       {"worker/manifest.yml", R"(name: worker
type: Worker Service
subscribe:
  topics:
    - name: orders
      service: web
  queue:
    fifo: true
)"}});
    const auto e = import_errors(dir);
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "copilot/worker/manifest.yml:5:7: subscribes to topic 'orders' of service 'web', which no manifest in the workspace publishes");
  }
  SECTION("an addon referring to a resource it does not define") {
    const auto dir = workspace("ref", {{"web/manifest.yml", kWeb},
                                       {"environments/addons/db.yml", R"(Parameters:
  App: { Type: String }
  Env: { Type: String }
Resources:
  Writer:
    Type: AWS::RDS::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Cluster
      DBInstanceClass: db.r6g.large
)"}});
    const auto e = import_errors(dir);
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "copilot/environments/addons/db.yml:8:28: Ref Cluster: no parameter or resource of that name in this template");
  }
  SECTION("an invalid Fargate size") {
    const auto dir = workspace("size", {{"web/manifest.yml", "name: web\ntype: Backend Service\ncpu: 256\nmemory: 4096\n"}});
    const auto e = import_errors(dir);
    REQUIRE(e.size() == 1);
    CHECK(e[0].rfind("copilot/web/manifest.yml:4:9: ", 0) == 0);
  }
  SECTION("several environments and no --env") {
    const auto e = import_errors(fixture());
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "copilot/environments: the workspace has environments production, staging; choose one with --env NAME");
    CHECK(import_errors(fixture(), "prod").at(0) == "copilot/environments: no environment 'prod' (the workspace has production, staging)");
  }
  SECTION("not a workspace") {
    const auto e = import_errors(std::string(LOADCAST_SOURCE_DIR) + "/docs");
    REQUIRE(e.size() == 1);
    CHECK(e[0].find("no copilot/ directory here") != std::string::npos);
  }
}
