#include "models/infracost_usage.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace loadcast::models {

namespace {

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

class Writer {
 public:
  Writer(const InfracostOptions& o) : options_(o) {}

  void resource(const std::string& type, const std::string& name) {
    const auto it = options_.addresses.find(name);
    const std::string address = it != options_.addresses.end() ? it->second : type + "." + terraform_name(name);
    out_ << "  " << quoted(address) << ":\n";
    ++resources_;
  }
  void key(const std::string& k, const std::string& value, const std::string& comment = {}) {
    out_ << "    " << k << ": " << value;
    if (!comment.empty()) out_ << "  # " << comment;
    out_ << '\n';
  }
  void comment(const std::string& text) { out_ << "  # " << text << '\n'; }
  std::ostringstream& out() { return out_; }
  int resources() const { return resources_; }

 private:
  const InfracostOptions& options_;
  std::ostringstream out_;
  int resources_ = 0;
};

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
  const double factor = span > 0.0 ? options.hours_per_month * 3600.0 / span : 0.0;
  Writer w(options);

  std::map<std::string, double> task_seconds;
  for (const auto& f : u.fargate) task_seconds[f.service] += f.task_seconds;
  for (const auto& [service, seconds] : task_seconds) {
    w.comment("aws_ecs_service." + terraform_name(service) + ": Infracost prices desired_count; the simulated " +
              "time-weighted average is " + num(span > 0 ? seconds / span : 0.0) + " tasks");
  }
  for (const auto& a : u.albs) {
    if (!(span > 0.0)) break;
    const double rules = std::max(0.0, a.totals.rule_evaluations - kAlbFreeRulesPerRequest * a.totals.requests);
    w.resource("aws_lb", a.name);
    w.key("new_connections", integer(a.totals.new_connections / span), "per second, average");
    w.key("active_connections", integer(a.totals.active_connection_seconds / span), "concurrent, average per minute");
    w.key("processed_bytes_gb", num(a.totals.processed_bytes / kBytesPerGb / (span / 3600.0)), "per hour, average");
    w.key("rule_evaluations", integer(rules / span), "per second, after 10 free rules per request");
    w.comment("loadcast bills the highest LCU dimension in each hour: " + num(a.lcu_hours * factor) +
              " LCU-hours per month");
  }
  std::map<std::string, double> cluster_acu_seconds;
  for (const auto& s : u.aurora_serverless) cluster_acu_seconds[s.cluster] += s.acu_seconds;
  std::map<std::string, bool> written;
  for (const auto& c : u.aurora_clusters) {
    if (!(span > 0.0)) break;
    w.resource("aws_rds_cluster", c.cluster);
    w.key("storage_gb", num(c.storage_gb_seconds / span));
    w.key("read_requests_per_sec", integer(c.io_requests / span), "all storage I/O, reads and writes");
    w.key("write_requests_per_sec", "0");
    if (cluster_acu_seconds.count(c.cluster)) {
      w.key("capacity_units_per_hr", integer(cluster_acu_seconds[c.cluster] / span),
            "average ACU over all instances: " + num(cluster_acu_seconds[c.cluster] / span));
    }
    written[c.cluster] = true;
  }
  for (const auto& [cluster, acu_s] : cluster_acu_seconds) {
    if (written.count(cluster) || !(span > 0.0)) continue;
    w.resource("aws_rds_cluster", cluster);
    w.key("capacity_units_per_hr", integer(acu_s / span), "average ACU over all instances: " + num(acu_s / span));
  }
  for (const auto& q : u.sqs) {
    w.resource("aws_sqs_queue", q.queue);
    w.key("monthly_requests", num(q.requests * factor), "every API call incl. empty receives, in 64 KB chunks");
    w.key("request_size_kb", "64");
  }
  for (const auto& t : u.sns) {
    w.resource("aws_sns_topic", t.topic);
    w.key("monthly_requests", integer(t.publish_requests * factor), "publishes, in 64 KB chunks");
    w.key("request_size_kb", "64");
  }
  for (const auto& n : u.nat_gateways) {
    w.resource("aws_nat_gateway", n.name);
    w.key("monthly_data_processed_gb", num(n.processed_bytes * factor / kBytesPerGb));
  }
  for (const auto& e : u.vpc_endpoints) {
    w.resource("aws_vpc_endpoint", e.name);
    w.key("monthly_data_processed_gb", num(e.processed_bytes * factor / kBytesPerGb));
  }
  if (u.log_ingest_bytes > 0.0) {
    w.resource("aws_cloudwatch_log_group", "app");
    w.key("monthly_data_ingested_gb", num(u.log_ingest_bytes * factor / kBytesPerGb));
  }
  if (u.inter_az_bytes > 0.0 || u.internet_out_bytes > 0.0) {
    const std::string region = options.region.empty() ? std::string("region") : options.region;
    w.resource("aws_data_transfer", region);
    w.key("region", options.region.empty() ? "\"\"" : options.region);
    w.key("intra_region_gb", num(u.inter_az_bytes * factor / kBytesPerGb));
    w.key("outbound_internet_gb", num(u.internet_out_bytes * factor / kBytesPerGb));
  }
  std::string head = "# Infracost usage file written by loadcast from a simulated run.\n# " +
                     describe_projection(span, 0.0, options.hours_per_month) +
                     "\n# Use it with: infracost breakdown --path . --usage-file THIS_FILE\nversion: 0.1\n";
  head += w.resources() > 0 ? "resource_usage:\n" : "resource_usage: {}\n";
  return head + w.out().str();
}

}  // namespace loadcast::models
