#include "reports/html_tables.hpp"

#include <cmath>
#include <map>

#include "reports/format.hpp"
#include "reports/markup.hpp"
#include "reports/summary_report.hpp"
#include "reports/svg_chart.hpp"

namespace loadcast::reports::html {

namespace {

double number_at(const Json& j, std::initializer_list<const char*> path) {
  const Json* n = &j;
  for (const char* k : path) {
    if (!n->is_object() || !n->contains(k)) return std::nan("");
    n = &(*n)[k];
  }
  return n->is_number() ? n->get<double>() : std::nan("");
}

std::string string_at(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// A list of strings as a note, e.g. the unverified prices or the assumptions of a cost.
void string_list(std::ostringstream& h, const Json& c, const char* key, const std::string& lead, bool code) {
  if (!c.contains(key) || !c[key].is_array() || c[key].empty()) return;
  h << "<p class=\"note\">" << escape_xml(lead);
  for (const auto& p : c[key]) {
    const std::string s = p.is_string() ? p.get<std::string>() : std::string();
    h << (code ? " <code>" + escape_xml(s) + "</code>" : "<br>" + escape_xml(s));
  }
  h << "</p>\n";
}

}  // namespace

std::string td(const std::string& s) { return "<td>" + escape_xml(s) + "</td>"; }
std::string tdn(const std::string& s) { return "<td class=\"n\">" + escape_xml(s) + "</td>"; }

void summary(std::ostringstream& h, const Result& r) {
  const auto& q = r.requests;
  h << "<table><tr><th>requests</th><th>ok</th><th>errors</th><th>timeouts</th><th>dropped</th><th>in flight</th>"
       "<th>error rate</th><th>ok req/s</th><th>completed req/s</th></tr><tr>"
    << tdn(std::to_string(q.total)) << tdn(std::to_string(q.ok)) << tdn(std::to_string(q.errors))
    << tdn(std::to_string(q.timeouts)) << tdn(std::to_string(q.dropped)) << tdn(std::to_string(q.in_flight))
    << tdn(fixed(q.error_rate() * 100.0, 4) + " %") << tdn(fixed(r.ok_throughput_rps, 3)) << tdn(fixed(r.throughput_rps, 3))
    << "</tr></table>\n";
  const auto& l = r.latency_ms;
  // "—": no samples (null, or an older result's 0 without a successful request).
  const auto stat = [&](double v) { return q.ok > 0 && !std::isnan(v) ? fixed(v, 3) : std::string(kNoValue); };
  h << "<table><tr><th>latency of successes (ms)</th><th>mean</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr>"
    << "<tr>" << td("measured") << tdn(stat(l.mean)) << tdn(stat(l.p50)) << tdn(stat(l.p90)) << tdn(stat(l.p95))
    << tdn(stat(l.p99)) << tdn(stat(l.p999)) << tdn(stat(l.max)) << "</tr>";
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

void classes(std::ostringstream& h, const Result& r) {
  if (r.classes.empty()) return;
  h << "<h2 id=\"classes\">Request classes</h2>\n<table><tr><th>class</th><th>requests</th><th>errors</th><th>error rate</th>"
       "<th>ok req/s</th><th>completed req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>\n";
  for (const auto& [name, cls] : r.classes) {
    const auto& c = cls;  // a named reference: clang 14 (the fuzz build) cannot capture a structured binding
    const auto stat = [&](double v) { return c.requests.ok > 0 && !std::isnan(v) ? fixed(v, 3) : std::string(kNoValue); };
    h << "<tr>" << td(name) << tdn(std::to_string(c.requests.total))
      << tdn(std::to_string(c.requests.errors + c.requests.timeouts + c.requests.dropped))
      << tdn(fixed(c.requests.error_rate() * 100.0, 4) + " %") << tdn(fixed(c.ok_throughput_rps, 3)) << tdn(fixed(c.throughput_rps, 3))
      << tdn(stat(c.latency_ms.p50)) << tdn(stat(c.latency_ms.p95)) << tdn(stat(c.latency_ms.p99))
      << tdn(stat(c.latency_ms.max)) << "</tr>\n";
  }
  h << "</table>\n";
}

void stations(std::ostringstream& h, const Result& r) {
  if (r.stations.empty()) return;
  h << "<h2 id=\"stations\">Stations</h2>\n<table><tr><th>station</th><th>servers</th><th>discipline</th><th>utilization</th>"
       "<th>mean queue</th><th>mean wait ms</th><th>rejected</th></tr>\n";
  for (const auto& [name, st] : r.stations) {
    h << "<tr>" << td(name) << tdn(std::to_string(st.servers)) << td(st.discipline) << tdn(fixed(st.utilization, 4))
      << tdn(fixed(st.mean_queue, 4)) << tdn(fixed(st.mean_wait_ms, 4)) << tdn(std::to_string(st.rejected)) << "</tr>\n";
  }
  h << "</table>\n";
}

void cost(std::ostringstream& h, const Json& c) {
  h << "<h2 id=\"cost\">Monthly cost</h2>\n";
  if (const std::string error = string_at(c, "error"); !error.empty()) {
    h << "<p class=\"fail\">Not priced: " << escape_xml(error) << "</p>\n";
    return;
  }
  const double total = number_at(c, {"monthly_usd", "total"});
  h << "<p><b>" << money(total) << " per month</b>";
  if (const std::string region = string_at(c, "region"); !region.empty()) h << " in " << escape_xml(region);
  if (const std::string prices = string_at(c, "prices"); !prices.empty()) h << " (prices: " << escape_xml(prices) << ")";
  h << "</p>\n";
  if (const std::string p = string_at(c, "projection"); !p.empty()) h << "<p class=\"note\">Projection: " << escape_xml(p) << ".</p>\n";
  if (const std::string e = event_line(c); !e.empty()) h << "<p><b>" << escape_xml(e) << "</b></p>\n";
  string_list(h, c, "assumptions", "Assumptions behind this figure:", false);
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
      const auto s = [&](const char* k) { return string_at(l, k); };
      const auto n = [&](const char* k) { return l.contains(k) && l[k].is_number() ? l[k].get<double>() : std::nan(""); };
      h << "<tr>" << td(s("item")) << td(s("resource")) << td(s("component")) << tdn(fixed(n("quantity"), 3) + " " + s("unit"))
        << tdn("$" + fixed(n("unit_usd"), 6)) << tdn(money(n("usd"))) << td(s("confidence") + (s("price").empty() ? "" : ": " + s("price")))
        << "</tr>\n";
    }
    h << "</table>\n";
  }
  string_list(h, c, "unverified_prices", "Unverified prices used (check before relying on them):", true);
}

void assumptions(std::ostringstream& h, const Result& r) {
  if (!r.sections.contains("assumptions") || !r.sections["assumptions"].is_array() || r.sections["assumptions"].empty()) return;
  h << "<h2 id=\"assumptions\">Model assumptions</h2>\n";
  string_list(h, r.sections, "assumptions", "What the model rests on that AWS does not document (each a scenario key):", false);
}

void events(std::ostringstream& h, const Result& r) {
  h << "<h2 id=\"events\">Events</h2>\n";
  if (r.events.empty()) {
    h << "<p class=\"note\">No events recorded.</p>\n";
    return;
  }
  // Grouped by type and target (a task "web/12" counts under "web"), in order of first time.
  struct Group {
    std::string type, target;
    std::vector<const Event*> events;
  };
  std::vector<Group> groups;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  std::map<std::string, std::size_t> per_type;
  for (const auto& e : r.events) {
    const std::string target = e.target.substr(0, e.target.rfind('/') == std::string::npos ? e.target.size() : e.target.rfind('/'));
    const auto key = std::pair{e.type, target};
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, groups.size()).first;
      groups.push_back(Group{e.type, target, {}});
    }
    groups[it->second].events.push_back(&e);
    ++per_type[e.type];
  }
  std::map<std::string, std::size_t> type_id;
  for (const auto& [type, n] : per_type) type_id.emplace(type, type_id.size());
  // Filtering without a script: a checkbox per type hides that type's rows by CSS.
  h << "<style>";
  for (const auto& [type, id] : type_id) h << "#ev-" << id << ":not(:checked) ~ table tr.ev-" << id << "{display:none}";
  h << "</style>\n<div class=\"evfilter\"><p class=\"note\">" << r.events.size() << " events in " << groups.size()
    << " groups (by type and target; a task counts under its service). Untick a type to hide it; open a group for its events.</p>\n";
  for (const auto& [type, id] : type_id) {
    h << "<input type=\"checkbox\" id=\"ev-" << id << "\" checked><label for=\"ev-" << id << "\">" << escape_xml(type) << " ("
      << per_type[type] << ")</label>\n";
  }
  constexpr std::size_t kListed = 200;
  h << "<table class=\"events\"><tr><th>type</th><th>target</th><th>events</th><th>first</th><th>last</th><th>from → to</th>"
       "<th>events of the group</th></tr>\n";
  for (const auto& g : groups) {
    const Event& first = *g.events.front();
    const Event& last = *g.events.back();
    std::string change;
    if (first.from || last.to) {
      change = (first.from ? fixed(*first.from, 3) : std::string("?")) + " → " + (last.to ? fixed(*last.to, 3) : std::string("?"));
    }
    h << "<tr class=\"ev ev-" << type_id[g.type] << "\">" << td(g.type) << td(g.target) << tdn(std::to_string(g.events.size()))
      << tdn(clock_time(first.t_s)) << tdn(clock_time(last.t_s)) << td(change) << "<td><details><summary>"
      << escape_xml(first.reason.empty() ? first.target : first.reason) << "</summary><table>";
    for (std::size_t i = 0; i < g.events.size() && i < kListed; ++i) {
      const Event& e = *g.events[i];
      h << "<tr>" << tdn(clock_time(e.t_s)) << td(e.target) << tdn(e.from ? fixed(*e.from, 3) : "") << tdn(e.to ? fixed(*e.to, 3) : "")
        << td(e.reason) << "</tr>";
    }
    if (g.events.size() > kListed) h << "<tr><td colspan=\"5\">" << g.events.size() - kListed << " more in result.json</td></tr>";
    h << "</table></details></td></tr>\n";
  }
  h << "</table></div>\n";
}

}  // namespace loadcast::reports::html
