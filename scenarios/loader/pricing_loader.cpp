#include "scenarios/loader/pricing_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <variant>

#include "models/data/db_instance_classes.hpp"
#include "scenarios/loader/pricing_embedded.hpp"
#include "scenarios/loader/sections.hpp"
#include "scenarios/loader/yaml_document.hpp"
#include "scenarios/loader/yaml_reader.hpp"
#include "sim/input_file.hpp"

namespace loadcast::scenario {

namespace {

std::string location(const Context& ctx, const YAML::Node& node) {
  if (!node.IsDefined() || node.Mark().line < 0) return ctx.file();
  return ctx.file() + ":" + std::to_string(node.Mark().line + 1) + ":" + std::to_string(node.Mark().column + 1);
}

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::set<std::string> known_groups() {
  std::set<std::string> out;
  for (const auto& c : cost::kPriceCatalog) out.insert(std::string(c.group));
  for (const auto g : cost::kInstanceGroups) out.insert(std::string(g));
  return out;
}

std::set<std::string> catalog_items(const std::string& group) {
  std::set<std::string> out;
  for (const auto& c : cost::kPriceCatalog) {
    if (c.group == group) out.insert(std::string(c.item));
  }
  return out;
}

void read_entry(Context& ctx, const YAML::Node& node, const std::string& path, const std::string& group,
                const std::string& item, cost::PriceTable& table) {
  MapReader r(ctx, node, path);
  if (!r.valid()) return;
  cost::PriceEntry e;
  bool complete = true;
  for (const char* key : {"usd", "unit", "source", "date", "confidence"}) {
    if (!r.has(key)) {
      ctx.error(node, path, std::string("needs '") + key + "'");
      complete = false;
    }
  }
  if (auto v = r.number("usd")) {
    e.usd = *v;
    if (e.usd < 0) ctx.error(r.get("usd"), r.child_path("usd"), "must be >= 0");
  }
  const std::string expected = cost::expected_unit(group, item);
  if (auto v = r.str("unit")) {
    e.unit = *v;
    if (e.unit != expected) ctx.error(r.get("unit"), r.child_path("unit"), "must be '" + expected + "', found '" + e.unit + "'");
  }
  if (expected == "fraction" && !(e.usd >= 0.0 && e.usd < 1.0)) {
    ctx.error(r.get("usd"), r.child_path("usd"), "is a fraction and must be in [0, 1)");
  }
  if (auto v = r.str("source")) {
    e.source = *v;
    if (e.source.rfind("https://", 0) != 0 && e.source.rfind("http://", 0) != 0) {
      ctx.error(r.get("source"), r.child_path("source"), "must be a URL (http:// or https://)");
    }
  }
  if (auto v = r.str("date")) {
    e.date = *v;
    if (!is_date(e.date)) ctx.error(r.get("date"), r.child_path("date"), "must be a date YYYY-MM-DD, found '" + e.date + "'");
  }
  if (auto v = r.str("confidence")) {
    if (*v == "doc") e.confidence = cost::PriceConfidence::kDoc;
    else if (*v == "secondary") e.confidence = cost::PriceConfidence::kSecondary;
    else if (*v == "unverified") e.confidence = cost::PriceConfidence::kUnverified;
    else ctx.error(r.get("confidence"), r.child_path("confidence"), "must be doc, secondary or unverified, found '" + *v + "'");
  }
  if (auto v = r.str("note")) e.note = *v;
  r.finish();
  if (complete) table.set(group, item, std::move(e));
}

cost::PriceTable parse_node(const YAML::Node& root, Context& ctx) {
  cost::PriceTable table;
  table.origin = ctx.file();
  MapReader top(ctx, root, "");
  if (!root.IsMap()) {
    if (top.valid()) ctx.error(root, "", "a price table must be a mapping with region, currency and prices");
    return table;
  }
  if (auto v = top.str("region")) table.region = *v;
  else if (!top.has("region")) ctx.error(root, "region", "is required (e.g. region: ap-northeast-1)");
  if (auto v = top.str("currency")) {
    if (*v != "USD") ctx.error(top.get("currency"), "currency", "must be USD (every price is in US dollars)");
  }
  const YAML::Node prices = top.get("prices");
  if (!prices.IsDefined() || !prices.IsMap()) {
    ctx.error(prices.IsDefined() ? prices : root, "prices", "is required: a mapping of price groups");
    top.finish();
    return table;
  }
  const auto groups = known_groups();
  for (const auto& kv : prices) {
    const std::string group = kv.first.Scalar();
    const std::string gpath = join_path("prices", group);
    if (!groups.count(group)) {
      ctx.error(kv.first, gpath, "unknown price group '" + group + "' (expected one of: " + join(groups) + ")");
      continue;
    }
    if (!kv.second.IsMap()) {
      ctx.error(kv.second, gpath, std::string("must be a mapping of prices, found ") + node_kind(kv.second));
      continue;
    }
    const bool instances = cost::is_instance_group(group);
    const auto items = catalog_items(group);
    for (const auto& ikv : kv.second) {
      const std::string item = ikv.first.Scalar();
      const std::string ipath = join_path(gpath, item);
      if (!instances && !items.count(item)) {
        ctx.error(ikv.first, ipath, "unknown price '" + item + "' (expected one of: " + join(items) + ")");
        continue;
      }
      read_entry(ctx, ikv.second, ipath, group, item, table);
    }
  }
  top.finish();
  if (ctx.ok()) {
    for (const auto& problem : table.validate()) ctx.error(prices, "prices", problem);
  }
  return table;
}

struct Builtins {
  std::once_flag once;
  std::map<std::string, cost::PriceTable> tables;
  std::vector<std::string> errors;
};

Builtins& builtins() {
  static Builtins b;
  std::call_once(b.once, [] {
    for (std::size_t i = 0; i < embedded::kPricingFileCount; ++i) {
      const auto& f = embedded::kPricingFiles[i];
      const std::string text(reinterpret_cast<const char*>(f.text), f.size);
      const std::string name = std::string("builtin:cost/prices/") + f.region + ".yaml";
      try {
        cost::PriceTable t = parse_price_table(text, name);
        t.origin = std::string("builtin:") + f.region;
        if (t.region != f.region) {
          b.errors.push_back(name + ": region: is '" + t.region + "' but the file is named for " + f.region);
          continue;
        }
        b.tables.emplace(f.region, std::move(t));
      } catch (const LoadError& e) {
        b.errors.insert(b.errors.end(), e.errors().begin(), e.errors().end());
      }
    }
  });
  return b;
}

std::string read_file(const std::string& path) {
  try {
    return sim::read_input_file(path, kMaxYamlBytes, "price table file");
  } catch (const sim::InputFileError& e) {
    throw LoadError({e.what()});
  }
}

// One `fixed_costs:` list of the cost section.
std::vector<cost::FixedCost> parse_fixed_costs(Context& ctx, const YAML::Node& node, const std::string& path) {
  std::vector<cost::FixedCost> out;
  for_each_item(ctx, node, path, [&](const YAML::Node& item, const std::string& ipath) {
    MapReader r(ctx, item, ipath);
    if (!r.valid()) return;
    cost::FixedCost fc;
    fc.location = location(ctx, item);
    if (auto v = r.str("name")) fc.name = *v;
    else ctx.error(item, ipath, "needs a name (the item it adds to in cost.monthly_usd.items)");
    const bool dollars = r.has("usd_per_month");
    const bool priced = r.has("price");
    if (dollars == priced) {
      ctx.error(item, ipath, "needs exactly one of usd_per_month: AMOUNT or price: GROUP.ITEM (from cost/prices)");
    }
    if (auto v = r.number("usd_per_month")) {
      fc.usd_per_month = *v;
      if (*v <= 0) ctx.error(r.get("usd_per_month"), r.child_path("usd_per_month"), "must be > 0");
    }
    if (auto v = r.str("price")) {
      fc.price = *v;
      if (v->find('.') == std::string::npos) {
        ctx.error(r.get("price"), r.child_path("price"), "must be GROUP.ITEM, e.g. nat_gateway.gb_processed");
      }
    }
    if (auto v = r.number("quantity")) {
      fc.quantity = *v;
      if (*v <= 0) ctx.error(r.get("quantity"), r.child_path("quantity"), "must be > 0");
    }
    if (auto v = r.number("count")) {
      fc.count = *v;
      if (*v <= 0) ctx.error(r.get("count"), r.child_path("count"), "must be > 0");
    }
    if (priced && r.has("quantity") == r.has("count")) {
      ctx.error(item, ipath, "a priced item needs exactly one of quantity: (units per month) or count: (resources running all month)");
    }
    if (dollars && (r.has("quantity") || r.has("count"))) {
      ctx.error(item, ipath, "quantity and count apply to price:, not to usd_per_month:");
    }
    if (auto v = r.str("note")) fc.note = *v;
    r.finish();
    out.push_back(std::move(fc));
  });
  return out;
}

}  // namespace

cost::PriceTable parse_price_table(const std::string& yaml_text, const std::string& file) {
  const std::filesystem::path p(file);
  Context ctx(file, p.has_parent_path() ? p.parent_path().string() : std::string("."));
  const YAML::Node root = parse_document(ctx, yaml_text);
  cost::PriceTable table = parse_node(root, ctx);
  if (!ctx.ok()) throw LoadError(ctx.errors());
  return table;
}

cost::PriceTable load_price_table_file(const std::string& path) { return parse_price_table(read_file(path), path); }

std::vector<std::string> builtin_regions() {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < embedded::kPricingFileCount; ++i) out.emplace_back(embedded::kPricingFiles[i].region);
  std::sort(out.begin(), out.end());
  return out;
}

std::string builtin_region_list() {
  std::string list;
  for (const auto& r : builtin_regions()) list += (list.empty() ? "" : ", ") + r;
  return list;
}

bool has_builtin_prices(const std::string& region) {
  const auto regions = builtin_regions();
  return std::find(regions.begin(), regions.end(), region) != regions.end();
}

bool aws_region_name(const std::string& text) {
  static const std::regex kRegion("[a-z]{2}(-[a-z]+)+-[0-9]+");
  return std::regex_match(text, kRegion);
}

const cost::PriceTable& builtin_price_table(const std::string& region) {
  Builtins& b = builtins();
  if (!b.errors.empty()) throw LoadError(b.errors);
  const auto it = b.tables.find(region);
  if (it != b.tables.end()) return it->second;
  throw LoadError({"region '" + region + "' has no built-in price table (built in: " + builtin_region_list() +
                   "); give one with cost.pricing: FILE"});
}

cost::PriceTable price_table_for(const std::string& region, const std::string& pricing_file,
                                   const std::string& base_dir) {
  if (pricing_file.empty()) return builtin_price_table(region);
  std::filesystem::path p(pricing_file);
  if (p.is_relative() && !base_dir.empty()) p = std::filesystem::path(base_dir) / p;
  return load_price_table_file(p.string());
}

void load_cost_section(MapReader& top, cost::CostConfig& out) {
  if (!top.has("cost")) {
    top.get("cost");
    return;
  }
  MapReader r(top.ctx(), top.get("cost"), top.child_path("cost"));
  if (!r.valid()) return;
  if (auto v = r.str("pricing")) out.pricing_file = *v;
  if (auto v = r.duration("period")) {
    if (*v <= 0) r.ctx().error(r.get("period"), r.child_path("period"), "must be longer than 0s");
    out.period_seconds = sim::to_seconds(*v);
  }
  if (auto v = r.number("free_internet_out_gb")) {
    if (!(*v >= 0.0)) r.ctx().error(r.get("free_internet_out_gb"), r.child_path("free_internet_out_gb"), "must be >= 0 (GB a month)");
    else out.free_internet_out_gb = *v;
  }
  out.fixed_costs = parse_fixed_costs(r.ctx(), r.get("fixed_costs"), r.child_path("fixed_costs"));
  if (r.has("prices")) {
    MapReader p(r.ctx(), r.get("prices"), r.child_path("prices"));
    if (p.valid()) {
      for (const auto& key : p.keys()) {
        const YAML::Node node = p.get(key);
        if (auto v = read_number(r.ctx(), node, p.child_path(key))) {
          out.prices.push_back(cost::PriceOverride{key, *v, location(r.ctx(), node)});
        }
      }
    }
  } else {
    r.get("prices");
  }
  r.finish();
}

cost::Coverage cost_coverage(const Scenario& s) {
  cost::Coverage c;
  const auto count = [&c](const models::ServiceConfig& svc) {
    ++c.ecs_services;
    if (!svc.autoscaling) return;
    for (const auto& p : svc.autoscaling->policies) {
      if (std::holds_alternative<models::TargetTrackingConfig>(p.spec)) ++c.target_tracking_policies;
      else ++c.step_scaling_policies;
    }
  };
  for (const auto& svc : s.model.services) count(svc);
  for (const auto& w : s.model.workers) count(w.service);
  if (s.model.replica_scaling) {
    for (const auto& p : s.model.replica_scaling->autoscaling.policies) {
      if (std::holds_alternative<models::TargetTrackingConfig>(p.spec)) ++c.target_tracking_policies;
      else ++c.step_scaling_policies;
    }
  }
  c.load_balancer = s.model.load_balancer.has_value();
  return c;
}

cost::PriceTable scenario_price_table(const cost::CostConfig& cost, const std::string& region,
                                       const std::string& base_dir) {
  cost::PriceTable table = price_table_for(region, cost.pricing_file, base_dir);
  auto errors = cost::apply_price_overrides(table, cost.prices);
  if (!errors.empty()) throw LoadError(errors);
  return table;
}

std::vector<std::string> check_cost_config(const cost::CostConfig& cost, const std::string& region,
                                           const std::string& base_dir) {
  // With the built-in table, no override and no fixed cost there is nothing to check against
  // it: the table is parsed when a run's usage is priced, not for every scenario loaded (a model
  // with no AWS resources never prices anything, and parsing the tables takes ~20 ms).
  if (cost.pricing_file.empty() && cost.prices.empty() && cost.fixed_costs.empty()) return {};
  try {
    cost::PriceTable table = price_table_for(region, cost.pricing_file, base_dir);
    std::vector<std::string> errors = cost::apply_price_overrides(table, cost.prices);
    for (auto& e : cost::validate_fixed_costs(cost.fixed_costs, table)) errors.push_back(std::move(e));
    return errors;
  } catch (const LoadError& e) {
    return e.errors();
  }
}

void check_database_prices(MapReader& db, const models::DatabaseConfig& c, const Scenario& s) {
  if (c.type == models::DbType::kAuroraServerlessV2) return;
  cost::PriceTable table;
  try {
    table = scenario_price_table(s.cost, s.region, s.base_dir);
  } catch (const LoadError&) {
    return;  // check_cost_config reports an unreadable table or a bad override
  }
  const std::string group = c.type == models::DbType::kRds
                                ? std::string("rds_instance_") + (c.engine == models::DbEngine::kMysql ? "mysql" : "postgresql")
                                : c.io_optimized ? "aurora_instance_io_optimized" : "aurora_instance_standard";
  for (const char* key : {"instance_class", "reader_instance_class"}) {
    const bool reader = std::string(key) == "reader_instance_class";
    const std::string cls = reader ? c.reader_instance_class.value_or("") : c.instance_class;
    // An unknown class is reported by the database section itself (DatabaseConfig::validate),
    // and so is a readers' class not offered for Aurora.
    const models::DbInstanceClass* known = models::find_db_instance_class(cls);
    if (cls.empty() || known == nullptr || (reader && !known->aurora) || table.has(group, cls)) continue;
    std::string priced;
    for (const auto& name : table.instance_classes(group)) priced += (priced.empty() ? "" : ", ") + name;
    db.ctx().error(db.has(key) ? db.get(key) : db.node(), db.child_path(key),
                   cls + " has no price in " + group + " of the " + table.region + " price table (" + table.origin +
                       "; priced: " + priced + "); add it with cost.prices: { " + group + "." + cls +
                       ": USD_PER_HOUR } or a cost.pricing file");
  }
}

CostSection parse_cost_section(const std::string& yaml_text, const std::string& file) {
  CostSection out;
  Context ctx(file, ".");
  YAML::Node root;
  try {
    root = parse_document(ctx, yaml_text);
  } catch (const LoadError& e) {
    out.errors = e.errors();
    return out;
  }
  MapReader top(ctx, root, "");
  load_cost_section(top, out.config);
  top.finish();
  out.errors = ctx.errors();
  return out;
}

cost::CostReport price_scenario_usage(const cost::Usage& usage, const cost::CostConfig& cost,
                                      const std::string& region, const std::string& base_dir) {
  return cost::price_usage(usage, scenario_price_table(cost, region, base_dir), cost);
}

bool add_cost_section(reports::Result& result, const std::optional<cost::Usage>& usage, const std::string& region,
                      const cost::CostConfig& cost, const std::string& base_dir) {
  if (!usage && cost.fixed_costs.empty()) return false;
  try {
    result.sections["cost"] = price_scenario_usage(usage.value_or(cost::Usage{}), cost, region, base_dir).to_json();
  } catch (const std::exception& e) {
    result.sections["cost"] = cost::cost_error_section(e.what(), region);
  }
  return true;
}

}  // namespace loadcast::scenario
