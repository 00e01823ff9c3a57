#include "cost/usage_json.hpp"

#include <functional>
#include <set>
#include <stdexcept>

namespace loadcast::cost {

namespace {

using reports::Json;

// Reads one object strictly: every key must be read, numbers must be numbers.
class Obj {
 public:
  Obj(const Json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) throw std::runtime_error("usage: '" + path_ + "' must be an object");
  }
  double num(const char* key) {
    seen_.insert(key);
    if (!j_.contains(key)) return 0.0;
    if (!j_.at(key).is_number()) throw std::runtime_error("usage: '" + path_ + "." + key + "' must be a number");
    return j_.at(key).get<double>();
  }
  std::string str(const char* key) {
    seen_.insert(key);
    if (!j_.contains(key)) return {};
    if (!j_.at(key).is_string()) throw std::runtime_error("usage: '" + path_ + "." + key + "' must be a string");
    return j_.at(key).get<std::string>();
  }
  bool flag(const char* key, bool fallback) {
    seen_.insert(key);
    if (!j_.contains(key)) return fallback;
    if (!j_.at(key).is_boolean()) throw std::runtime_error("usage: '" + path_ + "." + key + "' must be true or false");
    return j_.at(key).get<bool>();
  }
  const Json* list(const char* key) {
    seen_.insert(key);
    if (!j_.contains(key)) return nullptr;
    if (!j_.at(key).is_array()) throw std::runtime_error("usage: '" + path_ + "." + key + "' must be a list");
    return &j_.at(key);
  }
  void finish() const {
    for (const auto& [k, v] : j_.items()) {
      if (!seen_.count(k)) throw std::runtime_error("usage: unknown key '" + path_ + "." + k + "'");
    }
  }

 private:
  const Json& j_;
  std::string path_;
  std::set<std::string> seen_;
};

template <typename T>
void read_list(Obj& o, const char* key, std::vector<T>& out, const std::function<T(Obj&)>& fn) {
  const Json* l = o.list(key);
  if (l == nullptr) return;
  for (std::size_t i = 0; i < l->size(); ++i) {
    Obj item((*l)[i], std::string(key) + "[" + std::to_string(i) + "]");
    out.push_back(fn(item));
    item.finish();
  }
}

AuroraStorage storage_of(const std::string& s, const std::string& where) {
  if (s == "standard" || s.empty()) return AuroraStorage::kStandard;
  if (s == "io_optimized") return AuroraStorage::kIoOptimized;
  throw std::runtime_error("usage: " + where + " storage must be standard or io_optimized, found '" + s + "'");
}

}  // namespace

Json usage_to_section(const Usage& u) {
  Json j;
  j["metered_seconds"] = u.metered_seconds;
  Json a = Json::array();
  for (const auto& f : u.fargate) {
    a.push_back(Json{{"service", f.service}, {"arch", to_string(f.arch)}, {"capacity", to_string(f.capacity)},
                     {"vcpu_seconds", f.vcpu_seconds}, {"gb_seconds", f.gb_seconds}, {"ephemeral_gb_seconds", f.ephemeral_gb_seconds},
                     {"task_seconds", f.task_seconds}, {"tasks", f.tasks}});
  }
  j["fargate"] = a;
  a = Json::array();
  for (const auto& x : u.albs) {
    a.push_back(Json{{"name", x.name}, {"seconds", x.seconds}, {"lcu_hours", x.lcu_hours},
                     {"new_connections", x.totals.new_connections},
                     {"active_connection_seconds", x.totals.active_connection_seconds},
                     {"processed_bytes", x.totals.processed_bytes}, {"requests", x.totals.requests},
                     {"rule_evaluations", x.totals.rule_evaluations}, {"lambda_targets", x.totals.lambda_targets}});
  }
  j["albs"] = a;
  a = Json::array();
  for (const auto& x : u.aurora_serverless) {
    a.push_back(Json{{"instance", x.instance}, {"cluster", x.cluster}, {"storage", to_string(x.storage)}, {"acu_seconds", x.acu_seconds}});
  }
  j["aurora_serverless"] = a;
  a = Json::array();
  for (const auto& x : u.aurora_provisioned) {
    a.push_back(Json{{"instance", x.instance}, {"cluster", x.cluster}, {"instance_class", x.instance_class},
                     {"storage", to_string(x.storage)}, {"instance_seconds", x.instance_seconds}});
  }
  j["aurora_provisioned"] = a;
  a = Json::array();
  for (const auto& x : u.aurora_clusters) {
    a.push_back(Json{{"cluster", x.cluster}, {"storage", to_string(x.storage)}, {"storage_gb_seconds", x.storage_gb_seconds},
                     {"backup_gb_seconds", x.backup_gb_seconds}, {"io_requests", x.io_requests},
                     {"read_io_requests", x.read_io_requests}, {"write_io_requests", x.write_io_requests}});
  }
  j["aurora_clusters"] = a;
  a = Json::array();
  for (const auto& x : u.rds_instances) {
    a.push_back(Json{{"instance", x.instance}, {"engine", x.engine}, {"instance_class", x.instance_class},
                     {"instance_seconds", x.instance_seconds}, {"storage_gb_seconds", x.storage_gb_seconds}});
  }
  j["rds_instances"] = a;
  a = Json::array();
  for (const auto& x : u.rds_proxies) a.push_back(Json{{"name", x.name}, {"vcpu_seconds", x.vcpu_seconds}, {"acu_seconds", x.acu_seconds}});
  j["rds_proxies"] = a;
  a = Json::array();
  for (const auto& x : u.sqs) {
    a.push_back(Json{{"queue", x.queue}, {"fifo", x.fifo}, {"requests", x.requests}, {"empty_receives", x.empty_receives},
                     {"payload_bytes", x.payload_bytes}});
  }
  j["sqs"] = a;
  a = Json::array();
  for (const auto& x : u.sns) {
    a.push_back(Json{{"topic", x.topic}, {"fifo", x.fifo}, {"publish_requests", x.publish_requests},
                     {"publish_bytes", x.publish_bytes}, {"deliveries", x.deliveries}, {"delivery_bytes", x.delivery_bytes}});
  }
  j["sns"] = a;
  a = Json::array();
  for (const auto& x : u.nat_gateways) a.push_back(Json{{"name", x.name}, {"seconds", x.seconds}, {"processed_bytes", x.processed_bytes}});
  j["nat_gateways"] = a;
  a = Json::array();
  for (const auto& x : u.vpc_endpoints) {
    a.push_back(Json{{"name", x.name}, {"az_seconds", x.az_seconds}, {"processed_bytes", x.processed_bytes}});
  }
  j["vpc_endpoints"] = a;
  a = Json::array();
  for (const auto& x : u.public_ipv4) a.push_back(Json{{"owner", x.owner}, {"ip_seconds", x.ip_seconds}});
  j["public_ipv4"] = a;
  j["inter_az_bytes"] = u.inter_az_bytes;
  j["internet_out_bytes"] = u.internet_out_bytes;
  j["log_ingest_bytes"] = u.log_ingest_bytes;
  j["waf_requests"] = u.waf_requests;
  a = Json::array();
  for (const auto& x : u.fixed_costs) {
    a.push_back(Json{{"name", x.name}, {"usd_per_month", x.usd_per_month}, {"price", x.price}, {"quantity", x.quantity},
                     {"count", x.count}, {"note", x.note}, {"location", x.location}});
  }
  j["fixed_costs"] = a;
  return j;
}

Usage usage_from_section(const Json& j) {
  Usage u;
  Obj o(j, "usage");
  u.metered_seconds = o.num("metered_seconds");
  read_list<FargateUsage>(o, "fargate", u.fargate, [](Obj& x) {
    FargateUsage f;
    f.service = x.str("service");
    const std::string arch = x.str("arch"), cap = x.str("capacity");
    if (arch != "x86" && arch != "arm") throw std::runtime_error("usage: fargate arch must be x86 or arm, found '" + arch + "'");
    if (cap != "on_demand" && cap != "spot") throw std::runtime_error("usage: fargate capacity must be on_demand or spot, found '" + cap + "'");
    f.arch = arch == "arm" ? CpuArch::kArm : CpuArch::kX86;
    f.capacity = cap == "spot" ? CapacityType::kSpot : CapacityType::kOnDemand;
    f.vcpu_seconds = x.num("vcpu_seconds");
    f.gb_seconds = x.num("gb_seconds");
    f.ephemeral_gb_seconds = x.num("ephemeral_gb_seconds");
    f.task_seconds = x.num("task_seconds");
    f.tasks = static_cast<std::uint64_t>(x.num("tasks"));
    return f;
  });
  read_list<AlbUsage>(o, "albs", u.albs, [](Obj& x) {
    AlbUsage a;
    a.name = x.str("name");
    a.seconds = x.num("seconds");
    a.lcu_hours = x.num("lcu_hours");
    a.totals.new_connections = x.num("new_connections");
    a.totals.active_connection_seconds = x.num("active_connection_seconds");
    a.totals.processed_bytes = x.num("processed_bytes");
    a.totals.requests = x.num("requests");
    a.totals.rule_evaluations = x.num("rule_evaluations");
    a.totals.lambda_targets = x.flag("lambda_targets", false);
    return a;
  });
  read_list<AuroraServerlessUsage>(o, "aurora_serverless", u.aurora_serverless, [](Obj& x) {
    AuroraServerlessUsage a;
    a.instance = x.str("instance");
    a.cluster = x.str("cluster");
    a.storage = storage_of(x.str("storage"), "aurora_serverless");
    a.acu_seconds = x.num("acu_seconds");
    return a;
  });
  read_list<AuroraProvisionedUsage>(o, "aurora_provisioned", u.aurora_provisioned, [](Obj& x) {
    AuroraProvisionedUsage a;
    a.instance = x.str("instance");
    a.cluster = x.str("cluster");
    a.instance_class = x.str("instance_class");
    a.storage = storage_of(x.str("storage"), "aurora_provisioned");
    a.instance_seconds = x.num("instance_seconds");
    return a;
  });
  read_list<AuroraClusterUsage>(o, "aurora_clusters", u.aurora_clusters, [](Obj& x) {
    AuroraClusterUsage c;
    c.cluster = x.str("cluster");
    c.storage = storage_of(x.str("storage"), "aurora_clusters");
    c.storage_gb_seconds = x.num("storage_gb_seconds");
    c.backup_gb_seconds = x.num("backup_gb_seconds");
    c.io_requests = x.num("io_requests");
    c.read_io_requests = x.num("read_io_requests");
    c.write_io_requests = x.num("write_io_requests");
    return c;
  });
  read_list<RdsInstanceUsage>(o, "rds_instances", u.rds_instances, [](Obj& x) {
    RdsInstanceUsage r;
    r.instance = x.str("instance");
    r.engine = x.str("engine");
    r.instance_class = x.str("instance_class");
    r.instance_seconds = x.num("instance_seconds");
    r.storage_gb_seconds = x.num("storage_gb_seconds");
    return r;
  });
  read_list<RdsProxyUsage>(o, "rds_proxies", u.rds_proxies, [](Obj& x) {
    RdsProxyUsage p;
    p.name = x.str("name");
    p.vcpu_seconds = x.num("vcpu_seconds");
    p.acu_seconds = x.num("acu_seconds");
    return p;
  });
  read_list<SqsUsage>(o, "sqs", u.sqs, [](Obj& x) {
    SqsUsage q;
    q.queue = x.str("queue");
    q.fifo = x.flag("fifo", true);
    q.requests = x.num("requests");
    q.empty_receives = x.num("empty_receives");
    q.payload_bytes = x.num("payload_bytes");
    return q;
  });
  read_list<SnsUsage>(o, "sns", u.sns, [](Obj& x) {
    SnsUsage t;
    t.topic = x.str("topic");
    t.fifo = x.flag("fifo", true);
    t.publish_requests = x.num("publish_requests");
    t.publish_bytes = x.num("publish_bytes");
    t.deliveries = x.num("deliveries");
    t.delivery_bytes = x.num("delivery_bytes");
    return t;
  });
  read_list<NatGatewayUsage>(o, "nat_gateways", u.nat_gateways, [](Obj& x) {
    NatGatewayUsage n;
    n.name = x.str("name");
    n.seconds = x.num("seconds");
    n.processed_bytes = x.num("processed_bytes");
    return n;
  });
  read_list<VpcEndpointUsage>(o, "vpc_endpoints", u.vpc_endpoints, [](Obj& x) {
    VpcEndpointUsage e;
    e.name = x.str("name");
    e.az_seconds = x.num("az_seconds");
    e.processed_bytes = x.num("processed_bytes");
    return e;
  });
  read_list<PublicIpv4Usage>(o, "public_ipv4", u.public_ipv4, [](Obj& x) {
    PublicIpv4Usage p;
    p.owner = x.str("owner");
    p.ip_seconds = x.num("ip_seconds");
    return p;
  });
  u.inter_az_bytes = o.num("inter_az_bytes");
  u.internet_out_bytes = o.num("internet_out_bytes");
  u.log_ingest_bytes = o.num("log_ingest_bytes");
  u.waf_requests = o.num("waf_requests");
  read_list<FixedCost>(o, "fixed_costs", u.fixed_costs, [](Obj& x) {
    FixedCost f;
    f.name = x.str("name");
    f.usd_per_month = x.num("usd_per_month");
    f.price = x.str("price");
    f.quantity = x.num("quantity");
    f.count = x.num("count");
    f.note = x.str("note");
    f.location = x.str("location");
    return f;
  });
  o.finish();
  return u;
}

}  // namespace loadcast::cost
