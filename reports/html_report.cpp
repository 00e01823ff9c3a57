#include "reports/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "reports/cost_timeline.hpp"
#include "reports/findings.hpp"
#include "reports/format.hpp"
#include "reports/html_tables.hpp"
#include "reports/markup.hpp"
#include "reports/svg_chart.hpp"

namespace loadcast::reports {

namespace {

constexpr const char* kStyle = R"(
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px 32px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin: 18px 0 6px; } .meta { color: #666; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; } td, th { border: 1px solid #ddd; padding: 3px 8px; }
th { background: #f4f4f4; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #1a7f37; font-weight: 600; } .fail { color: #cf222e; font-weight: 600; }
svg.chart { display: block; margin: 8px 0; width: 100%; height: auto; }
.note { color: #555; font-size: 13px; }
#findings { background: #fbfbfb; border: 1px solid #ddd; padding: 4px 18px 12px; }
#findings h2 { margin-top: 8px; } ol.bottlenecks > li { margin: 8px 0; } ol.bottlenecks ul { margin: 4px 0; font-size: 13px; }
.sev { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 1px 6px; border-radius: 3px; color: #fff; background: #777; }
.sev-critical .sev { background: #cf222e; } .sev-high .sev { background: #d4700b; } .sev-medium .sev { background: #8a6d00; }
.suggest { font-size: 13px; color: #1a5f2a; } table.capacity td { border: none; padding: 1px 4px; }
.evfilter label { margin-right: 12px; font-size: 13px; } .evfilter input { margin-right: 3px; }
details summary { cursor: pointer; }
)";

struct Series {
  const TimeSeries& ts;
  std::set<std::string> used;

  bool has(const std::string& name) const { return ts.series.count(name) > 0; }
  ChartSeries take(const std::string& name, const std::string& label, const std::string& color = {}, bool dashed = false) {
    used.insert(name);
    return ChartSeries{label, ts.series.at(name), color, dashed, false};
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
    if (name.rfind("classes.", 0) == 0) continue;  // per-class latency, drawn with the traffic
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
    if (any(keys, kDb)) g.dbs.push_back(p);
    if (any(keys, kService)) g.services.push_back(p);
    if (any(keys, kQueue)) g.queues.push_back(p);
  }
  return g;
}

const Json& section(const Result& r, const char* key, const std::string& name) {
  static const Json kNull;
  if (!r.sections.contains(key) || !r.sections[key].is_object() || !r.sections[key].contains(name)) return kNull;
  return r.sections[key][name];
}

double number_of(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}

// True when some value is finite and, with `nonzero`, not 0.
bool worth_drawing(const LineChart& c, bool nonzero) {
  for (const auto& s : c.series) {
    for (double v : s.y) {
      if (std::isfinite(v) && (!nonzero || v != 0.0)) return true;
    }
  }
  return false;
}

// Each resource's peak against its capacity, from the findings.
HeadroomChart headroom(const Result& r, const Json& findings) {
  HeadroomChart c;
  c.title = "Headroom: peak against capacity (100 %)";
  const auto pct = [](double v) { return fixed(v, v < 10 ? 1 : 0) + " %"; };
  if (findings.contains("services")) {
    for (const auto& [name, s] : findings["services"].items()) {
      const double peak = number_of(s, "tasks_running_peak"), max = number_of(s, "autoscaling_max");
      if (std::isfinite(peak) && std::isfinite(max) && max > 0) {
        HeadroomRow row{name + " tasks", 100.0 * peak / max, std::nullopt, "", ""};
        const double minutes = number_of(s, "minutes_at_max");
        row.detail = fixed(peak, 0) + " of autoscaling.max " + fixed(max, 0) +
                     (minutes > 0 ? ", at max " + human_duration(minutes * 60.0) : std::string());
        const double min = number_of(s, "autoscaling_min");
        if (std::isfinite(min)) {
          row.target = 100.0 * min / max;
          row.target_label = "autoscaling.min " + fixed(min, 0);
        }
        c.rows.push_back(row);
      }
      for (const auto& [key, label] : {std::pair{"cpu", "CPU"}, std::pair{"memory", "memory"}}) {
        const double v = number_of(s, (std::string(key) + "_peak").c_str());
        if (!std::isfinite(v)) continue;
        const double target = number_of(s, (std::string(key) + "_target").c_str());
        HeadroomRow row{name + " " + label, v, std::nullopt, "", "peak " + pct(v)};
        if (std::isfinite(target)) {
          row.target = target;
          row.target_label = std::string(label) + " target " + pct(target);
          row.detail += " (target " + pct(target) + ")";
        }
        c.rows.push_back(row);
      }
    }
  }
  if (findings.contains("databases")) {
    for (const auto& [name, d] : findings["databases"].items()) {
      const double cpu = number_of(d, "cpu_peak");
      if (std::isfinite(cpu)) c.rows.push_back({name + " CPU", cpu, std::nullopt, "", "peak " + pct(cpu)});
      const double acu = number_of(d, "acu_peak"), max_acu = number_of(d, "max_acu");
      if (std::isfinite(acu) && max_acu > 0) {
        c.rows.push_back({name + " ACU", 100.0 * acu / max_acu, std::nullopt, "", fixed(acu, 1) + " of max_acu " + fixed(max_acu, 1)});
      }
      const double conn = number_of(d, "connections_peak"), max_conn = number_of(d, "max_connections");
      if (std::isfinite(conn) && max_conn > 0 && max_conn < 1e8) {
        c.rows.push_back({name + " connections", 100.0 * conn / max_conn, std::nullopt, "",
                          fixed(conn, 0) + " of max_connections " + fixed(max_conn, 0)});
      }
    }
  }
  if (findings.contains("queues")) {
    const double interval = r.timeseries.interval_s > 0 ? r.timeseries.interval_s : 60.0;
    for (const auto& [name, q] : findings["queues"].items()) {
      const double limit = number_of(q, "api_calls_per_s");
      const auto it = r.timeseries.series.find(name + ".sent");
      if (!(limit > 0) || it == r.timeseries.series.end()) continue;
      double peak = 0.0;
      for (double v : it->second) {
        if (std::isfinite(v)) peak = std::max(peak, v / interval);
      }
      if (peak <= 0.0) continue;
      c.rows.push_back({name + " SendMessage", 100.0 * peak / limit, std::nullopt, "",
                        fixed(peak, 1) + " of " + fixed(limit, 0) + " calls/s (SQS FIFO limit)"});
    }
  }
  return c;
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
  void cost();
  void others();

 private:
  LineChart chart(const std::string& title, const std::string& y_label) const {
    LineChart c;
    c.title = title;
    c.y_label = y_label;
    c.x = r_.timeseries.t_s;
    return c;
  }
  void add(LineChart& c, const std::string& name, const std::string& label, bool right = false) {
    if (!s_.has(name)) return;
    c.series.push_back(s_.take(name, label));
    c.series.back().right = right;
  }
  // A chart with nothing to show is left out (`nonzero`: nothing but zeros is nothing).
  void draw(const LineChart& c, bool nonzero = false) {
    if (!c.series.empty() && worth_drawing(c, nonzero)) h_ << c.svg();
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
  // Latency of the successes, with the failures beside them: a run that fails fast looks fast.
  auto latency = chart("Latency percentiles", "ms (successful requests)");
  for (const char* p : {"latency_p50_ms", "latency_p95_ms", "latency_p99_ms"}) add(latency, p, std::string(p).substr(8, 3));
  const auto errors = r_.timeseries.series.find("errors_per_s");
  if (errors != r_.timeseries.series.end() &&
      std::any_of(errors->second.begin(), errors->second.end(), [](double v) { return std::isfinite(v) && v > 0; })) {
    latency.series.push_back(ChartSeries{"failed requests/s", r_.timeseries.series.at("errors_per_s"), "#cf222e", true, true});
    latency.y2_label = "failed requests/s";
  }
  draw(latency);
  // Latency against the offered load, one point per interval after the warm-up.
  const auto arrivals = r_.timeseries.series.find("arrivals_per_s");
  if (arrivals != r_.timeseries.series.end()) {
    XYChart curve;
    curve.title = "Latency against offered load";
    curve.x_label = "arrivals per second in the interval";
    curve.y_label = "ms";
    for (const auto& [key, label] : {std::pair{"latency_p50_ms", "p50"}, std::pair{"latency_p99_ms", "p99"}}) {
      const auto it = r_.timeseries.series.find(key);
      if (it == r_.timeseries.series.end()) continue;
      XYSeries xs{label, {}, {}, {}};
      for (std::size_t i = 0; i < r_.timeseries.t_s.size() && i < it->second.size() && i < arrivals->second.size(); ++i) {
        if (r_.timeseries.t_s[i] + 1e-9 < r_.warmup_s) continue;
        xs.x.push_back(arrivals->second[i]);
        xs.y.push_back(it->second[i]);
      }
      curve.series.push_back(std::move(xs));
    }
    bool any = false;
    for (const auto& s : curve.series) {
      for (double v : s.y) any = any || std::isfinite(v);
    }
    if (any) h_ << curve.svg();
  }
  // Per request class: its p99 over time.
  auto classes = chart("p99 latency by request class", "ms (successful requests)");
  for (const auto& [name, c] : r_.classes) add(classes, "classes." + name + ".latency_p99_ms", name);
  for (const auto& [name, c] : r_.classes) s_.used.insert("classes." + name + ".latency_p50_ms");
  draw(classes);
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
  if (!worth_drawing(c, true) && !any_5xx && q.by_cause.empty()) return;
  h_ << "<h2 id=\"errors\">Errors</h2>\n";
  draw(c, true);
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
    // A worker has no target group: its tasks are never "healthy" targets.
    const bool worker = !section(r_, "workers", svc).is_null();
    h_ << "<h3>" << escape_xml(svc) << "</h3>\n";
    auto tasks = chart(svc + ": tasks", "tasks");
    tasks.step = true;
    const char* colors[] = {"#7f7f7f", "#1f77b4", "#2ca02c"};
    int ci = 0;
    for (const char* k : {"tasks_desired", "tasks_running", "tasks_healthy"}) {
      const std::string name = svc + "." + k;
      if (worker && std::string(k) == "tasks_healthy") {
        s_.used.insert(name);
      } else if (s_.has(name)) {
        tasks.series.push_back(s_.take(name, k, colors[ci], ci == 0));
      }
      ++ci;
    }
    const Json& info = section(r_, "services", svc);
    const double max = info.contains("autoscaling") ? number_of(info["autoscaling"], "max") : std::nan("");
    if (std::isfinite(max)) tasks.targets.push_back({max, "autoscaling.max " + fixed(max, 0), "#cf222e"});
    tasks.markers = markers_for(r_, svc, true);
    draw(tasks);
    auto util = chart(svc + ": CPU and memory utilization", "%");
    const Json* targets = info.is_object() && info.contains("targets") ? &info["targets"] : nullptr;
    for (const char* k : {"cpu_utilization", "memory_utilization"}) {
      if (!(db_too && std::string(k) == "cpu_utilization")) add(util, svc + "." + k, k);
      if (targets != nullptr && targets->contains(k) && (*targets)[k].is_number()) {
        util.targets.push_back({(*targets)[k].get<double>(), std::string(k).substr(0, std::string(k).find('_')) + " target", ""});
      }
    }
    util.markers = tasks.markers;
    draw(util);
    // Messages per second and backlog per task have scales of their own: two axes.
    auto work = chart(svc + ": messages processed and backlog per task", "messages/s");
    add(work, svc + ".messages_per_s", "messages_per_s");
    add(work, svc + ".backlog_per_task", "backlog_per_task", true);
    work.y2_label = "messages per task";
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
        const double max_acu = number_of(section(r_, "databases", db), "max_acu");
        if (std::isfinite(max_acu) && c.targets.empty()) c.targets.push_back({max_acu, "max_acu " + fixed(max_acu, 1), "#cf222e"});
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
    draw(depth, true);
    auto flow = chart(q + ": sent, deleted and throttled", "per interval");
    for (const char* k : {"sent", "deleted", "throttled"}) add(flow, q + "." + k, k);
    draw(flow, true);
  }
  for (const auto& [key, label, unit] : {std::tuple{"oldest_age_s", "Oldest message age", "s"},
                                         std::tuple{"empty_receives", "Empty receives", "per interval"}}) {
    auto c = chart(label, unit);
    for (const auto& q : names) add(c, q + "." + key, q);
    draw(c, true);
  }
}

void Charts::cost() {
  const auto per_hour = cost_per_hour(r_);
  if (per_hour.empty()) return;
  auto c = chart("Cost per hour", "USD per hour");
  std::vector<double> total(r_.timeseries.t_s.size(), 0.0);
  for (const auto& [item, values] : per_hour) {
    c.series.push_back(ChartSeries{item, values, {}, false, false});
    for (std::size_t i = 0; i < total.size() && i < values.size(); ++i) total[i] += values[i];
  }
  c.series.push_back(ChartSeries{"total", total, "#000000", true, false});
  if (!worth_drawing(c, true)) return;
  h_ << "<h3 id=\"cost-per-hour\">Cost per hour</h3>\n<p class=\"note\">What each interval cost, in USD per hour: every "
        "metered line of the bill spread over the run by what drives it (tasks RUNNING, ACU, arrivals, queue calls), fixed "
        "monthly costs at 1/730 of their month per hour. The totals are the run's; the spread is apportioned.</p>\n"
     << c.svg();
}

void Charts::others() {
  std::vector<std::string> rest;
  for (const auto& [name, values] : r_.timeseries.series) {
    if (s_.used.count(name)) continue;
    bool any = false;
    for (double v : values) any = any || std::isfinite(v);
    if (any) rest.push_back(name);
  }
  if (rest.empty()) return;
  h_ << "<h2 id=\"other\">Other series</h2>\n";
  for (const auto& name : rest) {
    auto c = chart(name, "");
    c.y_min.reset();
    c.series.push_back(s_.take(name, name));
    h_ << c.svg(1200, 200);
  }
}

}  // namespace

std::string render_html(const Result& r) {
  std::ostringstream h;
  const std::string title = "loadcast report: " + (r.scenario.empty() ? std::string("(unnamed)") : r.scenario);
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
       "<title>" << escape_xml(title) << "</title><style>" << kStyle << "</style></head><body>\n";
  h << "<h1>" << escape_xml(title) << "</h1>\n<p class=\"meta\">" << escape_xml(r.kind == "load" ? "measured (loadcast load)" : "simulated (loadcast sim)")
    << " · seed " << r.seed << " · " << r.replications << " replication" << (r.replications == 1 ? "" : "s") << " · "
    << fixed(r.duration_s, 1) << " s measured after " << fixed(r.warmup_s, 1) << " s warm-up</p>\n";
  const Json findings = findings_of(r);
  h << findings_html(findings);
  html::summary(h, r);
  const HeadroomChart room = headroom(r, findings);
  if (!room.rows.empty()) h << "<h2 id=\"headroom\">Headroom</h2>\n" << room.svg();
  html::thresholds(h, r);
  const SeriesGroups groups = group_series(r.timeseries);
  Charts charts(h, r);
  charts.traffic();
  charts.errors();
  charts.services(groups.services, groups.dbs);
  charts.databases(groups.dbs);
  charts.queues(groups.queues);
  html::classes(h, r);
  html::stations(h, r);
  if (r.sections.contains("cost") && r.sections["cost"].is_object()) {
    html::cost(h, r.sections["cost"]);
    charts.cost();
  }
  html::assumptions(h, r);
  charts.others();
  html::events(h, r);
  h << "<p class=\"meta\">Written by loadcast from " << escape_xml(kResultSchema) << ".</p>\n</body></html>\n";
  return h.str();
}

}  // namespace loadcast::reports
