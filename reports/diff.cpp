#include "reports/diff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "reports/format.hpp"
#include "reports/markup.hpp"

namespace loadcast::reports {

namespace {

std::optional<double> number_at(const Json& j, std::initializer_list<std::string_view> path) {
  const Json* at = &j;
  for (std::string_view key : path) {
    if (!at->is_object()) return std::nullopt;
    auto it = at->find(std::string(key));
    if (it == at->end()) return std::nullopt;
    at = &*it;
  }
  if (!at->is_number()) return std::nullopt;
  const double v = at->get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

// The keys of an object member of both results, base's first, then the candidate's new ones.
std::vector<std::string> union_keys(const Json& base, const Json& candidate, const char* member) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const Json* j : {&base, &candidate}) {
    if (!j->contains(member) || !(*j)[member].is_object()) continue;
    for (const auto& [k, v] : (*j)[member].items()) {
      if (seen.insert(k).second) out.push_back(k);
    }
  }
  return out;
}

const Json& member_or_null(const Json& j, const std::string& a, const std::string& b) {
  static const Json kNull;
  if (!j.is_object() || !j.contains(a) || !j[a].is_object() || !j[a].contains(b)) return kNull;
  return j[a][b];
}

std::string signed_money(double v) { return (v > 0 ? "+" : v < 0 ? "-" : "") + money(std::fabs(v)); }

std::string signed_value(double v) { return (v > 0 ? "+" : "") + format_value(v); }

std::string show(const std::optional<double>& v, bool is_money) {
  if (!v) return "—";
  return is_money ? money(*v) : format_value(*v);
}

std::string show_change(const DiffRow& r) {
  const auto c = r.change();
  if (!c) return "—";
  return r.money ? signed_money(*c) : signed_value(*c);
}

std::string show_pct(const DiffRow& r) {
  const auto p = r.change_pct();
  if (p) return (*p > 0 ? "+" : "") + fixed(*p, 1) + " %";
  const auto c = r.change();
  return c && *c != 0.0 ? "new" : "—";
}

Json leaf(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

std::string DiffRow::key() const {
  std::string k;
  for (const auto& p : path) k += (k.empty() ? "" : ".") + p;
  return k;
}

std::optional<double> DiffRow::change() const {
  if (!base || !candidate) return std::nullopt;
  return *candidate - *base;
}

std::optional<double> DiffRow::change_pct() const {
  const auto c = change();
  if (!c) return std::nullopt;
  if (*base == 0.0) return *c == 0.0 ? std::optional<double>(0.0) : std::nullopt;
  return *c / std::fabs(*base) * 100.0;
}

bool DiffRow::changed() const {
  if (base.has_value() != candidate.has_value()) return true;
  return base && *base != *candidate;
}

std::size_t DiffReport::changed_rows() const {
  std::size_t n = 0;
  for (const auto& s : sections) {
    for (const auto& r : s.rows) n += r.changed() ? 1U : 0U;
  }
  return n;
}

Json DiffReport::json() const {
  Json out = Json::object();
  for (const auto& s : sections) {
    for (const auto& r : s.rows) {
      Json* at = &out;
      for (const auto& p : r.path) {
        if (!at->contains(p)) (*at)[p] = Json::object();
        at = &(*at)[p];
      }
      (*at)["base"] = leaf(r.base);
      (*at)["candidate"] = leaf(r.candidate);
      (*at)["change"] = leaf(r.change());
      (*at)["change_pct"] = leaf(r.change_pct());
    }
  }
  return out;
}

DiffReport diff_results(const Json& base, const Json& candidate, const std::string& base_name,
                        const std::string& candidate_name) {
  DiffReport d;
  d.base_name = base_name;
  d.candidate_name = candidate_name;

  DiffSection cost{"Monthly cost (USD)", {}};
  const auto base_total = number_at(base, {"cost", "monthly_usd", "total"});
  const auto cand_total = number_at(candidate, {"cost", "monthly_usd", "total"});
  if (base_total || cand_total) {
    for (const auto& item : union_keys(member_or_null(base, "cost", "monthly_usd"), member_or_null(candidate, "cost", "monthly_usd"),
                                       "items")) {
      DiffRow r{{"cost", "items", item}, item, number_at(base, {"cost", "monthly_usd", "items", item}),
                number_at(candidate, {"cost", "monthly_usd", "items", item}), true};
      if (!r.base && base_total) r.base = 0.0;
      if (!r.candidate && cand_total) r.candidate = 0.0;
      cost.rows.push_back(std::move(r));
    }
    cost.rows.push_back(DiffRow{{"cost", "total"}, "total", base_total, cand_total, true});
    d.sections.push_back(std::move(cost));
  }

  DiffSection latency{"Latency and errors", {}};
  const auto request_rows = [&](const std::vector<std::string>& prefix, const std::string& label, const Json& b, const Json& c) {
    const auto at = [&prefix](std::initializer_list<std::string> rest) {
      std::vector<std::string> path = prefix;
      path.insert(path.end(), rest);
      return path;
    };
    for (const char* p : {"p50", "p95", "p99"}) {
      latency.rows.push_back(DiffRow{at({"latency_ms", p}), label + p + " latency (ms)", number_at(b, {"latency_ms", p}),
                                     number_at(c, {"latency_ms", p}), false});
    }
    latency.rows.push_back(DiffRow{at({"error_rate"}), label + "error rate", number_at(b, {"requests", "error_rate"}),
                                   number_at(c, {"requests", "error_rate"}), false});
  };
  request_rows({}, "", base, candidate);
  for (const auto& cls : union_keys(base, candidate, "classes")) {
    request_rows({"classes", cls}, cls + ": ", member_or_null(base, "classes", cls), member_or_null(candidate, "classes", cls));
  }
  d.sections.push_back(std::move(latency));

  DiffSection capacity{"Capacity and scaling", {}};
  for (const auto& svc : union_keys(base, candidate, "services")) {
    const Json& b = member_or_null(base, "services", svc);
    const Json& c = member_or_null(candidate, "services", svc);
    capacity.rows.push_back(DiffRow{{"services", svc, "tasks_max"}, svc + ": tasks peak", number_at(b, {"tasks_max"}),
                                    number_at(c, {"tasks_max"}), false});
    capacity.rows.push_back(DiffRow{{"services", svc, "scale_outs"}, svc + ": scale-outs", number_at(b, {"scale_outs"}),
                                    number_at(c, {"scale_outs"}), false});
    capacity.rows.push_back(DiffRow{{"services", svc, "scale_ins"}, svc + ": scale-ins", number_at(b, {"scale_ins"}),
                                    number_at(c, {"scale_ins"}), false});
  }
  for (const auto& db : union_keys(base, candidate, "databases")) {
    DiffRow r{{"databases", db, "acu_max"}, db + ": ACU peak", number_at(member_or_null(base, "databases", db), {"acu_max"}),
              number_at(member_or_null(candidate, "databases", db), {"acu_max"}), false};
    if (r.base || r.candidate) capacity.rows.push_back(std::move(r));
  }
  if (!capacity.rows.empty()) d.sections.push_back(std::move(capacity));
  return d;
}

std::string diff_markdown(const DiffReport& d, int heading_level) {
  std::ostringstream out;
  const std::string hashes(static_cast<std::size_t>(std::max(1, heading_level)), '#');
  out << hashes << " loadcast diff: " << d.changed_rows() << (d.changed_rows() == 1 ? " change" : " changes") << "\n\n";
  out << "Base `" << escape_md_cell(d.base_name) << "`, candidate `" << escape_md_cell(d.candidate_name) << "`.\n\n";
  for (const auto& s : d.sections) {
    const bool all = s.title.rfind("Monthly cost", 0) == 0;
    std::size_t hidden = 0;
    std::ostringstream rows;
    for (const auto& r : s.rows) {
      if (!all && !r.changed()) {
        ++hidden;
        continue;
      }
      const bool total = r.key() == "cost.total";
      const std::string b = total ? "**" : "";
      rows << "| " << b << escape_md_cell(r.label) << b << " | " << show(r.base, r.money) << " | " << b
           << show(r.candidate, r.money) << b << " | " << show_change(r) << " | " << show_pct(r) << " |\n";
    }
    out << "**" << s.title << "**\n\n";
    if (rows.str().empty()) {
      out << "No change.\n\n";
      continue;
    }
    out << "| | base | candidate | change | change % |\n|---|---:|---:|---:|---:|\n" << rows.str();
    if (hidden > 0) out << "\n" << hidden << " unchanged " << (hidden == 1 ? "row" : "rows") << " not shown.\n";
    out << '\n';
  }
  return out.str();
}

std::string diff_text(const DiffReport& d) {
  std::ostringstream out;
  out << "base " << d.base_name << "\ncandidate " << d.candidate_name << "\n";
  for (const auto& s : d.sections) {
    out << "\n" << s.title << "\n";
    std::size_t width = 0;
    for (const auto& r : s.rows) width = std::max(width, r.label.size());
    for (const auto& r : s.rows) {
      if (!r.changed() && s.title.rfind("Monthly cost", 0) != 0) continue;
      char line[512];
      std::snprintf(line, sizeof line, "  %-*s  %14s  %14s  %14s  %9s\n", static_cast<int>(width), r.label.c_str(),
                    show(r.base, r.money).c_str(), show(r.candidate, r.money).c_str(), show_change(r).c_str(),
                    show_pct(r).c_str());
      out << line;
    }
  }
  out << "\n" << d.changed_rows() << (d.changed_rows() == 1 ? " change" : " changes") << "\n";
  return out.str();
}

}  // namespace loadcast::reports
