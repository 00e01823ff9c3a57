#include "reports/html_report.hpp"

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "reports/gate.hpp"
#include "reports/markup.hpp"
#include "reports/svg_chart.hpp"

namespace loadcast::reports {

namespace {

constexpr const char* kStyle = R"(
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin: 18px 0 6px; } .meta { color: #666; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; } td, th { border: 1px solid #ddd; padding: 3px 8px; }
th { background: #f4f4f4; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #1a7f37; font-weight: 600; } .fail { color: #cf222e; font-weight: 600; } .chart { display: block; margin: 8px 0; }
.note { color: #555; font-size: 13px; }
)";

struct Series {
  const TimeSeries& ts;
  std::set<std::string> used;

  bool has(const std::string& name) const { return ts.series.count(name) > 0; }
  ChartSeries take(const std::string& name, const std::string& label, const std::string& color = {}, bool dashed = false) {
    used.insert(name);
    return ChartSeries{label, ts.series.at(name), color, dashed};
  }
};

std::string td(const std::string& s) { return "<td>" + escape_xml(s) + "</td>"; }
std::string tdn(const std::string& s) { return "<td class=\"n\">" + escape_xml(s) + "</td>"; }

double number_at(const Json& j, std::initializer_list<const char*> path) {
  const Json* n = &j;
  for (const char* k : path) {
    if (!n->is_object() || !n->contains(k)) return std::nan("");
    n = &(*n)[k];
  }
  return n->is_number() ? n->get<double>() : std::nan("");
}

std::vector<ChartMarker> markers_for(const Result& r, const std::string& target, bool scale_only) {
  std::vector<ChartMarker> out;
  for (const auto& e : r.events) {
    if (e.target != target) continue;
    const bool scale = e.type.find("scale") != std::string::npos;
    if (scale_only && !scale) continue;
    if (!scale_only && e.type.find("acu") != std::string::npos) continue;
    std::string label = e.type;
    if (e.from && e.to) label += " " + fixed(*e.from, 2) + " -> " + fixed(*e.to, 2);
    if (!e.reason.empty()) label += " (" + e.reason + ")";
    const bool out_event = e.type.find("out") != std::string::npos;
    out.push_back({e.t_s, label, scale ? (out_event ? "#d62728" : "#2ca02c") : "#9467bd"});
  }
  return out;
}

void summary(std::ostringstream& h, const Result& r) {
  const auto& q = r.requests;
  h << "<table><tr><th>requests</th><th>ok</th><th>errors</th><th>timeouts</th><th>dropped</th><th>in flight</th>"
       "<th>error rate</th><th>throughput (req/s)</th></tr><tr>"
    << tdn(std::to_string(q.total)) << tdn(std::to_string(q.ok)) << tdn(std::to_string(q.errors))
    << tdn(std::to_string(q.timeouts)) << tdn(std::to_string(q.dropped)) << tdn(std::to_string(q.in_flight))
    << tdn(fixed(q.error_rate() * 100.0, 4) + " %") << tdn(fixed(r.throughput_rps, 3)) << "</tr></table>\n";
  const auto& l = r.latency_ms;
  h << "<table><tr><th>latency (ms)</th><th>mean</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr>"
    << "<tr>" << td("measured") << tdn(fixed(l.mean, 3)) << tdn(fixed(l.p50, 3)) << tdn(fixed(l.p90, 3))
    << tdn(fixed(l.p95, 3)) << tdn(fixed(l.p99, 3)) << tdn(fixed(l.p999, 3)) << tdn(fixed(l.max, 3)) << "</tr>";
  if (!r.latency_ms_ci95.empty()) {
    const auto ci = [&](const char* k) {
      const auto it = r.latency_ms_ci95.find(k);
      return it == r.latency_ms_ci95.end() ? std::string() : "[" + fixed(it->second.low, 3) + ", " + fixed(it->second.high, 3) + "]";
    };
    h << "<tr>" << td("95 % CI") << tdn(ci("mean")) << tdn(ci("p50")) << tdn(ci("p90")) << tdn(ci("p95")) << tdn(ci("p99"))
      << tdn(ci("p999")) << tdn(ci("max")) << "</tr>";
  }
  h << "</table>\n";
}

void thresholds(std::ostringstream& h, const Result& r) {
  h << "<h2 id=\"thresholds\">Thresholds</h2>\n";
  if (r.thresholds.empty()) {
    h << "<p class=\"note\">No thresholds in this result.</p>\n";
    return;
  }
  h << "<table><tr><th></th><th>threshold</th><th>measured</th><th>detail</th></tr>\n";
  for (const auto& t : r.thresholds) {
    h << "<tr><td class=\"" << (t.ok ? "ok\">pass" : "fail\">FAIL") << "</td><td><code>" << escape_xml(t.expr) << "</code></td>"
      << tdn(format_value(t.value)) << td(t.detail) << "</tr>\n";
  }
  h << "</table>\n";
}

void cost(std::ostringstream& h, const Json& c) {
  h << "<h2 id=\"cost\">Monthly cost</h2>\n";
  const double total = number_at(c, {"monthly_usd", "total"});
  h << "<p><b>" << money(total) << " per month</b>";
  if (c.contains("region") && c["region"].is_string()) h << " in " << escape_xml(c["region"].get<std::string>());
  if (c.contains("prices") && c["prices"].is_string()) h << " (prices: " << escape_xml(c["prices"].get<std::string>()) << ")";
  h << "</p>\n";
  if (c.contains("projection") && c["projection"].is_string()) {
    h << "<p class=\"note\">Projection: " << escape_xml(c["projection"].get<std::string>()) << ".</p>\n";
  }
  BarChart bars;
  bars.title = "Cost by item (USD per month)";
  bars.unit = "$";
  if (c.contains("monthly_usd") && c["monthly_usd"].contains("items")) {
    for (const auto& [k, v] : c["monthly_usd"]["items"].items()) {
      if (v.is_number()) bars.bars.emplace_back(k, v.get<double>());
    }
  }
  if (!bars.bars.empty()) h << bars.svg();
  if (c.contains("lines") && c["lines"].is_array() && !c["lines"].empty()) {
    h << "<table><tr><th>item</th><th>resource</th><th>component</th><th>quantity / month</th><th>unit price</th>"
         "<th>USD / month</th><th>price source</th></tr>\n";
    for (const auto& l : c["lines"]) {
      const auto s = [&](const char* k) { return l.contains(k) && l[k].is_string() ? l[k].get<std::string>() : std::string(); };
      const auto n = [&](const char* k) { return l.contains(k) && l[k].is_number() ? l[k].get<double>() : std::nan(""); };
      h << "<tr>" << td(s("item")) << td(s("resource")) << td(s("component")) << tdn(fixed(n("quantity"), 3) + " " + s("unit"))
        << tdn("$" + fixed(n("unit_usd"), 6)) << tdn(money(n("usd"))) << td(s("confidence") + (s("price").empty() ? "" : ": " + s("price")))
        << "</tr>\n";
    }
    h << "</table>\n";
  }
  if (c.contains("unverified_prices") && c["unverified_prices"].is_array() && !c["unverified_prices"].empty()) {
    h << "<p class=\"note\">Unverified prices used (check before relying on them):";
    for (const auto& p : c["unverified_prices"]) h << " <code>" << escape_xml(p.is_string() ? p.get<std::string>() : "") << "</code>";
    h << "</p>\n";
  }
}

void events_table(std::ostringstream& h, const Result& r) {
  h << "<h2 id=\"events\">Events</h2>\n";
  if (r.events.empty()) {
    h << "<p class=\"note\">No events recorded.</p>\n";
    return;
  }
  constexpr std::size_t kMaxRows = 1000;
  h << "<table><tr><th>time</th><th>type</th><th>target</th><th>from</th><th>to</th><th>reason</th></tr>\n";
  for (std::size_t i = 0; i < r.events.size() && i < kMaxRows; ++i) {
    const auto& e = r.events[i];
    h << "<tr>" << tdn(clock_time(e.t_s)) << td(e.type) << td(e.target) << tdn(e.from ? fixed(*e.from, 3) : "")
      << tdn(e.to ? fixed(*e.to, 3) : "") << td(e.reason) << "</tr>\n";
  }
  h << "</table>\n";
  if (r.events.size() > kMaxRows) {
    h << "<p class=\"note\">" << r.events.size() - kMaxRows << " more events are in result.json.</p>\n";
  }
}

}  // namespace

std::string render_html(const Result& r) {
  std::ostringstream h;
  const std::string title = "loadcast report: " + (r.scenario.empty() ? std::string("(unnamed)") : r.scenario);
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << escape_xml(title) << "</title><style>"
    << kStyle << "</style></head><body>\n";
  h << "<h1>" << escape_xml(title) << "</h1>\n<p class=\"meta\">" << escape_xml(r.kind == "load" ? "measured (loadcast load)" : "simulated (loadcast sim)")
    << " · seed " << r.seed << " · " << r.replications << " replication" << (r.replications == 1 ? "" : "s") << " · "
    << fixed(r.duration_s, 1) << " s measured after " << fixed(r.warmup_s, 1) << " s warm-up</p>\n";
  summary(h, r);
  thresholds(h, r);

  Series s{r.timeseries, {}};
  const auto& x = r.timeseries.t_s;
  const auto chart = [&](const std::string& t, const std::string& y_label) {
    LineChart c;
    c.title = t;
    c.y_label = y_label;
    c.x = x;
    return c;
  };
  if (s.has("requests_per_s") || s.has("latency_p95_ms")) h << "<h2 id=\"traffic\">Traffic and latency</h2>\n";
  if (s.has("requests_per_s")) {
    auto c = chart("Request rate", "requests/s");
    c.series.push_back(s.take("requests_per_s", "completed requests/s"));
    for (const char* extra : {"arrivals_per_s", "errors_per_s"}) {
      if (s.has(extra)) c.series.push_back(s.take(extra, extra));
    }
    h << c.svg();
  }
  if (s.has("latency_p50_ms") || s.has("latency_p95_ms") || s.has("latency_p99_ms")) {
    auto c = chart("Latency percentiles", "ms");
    for (const char* p : {"latency_p50_ms", "latency_p95_ms", "latency_p99_ms"}) {
      if (s.has(p)) c.series.push_back(s.take(p, std::string(p).substr(8, 3)));
    }
    h << c.svg();
  }
  {
    const std::regex code_re("http_5(xx|[0-9][0-9])");
    auto c = chart("5xx responses by code", "responses per interval");
    for (const auto& [name, values] : r.timeseries.series) {
      if (std::regex_match(name, code_re)) c.series.push_back(s.take(name, name.substr(5)));
    }
    std::map<std::string, std::uint64_t> codes;
    for (const auto& [code, n] : r.requests.by_status) {
      if (!code.empty() && code[0] == '5') codes[code] = n;
    }
    if (!c.series.empty() || !codes.empty() || !r.requests.by_cause.empty()) {
      h << "<h2 id=\"errors\">Errors</h2>\n";
      if (!c.series.empty()) h << c.svg();
      if (!r.requests.by_status.empty()) {
        h << "<table><tr><th>status</th><th>responses</th></tr>\n";
        for (const auto& [code, n] : r.requests.by_status) h << "<tr>" << td(code) << tdn(std::to_string(n)) << "</tr>\n";
        h << "</table>\n";
      }
      if (!r.requests.by_cause.empty()) {
        h << "<table><tr><th>failure cause</th><th>requests</th></tr>\n";
        for (const auto& [cause, n] : r.requests.by_cause) h << "<tr>" << td(cause) << tdn(std::to_string(n)) << "</tr>\n";
        h << "</table>\n";
      }
    }
  }

  std::map<std::string, std::set<std::string>> prefixes;
  for (const auto& [name, values] : r.timeseries.series) {
    const auto dot = name.rfind('.');
    if (dot != std::string::npos) prefixes[name.substr(0, dot)].insert(name.substr(dot + 1));
  }
  std::vector<std::string> services, dbs, queues;
  for (const auto& [p, keys] : prefixes) {
    if (keys.count("acu") || keys.count("connections")) dbs.push_back(p);
    else if (keys.count("tasks_desired") || keys.count("tasks_running") || keys.count("tasks_healthy") ||
             keys.count("memory_utilization"))
      services.push_back(p);
    else if (keys.count("visible") || keys.count("in_flight") || keys.count("oldest_age_s")) queues.push_back(p);
  }
  if (!services.empty()) h << "<h2 id=\"services\">Services</h2>\n";
  for (const auto& svc : services) {
    h << "<h3>" << escape_xml(svc) << "</h3>\n";
    auto tasks = chart(svc + ": tasks", "tasks");
    tasks.step = true;
    const char* colors[] = {"#7f7f7f", "#1f77b4", "#2ca02c"};
    int ci = 0;
    for (const char* k : {"tasks_desired", "tasks_running", "tasks_healthy"}) {
      const std::string name = svc + "." + k;
      if (s.has(name)) tasks.series.push_back(s.take(name, k, colors[ci], ci == 0));
      ++ci;
    }
    tasks.markers = markers_for(r, svc, true);
    if (!tasks.series.empty()) h << tasks.svg();
    auto util = chart(svc + ": CPU and memory utilization", "%");
    const Json* targets = nullptr;
    if (r.sections.contains("services") && r.sections["services"].contains(svc) &&
        r.sections["services"][svc].contains("targets")) {
      targets = &r.sections["services"][svc]["targets"];
    }
    for (const char* k : {"cpu_utilization", "memory_utilization"}) {
      const std::string name = svc + "." + k;
      if (s.has(name)) util.series.push_back(s.take(name, k));
      if (targets != nullptr && targets->contains(k) && (*targets)[k].is_number()) {
        util.targets.push_back({(*targets)[k].get<double>(), std::string(k).substr(0, std::string(k).find('_')) + " target"});
      }
    }
    util.markers = tasks.markers;
    if (!util.series.empty()) h << util.svg();
  }
  if (!dbs.empty()) {
    h << "<h2 id=\"databases\">Databases</h2>\n";
    for (const auto& [key, label, unit] : {std::tuple{"acu", "Aurora capacity per instance", "ACU"},
                                           std::tuple{"cpu_utilization", "DB CPU utilization", "%"},
                                           std::tuple{"connections", "DB connections", "connections"}}) {
      auto c = chart(label, unit);
      c.step = std::string(key) == "acu";
      for (const auto& db : dbs) {
        const std::string name = db + "." + key;
        if (s.has(name)) c.series.push_back(s.take(name, db));
        if (std::string(key) == "acu") {
          auto m = markers_for(r, db, false);
          c.markers.insert(c.markers.end(), m.begin(), m.end());
        }
      }
      if (!c.series.empty()) h << c.svg();
    }
  }
  if (!queues.empty()) {
    h << "<h2 id=\"queues\">Queues</h2>\n";
    for (const auto& q : queues) {
      auto depth = chart(q + ": messages", "messages");
      for (const char* k : {"visible", "in_flight", "dlq"}) {
        if (s.has(q + "." + k)) depth.series.push_back(s.take(q + "." + k, k));
      }
      if (!depth.series.empty()) h << depth.svg();
    }
    for (const auto& [key, label, unit] : {std::tuple{"oldest_age_s", "Oldest message age", "s"},
                                           std::tuple{"empty_receives", "Empty receives", "per interval"}}) {
      auto c = chart(label, unit);
      for (const auto& q : queues) {
        if (s.has(q + "." + key)) c.series.push_back(s.take(q + "." + key, q));
      }
      if (!c.series.empty()) h << c.svg();
    }
  }
  std::vector<std::string> others;
  for (const auto& [name, values] : r.timeseries.series) {
    if (!s.used.count(name)) others.push_back(name);
  }
  if (!others.empty()) {
    h << "<h2 id=\"other\">Other series</h2>\n";
    for (const auto& name : others) {
      auto c = chart(name, "");
      c.y_min.reset();
      c.series.push_back(s.take(name, name));
      h << c.svg(880, 200);
    }
  }

  if (!r.classes.empty()) {
    h << "<h2 id=\"classes\">Request classes</h2>\n<table><tr><th>class</th><th>requests</th><th>errors</th><th>error rate</th>"
         "<th>req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>\n";
    for (const auto& [name, c] : r.classes) {
      h << "<tr>" << td(name) << tdn(std::to_string(c.requests.total))
        << tdn(std::to_string(c.requests.errors + c.requests.timeouts + c.requests.dropped))
        << tdn(fixed(c.requests.error_rate() * 100.0, 4) + " %") << tdn(fixed(c.throughput_rps, 3))
        << tdn(fixed(c.latency_ms.p50, 3)) << tdn(fixed(c.latency_ms.p95, 3)) << tdn(fixed(c.latency_ms.p99, 3))
        << tdn(fixed(c.latency_ms.max, 3)) << "</tr>\n";
    }
    h << "</table>\n";
  }
  if (!r.stations.empty()) {
    h << "<h2 id=\"stations\">Stations</h2>\n<table><tr><th>station</th><th>servers</th><th>discipline</th><th>utilization</th>"
         "<th>mean queue</th><th>mean wait ms</th><th>rejected</th></tr>\n";
    for (const auto& [name, st] : r.stations) {
      h << "<tr>" << td(name) << tdn(std::to_string(st.servers)) << td(st.discipline) << tdn(fixed(st.utilization, 4))
        << tdn(fixed(st.mean_queue, 4)) << tdn(fixed(st.mean_wait_ms, 4)) << tdn(std::to_string(st.rejected)) << "</tr>\n";
    }
    h << "</table>\n";
  }
  if (r.sections.contains("cost") && r.sections["cost"].is_object()) cost(h, r.sections["cost"]);
  events_table(h, r);
  h << "<p class=\"meta\">Written by loadcast from " << escape_xml(kResultSchema) << ".</p>\n</body></html>\n";
  return h.str();
}

}  // namespace loadcast::reports
