#include "cost/infracost_usage.hpp"

#include <algorithm>
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
  for (const auto& p : u.rds_proxies) {
    if (!metered) break;
    w.note("aws_db_proxy." + terraform_name(p.name) + ": Infracost has no cost resource for RDS Proxy, so its total leaves out " +
           (p.vcpu_seconds > 0.0 ? num(p.vcpu_seconds * factor / 3600.0) + " billed vCPU-hours" : std::string()) +
           (p.vcpu_seconds > 0.0 && p.acu_seconds > 0.0 ? " and " : "") +
           (p.acu_seconds > 0.0 ? num(p.acu_seconds * factor / 3600.0) + " billed ACU-hours" : std::string()) +
           " per month that loadcast prices");
  }
  for (const auto& a : u.albs) {
    if (!metered) break;
    const AlbLcus month = alb_lcus_for_month(a.totals, factor);
    UsageResource& r = w.resource("aws_lb", a.name);
    Writer::key(r, "new_connections", month.new_connections * 100.0, true,
                "100 x the month's LCU-hours of new connections (" + num(month.new_connections) + ")");
    Writer::key(r, "active_connections", month.active_connections * 3000.0, true,
                "3000 x the month's LCU-hours of active connections (" + num(month.active_connections) + ")");
    Writer::key(r, "processed_bytes_gb", month.processed_bytes, false, "GB processed in the month, 1 LCU-hour each");
    Writer::key(r, "rule_evaluations", month.rule_evaluations * 1000.0, true,
                "1000 x the month's LCU-hours of rule evaluations (" + num(month.rule_evaluations) + ")");
    r.notes.push_back("Infracost's LCU-hours: max of the four terms = " + num(month.billed) + " (" + month.dominant +
                      "); loadcast bills the highest dimension of each hour: " + num(a.lcu_hours * factor));
    if (a.waf_requests > 0.0) {
      UsageResource& waf = w.resource("aws_wafv2_web_acl", a.name);
      Writer::key(waf, "monthly_requests", a.waf_requests * factor, true, "every request the load balancer received");
      if (a.waf_acl_seconds > 0.0) {
        waf.notes.push_back(num(a.waf_rule_seconds / a.waf_acl_seconds) +
                            " rules (load_balancer.waf.rules): Infracost counts them from the Terraform rule blocks");
      }
    }
  }
  for (const auto& a : u.aurora_serverless) {
    if (!metered) break;
    UsageResource& r = w.resource("aws_rds_cluster_instance", a.instance);
    Writer::key(r, "capacity_units_per_hr", a.acu_seconds / span, false,
                "average ACU of this Serverless v2 instance (" + a.cluster + "), " + num(a.acu_seconds * factor / 3600.0) +
                    " ACU-hours a month");
  }
  for (const auto& c : u.aurora_clusters) {
    if (!metered) break;
    const bool storage = c.storage_gb_seconds > 0.0;
    const bool io = c.io_requests > 0.0;
    if (!storage && !io) continue;
    UsageResource& r = w.resource("aws_rds_cluster", c.cluster);
    if (storage) Writer::key(r, "storage_gb", c.storage_gb_seconds / span, false, "database.volume.gb");
    if (io) {
      // Whole numbers: round the total rate, then split it, so the sum is as close as it can be.
      const double total = std::round(c.io_requests / span);
      const bool split = c.read_io_requests + c.write_io_requests > 0.0;
      const double reads = split ? std::min(total, std::round(c.read_io_requests / span)) : total;
      Writer::key(r, "read_requests_per_sec", reads, true, "storage I/O of read queries, average " + num(c.read_io_requests / span) + "/s");
      Writer::key(r, "write_requests_per_sec", total - reads, true,
                  "storage I/O of write queries, average " + num(c.write_io_requests / span) + "/s");
    }
  }
  for (const auto& q : u.sqs) {
    UsageResource& r = w.resource("aws_sqs_queue", q.queue);
    Writer::key(r, "monthly_requests", q.requests * factor, false,
                "every API call incl. empty receives and SNS deliveries, in 64 KB chunks");
    Writer::key(r, "request_size_kb", 64, true, "the requests are already in 64 KB chunks");
  }
  for (const auto& t : u.sns) {
    UsageResource& r = w.resource("aws_sns_topic", t.topic);
    Writer::key(r, "monthly_requests", t.publish_requests * factor, true, "publishes, in 64 KB chunks");
    if (t.fifo && t.publish_requests > 0.0) {
      // Infracost's SNSFIFOTopic bills requests x request_size_kb / 10^6 GB of payload (publish,
      // and again per subscription delivered); loadcast's GB are 2^30 bytes, so the "KB" written
      // is the average payload x 10^6 / 2^30, which gives back loadcast's GB exactly.
      const double bytes = t.publish_bytes / t.publish_requests;
      Writer::key(r, "request_size_kb", bytes * 1e6 / kBytesPerGb, false,
                  "average payload of a publish, " + num(bytes) + " bytes, as 10^6 / 2^30 KB per byte");
    } else {
      Writer::key(r, "request_size_kb", 64, true, "the requests are already in 64 KB chunks");
    }
  }
  for (const auto& n : u.nat_gateways) {
    if (n.processed_bytes <= 0.0) continue;
    Writer::key(w.resource("aws_nat_gateway", n.name), "monthly_data_processed_gb", n.processed_bytes * factor / kBytesPerGb, false,
                "outbound calls through it, both directions");
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
  const double internet_gb = u.internet_out_bytes * factor / kBytesPerGb;
  const double free_gb = std::min(internet_gb, std::max(0.0, options.free_internet_out_gb));
  if (u.inter_az_bytes > 0.0 || internet_gb > 0.0) {
    UsageResource& r = data_transfer(w, options);
    if (u.inter_az_bytes > 0.0) {
      Writer::key(r, "monthly_intra_region_gb", u.inter_az_bytes * factor / kBytesPerGb / 2.0, false,
                  "half of the cross-AZ GB: Infracost bills each GB in both directions");
    }
    if (internet_gb > 0.0) {
      Writer::key(r, "monthly_outbound_internet_gb", internet_gb - free_gb, false,
                  free_gb > 0.0 ? "after the first " + num(free_gb) + " GB free (cost.free_internet_out_gb)"
                                : "load balancer responses and outbound calls");
    }
  }
  add_fixed_costs(w, u, options);

  std::string head = "# Infracost usage file written by loadcast from a simulated run.\n# " +
                     describe_projection(span, options.period_seconds, options.hours_per_month) +
                     "\n# Use it with: infracost breakdown --path . --usage-file THIS_FILE\nversion: 0.1\n";
  return head + w.yaml();
}

}  // namespace loadcast::cost
