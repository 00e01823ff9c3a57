#include "reports/sweep_table.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "reports/format.hpp"
#include "reports/markup.hpp"
#include "reports/svg_chart.hpp"

namespace loadcast::reports {

namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string point_label(const SweepPoint& p) {
  std::string out;
  for (const auto& [path, value] : p.values) out += (out.empty() ? "" : ", ") + path + "=" + value;
  return out;
}

std::string short_label(const SweepPoint& p) {
  std::string out;
  for (const auto& [path, value] : p.values) out += (out.empty() ? "" : ",") + value;
  return "#" + std::to_string(p.index) + " (" + out + ")";
}

Json interval_json(const std::optional<Interval95>& ci) {
  if (!ci) return nullptr;
  return Json::array({ci->low, ci->high});
}

std::optional<Interval95> interval_from(const Json& j) {
  if (!j.is_array() || j.size() != 2) return std::nullopt;
  return Interval95{j[0].get<double>(), j[1].get<double>()};
}

const Json& at(const Json& j, const std::string& key) {
  if (!j.is_object() || !j.contains(key)) throw std::runtime_error("sweep: missing key '" + key + "'");
  return j.at(key);
}

}  // namespace

SweepPoint SweepPoint::from_result(const Result& r) {
  SweepPoint p;
  p.p50_ms = r.latency_ms.p50;
  p.p95_ms = r.latency_ms.p95;
  p.p99_ms = r.latency_ms.p99;
  if (auto it = r.latency_ms_ci95.find("p95"); it != r.latency_ms_ci95.end()) p.p95_ci = it->second;
  if (auto it = r.latency_ms_ci95.find("p99"); it != r.latency_ms_ci95.end()) p.p99_ci = it->second;
  p.error_rate = r.requests.error_rate();
  p.throughput_rps = r.throughput_rps;
  p.requests = r.requests.total;
  if (r.sections.contains("cost") && r.sections["cost"].contains("monthly_usd") &&
      r.sections["cost"]["monthly_usd"].contains("total") && r.sections["cost"]["monthly_usd"]["total"].is_number()) {
    p.monthly_usd = r.sections["cost"]["monthly_usd"]["total"].get<double>();
  }
  return p;
}

void SweepTable::mark_frontier() {
  for (auto& p : points) p.frontier = false;
  for (auto& p : points) {
    if (!p.monthly_usd || p.error_rate > max_error_rate) continue;
    bool dominated = false;
    for (const auto& q : points) {
      if (&q == &p || !q.monthly_usd || q.error_rate > max_error_rate) continue;
      const bool no_worse = *q.monthly_usd <= *p.monthly_usd && q.p95_ms <= p.p95_ms;
      const bool better = *q.monthly_usd < *p.monthly_usd || q.p95_ms < p.p95_ms;
      if (no_worse && better) {
        dominated = true;
        break;
      }
    }
    p.frontier = !dominated;
  }
}

std::string SweepTable::csv() const {
  std::ostringstream out;
  out << "point";
  for (const auto& path : paths) out << ',' << csv_cell(path);
  out << ",p50_ms,p95_ms,p99_ms,p95_ci_low,p95_ci_high,error_rate,throughput_rps,requests,monthly_usd,pareto\n";
  for (const auto& p : points) {
    out << p.index;
    for (const auto& [path, value] : p.values) out << ',' << csv_cell(value);
    out << ',' << fixed(p.p50_ms, 4) << ',' << fixed(p.p95_ms, 4) << ',' << fixed(p.p99_ms, 4) << ','
        << (p.p95_ci ? fixed(p.p95_ci->low, 4) : "") << ',' << (p.p95_ci ? fixed(p.p95_ci->high, 4) : "") << ','
        << fixed(p.error_rate, 6) << ',' << fixed(p.throughput_rps, 4) << ',' << p.requests << ','
        << (p.monthly_usd ? fixed(*p.monthly_usd, 2) : "") << ',' << (p.frontier ? "yes" : "") << '\n';
  }
  return out.str();
}

std::string SweepTable::markdown() const {
  std::ostringstream out;
  out << "## loadcast sweep: " << escape_md_cell(scenario) << "\n\n" << points.size() << " of " << total_points
      << " points · seed " << seed << " · " << replications << " replication" << (replications == 1 ? "" : "s")
      << (shard.empty() ? "" : " · shard " + shard) << "\n\n| # |";
  for (const auto& path : paths) out << " `" << escape_md_cell(path) << "` |";
  out << " p95 ms | p99 ms | error rate | req/s | USD/month | Pareto |\n|---:|";
  for (std::size_t i = 0; i < paths.size(); ++i) out << "---|";
  out << "---:|---:|---:|---:|---:|---|\n";
  for (const auto& p : points) {
    out << "| " << p.index << " |";
    for (const auto& [path, value] : p.values) out << ' ' << escape_md_cell(value) << " |";
    out << ' ' << fixed(p.p95_ms, 3);
    if (p.p95_ci) out << " [" << fixed(p.p95_ci->low, 3) << ", " << fixed(p.p95_ci->high, 3) << "]";
    out << " | " << fixed(p.p99_ms, 3) << " | " << fixed(p.error_rate * 100.0, 4) << " % | " << fixed(p.throughput_rps, 2)
        << " | " << (p.monthly_usd ? money(*p.monthly_usd) : "-") << " | " << (p.frontier ? "★" : "") << " |\n";
  }
  return out.str();
}

std::string SweepTable::html() const {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>loadcast sweep: " << escape_xml(scenario)
    << "</title><style>body{font-family:-apple-system,\"Segoe UI\",Helvetica,Arial,sans-serif;margin:24px;color:#222}"
       "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px}"
       "th{background:#f4f4f4}td.n{text-align:right}.note{color:#555;font-size:13px}</style></head><body>\n";
  h << "<h1>loadcast sweep: " << escape_xml(scenario) << "</h1>\n<p class=\"note\">" << points.size() << " of "
    << total_points << " points · seed " << seed << " · " << replications << " replication" << (replications == 1 ? "" : "s")
    << (shard.empty() ? "" : " · shard " + escape_xml(shard)) << ". The Pareto frontier joins the points no other point "
    << "beats on both monthly cost and p95; points with an error rate above " << fixed(max_error_rate * 100.0, 4)
    << " % are left off it.</p>\n";
  ScatterChart chart;
  chart.title = "Monthly cost against p95 latency";
  chart.x_label = "USD per month";
  chart.y_label = "p95 latency (ms)";
  for (const auto& p : points) {
    if (!p.monthly_usd) continue;
    chart.points.push_back({*p.monthly_usd, p.p95_ms, short_label(p), p.frontier});
  }
  if (chart.points.empty()) {
    h << "<p class=\"note\">No point has a monthly cost (the scenario prices nothing), so there is no cost chart.</p>\n";
  } else {
    h << chart.svg();
  }
  h << "<table><tr><th>#</th>";
  for (const auto& path : paths) h << "<th>" << escape_xml(path) << "</th>";
  h << "<th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>error rate</th><th>req/s</th><th>USD / month</th><th>Pareto</th></tr>\n";
  for (const auto& p : points) {
    h << "<tr title=\"" << escape_xml(point_label(p)) << "\"><td class=\"n\">" << p.index << "</td>";
    for (const auto& [path, value] : p.values) h << "<td>" << escape_xml(value) << "</td>";
    h << "<td class=\"n\">" << fixed(p.p50_ms, 3) << "</td><td class=\"n\">" << fixed(p.p95_ms, 3)
      << (p.p95_ci ? " [" + fixed(p.p95_ci->low, 3) + ", " + fixed(p.p95_ci->high, 3) + "]" : "") << "</td><td class=\"n\">"
      << fixed(p.p99_ms, 3) << "</td><td class=\"n\">" << fixed(p.error_rate * 100.0, 4) << " %</td><td class=\"n\">"
      << fixed(p.throughput_rps, 2) << "</td><td class=\"n\">" << (p.monthly_usd ? money(*p.monthly_usd) : "-")
      << "</td><td>" << (p.frontier ? "on the frontier" : "") << "</td></tr>\n";
  }
  h << "</table>\n</body></html>\n";
  return h.str();
}

Json SweepTable::to_json() const {
  Json j;
  j["schema"] = kSweepSchema;
  j["scenario"] = scenario;
  j["seed"] = seed;
  j["replications"] = replications;
  j["max_error_rate"] = max_error_rate;
  j["shard"] = shard;
  j["total_points"] = total_points;
  Json g = Json::array();
  for (std::size_t i = 0; i < paths.size(); ++i) g.push_back(Json{{"path", paths[i]}, {"values", grid[i]}});
  j["grid"] = g;
  Json pts = Json::array();
  for (const auto& p : points) {
    Json values = Json::array();
    for (const auto& [path, value] : p.values) values.push_back(value);
    pts.push_back(Json{{"index", p.index},
                       {"values", values},
                       {"p50_ms", p.p50_ms},
                       {"p95_ms", p.p95_ms},
                       {"p99_ms", p.p99_ms},
                       {"p95_ci95", interval_json(p.p95_ci)},
                       {"p99_ci95", interval_json(p.p99_ci)},
                       {"error_rate", p.error_rate},
                       {"throughput_rps", p.throughput_rps},
                       {"requests", p.requests},
                       {"monthly_usd", p.monthly_usd ? Json(*p.monthly_usd) : Json(nullptr)},
                       {"pareto", p.frontier}});
  }
  j["points"] = pts;
  return j;
}

SweepTable SweepTable::from_json(const Json& j) {
  if (!j.is_object() || !j.contains("schema") || j["schema"] != kSweepSchema) {
    throw std::runtime_error(std::string("not a sweep table (expected schema ") + kSweepSchema + ")");
  }
  SweepTable t;
  t.scenario = at(j, "scenario").get<std::string>();
  t.seed = at(j, "seed").get<std::uint64_t>();
  t.replications = at(j, "replications").get<std::uint64_t>();
  t.max_error_rate = at(j, "max_error_rate").get<double>();
  t.shard = at(j, "shard").get<std::string>();
  t.total_points = at(j, "total_points").get<std::size_t>();
  for (const auto& g : at(j, "grid")) {
    t.paths.push_back(at(g, "path").get<std::string>());
    t.grid.push_back(at(g, "values").get<std::vector<std::string>>());
  }
  for (const auto& pj : at(j, "points")) {
    SweepPoint p;
    p.index = at(pj, "index").get<std::size_t>();
    const auto values = at(pj, "values").get<std::vector<std::string>>();
    if (values.size() != t.paths.size()) throw std::runtime_error("sweep: point " + std::to_string(p.index) + " has the wrong number of values");
    for (std::size_t i = 0; i < values.size(); ++i) p.values.emplace_back(t.paths[i], values[i]);
    p.p50_ms = at(pj, "p50_ms").get<double>();
    p.p95_ms = at(pj, "p95_ms").get<double>();
    p.p99_ms = at(pj, "p99_ms").get<double>();
    p.p95_ci = interval_from(at(pj, "p95_ci95"));
    p.p99_ci = interval_from(at(pj, "p99_ci95"));
    p.error_rate = at(pj, "error_rate").get<double>();
    p.throughput_rps = at(pj, "throughput_rps").get<double>();
    p.requests = at(pj, "requests").get<std::uint64_t>();
    if (!at(pj, "monthly_usd").is_null()) p.monthly_usd = at(pj, "monthly_usd").get<double>();
    p.frontier = at(pj, "pareto").get<bool>();
    t.points.push_back(std::move(p));
  }
  return t;
}

SweepTable merge_sweeps(const std::vector<SweepTable>& shards) {
  if (shards.empty()) throw std::runtime_error("sweep merge: no shards given");
  SweepTable out = shards.front();
  out.points.clear();
  out.shard.clear();
  for (const auto& s : shards) {
    if (s.scenario != out.scenario || s.paths != out.paths || s.grid != out.grid || s.seed != out.seed ||
        s.replications != out.replications || s.total_points != out.total_points) {
      throw std::runtime_error("sweep merge: shard " + (s.shard.empty() ? std::string("(whole)") : s.shard) +
                               " is from a different sweep (scenario, grid, seed or replications differ)");
    }
    out.points.insert(out.points.end(), s.points.begin(), s.points.end());
  }
  std::sort(out.points.begin(), out.points.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  for (std::size_t i = 0; i < out.points.size(); ++i) {
    if (out.points[i].index != i) {
      throw std::runtime_error("sweep merge: point " + std::to_string(i) + (out.points[i].index < i ? " appears twice" : " is missing") +
                               " (" + std::to_string(out.points.size()) + " of " + std::to_string(out.total_points) + " points given)");
    }
  }
  if (out.points.size() != out.total_points) {
    throw std::runtime_error("sweep merge: " + std::to_string(out.points.size()) + " of " + std::to_string(out.total_points) +
                             " points given; a shard is missing");
  }
  out.mark_frontier();
  return out;
}

}  // namespace loadcast::reports
