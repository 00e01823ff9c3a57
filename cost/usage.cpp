#include "cost/usage.hpp"

#include <algorithm>
#include <cmath>

namespace loadcast::cost {

const char* to_string(CpuArch a) { return a == CpuArch::kArm ? "arm" : "x86"; }
const char* to_string(CapacityType c) { return c == CapacityType::kSpot ? "spot" : "on_demand"; }
const char* to_string(AuroraStorage s) { return s == AuroraStorage::kIoOptimized ? "io_optimized" : "standard"; }

void FargateUsage::add_task(double vcpu, double memory_gb, std::int64_t billed_seconds, double ephemeral_gb) {
  const double s = static_cast<double>(billed_seconds);
  vcpu_seconds += vcpu * s;
  gb_seconds += memory_gb * s;
  ephemeral_gb_seconds += std::max(0.0, ephemeral_gb - 20.0) * s;
  task_seconds += s;
  ++tasks;
}

void AlbUsage::add_hour(const AlbHourTotals& hour) {
  lcu_hours += alb_lcus_for_hour(hour).billed;
  totals.new_connections += hour.new_connections;
  totals.active_connection_seconds += hour.active_connection_seconds;
  totals.processed_bytes += hour.processed_bytes;
  totals.requests += hour.requests;
  totals.rule_evaluations += hour.rule_evaluations;
  totals.lambda_targets = totals.lambda_targets || hour.lambda_targets;
}

void SqsUsage::add_call(std::uint64_t bytes, bool empty_receive) {
  requests += static_cast<double>(sqs_billed_requests(bytes));
  payload_bytes += static_cast<double>(bytes);
  if (empty_receive) empty_receives += 1.0;
}

void SnsUsage::add_publish(std::uint64_t bytes, int subscriptions) {
  publish_requests += static_cast<double>(sqs_billed_requests(bytes));
  publish_bytes += static_cast<double>(bytes);
  deliveries += static_cast<double>(subscriptions);
  delivery_bytes += static_cast<double>(bytes) * static_cast<double>(subscriptions);
}

namespace {

template <typename T, typename Match, typename Make>
T& find_or_add(std::vector<T>& v, Match match, Make make) {
  for (auto& x : v) {
    if (match(x)) return x;
  }
  v.push_back(make());
  return v.back();
}

}  // namespace

FargateUsage& Usage::fargate_for(const std::string& service, CpuArch arch, CapacityType capacity) {
  return find_or_add(
      fargate, [&](const FargateUsage& f) { return f.service == service && f.arch == arch && f.capacity == capacity; },
      [&] {
        FargateUsage f;
        f.service = service;
        f.arch = arch;
        f.capacity = capacity;
        return f;
      });
}

AlbUsage& Usage::alb_for(const std::string& name) {
  return find_or_add(albs, [&](const AlbUsage& a) { return a.name == name; }, [&] {
    AlbUsage a;
    a.name = name;
    return a;
  });
}

AuroraServerlessUsage& Usage::aurora_serverless_for(const std::string& instance, const std::string& cluster,
                                                    AuroraStorage storage) {
  return find_or_add(
      aurora_serverless, [&](const AuroraServerlessUsage& a) { return a.instance == instance && a.cluster == cluster; },
      [&] {
        AuroraServerlessUsage a;
        a.instance = instance;
        a.cluster = cluster;
        a.storage = storage;
        return a;
      });
}

AuroraProvisionedUsage& Usage::aurora_provisioned_for(const std::string& instance, const std::string& cluster,
                                                      const std::string& instance_class, AuroraStorage storage) {
  return find_or_add(
      aurora_provisioned,
      [&](const AuroraProvisionedUsage& a) {
        return a.instance == instance && a.cluster == cluster && a.instance_class == instance_class;
      },
      [&] {
        AuroraProvisionedUsage a;
        a.instance = instance;
        a.cluster = cluster;
        a.instance_class = instance_class;
        a.storage = storage;
        return a;
      });
}

AuroraClusterUsage& Usage::aurora_cluster_for(const std::string& cluster, AuroraStorage storage) {
  return find_or_add(aurora_clusters, [&](const AuroraClusterUsage& a) { return a.cluster == cluster; }, [&] {
    AuroraClusterUsage a;
    a.cluster = cluster;
    a.storage = storage;
    return a;
  });
}

RdsInstanceUsage& Usage::rds_instance_for(const std::string& instance, const std::string& engine,
                                          const std::string& instance_class) {
  return find_or_add(
      rds_instances,
      [&](const RdsInstanceUsage& r) {
        return r.instance == instance && r.engine == engine && r.instance_class == instance_class;
      },
      [&] {
        RdsInstanceUsage r;
        r.instance = instance;
        r.engine = engine;
        r.instance_class = instance_class;
        return r;
      });
}

RdsProxyUsage& Usage::rds_proxy_for(const std::string& name) {
  return find_or_add(rds_proxies, [&](const RdsProxyUsage& p) { return p.name == name; }, [&] {
    RdsProxyUsage p;
    p.name = name;
    return p;
  });
}

SqsUsage& Usage::sqs_for(const std::string& queue, bool fifo) {
  return find_or_add(sqs, [&](const SqsUsage& q) { return q.queue == queue; }, [&] {
    SqsUsage q;
    q.queue = queue;
    q.fifo = fifo;
    return q;
  });
}

SnsUsage& Usage::sns_for(const std::string& topic, bool fifo) {
  return find_or_add(sns, [&](const SnsUsage& t) { return t.topic == topic; }, [&] {
    SnsUsage t;
    t.topic = topic;
    t.fifo = fifo;
    return t;
  });
}

NatGatewayUsage& Usage::nat_gateway_for(const std::string& name) {
  return find_or_add(nat_gateways, [&](const NatGatewayUsage& n) { return n.name == name; }, [&] {
    NatGatewayUsage n;
    n.name = name;
    return n;
  });
}

VpcEndpointUsage& Usage::vpc_endpoint_for(const std::string& name) {
  return find_or_add(vpc_endpoints, [&](const VpcEndpointUsage& e) { return e.name == name; }, [&] {
    VpcEndpointUsage e;
    e.name = name;
    return e;
  });
}

PublicIpv4Usage& Usage::public_ipv4_for(const std::string& owner) {
  return find_or_add(public_ipv4, [&](const PublicIpv4Usage& p) { return p.owner == owner; }, [&] {
    PublicIpv4Usage p;
    p.owner = owner;
    return p;
  });
}

void Usage::merge(const Usage& o) {
  metered_seconds += o.metered_seconds;
  for (const auto& f : o.fargate) {
    auto& m = fargate_for(f.service, f.arch, f.capacity);
    m.vcpu_seconds += f.vcpu_seconds;
    m.gb_seconds += f.gb_seconds;
    m.ephemeral_gb_seconds += f.ephemeral_gb_seconds;
    m.task_seconds += f.task_seconds;
    m.tasks += f.tasks;
  }
  for (const auto& a : o.albs) {
    auto& m = alb_for(a.name);
    m.seconds += a.seconds;
    m.lcu_hours += a.lcu_hours;
    m.totals.new_connections += a.totals.new_connections;
    m.totals.active_connection_seconds += a.totals.active_connection_seconds;
    m.totals.processed_bytes += a.totals.processed_bytes;
    m.totals.requests += a.totals.requests;
    m.totals.rule_evaluations += a.totals.rule_evaluations;
    m.totals.lambda_targets = m.totals.lambda_targets || a.totals.lambda_targets;
  }
  for (const auto& a : o.aurora_serverless) aurora_serverless_for(a.instance, a.cluster, a.storage).acu_seconds += a.acu_seconds;
  for (const auto& a : o.aurora_provisioned) {
    aurora_provisioned_for(a.instance, a.cluster, a.instance_class, a.storage).instance_seconds += a.instance_seconds;
  }
  for (const auto& c : o.aurora_clusters) {
    auto& m = aurora_cluster_for(c.cluster, c.storage);
    m.storage_gb_seconds += c.storage_gb_seconds;
    m.backup_gb_seconds += c.backup_gb_seconds;
    m.io_requests += c.io_requests;
    m.read_io_requests += c.read_io_requests;
    m.write_io_requests += c.write_io_requests;
  }
  for (const auto& r : o.rds_instances) {
    auto& m = rds_instance_for(r.instance, r.engine, r.instance_class);
    m.instance_seconds += r.instance_seconds;
    m.storage_gb_seconds += r.storage_gb_seconds;
  }
  for (const auto& p : o.rds_proxies) {
    auto& m = rds_proxy_for(p.name);
    m.vcpu_seconds += p.vcpu_seconds;
    m.acu_seconds += p.acu_seconds;
  }
  for (const auto& q : o.sqs) {
    auto& m = sqs_for(q.queue, q.fifo);
    m.requests += q.requests;
    m.empty_receives += q.empty_receives;
    m.payload_bytes += q.payload_bytes;
  }
  for (const auto& t : o.sns) {
    auto& m = sns_for(t.topic, t.fifo);
    m.publish_requests += t.publish_requests;
    m.publish_bytes += t.publish_bytes;
    m.deliveries += t.deliveries;
    m.delivery_bytes += t.delivery_bytes;
  }
  for (const auto& n : o.nat_gateways) {
    auto& m = nat_gateway_for(n.name);
    m.seconds += n.seconds;
    m.processed_bytes += n.processed_bytes;
  }
  for (const auto& e : o.vpc_endpoints) {
    auto& m = vpc_endpoint_for(e.name);
    m.az_seconds += e.az_seconds;
    m.processed_bytes += e.processed_bytes;
  }
  for (const auto& p : o.public_ipv4) public_ipv4_for(p.owner).ip_seconds += p.ip_seconds;
  inter_az_bytes += o.inter_az_bytes;
  internet_out_bytes += o.internet_out_bytes;
  log_ingest_bytes += o.log_ingest_bytes;
  waf_requests += o.waf_requests;
  if (fixed_costs.empty()) fixed_costs = o.fixed_costs;
}

void Usage::scale(double k) {
  metered_seconds *= k;
  for (auto& f : fargate) {
    f.vcpu_seconds *= k;
    f.gb_seconds *= k;
    f.ephemeral_gb_seconds *= k;
    f.task_seconds *= k;
    f.tasks = static_cast<std::uint64_t>(std::llround(static_cast<double>(f.tasks) * k));
  }
  for (auto& a : albs) {
    a.seconds *= k;
    a.lcu_hours *= k;
    a.totals.new_connections *= k;
    a.totals.active_connection_seconds *= k;
    a.totals.processed_bytes *= k;
    a.totals.requests *= k;
    a.totals.rule_evaluations *= k;
  }
  for (auto& a : aurora_serverless) a.acu_seconds *= k;
  for (auto& a : aurora_provisioned) a.instance_seconds *= k;
  for (auto& c : aurora_clusters) {
    c.storage_gb_seconds *= k;
    c.backup_gb_seconds *= k;
    c.io_requests *= k;
    c.read_io_requests *= k;
    c.write_io_requests *= k;
  }
  for (auto& r : rds_instances) {
    r.instance_seconds *= k;
    r.storage_gb_seconds *= k;
  }
  for (auto& p : rds_proxies) {
    p.vcpu_seconds *= k;
    p.acu_seconds *= k;
  }
  for (auto& q : sqs) {
    q.requests *= k;
    q.empty_receives *= k;
    q.payload_bytes *= k;
  }
  for (auto& t : sns) {
    t.publish_requests *= k;
    t.publish_bytes *= k;
    t.deliveries *= k;
    t.delivery_bytes *= k;
  }
  for (auto& n : nat_gateways) {
    n.seconds *= k;
    n.processed_bytes *= k;
  }
  for (auto& e : vpc_endpoints) {
    e.az_seconds *= k;
    e.processed_bytes *= k;
  }
  for (auto& p : public_ipv4) p.ip_seconds *= k;
  inter_az_bytes *= k;
  internet_out_bytes *= k;
  log_ingest_bytes *= k;
  waf_requests *= k;
}

}  // namespace loadcast::cost
