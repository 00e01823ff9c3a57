#include "reports/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "reports/format.hpp"
#include "reports/html_tables.hpp"
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

// Which prefixes of `<prefix>.<metric>` series are services, DB instances and queues. Each
// series is classified on its own metric, so one prefix can be several things: a worker
// service and its queue share a name (`worker-item.tasks_running`, `worker-item.visible`).
// `cpu_utilization` is drawn with the DB instance when the prefix has `acu` or `connections`,
// else with the service.
struct SeriesGroups {
  std::vector<std::string> services, dbs, queues;
};

SeriesGroups group_series(const TimeSeries& ts) {
  static const std::set<std::string> kService = {"tasks_desired", "tasks_running", "tasks_healthy", "memory_utilization",
                                                 "messages_per_s", "backlog_per_task"};
  static const std::set<std::string> kDb = {"acu", "connections"};
  static const std::set<std::string> kQueue = {"visible", "in_flight", "oldest_age_s", "dlq", "empty_receives",
                                               "sent", "deleted", "throttled"};
  std::map<std::string, std::set<std::string>> prefixes;
  for (const auto& [name, values] : ts.series) {
    const auto dot = name.rfind('.');
    if (dot != std::string::npos && dot > 0) prefixes[name.substr(0, dot)].insert(name.substr(dot + 1));
  }
  const auto any = [](const std::set<std::string>& keys, const std::set<std::string>& of) {
    for (const auto& k : keys) {
      if (of.count(k)) return true;
    }
    return false;
  };
  SeriesGroups g;
  for (const auto& [p, keys] : prefixes) {
    const bool db = any(keys, kDb);
    if (db) g.dbs.push_back(p);
    if (any(keys, kService)) g.services.push_back(p);
    if (any(keys, kQueue)) g.queues.push_back(p);
  }
  return g;
}

// Draws the time-series sections, taking each series it draws out of the rest.
class Charts {
 public:
  Charts(std::ostringstream& h, const Result& r) : h_(h), r_(r), s_{r.timeseries, {}} {}

  void traffic();
  void errors();
  void services(const std::vector<std::string>& names, const std::vector<std::string>& dbs);
  void databases(const std::vector<std::string>& names);
  void queues(const std::vector<std::string>& names);
  void others();

 private:
  LineChart chart(const std::string& title, const std::string& y_label) const {
    LineChart c;
    c.title = title;
    c.y_label = y_label;
    c.x = r_.timeseries.t_s;
    return c;
  }
  void add(LineChart& c, const std::string& name, const std::string& label) {
    if (s_.has(name)) c.series.push_back(s_.take(name, label));
  }
  void draw(const LineChart& c) {
    if (!c.series.empty()) h_ << c.svg();
  }

  std::ostringstream& h_;
  const Result& r_;
  Series s_;
};

void Charts::traffic() {
  if (s_.has("requests_per_s") || s_.has("latency_p95_ms")) h_ << "<h2 id=\"traffic\">Traffic and latency</h2>\n";
  auto rate = chart("Request rate", "requests/s");
  if (s_.has("requests_per_s")) {
    add(rate, "requests_per_s", "completed requests/s");
    for (const char* extra : {"arrivals_per_s", "errors_per_s"}) add(rate, extra, extra);
  }
  draw(rate);
  auto latency = chart("Latency percentiles", "ms");
  for (const char* p : {"latency_p50_ms", "latency_p95_ms", "latency_p99_ms"}) add(latency, p, std::string(p).substr(8, 3));
  draw(latency);
}

void Charts::errors() {
  static const std::regex code_re("http_5(xx|[0-9][0-9])");
  auto c = chart("5xx responses by code", "responses per interval");
  for (const auto& [name, values] : r_.timeseries.series) {
    if (std::regex_match(name, code_re)) c.series.push_back(s_.take(name, name.substr(5)));
  }
  bool any_5xx = false;
  for (const auto& [code, n] : r_.requests.by_status) any_5xx = any_5xx || (!code.empty() && code[0] == '5');
  const auto& q = r_.requests;
  if (c.series.empty() && !any_5xx && q.by_cause.empty()) return;
  h_ << "<h2 id=\"errors\">Errors</h2>\n";
  draw(c);
  if (!q.by_status.empty()) {
    h_ << "<table><tr><th>status</th><th>responses</th></tr>\n";
    for (const auto& [code, n] : q.by_status) h_ << "<tr>" << html::td(code) << html::tdn(std::to_string(n)) << "</tr>\n";
    h_ << "</table>\n";
  }
  if (!q.by_cause.empty()) {
    h_ << "<table><tr><th>failure cause</th><th>requests</th></tr>\n";
    for (const auto& [cause, n] : q.by_cause) h_ << "<tr>" << html::td(cause) << html::tdn(std::to_string(n)) << "</tr>\n";
    h_ << "</table>\n";
  }
}

void Charts::services(const std::vector<std::string>& names, const std::vector<std::string>& dbs) {
  if (!names.empty()) h_ << "<h2 id=\"services\">Services</h2>\n";
  for (const auto& svc : names) {
    const bool db_too = std::find(dbs.begin(), dbs.end(), svc) != dbs.end();
    h_ << "<h3>" << escape_xml(svc) << "</h3>\n";
    auto tasks = chart(svc + ": tasks", "tasks");
    tasks.step = true;
    const char* colors[] = {"#7f7f7f", "#1f77b4", "#2ca02c"};
    int ci = 0;
    for (const char* k : {"tasks_desired", "tasks_running", "tasks_healthy"}) {
      const std::string name = svc + "." + k;
      if (s_.has(name)) tasks.series.push_back(s_.take(name, k, colors[ci], ci == 0));
      ++ci;
    }
    tasks.markers = markers_for(r_, svc, true);
    draw(tasks);
    auto util = chart(svc + ": CPU and memory utilization", "%");
    const Json* targets = nullptr;
    if (r_.sections.contains("services") && r_.sections["services"].contains(svc) &&
        r_.sections["services"][svc].contains("targets")) {
      targets = &r_.sections["services"][svc]["targets"];
    }
    for (const char* k : {"cpu_utilization", "memory_utilization"}) {
      if (!(db_too && std::string(k) == "cpu_utilization")) add(util, svc + "." + k, k);
      if (targets != nullptr && targets->contains(k) && (*targets)[k].is_number()) {
        util.targets.push_back({(*targets)[k].get<double>(), std::string(k).substr(0, std::string(k).find('_')) + " target"});
      }
    }
    util.markers = tasks.markers;
    draw(util);
    auto work = chart(svc + ": messages processed and backlog per task", "per s / messages");
    add(work, svc + ".messages_per_s", "messages_per_s");
    add(work, svc + ".backlog_per_task", "backlog_per_task");
    work.markers = tasks.markers;
    draw(work);
  }
}

void Charts::databases(const std::vector<std::string>& names) {
  if (names.empty()) return;
  h_ << "<h2 id=\"databases\">Databases</h2>\n";
  for (const auto& [key, label, unit] : {std::tuple{"acu", "Aurora capacity per instance", "ACU"},
                                         std::tuple{"cpu_utilization", "DB CPU utilization", "%"},
                                         std::tuple{"connections", "DB connections", "connections"}}) {
    auto c = chart(label, unit);
    c.step = std::string(key) == "acu";
    for (const auto& db : names) {
      add(c, db + "." + key, db);
      if (std::string(key) == "acu") {
        auto m = markers_for(r_, db, false);
        c.markers.insert(c.markers.end(), m.begin(), m.end());
      }
    }
    draw(c);
  }
}

void Charts::queues(const std::vector<std::string>& names) {
  if (names.empty()) return;
  h_ << "<h2 id=\"queues\">Queues</h2>\n";
  for (const auto& q : names) {
    auto depth = chart(q + ": messages", "messages");
    for (const char* k : {"visible", "in_flight", "dlq"}) add(depth, q + "." + k, k);
    draw(depth);
    auto flow = chart(q + ": sent, deleted and throttled", "per interval");
    for (const char* k : {"sent", "deleted", "throttled"}) add(flow, q + "." + k, k);
    draw(flow);
  }
  for (const auto& [key, label, unit] : {std::tuple{"oldest_age_s", "Oldest message age", "s"},
                                         std::tuple{"empty_receives", "Empty receives", "per interval"}}) {
    auto c = chart(label, unit);
    for (const auto& q : names) add(c, q + "." + key, q);
    draw(c);
  }
}

void Charts::others() {
  std::vector<std::string> rest;
  for (const auto& [name, values] : r_.timeseries.series) {
    if (!s_.used.count(name)) rest.push_back(name);
  }
  if (rest.empty()) return;
  h_ << "<h2 id=\"other\">Other series</h2>\n";
  for (const auto& name : rest) {
    auto c = chart(name, "");
    c.y_min.reset();
    c.series.push_back(s_.take(name, name));
    h_ << c.svg(880, 200);
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
  html::summary(h, r);
  html::thresholds(h, r);
  const SeriesGroups groups = group_series(r.timeseries);
  Charts charts(h, r);
  charts.traffic();
  charts.errors();
  charts.services(groups.services, groups.dbs);
  charts.databases(groups.dbs);
  charts.queues(groups.queues);
  charts.others();
  html::classes(h, r);
  html::stations(h, r);
  if (r.sections.contains("cost") && r.sections["cost"].is_object()) html::cost(h, r.sections["cost"]);
  html::assumptions(h, r);
  html::events(h, r);
  h << "<p class=\"meta\">Written by loadcast from " << escape_xml(kResultSchema) << ".</p>\n</body></html>\n";
  return h.str();
}

}  // namespace loadcast::reports
