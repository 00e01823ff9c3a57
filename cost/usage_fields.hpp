// The fields of every Usage record, listed once, for usage.cpp (find a resource, merge, scale)
// and usage_json.cpp (the `usage` result section). Internal to cost/.
//
// A record's `key` fields name the resource: records with equal keys are the same resource and
// merge. Its `attributes` describe it and come from the record first seen. Its `meters` are the
// metered quantities: merge() adds them (a flag is or-ed), scale() multiplies them (a count is
// rounded); a meter that is itself a record (AlbUsage::totals) is walked field by field. In the
// JSON a record is one object with key, attributes and meters in this order, a nested record's
// fields inline; the Usage object has kUsageFields in this order. Fixed costs are records for
// the JSON only: they are monthly items, kept whole by merge() and scale().
#pragma once

#include <tuple>

#include "cost/usage.hpp"
#include "reports/field_list.hpp"

namespace loadcast::cost::fields {

using reports::field;

// Not a record: no `meters`.
template <typename T>
struct Record {};

template <typename T>
concept IsRecord = requires { Record<T>::meters; };

template <>
struct Record<FargateUsage> {
  static constexpr auto key = std::tuple{field("service", &FargateUsage::service), field("arch", &FargateUsage::arch),
                                         field("capacity", &FargateUsage::capacity)};
  static constexpr auto attributes = std::tuple{};
  static constexpr auto meters =
      std::tuple{field("vcpu_seconds", &FargateUsage::vcpu_seconds), field("gb_seconds", &FargateUsage::gb_seconds),
                 field("ephemeral_gb_seconds", &FargateUsage::ephemeral_gb_seconds),
                 field("task_seconds", &FargateUsage::task_seconds), field("tasks", &FargateUsage::tasks)};
};

template <>
struct Record<AlbHourTotals> {
  static constexpr auto key = std::tuple{};
  static constexpr auto attributes = std::tuple{};
  static constexpr auto meters = std::tuple{
      field("new_connections", &AlbHourTotals::new_connections),
      field("active_connection_seconds", &AlbHourTotals::active_connection_seconds),
      field("processed_bytes", &AlbHourTotals::processed_bytes), field("requests", &AlbHourTotals::requests),
      field("rule_evaluations", &AlbHourTotals::rule_evaluations), field("lambda_targets", &AlbHourTotals::lambda_targets)};
};

template <>
struct Record<AlbUsage> {
  static constexpr auto key = std::tuple{field("name", &AlbUsage::name)};
  static constexpr auto attributes = std::tuple{};
  static constexpr auto meters = std::tuple{field("seconds", &AlbUsage::seconds),
                                            field("lcu_hours", &AlbUsage::lcu_hours),
                                            field("totals", &AlbUsage::totals),
                                            field("response_bytes", &AlbUsage::response_bytes),
                                            field("waf_acl_seconds", &AlbUsage::waf_acl_seconds),
                                            field("waf_rule_seconds", &AlbUsage::waf_rule_seconds),
                                            field("waf_requests", &AlbUsage::waf_requests)};
};

template <>
struct Record<AuroraServerlessUsage> {
  static constexpr auto key =
      std::tuple{field("instance", &AuroraServerlessUsage::instance), field("cluster", &AuroraServerlessUsage::cluster)};
  static constexpr auto attributes = std::tuple{field("storage", &AuroraServerlessUsage::storage)};
  static constexpr auto meters = std::tuple{field("acu_seconds", &AuroraServerlessUsage::acu_seconds)};
};

template <>
struct Record<AuroraProvisionedUsage> {
  static constexpr auto key = std::tuple{field("instance", &AuroraProvisionedUsage::instance),
                                         field("cluster", &AuroraProvisionedUsage::cluster),
                                         field("instance_class", &AuroraProvisionedUsage::instance_class)};
  static constexpr auto attributes = std::tuple{field("storage", &AuroraProvisionedUsage::storage)};
  static constexpr auto meters = std::tuple{field("instance_seconds", &AuroraProvisionedUsage::instance_seconds)};
};

template <>
struct Record<AuroraClusterUsage> {
  static constexpr auto key = std::tuple{field("cluster", &AuroraClusterUsage::cluster)};
  static constexpr auto attributes = std::tuple{field("storage", &AuroraClusterUsage::storage)};
  static constexpr auto meters = std::tuple{field("storage_gb_seconds", &AuroraClusterUsage::storage_gb_seconds),
                                            field("backup_gb_seconds", &AuroraClusterUsage::backup_gb_seconds),
                                            field("io_requests", &AuroraClusterUsage::io_requests),
                                            field("read_io_requests", &AuroraClusterUsage::read_io_requests),
                                            field("write_io_requests", &AuroraClusterUsage::write_io_requests)};
};

template <>
struct Record<RdsInstanceUsage> {
  static constexpr auto key =
      std::tuple{field("instance", &RdsInstanceUsage::instance), field("engine", &RdsInstanceUsage::engine),
                 field("instance_class", &RdsInstanceUsage::instance_class)};
  static constexpr auto attributes = std::tuple{};
  static constexpr auto meters = std::tuple{field("instance_seconds", &RdsInstanceUsage::instance_seconds),
                                            field("storage_gb_seconds", &RdsInstanceUsage::storage_gb_seconds)};
};

template <>
struct Record<RdsProxyUsage> {
  static constexpr auto key = std::tuple{field("name", &RdsProxyUsage::name)};
  static constexpr auto attributes = std::tuple{};
  static constexpr auto meters =
      std::tuple{field("vcpu_seconds", &RdsProxyUsage::vcpu_seconds), field("acu_seconds", &RdsProxyUsage::acu_seconds)};
};

template <>
struct Record<SqsUsage> {
  static constexpr auto key = std::tuple{field("queue", &SqsUsage::queue)};
  static constexpr auto attributes = std::tuple{field("fifo", &SqsUsage::fifo)};
  static constexpr auto meters = std::tuple{field("requests", &SqsUsage::requests),
                                            field("empty_receives", &SqsUsage::empty_receives),
                                            field("payload_bytes", &SqsUsage::payload_bytes),
                                            field("sns_deliveries", &SqsUsage::sns_deliveries)};
};

template <>
struct Record<SnsUsage> {
  static constexpr auto key = std::tuple{field("topic", &SnsUsage::topic)};
  static constexpr auto attributes = std::tuple{field("fifo", &SnsUsage::fifo)};
  static constexpr auto meters =
      std::tuple{field("publish_requests", &SnsUsage::publish_requests), field("publish_bytes", &SnsUsage::publish_bytes),
                 field("deliveries", &SnsUsage::deliveries), field("delivery_bytes", &SnsUsage::delivery_bytes)};
};

template <>
struct Record<NatGatewayUsage> {
  static constexpr auto key = std::tuple{field("name", &NatGatewayUsage::name)};
  static constexpr auto attributes = std::tuple{};
  static constexpr auto meters = std::tuple{field("seconds", &NatGatewayUsage::seconds),
                                            field("processed_bytes", &NatGatewayUsage::processed_bytes)};
};

template <>
struct Record<VpcEndpointUsage> {
  static constexpr auto key = std::tuple{field("name", &VpcEndpointUsage::name)};
  static constexpr auto attributes = std::tuple{};
  static constexpr auto meters = std::tuple{field("az_seconds", &VpcEndpointUsage::az_seconds),
                                            field("processed_bytes", &VpcEndpointUsage::processed_bytes)};
};

template <>
struct Record<PublicIpv4Usage> {
  static constexpr auto key = std::tuple{field("owner", &PublicIpv4Usage::owner)};
  static constexpr auto attributes = std::tuple{};
  static constexpr auto meters = std::tuple{field("ip_seconds", &PublicIpv4Usage::ip_seconds)};
};

template <>
struct Record<FixedCost> {
  static constexpr auto key = std::tuple{};
  static constexpr auto attributes =
      std::tuple{field("name", &FixedCost::name),         field("usd_per_month", &FixedCost::usd_per_month),
                 field("price", &FixedCost::price),       field("quantity", &FixedCost::quantity),
                 field("count", &FixedCost::count),       field("note", &FixedCost::note),
                 field("location", &FixedCost::location)};
  static constexpr auto meters = std::tuple{};
};

inline constexpr auto kUsageFields = std::tuple{
    field("metered_seconds", &Usage::metered_seconds),
    field("fargate", &Usage::fargate),
    field("albs", &Usage::albs),
    field("aurora_serverless", &Usage::aurora_serverless),
    field("aurora_provisioned", &Usage::aurora_provisioned),
    field("aurora_clusters", &Usage::aurora_clusters),
    field("rds_instances", &Usage::rds_instances),
    field("rds_proxies", &Usage::rds_proxies),
    field("sqs", &Usage::sqs),
    field("sns", &Usage::sns),
    field("nat_gateways", &Usage::nat_gateways),
    field("vpc_endpoints", &Usage::vpc_endpoints),
    field("public_ipv4", &Usage::public_ipv4),
    field("inter_az_bytes", &Usage::inter_az_bytes),
    field("internet_out_bytes", &Usage::internet_out_bytes),
    field("log_ingest_bytes", &Usage::log_ingest_bytes),
    field("waf_requests", &Usage::waf_requests),
    field("fixed_costs", &Usage::fixed_costs),
};

// Calls f(field) for the key, the attributes and the meters of record type T, in this order.
template <IsRecord T, typename F>
constexpr void for_each_record_field(F&& f) {
  reports::for_each_field(Record<T>::key, f);
  reports::for_each_field(Record<T>::attributes, f);
  reports::for_each_field(Record<T>::meters, f);
}

}  // namespace loadcast::cost::fields
