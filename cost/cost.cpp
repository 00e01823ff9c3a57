#include "cost/cost.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "reports/format.hpp"

namespace loadcast::cost {

namespace {

constexpr double kMillion = 1e6;

using reports::fmt;

// A span as every loadcast message writes a duration ("30m", "24h", "1.5s", "250ms"): whole hours,
// else whole minutes, else the largest unit with %g, after rounding to the nanosecond. The same
// rendering as sim::format_duration, written again because cost/ must not depend on the engine.
std::string span_text(double seconds) {
  constexpr std::int64_t kNs = 1'000'000'000, kMinuteNs = 60 * kNs, kHourNs = 60 * kMinuteNs;
  const double ns = seconds * 1e9;
  std::int64_t t = 0;
  if (!(ns < 9.2e18)) t = ns != ns ? 0 : INT64_MAX;
  else if (!(ns > -9.2e18)) t = -INT64_MAX;
  else t = ns >= 0.0 ? static_cast<std::int64_t>(ns + 0.5) : -static_cast<std::int64_t>(-ns + 0.5);
  const double a = static_cast<double>(t < 0 ? -t : t);
  const char* sign = t < 0 ? "-" : "";
  char buf[64];
  if (t % kHourNs == 0 && t != 0) {
    std::snprintf(buf, sizeof buf, "%s%lldh", sign, static_cast<long long>(a / 3600e9));
  } else if (t % kMinuteNs == 0 && t != 0) {
    std::snprintf(buf, sizeof buf, "%s%lldm", sign, static_cast<long long>(a / 60e9));
  } else if (a >= 1e9) {
    std::snprintf(buf, sizeof buf, "%s%gs", sign, a / 1e9);
  } else if (a >= 1e6) {
    std::snprintf(buf, sizeof buf, "%s%gms", sign, a / 1e6);
  } else if (a >= 1e3) {
    std::snprintf(buf, sizeof buf, "%s%gus", sign, a / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%s%lldns", sign, static_cast<long long>(a));
  }
  return buf;
}

double round6(double v) { return std::round(v * 1e6) / 1e6; }

PriceConfidence worst(PriceConfidence a, PriceConfidence b) {
  return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto dot = key.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == key.size()) return {};
  return {key.substr(0, dot), key.substr(dot + 1)};
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class Pricer {
 public:
  Pricer(const PriceTable& prices, CostReport& report) : prices_(prices), report_(report) {}

  // Adds a line of `quantity` (monthly, in the price's unit) of group.item, scaled by `multiplier`
  // (the Spot discount); lines of zero quantity are left out.
  void add(const std::string& item, const std::string& resource, const std::string& component,
           const std::string& group, const std::string& key, double quantity, double multiplier = 1.0,
           PriceConfidence extra = PriceConfidence::kDoc, const std::string& key_suffix = {}, bool fixed = false) {
    if (!(quantity > 0.0)) return;
    const PriceEntry& p = prices_.at(group, key);
    CostLine l;
    l.item = item;
    l.resource = resource;
    l.component = component;
    l.price_key = group + "." + key + key_suffix;
    l.quantity = quantity;
    l.unit = p.unit;
    l.unit_usd = p.usd * multiplier;
    l.usd = quantity * l.unit_usd;
    l.confidence = worst(p.confidence, extra);
    l.fixed = fixed;
    push(std::move(l));
  }

  void add_dollars(const FixedCost& f) {
    CostLine l;
    l.item = f.name;
    l.resource = f.note;
    l.component = "fixed";
    l.quantity = 1.0;
    l.unit = "month";
    l.unit_usd = f.usd_per_month;
    l.usd = f.usd_per_month;
    l.fixed = true;
    push(std::move(l));
  }

 private:
  void push(CostLine l) {
    auto it = std::find_if(report_.items.begin(), report_.items.end(), [&](const auto& p) { return p.first == l.item; });
    if (it == report_.items.end()) {
      report_.items.emplace_back(l.item, l.usd);
    } else {
      it->second += l.usd;
    }
    report_.total_usd += l.usd;
    report_.lines.push_back(std::move(l));
  }

  const PriceTable& prices_;
  CostReport& report_;
};

// What the Spot figure rests on: the scenario's discount, AWS's "up to" (an upper bound), or a
// measured Spot price of the Region's table.
std::string spot_assumption(const PriceEntry& d) {
  const std::string head = "Fargate Spot is priced at On-Demand x (1 - " + fmt("%g", d.usd) + ")";
  const std::string other = "; set cost.prices: { fargate.spot_discount: X } for another";
  switch (d.confidence) {
    case PriceConfidence::kScenario: return head + ", the discount the scenario set (cost.prices)";
    case PriceConfidence::kUnverified:
      return head + ": " + fmt("%g", d.usd * 100.0) + " % is AWS's \"up to\" discount, an upper bound, so the Spot figure is a "
             "lower bound" + other;
    case PriceConfidence::kDoc:
    case PriceConfidence::kSecondary: break;
  }
  return head + ": " + fmt("%g", d.usd * 100.0) + " % off is a measured Spot price (" + d.source + ", " + d.date +
         "); AWS moves Spot prices with supply and demand" + other;
}

bool has_fixed_price(const Usage& u, const std::string& prefix) {
  return std::any_of(u.fixed_costs.begin(), u.fixed_costs.end(),
                     [&](const FixedCost& f) { return f.price.rfind(prefix, 0) == 0; });
}

bool has_fixed_named(const Usage& u, const std::string& name) {
  return std::any_of(u.fixed_costs.begin(), u.fixed_costs.end(), [&](const FixedCost& f) { return f.name == name; });
}

std::vector<std::string> not_priced(const Usage& u, const Coverage& c) {
  std::vector<std::string> out;
  if (c.target_tracking_policies > 0 || c.step_scaling_policies > 0) {
    out.push_back("CloudWatch alarms of the scaling policies: " + std::to_string(c.target_tracking_policies) +
                  " target-tracking policies create 2 alarms each (AlarmHigh, AlarmLow) and " +
                  std::to_string(c.step_scaling_policies) +
                  " step-scaling policies use 1 alarm each; CloudWatch bills every alarm per alarm-month");
  }
  if (c.ecs_services > 0 && !has_fixed_named(u, "container_insights")) {
    out.push_back("CloudWatch Container Insights (not declared: add a container_insights item to cost.fixed_costs if it is "
                  "enabled)");
  }
  if (c.ecs_services > 0) {
    out.push_back("container image pulls at each task launch (data processed by the NAT gateway, or ECR interface endpoint "
                  "GB) and ECR image storage, unless declared in cost.fixed_costs");
  }
  if (!(u.inter_az_bytes > 0.0) && !has_fixed_price(u, "data_transfer.inter_az")) {
    out.push_back("data transfer between Availability Zones (load balancer to tasks, tasks to the database, cache and "
                  "endpoints in another AZ): not metered");
  }
  for (const auto& cl : u.aurora_clusters) {
    if (cl.storage_gb_seconds <= 0.0 && cl.io_requests <= 0.0 && cl.backup_gb_seconds <= 0.0) {
      out.push_back("Aurora cluster " + cl.cluster + ": storage and I/O (give database.volume to price them)");
    }
  }
  if (!(u.log_ingest_bytes > 0.0) && !has_fixed_price(u, "cloudwatch_logs.")) out.push_back("CloudWatch Logs ingestion and storage");
  const bool nat_hours = has_fixed_price(u, "nat_gateway.hour") ||
                         std::any_of(u.nat_gateways.begin(), u.nat_gateways.end(), [](const auto& n) { return n.seconds > 0.0; });
  const bool nat_data = has_fixed_price(u, "nat_gateway.gb_processed") ||
                        std::any_of(u.nat_gateways.begin(), u.nat_gateways.end(), [](const auto& n) { return n.processed_bytes > 0.0; });
  if (nat_hours && !nat_data) {
    out.push_back("NAT gateway data processing: no outbound call is declared through it (a delay step's call: with via: nat)");
  }
  if (c.load_balancer && u.public_ipv4.empty() && !has_fixed_price(u, "public_ipv4.")) {
    out.push_back("public IPv4 addresses of the internet-facing load balancer (one per Availability Zone)");
  }
  out.push_back("taxes, the AWS Support plan, Savings Plans and Reserved Instance discounts, and free tiers (but "
                "cost.free_internet_out_gb when set)");
  return out;
}

bool has_metered(const Usage& u) {
  return !u.fargate.empty() || !u.albs.empty() || !u.aurora_serverless.empty() || !u.aurora_provisioned.empty() ||
         !u.aurora_clusters.empty() || !u.rds_instances.empty() || !u.rds_proxies.empty() || !u.sqs.empty() || !u.sns.empty() ||
         !u.nat_gateways.empty() || !u.vpc_endpoints.empty() || !u.public_ipv4.empty() || u.inter_az_bytes > 0 ||
         u.internet_out_bytes > 0 || u.log_ingest_bytes > 0 || u.waf_requests > 0;
}

}  // namespace

double CostReport::item(const std::string& name) const {
  for (const auto& [k, v] : items) {
    if (k == name) return v;
  }
  return 0.0;
}

std::vector<std::string> CostReport::unverified_prices() const {
  std::set<std::string> keys;
  for (const auto& l : lines) {
    if (!l.price_key.empty() && l.confidence == PriceConfidence::kUnverified) keys.insert(l.price_key);
  }
  return {keys.begin(), keys.end()};
}

reports::Json CostReport::to_json() const {
  reports::Json j;
  reports::Json items_json = reports::Json::object();
  for (const auto& [k, v] : items) items_json[k] = round6(v);
  j["monthly_usd"] = reports::Json{{"total", round6(total_usd)}, {"items", items_json}};
  j["region"] = region;
  j["prices"] = price_origin;
  j["hours_per_month"] = hours_per_month;
  j["projection"] = projection;
  j["projection_factor"] = factor;
  j["metered_s"] = metered_seconds;
  j["period_s"] = period_seconds;
  reports::Json lines_json = reports::Json::array();
  for (const auto& l : lines) {
    lines_json.push_back(reports::Json{{"item", l.item},
                                       {"resource", l.resource},
                                       {"component", l.component},
                                       {"price", l.price_key},
                                       {"quantity", round6(l.quantity)},
                                       {"unit", l.unit},
                                       {"unit_usd", l.unit_usd},
                                       {"usd", round6(l.usd)},
                                       {"confidence", l.price_key.empty() ? "scenario" : to_string(l.confidence)},
                                       {"fixed", l.fixed}});
  }
  j["lines"] = lines_json;
  if (period_seconds > metered_seconds * (1.0 + 1e-9) && factor > 0.0) {
    // A run shorter than its period is an event in it, not a pattern of the whole month: what the
    // event itself cost (the metered lines unprojected), and a month in which it happens once
    // per period, with the fixed monthly costs.
    std::vector<std::pair<std::string, double>> event_items;
    double event_total = 0.0, fixed_total = 0.0;
    for (const auto& l : lines) {
      if (l.fixed) {
        fixed_total += l.usd;
        continue;
      }
      const double usd = l.usd / factor;
      event_total += usd;
      auto it = std::find_if(event_items.begin(), event_items.end(), [&](const auto& e) { return e.first == l.item; });
      if (it == event_items.end()) event_items.emplace_back(l.item, usd);
      else it->second += usd;
    }
    reports::Json event_json = reports::Json::object();
    for (const auto& [k, v] : event_items) event_json[k] = round6(v);
    const double per_month = hours_per_month * 3600.0 / period_seconds;
    j["event_usd"] = reports::Json{{"total", round6(event_total)}, {"items", event_json}};
    j["month_of_event_usd"] = reports::Json{{"total", round6(event_total * per_month + fixed_total)}};
    j["event_projection"] = "the run is an event of " + span_text(metered_seconds) + " in a " + span_text(period_seconds) +
                            " period: event_usd prices what it metered as metered; month_of_event_usd is that " +
                            fmt("%.4g", per_month) + " time(s) a month plus the fixed monthly costs";
  }
  j["unverified_prices"] = unverified_prices();
  j["assumptions"] = assumptions;
  j["not_priced"] = not_priced;
  return j;
}

std::string describe_projection(double metered, double period, double hours_per_month) {
  if (!(metered > 0.0)) return "nothing metered: only fixed monthly costs";
  const double factor = hours_per_month * 3600.0 / metered;
  const std::string span = span_text(metered);
  const std::string formula = "monthly = metered x " + fmt("%g", hours_per_month) + " h / " + span + " (x" +
                              fmt("%.4g", factor) + ")";
  std::string text;
  if (period > 0.0) {
    const double k = metered / period;
    const std::string p = span_text(period);
    if (k >= 1.0 && std::fabs(k - std::round(k)) < 1e-9 * k) {
      text = "metered over " + fmt("%.0f", std::round(k)) + " x " + p + " workload period; " + formula;
    } else if (k < 1.0) {
      text = "metered over " + span + ", shorter than the " + p + " workload period; " + formula +
             ", as if the run repeated all month";
    } else {
      text = "metered over " + span + " (" + fmt("%.3g", k) + " workload periods of " + p + "); " + formula;
    }
  } else {
    text = "metered over " + span + ", no workload period declared; " + formula + ", as if the run repeated all month";
  }
  return text + "; fixed costs are monthly and not projected";
}

CostReport price_usage(const Usage& u, const PriceTable& prices, const CostOptions& options) {
  CostReport r;
  r.region = prices.region;
  r.price_origin = prices.origin;
  r.hours_per_month = options.hours_per_month;
  r.metered_seconds = u.metered_seconds;
  r.period_seconds = options.period_seconds;
  if (has_metered(u) && !(u.metered_seconds > 0.0)) {
    throw std::invalid_argument("cost: usage has metered quantities but metered_seconds is " +
                                fmt("%g", u.metered_seconds));
  }
  const double f = u.metered_seconds > 0.0 ? options.hours_per_month * 3600.0 / u.metered_seconds : 0.0;
  r.factor = f;
  r.projection = describe_projection(u.metered_seconds, options.period_seconds, options.hours_per_month);
  const double hours = f / 3600.0;        // unit-seconds -> unit-hours per month
  const double per_gb = f / kBytesPerGb;  // bytes -> GB per month
  const double per_million = f / kMillion;
  Pricer p(prices, r);

  bool spot = false;
  for (const auto& x : u.fargate) {
    spot = spot || (x.capacity == CapacityType::kSpot && (x.vcpu_seconds > 0.0 || x.gb_seconds > 0.0));
    const std::string arch = x.arch == CpuArch::kArm ? "arm" : "x86";
    const std::string res = x.service + " (" + arch + ", " + to_string(x.capacity) + ")";
    double mult = 1.0;
    PriceConfidence extra = PriceConfidence::kDoc;
    std::string suffix;
    if (x.capacity == CapacityType::kSpot) {
      const PriceEntry& d = prices.at("fargate", "spot_discount");
      mult = 1.0 - d.usd;
      extra = d.confidence;
      suffix = " x (1 - fargate.spot_discount)";
    }
    p.add("fargate", res, "vCPU", "fargate", arch + "_vcpu_hour", x.vcpu_seconds * hours, mult, extra, suffix);
    p.add("fargate", res, "memory", "fargate", arch + "_gb_hour", x.gb_seconds * hours, mult, extra, suffix);
    p.add("fargate", res, "ephemeral storage", "fargate", "ephemeral_gb_hour", x.ephemeral_gb_seconds * hours);
  }
  const double months = hours / options.hours_per_month;  // unit-seconds -> unit-months per month
  for (const auto& a : u.albs) {
    p.add("alb", a.name, "hours", "alb", "hour", a.seconds * hours);
    p.add("alb", a.name, "LCU", "alb", "lcu_hour", a.lcu_hours * f);
    p.add("waf", a.name, "web ACL", "waf", "web_acl_month", a.waf_acl_seconds * months);
    p.add("waf", a.name, "rules", "waf", "rule_month", a.waf_rule_seconds * months);
    p.add("waf", a.name, "requests inspected", "waf", "million_requests", a.waf_requests * per_million);
  }
  for (const auto& a : u.aurora_serverless) {
    const std::string key = a.storage == AuroraStorage::kIoOptimized ? "acu_hour_io_optimized" : "acu_hour_standard";
    p.add("aurora", a.instance, "ACU", "aurora", key, a.acu_seconds * hours);
  }
  for (const auto& a : u.aurora_provisioned) {
    const std::string group =
        a.storage == AuroraStorage::kIoOptimized ? "aurora_instance_io_optimized" : "aurora_instance_standard";
    p.add("aurora", a.instance, a.instance_class, group, a.instance_class, a.instance_seconds * hours);
  }
  if (spot) r.assumptions.push_back(spot_assumption(prices.at("fargate", "spot_discount")));
  for (const auto& c : u.aurora_clusters) {
    const bool io_opt = c.storage == AuroraStorage::kIoOptimized;
    p.add("aurora", c.cluster, "storage", "aurora",
          io_opt ? "storage_gb_month_io_optimized" : "storage_gb_month_standard", c.storage_gb_seconds * months);
    p.add("aurora", c.cluster, "backup storage", "aurora", "backup_gb_month", c.backup_gb_seconds * months);
    if (!io_opt) p.add("aurora", c.cluster, "I/O", "aurora", "io_million_requests", c.io_requests * per_million);
  }
  for (const auto& x : u.rds_instances) {
    p.add("rds", x.instance, x.instance_class, "rds_instance_" + x.engine, x.instance_class, x.instance_seconds * hours);
    p.add("rds", x.instance, "storage (gp3)", "rds", "storage_gp3_gb_month", x.storage_gb_seconds * months);
  }
  for (const auto& x : u.rds_proxies) {
    p.add("rds_proxy", x.name, "vCPU", "rds_proxy", "vcpu_hour", x.vcpu_seconds * hours);
    p.add("rds_proxy", x.name, "ACU", "rds_proxy", "acu_hour", x.acu_seconds * hours);
  }
  for (const auto& q : u.sqs) {
    const std::string key = q.fifo ? "fifo_million_requests" : "standard_million_requests";
    const double deliveries = std::min(q.sns_deliveries, q.requests);
    p.add("sqs", q.queue, "requests", "sqs", key, (q.requests - deliveries) * per_million);
    p.add("sqs", q.queue, "SendMessage by SNS deliveries", "sqs", key, deliveries * per_million);
  }
  for (const auto& t : u.sns) {
    if (t.fifo) {
      p.add("sns", t.topic, "publishes", "sns", "fifo_publish_million", t.publish_requests * per_million);
      p.add("sns", t.topic, "publish payload", "sns", "fifo_publish_gb", t.publish_bytes * per_gb);
      p.add("sns", t.topic, "deliveries to SQS", "sns", "fifo_delivery_million", t.deliveries * per_million);
      p.add("sns", t.topic, "delivery payload", "sns", "fifo_delivery_gb", t.delivery_bytes * per_gb);
    } else {
      p.add("sns", t.topic, "publishes", "sns", "standard_publish_million", t.publish_requests * per_million);
    }
  }
  for (const auto& n : u.nat_gateways) {
    p.add("nat_gateway", n.name, "hours", "nat_gateway", "hour", n.seconds * hours);
    p.add("nat_gateway", n.name, "data processed", "nat_gateway", "gb_processed", n.processed_bytes * per_gb);
  }
  for (const auto& e : u.vpc_endpoints) {
    p.add("vpc_endpoint", e.name, "AZ-hours", "vpc_endpoint", "interface_az_hour", e.az_seconds * hours);
    p.add("vpc_endpoint", e.name, "data processed", "vpc_endpoint", "interface_gb", e.processed_bytes * per_gb);
  }
  for (const auto& ip : u.public_ipv4) {
    p.add("public_ipv4", ip.owner, "addresses", "public_ipv4", "ip_hour", ip.ip_seconds * hours);
  }
  p.add("data_transfer", "cross-AZ", "GB", "data_transfer", "inter_az_gb", u.inter_az_bytes * per_gb);
  const double internet_gb = u.internet_out_bytes * per_gb;
  const double free_gb = std::min(internet_gb, std::max(0.0, options.free_internet_out_gb));
  p.add("data_transfer", free_gb > 0.0 ? "internet out, after " + fmt("%g", free_gb) + " GB free" : "internet out", "GB",
        "data_transfer", "internet_out_gb", internet_gb - free_gb);
  if (options.free_internet_out_gb > 0.0 && internet_gb > 0.0) {
    r.assumptions.push_back("the first " + fmt("%g", options.free_internet_out_gb) +
                            " GB of data transfer out to the internet each month are free (cost.free_internet_out_gb): " +
                            fmt("%.2f", free_gb) + " of " + fmt("%.2f", internet_gb) +
                            " GB; AWS grants 100 GB once per account, shared by every service and Region");
  }
  p.add("cloudwatch_logs", "ingestion", "GB", "cloudwatch_logs", "ingest_gb", u.log_ingest_bytes * per_gb);
  p.add("waf", "requests", "requests", "waf", "million_requests", u.waf_requests * per_million);

  for (const auto& fc : u.fixed_costs) {
    if (fc.price.empty()) {
      p.add_dollars(fc);
      continue;
    }
    const auto [group, key] = split_key(fc.price);
    if (group.empty()) throw MissingPrice(fc.location + ": fixed cost '" + fc.name + "': bad price key '" + fc.price + "'");
    const PriceEntry& e = prices.at(group, key);
    double qty = fc.quantity;
    if (fc.count > 0.0) qty = ends_with(e.unit, "-hour") ? fc.count * options.hours_per_month : fc.count;
    p.add(fc.name, fc.note, fc.count > 0.0 ? fmt("%g", fc.count) + " x " + e.unit : e.unit, group, key, qty,
          1.0, PriceConfidence::kDoc, {}, true);
  }
  r.not_priced = not_priced(u, options.coverage);
  return r;
}

CostReport price_usage(const Usage& usage, const PriceTable& prices, const CostConfig& config) {
  Usage priced = usage;
  if (priced.fixed_costs.empty()) priced.fixed_costs = config.fixed_costs;
  CostOptions options;
  options.period_seconds = config.period_seconds;
  options.free_internet_out_gb = config.free_internet_out_gb;
  options.coverage = config.coverage;
  return price_usage(priced, prices, options);
}

reports::Json cost_error_section(const std::string& error, const std::string& region) {
  return reports::Json{{"error", error}, {"region", region}};
}

std::optional<std::string> cost_error(const reports::Result& result) {
  if (!result.sections.contains("cost")) return std::nullopt;
  const reports::Json& c = result.sections["cost"];
  if (!c.is_object() || !c.contains("error") || !c["error"].is_string()) return std::nullopt;
  return c["error"].get<std::string>();
}

std::vector<std::string> validate_fixed_costs(const std::vector<FixedCost>& items, const PriceTable& prices) {
  std::vector<std::string> errors;
  for (const auto& fc : items) {
    const std::string at = (fc.location.empty() ? std::string() : fc.location + ": ") + "fixed cost '" + fc.name + "': ";
    if (fc.name.empty()) errors.push_back(at + "needs a name");
    if (fc.price.empty()) {
      if (!(fc.usd_per_month > 0.0)) errors.push_back(at + "needs usd_per_month > 0 or a price with a quantity");
      continue;
    }
    const auto [group, key] = split_key(fc.price);
    if (group.empty() || !prices.has(group, key)) {
      errors.push_back(at + "price '" + fc.price + "' is not in the " + prices.region + " price table");
      continue;
    }
    const std::string& unit = prices.at(group, key).unit;
    const bool countable = ends_with(unit, "-hour") || ends_with(unit, "-month");
    if (fc.count > 0.0 && !countable) {
      errors.push_back(at + "count applies to per-hour or per-month prices; " + fc.price + " is per " + unit +
                       ", give quantity instead");
    }
    if (fc.count > 0.0 && fc.quantity > 0.0) errors.push_back(at + "give either count or quantity, not both");
    if (!(fc.count > 0.0) && !(fc.quantity > 0.0)) errors.push_back(at + "needs quantity > 0 (" + unit + " per month)");
  }
  return errors;
}

std::vector<std::string> apply_price_overrides(PriceTable& table, const std::vector<PriceOverride>& overrides) {
  std::vector<std::string> errors;
  for (const auto& o : overrides) {
    const std::string at = (o.location.empty() ? std::string() : o.location + ": ") + "cost.prices." + o.key + ": ";
    const auto [group, item] = split_key(o.key);
    const bool instance = !group.empty() && is_instance_group(group);
    if (group.empty() || (!instance && !table.has(group, item))) {
      errors.push_back(at + "is not a price of the " + table.region + " table (GROUP.ITEM, e.g. fargate.spot_discount)");
      continue;
    }
    const std::string unit = expected_unit(group, item);
    if (!std::isfinite(o.usd) || o.usd < 0.0) {
      errors.push_back(at + "must be a number >= 0 (USD per " + unit + ")");
      continue;
    }
    if (unit == "fraction" && !(o.usd < 1.0)) {
      errors.push_back(at + "is a fraction and must be in [0, 1)");
      continue;
    }
    PriceEntry e = table.has(group, item) ? table.at(group, item) : PriceEntry{};
    e.usd = o.usd;
    e.unit = unit;
    e.source = "scenario";
    e.date = "scenario";  // the scenario's own figure has no as-of date of a source
    e.confidence = PriceConfidence::kScenario;
    e.note = "set by cost.prices" + (o.location.empty() ? std::string() : " at " + o.location);
    table.set(group, item, std::move(e));
  }
  return errors;
}

}  // namespace loadcast::cost
