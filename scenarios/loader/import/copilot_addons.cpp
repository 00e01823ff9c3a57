// The CloudFormation addons of a Copilot workspace (copilot_importer.hpp): environment addons
// (copilot/environments/addons/*.yml, parameters App and Env) and workload addons
// (copilot/<workload>/addons/*.yml, parameters App, Env and Name), each with the extra
// parameters of its addons.parameters.yml, which may refer to the parent stack (a workload's
// EventsQueue, say). [doc] https://aws.github.io/copilot-cli/docs/developing/addons/environment/
// and .../addons/workload/. Mapped: the Aurora or RDS database (AWS::RDS::DBCluster,
// AWS::RDS::DBInstance, AWS::RDS::DBProxy + AWS::RDS::DBProxyTargetGroup, replica auto scaling
// through AWS::ApplicationAutoScaling::ScalableTarget/ScalingPolicy on rds:cluster:ReadReplicaCount)
// and EventBridge schedules sending to a worker's queue (AWS::Scheduler::Schedule,
// AWS::Events::Rule). CloudFormation's property names: [doc]
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbcluster.html,
// aws-resource-rds-dbinstance.html, aws-resource-rds-dbproxytargetgroup.html,
// aws-resource-applicationautoscaling-scalingpolicy.html, aws-resource-scheduler-schedule.html.
#include <algorithm>
#include <filesystem>

#include "scenarios/loader/import/copilot_importer.hpp"
#include "scenarios/loader/import/schedule_expression.hpp"

namespace fs = std::filesystem;

namespace loadcast::scenario {

namespace {

constexpr const char* kParentTag = "!Parent";

// Resource types with no bearing on load, latency or the modelled cost, and why.
std::optional<std::string> ignored_type(const std::string& type) {
  struct Prefix {
    const char* prefix;
    const char* reason;
  };
  static const Prefix kIgnored[] = {
      {"AWS::IAM::", "IAM"},
      {"AWS::EC2::SecurityGroup", "security groups"},
      {"AWS::RDS::DBSubnetGroup", "subnet groups"},
      {"AWS::RDS::DBClusterParameterGroup", "engine parameters"},
      {"AWS::RDS::DBParameterGroup", "engine parameters"},
      {"AWS::SecretsManager::", "secrets"},
      {"AWS::KMS::", "encryption keys"},
      {"AWS::Logs::", "log groups"},
      {"AWS::SSM::Parameter", "parameters"},
      {"AWS::SQS::QueuePolicy", "queue policies"},
      {"AWS::SNS::TopicPolicy", "topic policies"},
      {"AWS::Lambda::Permission", "permissions"},
      {"AWS::Route53::RecordSet", "DNS records"},
      {"AWS::Scheduler::ScheduleGroup", "schedule groups"},
  };
  for (const auto& p : kIgnored) {
    if (type.rfind(p.prefix, 0) == 0) return std::string(p.reason) + ": outside the model";
  }
  return std::nullopt;
}

bool database_type(const std::string& type) {
  return type == "AWS::RDS::DBCluster" || type == "AWS::RDS::DBInstance" || type == "AWS::RDS::DBProxy" ||
         type == "AWS::RDS::DBProxyTargetGroup";
}

// Whether `value` (an evaluated property) names resource `id`: a Ref/GetAtt to it, or its
// physical name given as a string.
bool refers_to(const YamlTree& value, const std::string& id, const std::optional<std::string>& physical) {
  if (auto r = cfn_referenced_id(value)) return *r == id;
  if (auto s = cfn_string(value)) return physical && *s == *physical;
  return false;
}

}  // namespace

std::map<std::string, YamlTree> CopilotImporter::addon_parameters(const std::string& addons_dir, const std::string& workload) {
  std::map<std::string, YamlTree> out;
  out["App"] = YamlTree::make_scalar(app_);
  out["Env"] = YamlTree::make_scalar(env_.empty() ? "env" : env_);
  if (!workload.empty()) out["Name"] = YamlTree::make_scalar(workload);
  const fs::path file = fs::path(addons_dir) / "addons.parameters.yml";
  std::error_code ec;
  if (!fs::exists(file, ec)) return out;
  const YamlTree t = read_yaml_file(file.string(), shown(file.string()));
  const YamlTree* params = t.find("Parameters");
  if (params == nullptr || !params->is_map()) {
    throw ImportError({location(shown(file.string()), t) + ": addons.parameters.yml needs a Parameters mapping"});
  }
  for (const auto& e : params->entries) {
    const YamlTree& v = e.value;
    // A reference to the parent stack (the environment's or the workload's) stays symbolic.
    std::optional<std::string> parent;
    if (v.tag == "!Ref" || v.tag == "!GetAtt") parent = v.is_scalar() ? v.scalar : std::string();
    if (v.is_map() && v.entries.size() == 1 && (v.entries[0].key == "Ref" || v.entries[0].key == "Fn::GetAtt") && v.entries[0].value.is_scalar()) {
      parent = v.entries[0].value.scalar;
    }
    out[e.key] = parent ? YamlTree::make_scalar(*parent, kParentTag) : v;
  }
  return out;
}

void CopilotImporter::read_addons() {
  std::vector<std::pair<fs::path, std::string>> dirs;  // addons dir, workload ("" for the environment)
  dirs.emplace_back(fs::path(copilot_) / "environments" / "addons", "");
  for (const auto& w : workloads_) dirs.emplace_back(fs::path(w.dir) / "addons", w.name);
  for (const auto& [dir, workload] : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const std::string ext = e.path().extension().string();
      if (!e.is_regular_file() || (ext != ".yml" && ext != ".yaml")) continue;
      if (e.path().filename() == "addons.parameters.yml") continue;
      files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    const auto params = files.empty() ? std::map<std::string, YamlTree>{} : addon_parameters(dir.string(), workload);
    for (const auto& f : files) {
      const std::string file = shown(f.string());
      CfnTemplate t(read_yaml_file(f.string(), file), file, params, draft_.region ? draft_.region->value : std::string());
      for (const auto& [id, cond] : t.skipped()) draft_.note(file + " " + id, "left out in environment " + env_ + " (Condition " + cond + " is false)");
      map_addon(t, workload);
    }
  }
}

void CopilotImporter::map_addon(const CfnTemplate& t, const std::string& workload) {
  bool has_db = false;
  for (const auto& r : t.resources()) has_db = has_db || database_type(r.type);
  if (has_db) map_database(t);
  map_schedules(t, workload);
  for (const auto& r : t.resources()) {
    const bool db_scaling = r.type.rfind("AWS::ApplicationAutoScaling::", 0) == 0 && has_db;
    if (database_type(r.type) || db_scaling || r.type == "AWS::Scheduler::Schedule" || r.type == "AWS::Events::Rule") continue;
    if (r.type == "AWS::ElastiCache::ServerlessCache") {
      map_serverless_cache(t, r);
      continue;
    }
    if (auto why = ignored_type(r.type)) {
      draft_.ignored(t.where(r), r.type + " (" + *why + ")");
    } else {
      draft_.not_imported(t.where(r), r.type + ": loadcast does not model it");
    }
  }
}

// ElastiCache Serverless for Valkey bills the GB it stores per hour and the ECPUs its commands
// use ([doc] https://aws.amazon.com/elasticache/pricing/): a billed resource loadcast does not
// simulate, so a fixed cost of its stored GB (an assumption to fill in; the ECPUs are not priced).
// Other engines have no price in the table and stay listed.
void CopilotImporter::map_serverless_cache(const CfnTemplate& t, const CfnResource& r) {
  const auto engine = t.property(r, "Engine");
  const std::string name = engine ? cfn_string(*engine).value_or("") : std::string();
  if (name != "valkey") {
    draft_.not_imported(t.where(r), r.type + " with engine '" + name + "': the price table has ElastiCache Serverless for Valkey only");
    return;
  }
  draft_.fixed_costs.push_back({t.where(r), "elasticache", "elasticache_valkey_serverless.gb_hour", 1.0, 0.0,
                                "ElastiCache Serverless for Valkey (" + r.id + ") holding 1 GB all month (ASSUMPTION); its ECPUs are not priced"});
  draft_.fill_in.push_back("cost.fixed_costs elasticache (" + t.where(r) + "): the GB the cache holds (now 1, as count)");
}

void CopilotImporter::map_database(const CfnTemplate& t) {
  const CfnResource* cluster = nullptr;
  std::vector<const CfnResource*> instances, proxies, groups, targets, policies;
  for (const auto& r : t.resources()) {
    if (r.type == "AWS::RDS::DBCluster") {
      if (cluster == nullptr && !database_seen_) cluster = &r;
      else draft_.not_imported(t.where(r), "a second database: loadcast models one per scenario");
    } else if (r.type == "AWS::RDS::DBInstance") {
      instances.push_back(&r);
    } else if (r.type == "AWS::RDS::DBProxy") {
      proxies.push_back(&r);
    } else if (r.type == "AWS::RDS::DBProxyTargetGroup") {
      groups.push_back(&r);
    } else if (r.type == "AWS::ApplicationAutoScaling::ScalableTarget") {
      targets.push_back(&r);
    } else if (r.type == "AWS::ApplicationAutoScaling::ScalingPolicy") {
      policies.push_back(&r);
    }
  }
  DraftDatabase db;
  std::vector<const CfnResource*> members;
  if (cluster != nullptr) {
    db.from = t.where(*cluster);
    const auto physical = t.property(*cluster, "DBClusterIdentifier");
    const std::optional<std::string> cluster_name = physical ? cfn_string(*physical) : std::nullopt;
    const auto engine = t.property(*cluster, "Engine");
    const std::string e = engine ? scenario_engine(cfn_string(*engine).value_or("")) : std::string();
    if (e.empty() || !engine || cfn_string(*engine)->rfind("aurora", 0) != 0) {
      draft_.not_imported(t.where(*cluster), "DBCluster engine '" + (engine ? cfn_string(*engine).value_or("?") : std::string("?")) +
                                                 "': loadcast models Aurora MySQL and Aurora PostgreSQL clusters");
      return;
    }
    db.engine = Sourced<std::string>{e, t.where(*engine)};
    if (const auto mode = t.property(*cluster, "EngineMode"); mode && cfn_string(*mode) == std::optional<std::string>("serverless")) {
      draft_.not_imported(t.where(*mode), "EngineMode serverless (Aurora Serverless v1): loadcast models Serverless v2 and provisioned instances");
      return;
    }
    if (const auto st = t.property(*cluster, "StorageType"); st && cfn_string(*st) == std::optional<std::string>("aurora-iopt1")) {
      db.io_optimized = sourced(true, t.where(*st));
    }
    for (const auto* i : instances) {
      const auto id = t.property(*i, "DBClusterIdentifier");
      if (id && refers_to(*id, cluster->id, cluster_name)) members.push_back(i);
    }
    if (members.empty()) {
      draft_.not_imported(t.where(*cluster), "the cluster has no DBInstance in this template; loadcast needs its writer");
      return;
    }
    const CfnResource* writer = members.front();
    const auto cls = t.property(*writer, "DBInstanceClass");
    const std::string writer_class = cls ? cfn_string(*cls).value_or("") : "";
    if (writer_class.empty()) {
      draft_.not_imported(t.where(*writer), "DBInstanceClass cannot be resolved before deployment");
      return;
    }
    const int readers = static_cast<int>(members.size()) - 1;
    if (readers > 0) db.readers = sourced(readers, t.where(*members[1]) + (readers > 1 ? " and the other instances of the cluster" : " (the cluster's second instance)"));
    std::string reader_class;
    std::optional<int> tier;
    bool mixed = false;
    for (std::size_t k = 1; k < members.size(); ++k) {
      const auto c = t.property(*members[k], "DBInstanceClass");
      const std::string rc = c ? cfn_string(*c).value_or("") : "";
      if (k == 1) reader_class = rc;
      else mixed = mixed || rc != reader_class;
      if (const auto pt = t.property(*members[k], "PromotionTier")) {
        if (const auto v = cfn_number(*pt)) tier = static_cast<int>(*v);
      }
    }
    if (mixed) draft_.not_imported(t.where(*members[1]), "readers of different instance classes: loadcast gives every declared reader one class (the first reader's)");
    if (writer_class == "db.serverless") {
      db.type = Sourced<std::string>{"aurora_serverless_v2", t.where(*writer) + " DBInstanceClass db.serverless"};
      if (!reader_class.empty() && reader_class != "db.serverless") {
        draft_.not_imported(t.where(*members[1]), "a provisioned reader (" + reader_class + ") in a Serverless v2 cluster: imported as Serverless v2");
      }
      if (const auto sc = t.property(*cluster, "ServerlessV2ScalingConfiguration")) {
        if (const YamlTree* v = sc->find("MinCapacity")) {
          if (auto n = cfn_number(*v)) db.min_acu = sourced(*n, t.where(*cluster) + " ServerlessV2ScalingConfiguration.MinCapacity");
        }
        if (const YamlTree* v = sc->find("MaxCapacity")) {
          if (auto n = cfn_number(*v)) db.max_acu = sourced(*n, t.where(*cluster) + " ServerlessV2ScalingConfiguration.MaxCapacity");
        }
        if (const YamlTree* v = sc->find("SecondsUntilAutoPause")) {
          if (auto n = cfn_number(*v)) db.auto_pause = sourced(static_cast<sim::Time>(*n) * sim::kSecond, t.where(*cluster) + " SecondsUntilAutoPause");
        }
      }
      if (!db.max_acu) draft_.not_imported(t.where(*cluster), "ServerlessV2ScalingConfiguration.MaxCapacity cannot be resolved; loadcast's default 4 ACU is kept");
    } else {
      db.type = Sourced<std::string>{"aurora_provisioned", t.where(*writer)};
      db.instance_class = sourced(writer_class, t.where(*writer) + " DBInstanceClass");
      if (!reader_class.empty() && reader_class != writer_class) {
        db.reader_instance_class = sourced(reader_class, t.where(*members[1]) + " DBInstanceClass");
      }
    }
    if (tier) db.reader_tier = sourced(*tier, t.where(*members[1]) + " PromotionTier");
    if (db.readers || db.reader_tier) {
      draft_.note(t.where(*writer), "Aurora makes the first instance created the writer; loadcast takes " + writer->id + ", the first in the template");
    }
  } else {
    // One RDS instance outside any cluster.
    const CfnResource* inst = nullptr;
    for (const auto* i : instances) {
      if (t.property(*i, "DBClusterIdentifier")) continue;
      if (inst == nullptr && !database_seen_) inst = i;
      else draft_.not_imported(t.where(*i), "a second database: loadcast models one per scenario");
    }
    if (inst == nullptr) return;
    db.from = t.where(*inst);
    const auto engine = t.property(*inst, "Engine");
    const std::string e = engine ? scenario_engine(cfn_string(*engine).value_or("")) : std::string();
    const auto cls = t.property(*inst, "DBInstanceClass");
    if (e.empty() || !cls || !cfn_string(*cls)) {
      draft_.not_imported(t.where(*inst), "a DBInstance whose engine or class cannot be read: loadcast models MySQL and PostgreSQL");
      return;
    }
    db.type = Sourced<std::string>{"rds", t.where(*inst)};
    db.engine = Sourced<std::string>{e, t.where(*engine)};
    db.instance_class = sourced(*cfn_string(*cls), t.where(*inst) + " DBInstanceClass");
    if (const auto maz = t.property(*inst, "MultiAZ"); maz && cfn_bool(*maz) == std::optional<bool>(true)) {
      draft_.not_imported(t.where(*inst), "MultiAZ: a standby instance doubles the instance cost; loadcast prices one instance");
    }
    if (const auto src = t.property(*inst, "SourceDBInstanceIdentifier")) {
      draft_.not_imported(t.where(*inst), "a read replica of another instance: loadcast's RDS database is one instance");
    }
    members.push_back(inst);
  }
  // Instances of other clusters, or a second standalone one, are reported above or here.
  for (const auto* i : instances) {
    if (std::find(members.begin(), members.end(), i) != members.end()) continue;
    if (cluster != nullptr && !t.property(*i, "DBClusterIdentifier")) {
      draft_.not_imported(t.where(*i), "a second database: loadcast models one per scenario");
    } else if (cluster != nullptr) {
      draft_.not_imported(t.where(*i), "an instance of another cluster: loadcast models one database");
    }
  }
  for (const auto* p : proxies) {
    if (db.proxy) {
      draft_.not_imported(t.where(*p), "a second RDS Proxy: loadcast models one");
      continue;
    }
    DraftProxy proxy;
    proxy.from = t.where(*p);
    const auto pname = t.property(*p, "DBProxyName");
    const std::optional<std::string> physical = pname ? cfn_string(*pname) : std::nullopt;
    for (const auto* g : groups) {
      const auto ref = t.property(*g, "DBProxyName");
      if (!ref || !refers_to(*ref, p->id, physical)) continue;
      const auto pool = t.property(*g, "ConnectionPoolConfigurationInfo");
      if (!pool) continue;
      const std::string at = t.where(*g) + " ConnectionPoolConfigurationInfo.";
      if (const YamlTree* v = pool->find("MaxConnectionsPercent")) {
        if (auto n = cfn_number(*v)) proxy.max_connections_percent = sourced(*n, at + "MaxConnectionsPercent");
      }
      if (const YamlTree* v = pool->find("MaxIdleConnectionsPercent")) {
        if (auto n = cfn_number(*v)) proxy.max_idle_connections_percent = sourced(*n, at + "MaxIdleConnectionsPercent");
      }
      if (const YamlTree* v = pool->find("ConnectionBorrowTimeout")) {
        if (auto n = cfn_number(*v)) proxy.borrow_timeout = sourced(static_cast<sim::Time>(*n) * sim::kSecond, at + "ConnectionBorrowTimeout");
      }
      if (pool->find("SessionPinningFilters") || pool->find("InitQuery")) {
        draft_.note(t.where(*g), "SessionPinningFilters / InitQuery: session pinning is not modelled (every query multiplexes)");
      }
    }
    if (physical) proxy.name = sourced(*physical, t.where(*p) + " DBProxyName");
    db.proxy = proxy;
  }
  for (const auto* target : targets) {
    const auto dim = t.property(*target, "ScalableDimension");
    if (!dim || cfn_string(*dim) != std::optional<std::string>("rds:cluster:ReadReplicaCount")) {
      draft_.not_imported(t.where(*target), "a scalable target other than Aurora replicas (" + (dim ? cfn_string(*dim).value_or("?") : std::string("?")) +
                                                "): loadcast scales the services Copilot declares");
      continue;
    }
    if (db.type.value != "aurora_provisioned") {
      draft_.not_imported(t.where(*target), "replica auto scaling of a Serverless v2 cluster: loadcast scales provisioned readers only");
      continue;
    }
    const auto lo = t.property(*target, "MinCapacity");
    const auto hi = t.property(*target, "MaxCapacity");
    if (!lo || !hi || !cfn_number(*lo) || !cfn_number(*hi)) {
      draft_.not_imported(t.where(*target), "MinCapacity/MaxCapacity cannot be resolved before deployment");
      continue;
    }
    DraftReplicaScaling rs;
    rs.from = t.where(*target);
    rs.min = static_cast<int>(*cfn_number(*lo));
    rs.max = static_cast<int>(*cfn_number(*hi));
    bool have_policy = false;
    for (const auto* p : policies) {
      const auto id = t.property(*p, "ScalingTargetId");
      if (!id || !refers_to(*id, target->id, std::nullopt)) continue;
      const auto type = t.property(*p, "PolicyType");
      const auto tt = t.property(*p, "TargetTrackingScalingPolicyConfiguration");
      if (!type || cfn_string(*type) != std::optional<std::string>("TargetTrackingScaling") || !tt) {
        draft_.not_imported(t.where(*p), "a step scaling policy on Aurora replicas: loadcast scales replicas by target tracking");
        continue;
      }
      const YamlTree* pre = tt->find("PredefinedMetricSpecification");
      const YamlTree* kind = pre ? pre->find("PredefinedMetricType") : nullptr;
      const std::string metric = kind ? cfn_string(*kind).value_or("") : "";
      if (metric == "RDSReaderAverageCPUUtilization") rs.metric = "reader_cpu";
      else if (metric == "RDSReaderAverageDatabaseConnections") rs.metric = "reader_connections";
      else {
        draft_.not_imported(t.where(*p), "replica scaling on " + (metric.empty() ? std::string("a customized metric") : metric) +
                                             ": loadcast has meters for RDSReaderAverageCPUUtilization and RDSReaderAverageDatabaseConnections");
        continue;
      }
      if (const YamlTree* v = tt->find("TargetValue")) rs.target = cfn_number(*v).value_or(rs.target);
      if (const YamlTree* v = tt->find("ScaleInCooldown")) {
        if (auto n = cfn_number(*v)) rs.scale_in_cooldown = static_cast<sim::Time>(*n) * sim::kSecond;
      }
      if (const YamlTree* v = tt->find("ScaleOutCooldown")) {
        if (auto n = cfn_number(*v)) rs.scale_out_cooldown = static_cast<sim::Time>(*n) * sim::kSecond;
      }
      if (const YamlTree* v = tt->find("DisableScaleIn")) rs.disable_scale_in = cfn_bool(*v).value_or(false);
      rs.from += ", " + t.where(*p);
      have_policy = true;
      break;
    }
    if (!have_policy) {
      draft_.not_imported(t.where(*target), "replica bounds without a target tracking policy loadcast can model");
      continue;
    }
    const int readers = db.readers ? db.readers->value : 0;
    if (readers < rs.min || readers > rs.max) {
      const int clamped = std::clamp(readers, rs.min, rs.max);
      db.readers = sourced(clamped, t.where(*target) + " (declared readers " + std::to_string(readers) + ", within MinCapacity..MaxCapacity)");
    }
    db.replica_autoscaling = rs;
  }
  for (const auto* p : policies) {
    const auto id = t.property(*p, "ScalingTargetId");
    bool linked = false;
    for (const auto* target : targets) linked = linked || (id && refers_to(*id, target->id, std::nullopt));
    if (!linked) draft_.not_imported(t.where(*p), "a scaling policy whose scalable target is not in this template");
  }
  database_seen_ = true;
  draft_.database = db;
}

void CopilotImporter::map_schedules(const CfnTemplate& t, const std::string& workload) {
  for (const auto& r : t.resources()) {
    const bool scheduler = r.type == "AWS::Scheduler::Schedule";
    if (!scheduler && r.type != "AWS::Events::Rule") continue;
    const auto state = t.property(r, "State");
    if (state && (cfn_string(*state) == std::optional<std::string>("DISABLED"))) {
      draft_.note(t.where(r), "State DISABLED: the schedule does not fire");
      continue;
    }
    const auto expression = t.property(r, "ScheduleExpression");
    if (!expression) {
      draft_.not_imported(t.where(r), "an EventBridge rule on an event pattern: loadcast has no such events");
      continue;
    }
    const std::string expr = cfn_string(*expression).value_or("");
    std::vector<YamlTree> target_nodes;
    if (scheduler) {
      if (auto target = t.property(r, "Target")) target_nodes.push_back(*target);
    } else if (auto targets = t.property(r, "Targets"); targets && targets->is_sequence()) {
      target_nodes = targets->items;
    }
    for (const auto& target : target_nodes) {
      const YamlTree* arn = target.find("Arn");
      std::optional<std::string> queue;
      if (arn && arn->tag == kParentTag && !workload.empty() && (arn->scalar == "EventsQueue" || arn->scalar.rfind("EventsQueue.", 0) == 0)) {
        queue = workload;
      }
      DraftQueue* q = queue ? draft_.queue(*queue) : nullptr;
      if (q == nullptr) {
        draft_.not_imported(t.where(r), "an EventBridge schedule whose target is not a worker's queue (only " +
                                            std::string("a workload addon's parameter set to !GetAtt EventsQueue.Arn is recognised)"));
        continue;
      }
      std::string why;
      const auto rec = parse_recurrence(expr, why);
      if (!rec) {
        draft_.not_imported(t.where(r), "ScheduleExpression: " + why);
        continue;
      }
      if (!rec->approximation.empty()) draft_.not_imported(t.where(r), "ScheduleExpression '" + expr + "': " + rec->approximation);
      if (const auto tz = t.property(r, "ScheduleExpressionTimezone")) {
        draft_.note(t.where(r), "ScheduleExpressionTimezone " + cfn_string(*tz).value_or("?") + ": the run is taken to start at 00:00 of that zone");
      }
      DraftSchedule s;
      s.from = t.where(r) + " '" + expr + "'";
      s.every = rec->every;
      s.start = rec->start;
      q->schedules.push_back(s);
    }
  }
}

}  // namespace loadcast::scenario
