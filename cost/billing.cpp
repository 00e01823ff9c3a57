#include "cost/billing.hpp"

#include <algorithm>

namespace loadcast::cost {

namespace {

constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;

std::int64_t ceil_seconds(std::int64_t ns) {
  if (ns <= 0) return 0;
  return (ns + kNanosecondsPerSecond - 1) / kNanosecondsPerSecond;
}

}  // namespace

std::int64_t fargate_billed_seconds(std::int64_t lifetime_ns) {
  return std::max(kFargateMinimumBilledSeconds, ceil_seconds(lifetime_ns));
}

std::int64_t aurora_instance_billed_seconds(std::int64_t lifetime_ns) {
  return std::max(kAuroraInstanceMinimumBilledSeconds, ceil_seconds(lifetime_ns));
}

std::uint64_t sqs_billed_requests(std::uint64_t payload_bytes) {
  if (payload_bytes == 0) return 1;
  return (payload_bytes + kSqsChunkBytes - 1) / kSqsChunkBytes;
}

AlbLcus alb_lcus_for_hour(const AlbHourTotals& h) {
  constexpr double kHour = 3600.0;
  AlbLcus l;
  l.new_connections = h.new_connections / kHour / 25.0;
  l.active_connections = h.active_connection_seconds / kHour / 3000.0;
  l.processed_bytes = h.processed_bytes / kBytesPerGb / (h.lambda_targets ? 0.4 : 1.0);
  const double billable_rules = std::max(0.0, h.rule_evaluations - kAlbFreeRulesPerRequest * h.requests);
  l.rule_evaluations = billable_rules / kHour / 1000.0;
  l.billed = l.new_connections;
  l.dominant = "new_connections";
  const std::pair<double, const char*> others[] = {{l.active_connections, "active_connections"},
                                                   {l.processed_bytes, "processed_bytes"},
                                                   {l.rule_evaluations, "rule_evaluations"}};
  for (const auto& [v, name] : others) {
    if (v > l.billed) {
      l.billed = v;
      l.dominant = name;
    }
  }
  if (h.reserved_lcus > l.billed) {
    l.billed = h.reserved_lcus;
    l.dominant = "reserved";
  }
  return l;
}

AlbLcus alb_lcus_for_month(const AlbHourTotals& totals, double factor) {
  AlbLcus l = alb_lcus_for_hour(totals);
  l.new_connections *= factor;
  l.active_connections *= factor;
  l.processed_bytes *= factor;
  l.rule_evaluations *= factor;
  l.billed *= factor;
  return l;
}

double rds_proxy_billed_vcpus(double target_vcpus) { return std::max(kRdsProxyMinimumVcpus, target_vcpus); }
double rds_proxy_billed_acus(double target_acus) { return std::max(kRdsProxyMinimumAcus, target_acus); }

}  // namespace loadcast::cost
