// The data tier of a Terraform plan, its workers, the resources loadcast does not model, and the
// importer's order of work (terraform_importer.hpp). Attribute names are the AWS provider's:
// [doc] https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ rds_cluster,
// rds_cluster_instance, db_instance, db_proxy, db_proxy_default_target_group.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "scenarios/loader/import/scenario_writer.hpp"
#include "scenarios/loader/import/terraform_importer.hpp"

namespace loadcast::scenario {

namespace {

std::string without_fifo(std::string name) {
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".fifo") == 0) name.resize(name.size() - 5);
  return name;
}

// Managed resource types with no bearing on load, latency or the modelled cost.
std::optional<std::string> ignored_type(const std::string& type) {
  struct Rule {
    const char* name;
    bool prefix;
    const char* why;
  };
  static const Rule kRules[] = {
      {"aws_iam_", true, "IAM"},
      {"aws_security_group", true, "security groups"},
      {"aws_vpc_security_group_", true, "security group rules"},
      {"aws_vpc", false, "the VPC"},
      {"aws_vpc_dhcp_options", true, "the VPC"},
      {"aws_default_", true, "default VPC resources"},
      {"aws_subnet", false, "subnets"},
      {"aws_route", false, "routes"},
      {"aws_route_table", true, "routes"},
      {"aws_main_route_table_association", false, "routes"},
      {"aws_internet_gateway", false, "the internet gateway"},
      {"aws_egress_only_internet_gateway", false, "the internet gateway"},
      {"aws_network_acl", true, "network ACLs"},
      {"aws_flow_log", false, "flow logs"},
      {"aws_db_subnet_group", false, "subnet groups"},
      {"aws_rds_cluster_parameter_group", false, "engine parameters"},
      {"aws_db_parameter_group", false, "engine parameters"},
      {"aws_db_option_group", false, "engine options"},
      {"aws_cloudwatch_log_", true, "log groups"},
      {"aws_cloudwatch_dashboard", false, "dashboards"},
      {"aws_cloudwatch_metric_alarm", false, "an alarm that notifies (no scaling policy acts on it)"},
      {"aws_ecr_", true, "container images"},
      {"aws_secretsmanager_", true, "secrets"},
      {"aws_kms_", true, "encryption keys"},
      {"aws_ssm_parameter", false, "parameters"},
      {"aws_acm_certificate", true, "TLS certificates"},
      {"aws_route53_record", false, "DNS records"},
      {"aws_sqs_queue_policy", false, "queue policies"},
      {"aws_sns_topic_policy", false, "topic policies"},
      {"aws_service_discovery_", true, "service discovery"},
      {"aws_lb_listener_certificate", false, "TLS certificates"},
      {"aws_lb_target_group_attachment", false, "target registrations (ECS registers its tasks)"},
      {"aws_ecs_cluster_capacity_providers", false, "the cluster's capacity providers (each service's strategy is imported)"},
      {"aws_db_proxy_target", false, "the proxy's target (the database is imported)"},
      {"aws_lambda_permission", false, "permissions"},
      {"aws_s3_bucket_", true, "bucket settings (the bucket itself is listed)"},
      {"aws_wafv2_web_acl_association", false, "the web ACL's association (the web ACL itself is listed)"},
      {"random_", true, "random values"},
      {"null_resource", false, "a null resource"},
      {"terraform_data", false, "a data resource"},
      {"time_", true, "a time resource"},
      {"tls_", true, "keys"},
      {"local_", true, "a local file"},
  };
  for (const auto& r : kRules) {
    if (r.prefix ? type.rfind(r.name, 0) == 0 : type == r.name) return std::string(r.why) + ": outside the model";
  }
  return std::nullopt;
}

bool contains_any(const std::string& haystack, const TfResource& r) {
  for (const char* k : {"arn", "url"}) {
    if (auto v = tf_string(*r.values, {k}); v && !v->empty() && haystack.find(*v) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TerraformImporter::TerraformImporter(TerraformImportOptions options) : options_(std::move(options)) {}

std::string TerraformImporter::queue_key(const TfResource& q) const {
  if (auto n = tf_string(*q.values, {"name"})) return without_fifo(*n);
  return q.name + (q.index.empty() ? "" : "-" + q.index);
}

std::string TerraformImporter::topic_key(const TfResource& t) const {
  if (auto n = tf_string(*t.values, {"name"})) return without_fifo(*n);
  return t.name + (t.index.empty() ? "" : "-" + t.index);
}

const TfResource* TerraformImporter::queue_named(const std::string& name) const {
  for (const TfResource* q : plan_.of_type("aws_sqs_queue")) {
    const auto n = tf_string(*q->values, {"name"});
    if (n && (*n == name || without_fifo(*n) == without_fifo(name))) return q;
  }
  return nullptr;
}

void TerraformImporter::map_database() {
  const auto clusters = plan_.of_type("aws_rds_cluster");
  const auto instances = plan_.of_type("aws_rds_cluster_instance");
  DraftDatabase db;
  bool have = false;
  const TfResource* cluster = nullptr;
  for (const TfResource* c : clusters) {
    handled(c);
    if (have) {
      draft_.not_imported(c->address, "a second database: loadcast models one per scenario");
      continue;
    }
    const std::string engine = tf_string(*c->values, {"engine"}).value_or("");
    if (engine.rfind("aurora", 0) != 0 || scenario_engine(engine).empty()) {
      draft_.not_imported(c->address, "engine '" + engine + "': loadcast models Aurora MySQL and Aurora PostgreSQL clusters");
      continue;
    }
    if (tf_string(*c->values, {"engine_mode"}) == std::optional<std::string>("serverless")) {
      draft_.not_imported(c->address, "engine_mode serverless (Aurora Serverless v1): loadcast models Serverless v2 and provisioned instances");
      continue;
    }
    std::vector<const TfResource*> members;
    for (const TfResource* i : instances) {
      if (plan_.link(*i, {"cluster_identifier"}, {"aws_rds_cluster"}) == c) members.push_back(i);
    }
    if (members.empty()) {
      draft_.not_imported(c->address, "no aws_rds_cluster_instance of this cluster in the plan: loadcast needs its writer");
      continue;
    }
    // Aurora makes the first instance created the writer; the plan cannot say which that is.
    std::stable_partition(members.begin(), members.end(), [](const TfResource* i) { return i->name.find("writer") != std::string::npos; });
    const TfResource* writer = members.front();
    for (const auto* m : members) handled(m);
    db.from = c->address;
    db.engine = Sourced<std::string>{scenario_engine(engine), c->address + " engine " + engine};
    const std::string writer_class = tf_string(*writer->values, {"instance_class"}).value_or("");
    if (writer_class.empty()) {
      draft_.not_imported(writer->address, "instance_class is not known before apply");
      continue;
    }
    if (tf_string(*c->values, {"storage_type"}) == std::optional<std::string>("aurora-iopt1")) db.io_optimized = sourced(true, c->address + " storage_type");
    const int readers = static_cast<int>(members.size()) - 1;
    if (readers > 0) db.readers = sourced(readers, members[1]->address + (readers > 1 ? " and the other instances" : " (the cluster's second instance)"));
    std::string reader_class;
    std::optional<int> tier;
    for (std::size_t k = 1; k < members.size(); ++k) {
      const std::string rc = tf_string(*members[k]->values, {"instance_class"}).value_or("");
      if (k == 1) reader_class = rc;
      else if (rc != reader_class) draft_.not_imported(members[k]->address, "readers of different instance classes: loadcast gives the declared readers one class (the first reader's)");
      if (auto t = tf_number(*members[k]->values, {"promotion_tier"})) tier = static_cast<int>(*t);
    }
    if (writer_class == "db.serverless") {
      db.type = Sourced<std::string>{"aurora_serverless_v2", writer->address + " instance_class db.serverless"};
      if (auto v = tf_number(*c->values, {"serverlessv2_scaling_configuration", "min_capacity"})) db.min_acu = sourced(*v, c->address + " serverlessv2_scaling_configuration.min_capacity");
      if (auto v = tf_number(*c->values, {"serverlessv2_scaling_configuration", "max_capacity"})) db.max_acu = sourced(*v, c->address + " serverlessv2_scaling_configuration.max_capacity");
      if (auto v = tf_number(*c->values, {"serverlessv2_scaling_configuration", "seconds_until_auto_pause"}); v && db.min_acu && db.min_acu->value == 0) {
        db.auto_pause = sourced(tf_seconds(*v), c->address + " serverlessv2_scaling_configuration.seconds_until_auto_pause");
      }
      if (!db.max_acu) draft_.not_imported(c->address, "serverlessv2_scaling_configuration.max_capacity is not known: loadcast's default 4 ACU is kept");
      if (!reader_class.empty() && reader_class != "db.serverless") {
        draft_.not_imported(members[1]->address, "a provisioned reader (" + reader_class + ") in a Serverless v2 cluster: imported as Serverless v2");
      }
    } else {
      db.type = Sourced<std::string>{"aurora_provisioned", writer->address};
      db.instance_class = sourced(writer_class, writer->address + " instance_class");
      if (!reader_class.empty() && reader_class != writer_class) db.reader_instance_class = sourced(reader_class, members[1]->address + " instance_class");
    }
    if (tier) db.reader_tier = sourced(*tier, members[1]->address + " promotion_tier");
    if (readers > 0) draft_.note(writer->address, "Aurora makes the first instance created the writer; loadcast takes this one");
    have = true;
    cluster = c;
  }
  for (const TfResource* i : instances) {
    if (handled_.count(i) == 0) {
      handled(i);
      draft_.not_imported(i->address, "an instance of a cluster loadcast does not model (or not in the plan)");
    }
  }
  for (const TfResource* i : plan_.of_type("aws_db_instance")) {
    handled(i);
    if (have) {
      draft_.not_imported(i->address, "a second database: loadcast models one per scenario");
      continue;
    }
    const std::string engine = tf_string(*i->values, {"engine"}).value_or("");
    const auto cls = tf_string(*i->values, {"instance_class"});
    if (scenario_engine(engine).empty() || !cls) {
      draft_.not_imported(i->address, "engine '" + engine + "': loadcast models MySQL and PostgreSQL instances");
      continue;
    }
    if (tf_string(*i->values, {"replicate_source_db"})) {
      draft_.not_imported(i->address, "a read replica of another instance: loadcast's RDS database is one instance");
      continue;
    }
    db.from = i->address;
    db.type = Sourced<std::string>{"rds", i->address};
    db.engine = Sourced<std::string>{scenario_engine(engine), i->address + " engine " + engine};
    db.instance_class = sourced(*cls, i->address + " instance_class");
    if (tf_bool(*i->values, {"multi_az"}) == std::optional<bool>(true)) {
      draft_.not_imported(i->address, "multi_az: a standby instance doubles the instance cost; loadcast prices one instance");
    }
    have = true;
  }
  for (const TfResource* p : plan_.of_type("aws_db_proxy")) {
    handled(p);
    if (!have || db.proxy) {
      draft_.not_imported(p->address, have ? "a second RDS Proxy: loadcast models one" : "an RDS Proxy without a database loadcast models");
      continue;
    }
    DraftProxy proxy;
    proxy.from = p->address;
    if (auto n = tf_string(*p->values, {"name"})) proxy.name = sourced(*n, p->address + " name");
    for (const TfResource* g : plan_.of_type("aws_db_proxy_default_target_group")) {
      if (plan_.link(*g, {"db_proxy_name"}, {"aws_db_proxy"}) != p) continue;
      handled(g);
      const std::string at = g->address + " connection_pool_config.";
      if (auto v = tf_number(*g->values, {"connection_pool_config", "max_connections_percent"})) proxy.max_connections_percent = sourced(*v, at + "max_connections_percent");
      if (auto v = tf_number(*g->values, {"connection_pool_config", "max_idle_connections_percent"})) proxy.max_idle_connections_percent = sourced(*v, at + "max_idle_connections_percent");
      if (auto v = tf_number(*g->values, {"connection_pool_config", "connection_borrow_timeout"})) proxy.borrow_timeout = sourced(tf_seconds(*v), at + "connection_borrow_timeout");
      if (!tf_blocks(*g->values, {"connection_pool_config", "session_pinning_filters"}).empty()) {
        draft_.note(g->address, "session_pinning_filters: session pinning is not modelled (every query multiplexes)");
      }
    }
    db.proxy = proxy;
  }
  for (const TfResource* g : plan_.of_type("aws_db_proxy_default_target_group")) {
    if (handled_.count(g) == 0) {
      handled(g);
      draft_.not_imported(g->address, "the target group of an RDS Proxy loadcast does not model");
    }
  }
  // Aurora replica auto scaling.
  for (const TfResource* t : plan_.of_type("aws_appautoscaling_target")) {
    if (tf_string(*t->values, {"scalable_dimension"}) != std::optional<std::string>("rds:cluster:ReadReplicaCount")) continue;
    handled(t);
    if (cluster == nullptr || db.type.value != "aurora_provisioned") {
      draft_.not_imported(t->address, "replica auto scaling of a cluster loadcast does not model as provisioned Aurora");
      continue;
    }
    DraftReplicaScaling rs;
    rs.from = t->address;
    rs.min = static_cast<int>(tf_number(*t->values, {"min_capacity"}).value_or(0));
    rs.max = static_cast<int>(tf_number(*t->values, {"max_capacity"}).value_or(rs.min));
    bool have_policy = false;
    for (const TfResource* p : plan_.of_type("aws_appautoscaling_policy")) {
      const auto id = tf_string(*p->values, {"resource_id"});
      const auto mine = tf_string(*t->values, {"resource_id"});
      const bool linked = (id && mine) ? *id == *mine : (plan_.config_refers(*p, *t) || plan_.link(*p, {"resource_id"}, {"aws_rds_cluster"}) == cluster);
      if (!linked) continue;
      handled(p);
      const Json* cfg = tf_at(*p->values, {"target_tracking_scaling_policy_configuration"});
      if (tf_string(*p->values, {"policy_type"}) != std::optional<std::string>("TargetTrackingScaling") || cfg == nullptr) {
        draft_.not_imported(p->address, "a step scaling policy on Aurora replicas: loadcast scales replicas by target tracking");
        continue;
      }
      const std::string metric = tf_string(*cfg, {"predefined_metric_specification", "predefined_metric_type"}).value_or("");
      if (metric == "RDSReaderAverageCPUUtilization") rs.metric = "reader_cpu";
      else if (metric == "RDSReaderAverageDatabaseConnections") rs.metric = "reader_connections";
      else {
        draft_.not_imported(p->address, "replica scaling on " + (metric.empty() ? std::string("a customized metric") : metric) +
                                            ": loadcast has meters for RDSReaderAverageCPUUtilization and RDSReaderAverageDatabaseConnections");
        continue;
      }
      rs.target = tf_number(*cfg, {"target_value"}).value_or(rs.target);
      if (auto v = tf_number(*cfg, {"scale_in_cooldown"})) rs.scale_in_cooldown = tf_seconds(*v);
      if (auto v = tf_number(*cfg, {"scale_out_cooldown"})) rs.scale_out_cooldown = tf_seconds(*v);
      if (auto v = tf_bool(*cfg, {"disable_scale_in"})) rs.disable_scale_in = *v;
      rs.from += ", " + p->address;
      have_policy = true;
    }
    if (!have_policy) {
      draft_.not_imported(t->address, "replica bounds without a target tracking policy loadcast can model");
      continue;
    }
    const int readers = db.readers ? db.readers->value : 0;
    if (readers < rs.min || readers > rs.max) {
      db.readers = sourced(std::clamp(readers, rs.min, rs.max), t->address + " (declared readers " + std::to_string(readers) + ", within min..max)");
    }
    db.replica_autoscaling = rs;
  }
  for (const TfResource* p : plan_.of_type("aws_appautoscaling_policy")) {
    if (handled_.count(p) == 0 && tf_string(*p->values, {"scalable_dimension"}) == std::optional<std::string>("rds:cluster:ReadReplicaCount")) {
      handled(p);
      draft_.not_imported(p->address, "a replica scaling policy whose scalable target is not in the plan");
    }
  }
  if (have) draft_.database = db;
}

void TerraformImporter::map_workers() {
  for (auto& [svc, name] : service_names_) {
    DraftService* s = draft_.service(name);
    if (s == nullptr) continue;
    const TfResource* td = task_defs_.count(svc) ? task_defs_.at(svc) : nullptr;
    const std::string defs = td ? tf_string(*td->values, {"container_definitions"}).value_or("") : std::string();
    auto referenced = [&](const std::string& type) {
      std::vector<const TfResource*> out;
      for (const TfResource* r : plan_.of_type(type)) {
        if ((!defs.empty() && contains_any(defs, *r)) || (td && plan_.config_refers(*td, *r))) out.push_back(r);
      }
      return out;
    };
    for (const TfResource* t : referenced("aws_sns_topic")) {
      if (draft_.topic(topic_key(*t)) != nullptr) s->publish_topics.push_back(topic_key(*t));
    }
    if (behind_alb_.count(svc)) continue;
    const TfResource* queue = nullptr;
    std::string how;
    if (auto hint = worker_queue_hint_.find(name); hint != worker_queue_hint_.end()) {
      queue = queue_named(hint->second);
      how = "scales on queue " + hint->second;
    }
    if (queue == nullptr) {
      std::vector<const TfResource*> candidates;
      for (const TfResource* q : referenced("aws_sqs_queue")) {
        bool is_dlq = false;
        for (const auto& dq : draft_.queues) is_dlq = is_dlq || (dq.dead_letter_queue && dq.dead_letter_queue->value == queue_key(*q));
        if (!is_dlq) candidates.push_back(q);
      }
      if (!candidates.empty()) {
        queue = candidates.front();
        how = "its task definition names queue " + queue_key(*queue);
        if (candidates.size() > 1) draft_.not_imported(svc->address, "its tasks name several queues; loadcast's worker consumes one (" + queue_key(*queue) + ")");
      }
    }
    if (queue != nullptr && draft_.queue(queue_key(*queue)) != nullptr) {
      s->queue = queue_key(*queue);
      s->kind = "aws_ecs_service (a worker: " + how + ")";
      continue;
    }
    // Not a worker: a policy on a queue metric cannot stay.
    if (s->autoscaling) {
      auto& ps = s->autoscaling->policies;
      for (auto it = ps.begin(); it != ps.end();) {
        if (it->metric == "backlog_per_task" || it->metric == "oldest_message_age") {
          draft_.not_imported(it->from, "scaling on a queue metric of a service that consumes no queue of the plan");
          it = ps.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
}

void TerraformImporter::classify_rest() {
  for (const auto& r : plan_.resources()) {
    if (handled_.count(&r)) continue;
    if (r.data) {
      draft_.ignored(r.address, "data sources (they read, they create nothing)");
      continue;
    }
    if (r.type == "aws_ecs_cluster") {
      bool insights = false;
      for (const Json* s : tf_blocks(*r.values, {"setting"})) {
        insights = insights || (s->value("name", "") == "containerInsights" && (s->value("value", "") == "enabled" || s->value("value", "") == "enhanced"));
      }
      if (insights) draft_.not_imported(r.address, "Container Insights costs CloudWatch metrics and logs, which loadcast does not meter (add a cost.fixed_costs item)");
      else draft_.ignored(r.address, "aws_ecs_cluster (the cluster: its services are imported)");
      continue;
    }
    if (auto why = ignored_type(r.type)) {
      draft_.ignored(r.address, r.type + " (" + *why + ")");
    } else {
      draft_.not_imported(r.address, r.type + ": loadcast does not model it");
    }
  }
}

Draft TerraformImporter::run() {
  if (options_.files.empty()) throw ImportError({"no file to import"});
  for (const auto& f : options_.files) plan_.add_file(f, f);
  draft_.name = options_.name.empty() ? std::filesystem::path(options_.files.front()).stem().string() : options_.name;
  draft_.command = "loadcast import terraform";
  for (const auto& f : options_.files) draft_.command += " " + f;
  draft_.description = "from terraform show -json";
  std::string from;
  if (auto region = plan_.region(from)) draft_.region = sourced(*region, from);
  map_services();
  map_load_balancer();
  map_messaging();
  map_autoscaling();
  map_workers();
  map_database();
  map_costs();
  classify_rest();
  // Services in the order the listener reaches them do not matter; keep the plan's order.
  return std::move(draft_);
}

ImportResult import_terraform(const TerraformImportOptions& options) {
  TerraformImporter importer(options);
  return write_scenario(importer.run());
}

}  // namespace loadcast::scenario
