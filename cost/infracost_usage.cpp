#include "cost/infracost_usage.hpp"

#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <sstream>
#include <vector>

namespace loadcast::cost {

namespace {

constexpr double kMillion = 1e6;

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string integer(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", std::round(v));
  return buf;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// One usage key of a resource. Keys of one resource that come from several sources (a metered
// NAT gateway and a fixed cost for its data) add up. "a.b" is written nested (a: {b: ...}).
struct UsageKey {
  std::string name;
  double value = 0.0;
  bool whole = false;  // Infracost reads it as an integer
  std::string comment;
  std::string text;    // a string value instead of the number (aws_data_transfer's region)
};

struct UsageResource {
  std::string address;
  std::vector<UsageKey> keys;
  std::vector<std::string> notes;  // comments written after the keys
};

class Writer {
 public:
  explicit Writer(const InfracostOptions& o) : options_(o) {}

  UsageResource& resource(const std::string& type, const std::string& name) {
    const auto it = options_.addresses.find(name);
    const std::string address = it != options_.addresses.end() ? it->second : type + "." + terraform_name(name);
    for (auto& r : resources_) {
      if (r.address == address) return r;
    }
    resources_.push_back(UsageResource{address, {}, {}});
    return resources_.back();
  }
  static void key(UsageResource& r, const std::string& k, double value, bool whole, const std::string& comment = {}) {
    for (auto& x : r.keys) {
      if (x.name != k) continue;
      x.value += value;
      if (!comment.empty()) x.comment = x.comment.empty() ? comment : x.comment + "; " + comment;
      return;
    }
    r.keys.push_back(UsageKey{k, value, whole, comment, {}});
  }
  static void text_key(UsageResource& r, const std::string& k, const std::string& value) {
    for (const auto& x : r.keys) {
      if (x.name == k) return;
    }
    r.keys.push_back(UsageKey{k, 0.0, false, {}, value});
  }
  void note(const std::string& text) { notes_.push_back(text); }

  // The `resource_usage:` mapping. A resource with notes but no key is not written (Infracost
  // would read it as null); its notes join the general ones, which open the mapping, or follow
  // `resource_usage: {}` when no resource has a key.
  std::string yaml() const {
    std::ostringstream out;
    std::vector<std::string> notes = notes_;
    bool any = false;
    for (const auto& r : resources_) {
      if (!r.keys.empty()) any = true;
      if (r.keys.empty()) {
        for (const auto& n : r.notes) notes.push_back(r.address + ": " + n);
      }
    }
    out << (any ? "resource_usage:\n" : "resource_usage: {}\n");
    for (const auto& n : notes) out << (any ? "  # " : "# ") << n << '\n';
    for (const auto& r : resources_) {
      if (r.keys.empty()) continue;
      out << "  " << quoted(r.address) << ":\n";
      std::string open_group;
      for (const auto& k : r.keys) {
        const auto dot = k.name.find('.');
        std::string name = k.name;
        std::string indent = "    ";
        if (dot != std::string::npos) {
          const std::string group = k.name.substr(0, dot);
          if (group != open_group) out << "    " << group << ":\n";
          open_group = group;
          name = k.name.substr(dot + 1);
          indent = "      ";
        } else {
          open_group.clear();
        }
        out << indent << name << ": " << (!k.text.empty() ? k.text : k.whole ? integer(k.value) : num(k.value));
        if (!k.comment.empty()) out << "  # " << k.comment;
        out << '\n';
      }
      for (const auto& n : r.notes) out << "    # " << n << '\n';
    }
    return out.str();
  }

 private:
  const InfracostOptions& options_;
  std::deque<UsageResource> resources_;  // stable references while resources are added
  std::vector<std::string> notes_;
};

// Where a fixed cost's quantity goes in Infracost's schema: resource type, usage key and the
// factor from the price's unit to the key's.
struct FixedMapping {
  const char* price;
  const char* type;
  const char* key;
  double factor;
  bool whole;
};

constexpr FixedMapping kFixedMappings[] = {
    {"nat_gateway.gb_processed", "aws_nat_gateway", "monthly_data_processed_gb", 1.0, false},
    {"vpc_endpoint.interface_gb", "aws_vpc_endpoint", "monthly_data_processed_gb", 1.0, false},
    {"cloudwatch_logs.ingest_gb", "aws_cloudwatch_log_group", "monthly_data_ingested_gb", 1.0, false},
    {"cloudwatch_logs.storage_gb_month", "aws_cloudwatch_log_group", "storage_gb", 1.0, false},
    {"route53.million_queries", "aws_route53_record", "monthly_standard_queries", kMillion, true},
    {"waf.million_requests", "aws_wafv2_web_acl", "monthly_requests", kMillion, true},
    {"dynamodb.million_wru", "aws_dynamodb_table", "monthly_write_request_units", kMillion, true},
    {"dynamodb.million_rru", "aws_dynamodb_table", "monthly_read_request_units", kMillion, true},
    {"dynamodb.storage_gb_month", "aws_dynamodb_table", "storage_gb", 1.0, true},
    {"s3.standard_gb_month", "aws_s3_bucket", "standard.storage_gb", 1.0, false},
    {"s3.put_thousand_requests", "aws_s3_bucket", "standard.monthly_tier_1_requests", 1000.0, true},
    {"s3.get_thousand_requests", "aws_s3_bucket", "standard.monthly_tier_2_requests", 1000.0, true},
    // Infracost bills monthly_intra_region_gb twice (out of one AZ, into the other); loadcast's
    // inter_az_gb counts each direction already.
    {"data_transfer.inter_az_gb", "aws_data_transfer", "monthly_intra_region_gb", 0.5, false},
    {"data_transfer.internet_out_gb", "aws_data_transfer", "monthly_outbound_internet_gb", 1.0, false},
};

// Infracost's usage-only resource for EC2 data transfer, one per region, with its `region` key.
UsageResource& data_transfer(Writer& w, const InfracostOptions& options) {
  const std::string region = options.region.empty() ? std::string("region") : options.region;
  UsageResource& r = w.resource("aws_data_transfer", region);
  Writer::text_key(r, "region", options.region.empty() ? "\"\"" : options.region);
  return r;
}

void add_fixed_costs(Writer& w, const Usage& u, const InfracostOptions& options) {
  for (const auto& fc : u.fixed_costs) {
    const FixedMapping* m = nullptr;
    for (const auto& x : kFixedMappings) {
      if (fc.price == x.price) m = &x;
    }
    if (m != nullptr && fc.quantity > 0.0) {
      UsageResource& r = std::string(m->type) == "aws_data_transfer" ? data_transfer(w, options) : w.resource(m->type, fc.name);
      Writer::key(r, m->key, fc.quantity * m->factor, m->whole, "fixed cost '" + fc.name + "': " + num(fc.quantity) + " " + fc.price);
      continue;
    }
    const std::string what = fc.price.empty() ? "$" + num(fc.usd_per_month) + "/month"
                                              : fc.price + (fc.count > 0 ? " x " + num(fc.count) : " " + num(fc.quantity));
    w.note("fixed cost '" + fc.name + "' (" + what + "): no Infracost usage key; Infracost prices it from the Terraform resource, if any");
  }
}

}  // namespace

std::string terraform_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out = "_" + out;
  return out;
}

std::string infracost_usage_yaml(const Usage& u, const InfracostOptions& options) {
  const double span = u.metered_seconds;
  const bool metered = span > 0.0;
  const double factor = metered ? options.hours_per_month * 3600.0 / span : 0.0;
  Writer w(options);

  std::map<std::string, double> task_seconds;
  for (const auto& f : u.fargate) task_seconds[f.service] += f.task_seconds;
  for (const auto& [service, seconds] : task_seconds) {
    w.note("aws_ecs_service." + terraform_name(service) + ": Infracost prices desired_count; the simulated " +
           "time-weighted average is " + num(metered ? seconds / span : 0.0) + " tasks");
  }
  std::map<std::string, double> instance_seconds;
  for (const auto& a : u.aurora_provisioned) instance_seconds[a.cluster] += a.instance_seconds;
  for (const auto& [cluster, seconds] : instance_seconds) {
    w.note("aws_rds_cluster_instance (" + cluster + "): Infracost prices each instance all month; the simulated average is " +
           num(metered ? seconds / span : 0.0) + " billed instances");
  }
  for (const auto& a : u.albs) {
    if (!metered) break;
    const double rules = std::max(0.0, a.totals.rule_evaluations - kAlbFreeRulesPerRequest * a.totals.requests);
    UsageResource& r = w.resource("aws_lb", a.name);
    Writer::key(r, "new_connections", a.totals.new_connections / span, true, "per second, average");
    Writer::key(r, "active_connections", a.totals.active_connection_seconds / span, true, "concurrent, average per minute");
    Writer::key(r, "processed_bytes_gb", a.totals.processed_bytes / kBytesPerGb / (span / 3600.0), false, "per hour, average");
    Writer::key(r, "rule_evaluations", rules / span, true, "per second, after 10 free rules per request");
    r.notes.push_back("loadcast bills the highest LCU dimension in each hour: " + num(a.lcu_hours * factor) +
                      " LCU-hours per month");
  }
  std::map<std::string, double> cluster_acu_seconds;
  for (const auto& s : u.aurora_serverless) cluster_acu_seconds[s.cluster] += s.acu_seconds;
  std::vector<AuroraClusterUsage> clusters = u.aurora_clusters;
  for (const auto& [cluster, acu_s] : cluster_acu_seconds) {
    bool listed = false;
    for (const auto& c : clusters) listed = listed || c.cluster == cluster;
    if (!listed) clusters.push_back(AuroraClusterUsage{cluster, AuroraStorage::kStandard, 0, 0, 0, 0, 0});
  }
  for (const auto& c : clusters) {
    if (!metered) break;
    const bool storage = c.storage_gb_seconds > 0.0;
    const bool io = c.io_requests > 0.0;
    const bool acu = cluster_acu_seconds.count(c.cluster) > 0;
    if (!storage && !io && !acu) continue;
    UsageResource& r = w.resource("aws_rds_cluster", c.cluster);
    if (storage) Writer::key(r, "storage_gb", c.storage_gb_seconds / span, false, "database.volume.gb");
    if (io) {
      // Infracost reads both rates as integers and adds them into monthly I/O requests.
      const bool split = c.read_io_requests + c.write_io_requests > 0.0;
      const double reads = (split ? c.read_io_requests : c.io_requests) / span;
      const double writes = split ? c.write_io_requests / span : 0.0;
      Writer::key(r, "read_requests_per_sec", reads, true, "storage I/O of read queries, average " + num(reads) + "/s");
      Writer::key(r, "write_requests_per_sec", writes, true, "storage I/O of write queries, average " + num(writes) + "/s");
    }
    if (acu) {
      r.notes.push_back("Aurora Serverless v2: average " + num(cluster_acu_seconds[c.cluster] / span) +
                        " ACU over all instances (" + num(cluster_acu_seconds[c.cluster] * factor / 3600.0) +
                        " ACU-hours per month). Infracost reads capacity_units_per_hr only for engine_mode = " +
                        "\"serverless\" (Serverless v1), so it is not written as a key");
    }
  }
  for (const auto& q : u.sqs) {
    UsageResource& r = w.resource("aws_sqs_queue", q.queue);
    Writer::key(r, "monthly_requests", q.requests * factor, false, "every API call incl. empty receives, in 64 KB chunks");
    Writer::key(r, "request_size_kb", 64, true);
  }
  for (const auto& t : u.sns) {
    UsageResource& r = w.resource("aws_sns_topic", t.topic);
    Writer::key(r, "monthly_requests", t.publish_requests * factor, true, "publishes, in 64 KB chunks");
    Writer::key(r, "request_size_kb", 64, true);
  }
  for (const auto& n : u.nat_gateways) {
    if (n.processed_bytes <= 0.0) continue;
    Writer::key(w.resource("aws_nat_gateway", n.name), "monthly_data_processed_gb", n.processed_bytes * factor / kBytesPerGb, false);
  }
  for (const auto& e : u.vpc_endpoints) {
    if (e.processed_bytes <= 0.0) continue;
    Writer::key(w.resource("aws_vpc_endpoint", e.name), "monthly_data_processed_gb", e.processed_bytes * factor / kBytesPerGb, false);
  }
  if (u.log_ingest_bytes > 0.0) {
    Writer::key(w.resource("aws_cloudwatch_log_group", "app"), "monthly_data_ingested_gb",
                u.log_ingest_bytes * factor / kBytesPerGb, false);
  }
  if (u.waf_requests > 0.0) Writer::key(w.resource("aws_wafv2_web_acl", "waf"), "monthly_requests", u.waf_requests * factor, true);
  if (u.inter_az_bytes > 0.0 || u.internet_out_bytes > 0.0) {
    UsageResource& r = data_transfer(w, options);
    if (u.inter_az_bytes > 0.0) {
      Writer::key(r, "monthly_intra_region_gb", u.inter_az_bytes * factor / kBytesPerGb / 2.0, false,
                  "half of the cross-AZ GB: Infracost bills each GB in both directions");
    }
    if (u.internet_out_bytes > 0.0) {
      Writer::key(r, "monthly_outbound_internet_gb", u.internet_out_bytes * factor / kBytesPerGb, false);
    }
  }
  add_fixed_costs(w, u, options);

  std::string head = "# Infracost usage file written by loadcast from a simulated run.\n# " +
                     describe_projection(span, options.period_seconds, options.hours_per_month) +
                     "\n# Use it with: infracost breakdown --path . --usage-file THIS_FILE\nversion: 0.1\n";
  return head + w.yaml();
}

}  // namespace loadcast::cost
