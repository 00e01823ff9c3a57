#include "reports/sweep_table.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

#include "reports/format.hpp"
#include "reports/markup.hpp"
#include "reports/svg_chart.hpp"
#include "reports/threshold.hpp"

namespace loadcast::reports {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// A number for the CSV: an empty cell when it has no value.
std::string csv_number(double v, int decimals) { return std::isnan(v) ? std::string() : fixed(v, decimals); }

Json nullable(double v) { return std::isnan(v) ? Json(nullptr) : Json(v); }

double number_or_nan(const Json& v) { return v.is_number() ? v.get<double>() : kNan; }

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

bool is_cost(const std::string& metric) { return metric.rfind("cost.", 0) == 0; }
bool is_rate(const std::string& metric) {
  return metric.size() >= 10 && metric.compare(metric.size() - 10, 10, "error_rate") == 0;
}

// A column's heading: a short name for the usual metrics, the metric itself otherwise.
std::string heading(const std::string& metric) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"latency_ms.p50", "p50 ms"},           {"latency_ms.p95", "p95 ms"},        {"latency_ms.p99", "p99 ms"},
      {"requests.error_rate", "error rate"},  {"ok_throughput_rps", "ok req/s"},  {"throughput_rps", "req/s"},
      {"cost.monthly_usd.total", "USD/month"}, {"cost.event_usd.total", "event USD"},
      {"cost.month_of_event_usd.total", "month USD (event once per period)"},
      {"findings.busiest_hour.latency_ms.p99", "busiest hour p99 ms"}};
  for (const auto& [m, name] : kNames) {
    if (metric == m) return name;
  }
  return metric;
}

std::string format_metric(const std::string& metric, double v) {
  if (std::isnan(v)) return "-";
  if (is_cost(metric)) return money(v);
  if (is_rate(metric)) return fixed(v * 100.0, 4) + " %";
  return format_value(v);
}

// The result's number at `metric`, a missing count reading as 0; NaN when null or absent.
double metric_of(const Json& result, const std::string& metric) {
  try {
    return resolve_metric(result, metric, MissingCounts::kZero);
  } catch (const ThresholdError&) {
    return kNan;
  }
}

}  // namespace

SweepPoint SweepPoint::from_result(const Result& r, const std::vector<std::string>& metrics) {
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
  if (!metrics.empty()) {
    const Json j = r.to_json();
    for (const auto& m : metrics) p.metrics[m] = metric_of(j, m);
  }
  if (r.sections.contains("findings") && r.sections["findings"].contains("bottlenecks")) {
    const Json& b = r.sections["findings"]["bottlenecks"];
    p.bottlenecks = b.size();
    if (!b.empty() && b[0].contains("summary")) p.top_bottleneck = b[0]["summary"].get<std::string>();
  }
  return p;
}

std::vector<std::string> SweepTable::wanted_metrics() const {
  std::vector<std::string> out;
  const auto add = [&out](const std::string& m) {
    if (!m.empty() && std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  };
  for (const auto& w : where) add(parse_threshold(w).metric);
  add(minimize);
  add(pareto);
  for (const auto& c : shown_columns()) add(c);
  return out;
}

std::vector<std::string> SweepTable::shown_columns() const {
  if (!columns.empty()) return columns;
  std::vector<std::string> out = {"latency_ms.p95", "latency_ms.p99", "requests.error_rate", "ok_throughput_rps"};
  if (minimize == kEventObjective) {
    out.push_back(kEventObjective);
    out.push_back("cost.month_of_event_usd.total");
  } else {
    out.push_back(kDefaultObjective);
    if (minimize != kDefaultObjective) out.push_back(minimize);
  }
  if (std::find(out.begin(), out.end(), pareto) == out.end()) out.insert(out.begin(), pareto);
  return out;
}

double SweepTable::value(const SweepPoint& p, const std::string& metric) const {
  if (const auto it = p.metrics.find(metric); it != p.metrics.end()) return it->second;
  // Sweep files written before the metrics map: the fixed fields.
  if (metric == "latency_ms.p50") return p.p50_ms;
  if (metric == "latency_ms.p95") return p.p95_ms;
  if (metric == "latency_ms.p99") return p.p99_ms;
  if (metric == "requests.error_rate") return p.error_rate;
  if (metric == "throughput_rps") return p.throughput_rps;
  if (metric == kDefaultObjective) return p.monthly_usd.value_or(kNan);
  return kNan;
}

void SweepTable::judge() {
  std::vector<Threshold> tests;
  for (const auto& w : where) tests.push_back(parse_threshold(w));
  for (auto& p : points) {
    p.violated.clear();
    for (const auto& t : tests) {
      if (!t.passes(value(p, t.metric))) p.violated.push_back(t.expr);
    }
    p.feasible = p.violated.empty() && p.error_rate <= max_error_rate;
  }
  mark_frontier();
}

void SweepTable::mark_frontier() {
  for (auto& p : points) p.frontier = false;
  const auto usable = [&](const SweepPoint& p) {
    return p.feasible && p.error_rate <= max_error_rate && !std::isnan(value(p, minimize)) && !std::isnan(value(p, pareto));
  };
  for (auto& p : points) {
    if (!usable(p)) continue;
    const double px = value(p, minimize), py = value(p, pareto);
    bool dominated = false;
    for (const auto& q : points) {
      if (&q == &p || !usable(q)) continue;
      const double qx = value(q, minimize), qy = value(q, pareto);
      if (qx <= px && qy <= py && (qx < px || qy < py)) {
        dominated = true;
        break;
      }
    }
    p.frontier = !dominated;
  }
}

std::optional<std::size_t> SweepTable::best() const {
  std::optional<std::size_t> out;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& p = points[i];
    const double v = value(p, minimize);
    if (!p.feasible || p.error_rate > max_error_rate || std::isnan(v)) continue;
    if (!out) {
      out = i;
      continue;
    }
    const SweepPoint& b = points[*out];
    const double bv = value(b, minimize);
    if (v < bv || (v == bv && value(p, pareto) < value(b, pareto))) out = i;
  }
  return out;
}

std::string SweepTable::answer() const {
  std::string condition;
  for (const auto& w : where) condition += (condition.empty() ? "" : " and ") + w;
  const std::string rate = "error rate <= " + fixed(max_error_rate * 100.0, 4) + " %";
  const std::string question = "the lowest " + minimize + " with " + (condition.empty() ? rate : condition + " and " + rate);
  if (points.empty()) return "No point was simulated.";
  if (const auto b = best()) {
    const SweepPoint& p = points[*b];
    std::string out = "Answer: " + question + ": point " + std::to_string(p.index) + " (" + point_label(p) + ") at " +
                      format_metric(minimize, value(p, minimize));
    for (const auto& w : where) {
      const std::string m = parse_threshold(w).metric;
      out += "; " + m + " = " + format_metric(m, value(p, m));
    }
    if (p.bottlenecks > 0) out += "; its findings still list " + std::to_string(p.bottlenecks) + " bottleneck(s), first: " + p.top_bottleneck;
    return out + ".";
  }
  // None qualifies: the one that misses by the least (relative to each limit).
  std::vector<Threshold> tests;
  for (const auto& w : where) tests.push_back(parse_threshold(w));
  std::optional<std::size_t> closest;
  double least = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < points.size(); ++i) {
    double miss = std::max(0.0, points[i].error_rate - max_error_rate) / std::max(max_error_rate, 1e-9);
    for (const auto& t : tests) {
      const double v = value(points[i], t.metric);
      if (std::isnan(v)) miss += 1e9;
      else if (!t.passes(v)) miss += std::fabs(v - t.limit) / std::max(std::fabs(t.limit), 1e-9);
    }
    if (miss < least) {
      least = miss;
      closest = i;
    }
  }
  std::string out = "No point has " + (condition.empty() ? rate : condition + " and " + rate) + " (" +
                    std::to_string(points.size()) + " points)";
  if (closest) {
    const SweepPoint& p = points[*closest];
    out += "; closest: point " + std::to_string(p.index) + " (" + point_label(p) + ")";
    for (const auto& t : tests) out += ", " + t.metric + " = " + format_metric(t.metric, value(p, t.metric));
    out += ", error rate " + fixed(p.error_rate * 100.0, 4) + " %";
  }
  return out + ".";
}

std::string SweepTable::csv() const {
  std::ostringstream out;
  out << "point";
  for (const auto& path : paths) out << ',' << csv_cell(path);
  out << ",p50_ms,p95_ms,p99_ms,p95_ci_low,p95_ci_high,error_rate,throughput_rps,requests,monthly_usd,pareto";
  const auto cols = wanted_metrics();
  for (const auto& m : cols) out << ',' << csv_cell(m);
  out << ",qualifies,bottlenecks\n";
  for (const auto& p : points) {
    out << p.index;
    for (const auto& [path, value] : p.values) out << ',' << csv_cell(value);
    out << ',' << csv_number(p.p50_ms, 4) << ',' << csv_number(p.p95_ms, 4) << ',' << csv_number(p.p99_ms, 4) << ','
        << (p.p95_ci ? fixed(p.p95_ci->low, 4) : "") << ',' << (p.p95_ci ? fixed(p.p95_ci->high, 4) : "") << ','
        << fixed(p.error_rate, 6) << ',' << fixed(p.throughput_rps, 4) << ',' << p.requests << ','
        << (p.monthly_usd ? fixed(*p.monthly_usd, 2) : "") << ',' << (p.frontier ? "yes" : "");
    for (const auto& m : cols) {
      const double v = value(p, m);
      out << ',' << csv_number(v, 6);
    }
    out << ',' << (p.feasible ? "yes" : "no") << ',' << p.bottlenecks << '\n';
  }
  return out.str();
}

std::string SweepTable::markdown() const {
  std::ostringstream out;
  out << "## loadcast sweep: " << escape_md_cell(scenario) << "\n\n**" << escape_md_cell(answer()) << "**\n\n";
  std::size_t ok = 0;
  for (const auto& p : points) ok += p.feasible ? 1u : 0u;
  out << points.size() << " of " << total_points << " points · seed " << seed << " · " << replications << " replication"
      << (replications == 1 ? "" : "s") << (shard.empty() ? "" : " · shard " + shard) << " · " << ok
      << " qualify · Pareto frontier on " << minimize << " and " << pareto << "\n\n| # |";
  const auto cols = shown_columns();
  for (const auto& path : paths) out << " `" << escape_md_cell(path) << "` |";
  for (const auto& m : cols) out << ' ' << escape_md_cell(heading(m)) << " |";
  out << " qualifies | Pareto | bottlenecks |\n|---:|";
  for (std::size_t i = 0; i < paths.size(); ++i) out << "---|";
  for (std::size_t i = 0; i < cols.size(); ++i) out << "---:|";
  out << "---|---|---|\n";
  const auto answer_point = best();
  for (std::size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& p = points[i];
    out << "| " << (answer_point && *answer_point == i ? "**" + std::to_string(p.index) + "**" : std::to_string(p.index)) << " |";
    for (const auto& [path, value] : p.values) out << ' ' << escape_md_cell(value) << " |";
    for (const auto& m : cols) {
      out << ' ' << format_metric(m, value(p, m));
      if (m == "latency_ms.p95" && p.p95_ci) out << " [" << fixed(p.p95_ci->low, 3) << ", " << fixed(p.p95_ci->high, 3) << "]";
      out << " |";
    }
    std::string why;
    for (const auto& v : p.violated) why += (why.empty() ? "" : ", ") + v;
    if (p.error_rate > max_error_rate) why += std::string(why.empty() ? "" : ", ") + "error rate";
    out << ' ' << (p.feasible ? "yes" : "no: " + escape_md_cell(why)) << " | " << (p.frontier ? "★" : "") << " | "
        << (p.bottlenecks > 0 ? std::to_string(p.bottlenecks) + ": " + escape_md_cell(p.top_bottleneck) : "") << " |\n";
  }
  return out.str();
}

std::string SweepTable::html() const {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>loadcast sweep: " << escape_xml(scenario)
    << "</title><style>body{font-family:-apple-system,\"Segoe UI\",Helvetica,Arial,sans-serif;margin:24px;color:#222}"
       "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px}"
       "th{background:#f4f4f4}td.n{text-align:right}.note{color:#555;font-size:13px}"
       ".answer{border:2px solid #1a7f37;background:#f0fff4;padding:10px 14px;font-size:15px;max-width:1200px}"
       "tr.out td{color:#888}tr.best td{background:#f0fff4;font-weight:600}svg.chart{width:100%;height:auto;max-width:1400px}"
       "</style></head><body>\n";
  h << "<h1>loadcast sweep: " << escape_xml(scenario) << "</h1>\n<p class=\"answer\" id=\"answer\">" << escape_xml(answer())
    << "</p>\n<p class=\"note\">" << points.size() << " of " << total_points << " points · seed " << seed << " · "
    << replications << " replication" << (replications == 1 ? "" : "s") << (shard.empty() ? "" : " · shard " + escape_xml(shard))
    << ". The Pareto frontier joins the qualifying points no other beats on both " << escape_xml(minimize) << " and "
    << escape_xml(pareto) << "; points that fail a --where or have an error rate above " << fixed(max_error_rate * 100.0, 4)
    << " % are drawn apart, above the chart.</p>\n";
  ScatterChart chart;
  chart.title = heading(minimize) + " against " + heading(pareto);
  chart.x_label = minimize;
  chart.y_label = pareto;
  chart.x_money = is_cost(minimize);
  const auto answer_point = best();
  for (std::size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& p = points[i];
    const double x = value(p, minimize), y = value(p, pareto);
    if (std::isnan(x)) continue;
    ScatterPoint s;
    s.x = x;
    s.y = y;
    s.tag = "#" + std::to_string(p.index);
    s.label = s.tag + " " + point_label(p) + ": " + format_metric(minimize, x) + ", " + pareto + " " + format_metric(pareto, y);
    s.highlight = p.frontier;
    s.excluded = !p.feasible || std::isnan(y);
    s.answer = answer_point && *answer_point == i;
    chart.points.push_back(std::move(s));
  }
  if (chart.points.empty()) {
    h << "<p class=\"note\">No point has a value of " << escape_xml(minimize)
      << " (a scenario that prices nothing has no monthly cost), so there is no chart.</p>\n";
  } else {
    h << chart.svg(1200, 460);
  }
  const auto cols = shown_columns();
  h << "<table><tr><th>#</th>";
  for (const auto& path : paths) h << "<th>" << escape_xml(path) << "</th>";
  for (const auto& m : cols) h << "<th title=\"" << escape_xml(m) << "\">" << escape_xml(heading(m)) << "</th>";
  h << "<th>qualifies</th><th>Pareto</th><th>bottlenecks</th></tr>\n";
  for (std::size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& p = points[i];
    const bool is_best = answer_point && *answer_point == i;
    h << "<tr class=\"" << (is_best ? "best" : p.feasible ? "in" : "out") << "\" title=\"" << escape_xml(point_label(p))
      << "\"><td class=\"n\">" << p.index << "</td>";
    for (const auto& [path, value] : p.values) h << "<td>" << escape_xml(value) << "</td>";
    for (const auto& m : cols) h << "<td class=\"n\">" << escape_xml(format_metric(m, value(p, m))) << "</td>";
    std::string why;
    for (const auto& v : p.violated) why += (why.empty() ? "" : ", ") + v;
    if (p.error_rate > max_error_rate) why += std::string(why.empty() ? "" : ", ") + "error rate";
    h << "<td>" << (p.feasible ? "yes" : "no: " + escape_xml(why)) << "</td><td>" << (p.frontier ? "on the frontier" : "")
      << "</td><td>" << (p.bottlenecks > 0 ? std::to_string(p.bottlenecks) + ": " + escape_xml(p.top_bottleneck) : "")
      << "</td></tr>\n";
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
  j["where"] = where;
  j["minimize"] = minimize;
  j["pareto"] = pareto;
  j["columns"] = columns;
  const auto b = best();
  j["answer"] = Json{{"point", b ? Json(points[*b].index) : Json(nullptr)}, {"text", answer()}};
  Json pts = Json::array();
  for (const auto& p : points) {
    Json values = Json::array();
    for (const auto& [path, value] : p.values) values.push_back(value);
    Json metrics = Json::object();
    for (const auto& [m, v] : p.metrics) metrics[m] = std::isnan(v) ? Json(nullptr) : Json(v);
    pts.push_back(Json{{"index", p.index},
                       {"values", values},
                       {"p50_ms", nullable(p.p50_ms)},
                       {"p95_ms", nullable(p.p95_ms)},
                       {"p99_ms", nullable(p.p99_ms)},
                       {"p95_ci95", interval_json(p.p95_ci)},
                       {"p99_ci95", interval_json(p.p99_ci)},
                       {"error_rate", p.error_rate},
                       {"throughput_rps", p.throughput_rps},
                       {"requests", p.requests},
                       {"monthly_usd", p.monthly_usd ? Json(*p.monthly_usd) : Json(nullptr)},
                       {"pareto", p.frontier},
                       {"metrics", metrics},
                       {"qualifies", p.feasible},
                       {"violated", p.violated},
                       {"bottlenecks", p.bottlenecks},
                       {"top_bottleneck", p.top_bottleneck}});
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
  // Sweep files written before sweeps took a question ask the default one.
  if (j.contains("where")) t.where = j["where"].get<std::vector<std::string>>();
  if (j.contains("minimize")) t.minimize = j["minimize"].get<std::string>();
  if (j.contains("pareto")) t.pareto = j["pareto"].get<std::string>();
  if (j.contains("columns")) t.columns = j["columns"].get<std::vector<std::string>>();
  for (const auto& pj : at(j, "points")) {
    SweepPoint p;
    p.index = at(pj, "index").get<std::size_t>();
    const auto values = at(pj, "values").get<std::vector<std::string>>();
    if (values.size() != t.paths.size()) throw std::runtime_error("sweep: point " + std::to_string(p.index) + " has the wrong number of values");
    for (std::size_t i = 0; i < values.size(); ++i) p.values.emplace_back(t.paths[i], values[i]);
    p.p50_ms = number_or_nan(at(pj, "p50_ms"));
    p.p95_ms = number_or_nan(at(pj, "p95_ms"));
    p.p99_ms = number_or_nan(at(pj, "p99_ms"));
    p.p95_ci = interval_from(at(pj, "p95_ci95"));
    p.p99_ci = interval_from(at(pj, "p99_ci95"));
    p.error_rate = at(pj, "error_rate").get<double>();
    p.throughput_rps = at(pj, "throughput_rps").get<double>();
    p.requests = at(pj, "requests").get<std::uint64_t>();
    if (!at(pj, "monthly_usd").is_null()) p.monthly_usd = at(pj, "monthly_usd").get<double>();
    p.frontier = at(pj, "pareto").get<bool>();
    if (pj.contains("metrics")) {
      for (const auto& [m, v] : pj["metrics"].items()) p.metrics[m] = v.is_number() ? v.get<double>() : kNan;
    }
    if (pj.contains("qualifies")) p.feasible = pj["qualifies"].get<bool>();
    if (pj.contains("violated")) p.violated = pj["violated"].get<std::vector<std::string>>();
    if (pj.contains("bottlenecks")) p.bottlenecks = pj["bottlenecks"].get<std::size_t>();
    if (pj.contains("top_bottleneck")) p.top_bottleneck = pj["top_bottleneck"].get<std::string>();
    t.points.push_back(std::move(p));
  }
  return t;
}

SweepTable merge_sweeps(const std::vector<SweepTable>& shards, const std::vector<std::string>& sources) {
  if (shards.empty()) throw std::runtime_error("sweep merge: no shards given");
  // Where each shard came from, for messages: its file, and its --shard label.
  const auto source = [&](std::size_t k) {
    const std::string label = shards[k].shard.empty() ? std::string("the whole sweep") : "shard " + shards[k].shard;
    return k < sources.size() ? sources[k] + " (" + label + ")" : label;
  };
  SweepTable out = shards.front();
  out.points.clear();
  out.shard.clear();
  std::map<std::size_t, std::size_t> owner;  // point index -> the shard that gave it
  for (std::size_t k = 0; k < shards.size(); ++k) {
    const SweepTable& s = shards[k];
    if (s.scenario != out.scenario || s.paths != out.paths || s.grid != out.grid || s.seed != out.seed ||
        s.replications != out.replications || s.total_points != out.total_points) {
      throw std::runtime_error("sweep merge: " + source(k) + " is from a different sweep than " + source(0) +
                               " (scenario, grid, seed or replications differ)");
    }
    if (s.where != out.where || s.minimize != out.minimize || s.pareto != out.pareto || s.columns != out.columns) {
      throw std::runtime_error("sweep merge: " + source(k) + " asks another question than " + source(0) +
                               " (--where, --minimize, --pareto or --metrics differ)");
    }
    for (const auto& p : s.points) {
      if (p.index >= out.total_points) {
        throw std::runtime_error("sweep merge: " + source(k) + " has point " + std::to_string(p.index) + " but the sweep has " +
                                 std::to_string(out.total_points) + " points (0.." + std::to_string(out.total_points - 1) + ")");
      }
      const auto [it, fresh] = owner.emplace(p.index, k);
      if (!fresh) {
        const std::string where = it->second == k ? "twice in " + source(k) : "in " + source(it->second) + " and in " + source(k);
        throw std::runtime_error("sweep merge: point " + std::to_string(p.index) + " (" + point_label(p) + ") appears twice: " + where);
      }
      out.points.push_back(p);
    }
  }
  std::sort(out.points.begin(), out.points.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  if (out.points.size() != out.total_points) {
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < out.total_points; ++i) {
      if (!owner.count(i)) missing.push_back(i);
    }
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 20; ++i) list += (i ? ", " : "") + std::to_string(missing[i]);
    if (missing.size() > 20) list += ", …";
    throw std::runtime_error("sweep merge: point " + std::to_string(missing.front()) + " is missing (missing: " + list + "; " +
                             std::to_string(out.points.size()) + " of " + std::to_string(out.total_points) +
                             " points given): merge every shard of the sweep");
  }
  out.judge();
  return out;
}

}  // namespace loadcast::reports
