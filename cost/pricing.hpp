// PriceTable: the unit prices of one AWS Region, as data (cost/prices/<region>.yaml).
//
// A price is addressed by group and item ("fargate" / "x86_vcpu_hour", or
// "aurora_instance_standard" / "db.r6g.large") and carries its unit, source URL, as-of date and
// confidence (doc, secondary or unverified, the tags of docs/cost.md's price tables).
// kPriceCatalog lists every price the cost calculator reads with the unit it expects; validate()
// checks a table against it, so a region file that lacks a price or gives it in another unit is
// rejected when loaded, not when a run happens to need it. Instance-class groups
// (kInstanceGroups) are open lists: any class may be added, all priced per instance-hour.
// The YAML is parsed in scenarios/loader/pricing_loader (the only code that sees yaml-cpp).
// Plain data; immutable after loading, so safe to share between threads.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace loadcast::cost {

// kScenario: a price the scenario set itself (`cost.prices`); ordered from best to worst, so a
// line built from several prices carries the worst of them.
enum class PriceConfidence { kDoc, kScenario, kSecondary, kUnverified };

const char* to_string(PriceConfidence c);

struct PriceEntry {
  double usd = 0.0;
  std::string unit;    // "vCPU-hour", "GB-month", "1M requests", "fraction", ...
  std::string source;  // URL
  std::string date;    // YYYY-MM-DD
  PriceConfidence confidence = PriceConfidence::kUnverified;
  std::string note;
  bool verified() const { return confidence != PriceConfidence::kUnverified; }
};

struct CatalogItem {
  std::string_view group;
  std::string_view item;
  std::string_view unit;
};

// Every fixed-name price the calculator and the report rely on, with its unit.
inline constexpr CatalogItem kPriceCatalog[] = {
    {"fargate", "x86_vcpu_hour", "vCPU-hour"},
    {"fargate", "x86_gb_hour", "GB-hour"},
    {"fargate", "arm_vcpu_hour", "vCPU-hour"},
    {"fargate", "arm_gb_hour", "GB-hour"},
    {"fargate", "ephemeral_gb_hour", "GB-hour"},
    {"fargate", "spot_discount", "fraction"},
    {"alb", "hour", "ALB-hour"},
    {"alb", "lcu_hour", "LCU-hour"},
    {"aurora", "acu_hour_standard", "ACU-hour"},
    {"aurora", "acu_hour_io_optimized", "ACU-hour"},
    {"aurora", "storage_gb_month_standard", "GB-month"},
    {"aurora", "storage_gb_month_io_optimized", "GB-month"},
    {"aurora", "io_million_requests", "1M requests"},
    {"aurora", "backup_gb_month", "GB-month"},
    {"rds", "storage_gp3_gb_month", "GB-month"},
    {"rds_proxy", "vcpu_hour", "vCPU-hour"},
    {"rds_proxy", "acu_hour", "ACU-hour"},
    {"sqs", "fifo_million_requests", "1M requests"},
    {"sqs", "standard_million_requests", "1M requests"},
    {"sns", "fifo_publish_million", "1M requests"},
    {"sns", "fifo_publish_gb", "GB"},
    {"sns", "fifo_delivery_million", "1M deliveries"},
    {"sns", "fifo_delivery_gb", "GB"},
    {"sns", "standard_publish_million", "1M requests"},
    {"nat_gateway", "hour", "NAT-hour"},
    {"nat_gateway", "gb_processed", "GB"},
    {"vpc_endpoint", "interface_az_hour", "AZ-hour"},
    {"vpc_endpoint", "interface_gb", "GB"},
    {"route53", "hosted_zone_month", "zone-month"},
    {"route53", "million_queries", "1M queries"},
    {"waf", "web_acl_month", "web-ACL-month"},
    {"waf", "rule_month", "rule-month"},
    {"waf", "million_requests", "1M requests"},
    {"public_ipv4", "ip_hour", "IP-hour"},
    {"data_transfer", "inter_az_gb", "GB"},
    {"data_transfer", "internet_out_gb", "GB"},
    {"cloudwatch_logs", "ingest_gb", "GB"},
    {"cloudwatch_logs", "storage_gb_month", "GB-month"},
    {"elasticache_valkey_serverless", "gb_hour", "GB-hour"},
    {"elasticache_valkey_serverless", "million_ecpu", "1M ECPU"},
    {"dynamodb", "million_wru", "1M WRU"},
    {"dynamodb", "million_rru", "1M RRU"},
    {"dynamodb", "storage_gb_month", "GB-month"},
    {"s3", "standard_gb_month", "GB-month"},
    {"s3", "put_thousand_requests", "1K requests"},
    {"s3", "get_thousand_requests", "1K requests"},
    {"cloudfront", "data_out_gb", "GB"},
    {"cloudfront", "https_10k_requests", "10K requests"},
    {"cloudfront", "http_10k_requests", "10K requests"},
};

// Groups whose items are instance classes priced per instance-hour.
inline constexpr std::string_view kInstanceGroups[] = {
    "aurora_instance_standard", "aurora_instance_io_optimized", "rds_instance_mysql", "rds_instance_postgresql",
    "ec2_instance"};

// Instance classes every region file must price (both Aurora storage options; both RDS engines).
inline constexpr std::string_view kRequiredAuroraClasses[] = {
    "db.t3.small", "db.t4g.medium", "db.r6g.large", "db.r7g.large", "db.r8g.large"};
inline constexpr std::string_view kRequiredRdsClasses[] = {"db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small",
                                                           "db.t4g.medium"};

bool is_instance_group(std::string_view group);
// The unit kPriceCatalog expects for group.item, or "instance-hour" for an instance group;
// empty when the pair is not a known price.
std::string expected_unit(std::string_view group, std::string_view item);

// Thrown when a price is asked for that the table does not have.
class MissingPrice : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PriceTable {
 public:
  std::string region;
  std::string currency = "USD";
  std::string origin;  // "builtin:ap-northeast-1" or the file it came from

  void set(const std::string& group, const std::string& item, PriceEntry entry);
  bool has(const std::string& group, const std::string& item) const;
  // Throws MissingPrice naming the region and the key.
  const PriceEntry& at(const std::string& group, const std::string& item) const;
  double usd(const std::string& group, const std::string& item) const { return at(group, item).usd; }

  // "group.item" keys in sorted order, and the classes of an instance group.
  std::vector<std::string> keys() const;
  std::vector<std::string> instance_classes(const std::string& group) const;

  // Every problem against the catalogue: missing prices, wrong units, negative values, a
  // spot discount outside [0, 1). Empty when the table is complete.
  std::vector<std::string> validate() const;

 private:
  std::map<std::string, std::map<std::string, PriceEntry>> groups_;
};

}  // namespace loadcast::cost
