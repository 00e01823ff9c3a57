#include "cost/pricing.hpp"

#include <cmath>

namespace loadcast::cost {

const char* to_string(PriceConfidence c) {
  switch (c) {
    case PriceConfidence::kDoc: return "doc";
    case PriceConfidence::kScenario: return "scenario";
    case PriceConfidence::kSecondary: return "secondary";
    case PriceConfidence::kUnverified: return "unverified";
  }
  return "unverified";
}

bool is_instance_group(std::string_view group) {
  for (auto g : kInstanceGroups) {
    if (g == group) return true;
  }
  return false;
}

std::string expected_unit(std::string_view group, std::string_view item) {
  if (is_instance_group(group)) return "instance-hour";
  for (const auto& c : kPriceCatalog) {
    if (c.group == group && c.item == item) return std::string(c.unit);
  }
  return {};
}

void PriceTable::set(const std::string& group, const std::string& item, PriceEntry entry) {
  groups_[group][item] = std::move(entry);
}

bool PriceTable::has(const std::string& group, const std::string& item) const {
  const auto g = groups_.find(group);
  return g != groups_.end() && g->second.count(item) > 0;
}

const PriceEntry& PriceTable::at(const std::string& group, const std::string& item) const {
  const auto g = groups_.find(group);
  if (g != groups_.end()) {
    const auto i = g->second.find(item);
    if (i != g->second.end()) return i->second;
  }
  std::string msg = "price table " + region + " has no price '" + group + "." + item + "'";
  if (is_instance_group(group)) {
    msg += " (priced classes:";
    for (const auto& c : instance_classes(group)) msg += " " + c;
    msg += "; add it to cost/prices/" + region + ".yaml or use a pricing: override)";
  }
  throw MissingPrice(msg);
}

std::vector<std::string> PriceTable::keys() const {
  std::vector<std::string> out;
  for (const auto& [g, items] : groups_) {
    for (const auto& [i, e] : items) out.push_back(g + "." + i);
  }
  return out;
}

std::vector<std::string> PriceTable::instance_classes(const std::string& group) const {
  std::vector<std::string> out;
  const auto g = groups_.find(group);
  if (g == groups_.end()) return out;
  for (const auto& [i, e] : g->second) out.push_back(i);
  return out;
}

std::vector<std::string> PriceTable::validate() const {
  std::vector<std::string> errors;
  const std::string where = "price table " + (region.empty() ? std::string("<no region>") : region) + ": ";
  for (const auto& c : kPriceCatalog) {
    const std::string g(c.group), i(c.item);
    if (!has(g, i)) {
      errors.push_back(where + "missing price " + g + "." + i + " (" + std::string(c.unit) + ")");
    }
  }
  for (const auto cls : kRequiredAuroraClasses) {
    for (const char* g : {"aurora_instance_standard", "aurora_instance_io_optimized"}) {
      if (!has(g, std::string(cls))) errors.push_back(where + "missing price " + g + "." + std::string(cls));
    }
  }
  for (const auto cls : kRequiredRdsClasses) {
    for (const char* g : {"rds_instance_mysql", "rds_instance_postgresql"}) {
      if (!has(g, std::string(cls))) errors.push_back(where + "missing price " + g + "." + std::string(cls));
    }
  }
  for (const auto& [g, items] : groups_) {
    for (const auto& [i, e] : items) {
      const std::string key = g + "." + i;
      const std::string unit = expected_unit(g, i);
      if (unit.empty()) {
        errors.push_back(where + "unknown price " + key);
        continue;
      }
      if (e.unit != unit) errors.push_back(where + key + " has unit '" + e.unit + "', expected '" + unit + "'");
      if (!std::isfinite(e.usd) || e.usd < 0) errors.push_back(where + key + " must be a non-negative number");
      if (unit == "fraction" && !(e.usd >= 0.0 && e.usd < 1.0)) {
        errors.push_back(where + key + " must be a fraction in [0, 1)");
      }
      if (e.source.empty()) errors.push_back(where + key + " has no source URL");
      if (e.date.empty()) errors.push_back(where + key + " has no date");
    }
  }
  return errors;
}

}  // namespace loadcast::cost
