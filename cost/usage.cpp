#include "cost/usage.hpp"

#include <algorithm>
#include <cmath>

#include "cost/usage_fields.hpp"

namespace loadcast::cost {

const char* to_string(CpuArch a) { return a == CpuArch::kArm ? "arm" : "x86"; }
const char* to_string(CapacityType c) { return c == CapacityType::kSpot ? "spot" : "on_demand"; }
const char* to_string(AuroraStorage s) { return s == AuroraStorage::kIoOptimized ? "io_optimized" : "standard"; }

namespace {

using fields::IsRecord;
using fields::Record;
using reports::for_each_field;

// One metered quantity: amounts add, flags are or-ed.
void add(double& into, double from) { into += from; }
void add(std::uint64_t& into, std::uint64_t from) { into += from; }
void add(bool& into, bool from) { into = into || from; }
template <IsRecord T>
void add(T& into, const T& from);

// Every meter of a record; scale(1 / R) of R merged records is their mean, a count rounded.
void scale(double& v, double k) { v *= k; }
void scale(std::uint64_t& v, double k) { v = static_cast<std::uint64_t>(std::llround(static_cast<double>(v) * k)); }
void scale(bool&, double) {}
template <IsRecord T>
void scale(T& record, double k);

template <IsRecord T>
void add(T& into, const T& from) {
  for_each_field(Record<T>::meters, [&](const auto& f) { add(into.*f.member, from.*f.member); });
}

template <IsRecord T>
void scale(T& record, double k) {
  for_each_field(Record<T>::meters, [&](const auto& f) { scale(record.*f.member, k); });
}

template <IsRecord T>
bool same_resource(const T& a, const T& b) {
  bool same = true;
  for_each_field(Record<T>::key, [&](const auto& f) { same = same && a.*f.member == b.*f.member; });
  return same;
}

// The record of `like`'s resource; a new one (meters at zero, key and attributes of `like`) is
// appended when there is none.
template <IsRecord T>
T& record_like(std::vector<T>& records, const T& like) {
  for (auto& r : records) {
    if (same_resource(r, like)) return r;
  }
  T fresh;
  for_each_field(Record<T>::key, [&](const auto& f) { fresh.*f.member = like.*f.member; });
  for_each_field(Record<T>::attributes, [&](const auto& f) { fresh.*f.member = like.*f.member; });
  records.push_back(std::move(fresh));
  return records.back();
}

// The top-level fields of Usage.
void merge_field(double& into, double from) { into += from; }
template <IsRecord T>
void merge_field(std::vector<T>& into, const std::vector<T>& from) {
  for (const auto& x : from) add(record_like(into, x), x);
}
void merge_field(std::vector<FixedCost>& into, const std::vector<FixedCost>& from) {
  if (into.empty()) into = from;
}

void scale_field(double& v, double k) { v *= k; }
template <IsRecord T>
void scale_field(std::vector<T>& records, double k) {
  for (auto& r : records) scale(r, k);
}
void scale_field(std::vector<FixedCost>&, double) {}

}  // namespace

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
  add(totals, hour);
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

FargateUsage& Usage::fargate_for(const std::string& service, CpuArch arch, CapacityType capacity) {
  return record_like(fargate, FargateUsage{.service = service, .arch = arch, .capacity = capacity});
}

AlbUsage& Usage::alb_for(const std::string& name) { return record_like(albs, AlbUsage{.name = name}); }

AuroraServerlessUsage& Usage::aurora_serverless_for(const std::string& instance, const std::string& cluster,
                                                    AuroraStorage storage) {
  return record_like(aurora_serverless,
                     AuroraServerlessUsage{.instance = instance, .cluster = cluster, .storage = storage});
}

AuroraProvisionedUsage& Usage::aurora_provisioned_for(const std::string& instance, const std::string& cluster,
                                                      const std::string& instance_class, AuroraStorage storage) {
  return record_like(aurora_provisioned, AuroraProvisionedUsage{.instance = instance,
                                                                .cluster = cluster,
                                                                .instance_class = instance_class,
                                                                .storage = storage});
}

AuroraClusterUsage& Usage::aurora_cluster_for(const std::string& cluster, AuroraStorage storage) {
  return record_like(aurora_clusters, AuroraClusterUsage{.cluster = cluster, .storage = storage});
}

RdsInstanceUsage& Usage::rds_instance_for(const std::string& instance, const std::string& engine,
                                          const std::string& instance_class) {
  return record_like(rds_instances,
                     RdsInstanceUsage{.instance = instance, .engine = engine, .instance_class = instance_class});
}

RdsProxyUsage& Usage::rds_proxy_for(const std::string& name) { return record_like(rds_proxies, RdsProxyUsage{.name = name}); }

SqsUsage& Usage::sqs_for(const std::string& queue, bool fifo) {
  return record_like(sqs, SqsUsage{.queue = queue, .fifo = fifo});
}

SnsUsage& Usage::sns_for(const std::string& topic, bool fifo) {
  return record_like(sns, SnsUsage{.topic = topic, .fifo = fifo});
}

NatGatewayUsage& Usage::nat_gateway_for(const std::string& name) {
  return record_like(nat_gateways, NatGatewayUsage{.name = name});
}

VpcEndpointUsage& Usage::vpc_endpoint_for(const std::string& name) {
  return record_like(vpc_endpoints, VpcEndpointUsage{.name = name});
}

PublicIpv4Usage& Usage::public_ipv4_for(const std::string& owner) {
  return record_like(public_ipv4, PublicIpv4Usage{.owner = owner});
}

void Usage::merge(const Usage& o) {
  for_each_field(fields::kUsageFields, [&](const auto& f) { merge_field(this->*f.member, o.*f.member); });
}

void Usage::scale(double k) {
  for_each_field(fields::kUsageFields, [&](const auto& f) { scale_field(this->*f.member, k); });
}

}  // namespace loadcast::cost
