#include "reports/findings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "reports/format.hpp"
#include "reports/markup.hpp"

namespace loadcast::reports {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kProxyClients = 1e8;  // a max_connections this large is a proxy's client limit


const Json& child(const Json& j, const std::string& key) {
  static const Json kNull;
  return j.is_object() && j.contains(key) ? j.at(key) : kNull;
}

double num(const Json& j, const std::string& key) {
  const Json& v = child(j, key);
  return v.is_number() ? v.get<double>() : kNan;
}

double num_or(const Json& j, const std::string& key, double fallback) {
  const double v = num(j, key);
  return std::isnan(v) ? fallback : v;
}

// A queue row worth a line: something was stored, waited or throttled.
bool queue_active(const Json& q) {
  return num_or(q, "visible_peak", 0.0) > 0 || num_or(q, "oldest_age_peak_s", 0.0) > 0 || num_or(q, "throttled", 0.0) > 0;
}

std::string str(const Json& j, const std::string& key) {
  const Json& v = child(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

// The part of a series after the warm-up.
std::vector<double> measured(const Result& r, const std::string& name) {
  const auto it = r.timeseries.series.find(name);
  if (it == r.timeseries.series.end()) return {};
  std::vector<double> out;
  for (std::size_t i = 0; i < it->second.size() && i < r.timeseries.t_s.size(); ++i) {
    if (r.timeseries.t_s[i] + 1e-9 >= r.warmup_s) out.push_back(it->second[i]);
  }
  return out;
}

std::map<std::string, double> number_map(const Json& j) {
  std::map<std::string, double> out;
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_number()) out[k] = v.get<double>();
  }
  return out;
}

double sum_of(const std::map<std::string, double>& m) {
  double s = 0.0;
  for (const auto& [k, v] : m) s += v;
  return s;
}

ServiceFacts service_facts(const Result& r, const std::string& name, const Json& j, const std::string& section) {
  ServiceFacts s;
  s.name = name;
  s.section = section;
  const Json& a = child(j, "autoscaling");
  s.autoscaled = a.is_object();
  s.min = static_cast<int>(num_or(a, "min", 0.0));
  s.max = static_cast<int>(num_or(a, "max", 0.0));
  s.minutes_at_max = num_or(j, "minutes_at_max", 0.0);
  s.tasks_peak = num_or(j, "tasks_running_peak", num(j, "tasks_max"));
  s.tasks_low = num_or(j, "tasks_running_low", num(j, "tasks_min"));
  s.desired_initial = num(j, "tasks_desired_initial");
  s.cpu_peak = num(j, "cpu_utilization_peak");
  s.memory_peak = num(j, "memory_utilization_peak");
  s.scale_outs = num_or(j, "scale_outs", 0.0);
  s.scale_ins = num_or(j, "scale_ins", 0.0);
  s.first_scale_out_s = num(j, "first_scale_out_s");
  s.targets = number_map(child(j, "targets"));
  const Json& init = child(child(r.sections, "initial_capacity"), section + "." + name + ".desired");
  if (init.is_object()) {
    const double estimate = num(init, "auto");
    if (!std::isnan(estimate)) s.auto_desired = estimate;
    s.desired_auto = child(init, "from_auto").is_boolean() && child(init, "from_auto").get<bool>();
  }
  s.cpu = measured(r, name + ".cpu_utilization");
  s.memory = measured(r, name + ".memory_utilization");
  s.desired = measured(r, name + ".tasks_desired");
  s.running = measured(r, name + ".tasks_running");
  s.backlog_per_task = measured(r, name + ".backlog_per_task");
  s.messages_per_s = measured(r, name + ".messages_per_s");
  return s;
}

// Latency and errors of a span (an hour of `hourly`, or `window`).
Json span_json(const Json& span, double from_s, double to_s) {
  Json out;
  out["from_s"] = number(from_s);
  out["to_s"] = number(to_s);
  const double secs = num_or(span, "measured_s", to_s - from_s);
  out["arrivals"] = child(span, "arrivals");
  out["arrivals_per_s"] = number(secs > 0 ? num(span, "arrivals") / secs : kNan);
  out["ok"] = child(span, "ok");
  out["failed"] = child(span, "failed");
  out["error_rate"] = child(span, "error_rate");
  out["latency_ms"] = child(span, "latency_ms");
  return out;
}

Json busiest_hour(const Result& r) {
  const Json& hours = child(r.sections, "hourly");
  const Json* best = nullptr;
  for (const auto& h : hours) {
    if (num_or(h, "arrivals", 0.0) <= 0.0) continue;
    if (best == nullptr || num(h, "arrivals") > num(*best, "arrivals")) best = &h;
  }
  if (best == nullptr) {
    // No arrival measured: the keys stay, without values (a threshold on them fails).
    const Json none{{"arrivals", 0}, {"error_rate", nullptr}, {"latency_ms", Json{{"mean", nullptr}, {"p50", nullptr}, {"p95", nullptr}, {"p99", nullptr}, {"max", nullptr}}}};
    return span_json(none, kNan, kNan);
  }
  const double from = num_or(*best, "t_s", 0.0);
  return span_json(*best, from, from + num_or(*best, "span_s", 3600.0));
}

std::string pct(double v) { return std::isfinite(v) ? fixed(v, v < 10 ? 1 : 0) + " %" : "n/a"; }
std::string ms(double v) { return std::isfinite(v) ? fixed(v, v < 10 ? 2 : v < 100 ? 1 : 0) + " ms" : kNoValue; }
std::string count(double v) { return std::isfinite(v) ? grouped(static_cast<std::uint64_t>(std::llround(std::max(0.0, v)))) : "n/a"; }

// Run time as hours and minutes: "0:00", "12:30", "27:05".
std::string hours_minutes(double seconds) {
  if (!std::isfinite(seconds)) return "?";
  const long long m = std::llround(seconds / 60.0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld", m / 60, m % 60);
  return buf;
}

std::string span_line(const Json& s, const std::string& label) {
  if (std::isnan(num(s, "from_s"))) return label + ": no request measured";
  const Json& l = child(s, "latency_ms");
  const double rate = num(s, "error_rate");
  return label + " " + hours_minutes(num(s, "from_s")) + "–" + hours_minutes(num(s, "to_s")) + " (" +
         fixed(num_or(s, "arrivals_per_s", 0.0), 1) + " req/s): p50 " + ms(num(l, "p50")) + " · p95 " + ms(num(l, "p95")) +
         " · p99 " + ms(num(l, "p99")) + " · error rate " + (std::isfinite(rate) ? fixed(rate * 100.0, 2) + " %" : "n/a");
}

std::string service_line(const std::string& name, const Json& s) {
  std::string out = name + ": peak " + count(num(s, "tasks_running_peak")) + " RUNNING tasks";
  if (!std::isnan(num(s, "autoscaling_max"))) {
    const double minutes = num_or(s, "minutes_at_max", 0.0);
    out += " of max " + count(num(s, "autoscaling_max")) + ", " + (minutes > 0 ? human_duration(minutes * 60.0) + " at max" : "never at max");
  }
  out += " · CPU peak " + pct(num(s, "cpu_peak"));
  if (!std::isnan(num(s, "cpu_target"))) out += " (target " + pct(num(s, "cpu_target")) + ")";
  out += " · memory peak " + pct(num(s, "memory_peak"));
  if (!std::isnan(num(s, "memory_target"))) out += " (target " + pct(num(s, "memory_target")) + ")";
  return out;
}

std::string queue_line(const std::string& name, const Json& q) {
  std::string out = name + ": peak backlog " + count(num(q, "visible_peak")) + " · oldest message " +
                    human_duration(num_or(q, "oldest_age_peak_s", 0.0)) + " · throttled calls " + count(num(q, "throttled"));
  if (num_or(q, "throttled_failed", 0.0) > 0) out += " (" + count(num(q, "throttled_failed")) + " failed)";
  return out;
}

std::string database_line(const std::string& name, const Json& d) {
  std::string out = name + " (" + str(d, "role") + "): CPU peak " + pct(num(d, "cpu_peak"));
  if (num_or(d, "cpu_minutes_at_or_above_90", 0.0) > 0) {
    out += " (≥ 90 % for " + human_duration(num(d, "cpu_minutes_at_or_above_90") * 60.0) + ")";
  }
  if (!std::isnan(num(d, "acu_peak"))) out += " · ACU peak " + fixed(num(d, "acu_peak"), 1) + " of max " + fixed(num(d, "max_acu"), 1);
  out += " · connections peak " + count(num(d, "connections_peak"));
  // Behind RDS Proxy the instance's limit applies to the proxy, not to the clients' connections.
  if (num_or(d, "max_connections", 0.0) < kProxyClients) out += " of " + count(num(d, "max_connections"));
  return out;
}

}  // namespace

Facts Facts::of(const Result& r) {
  Facts f;
  f.kind = r.kind;
  f.duration_s = r.duration_s;
  f.warmup_s = r.warmup_s;
  f.interval_s = r.timeseries.interval_s > 0 ? r.timeseries.interval_s : 60.0;
  f.requests = r.requests;
  f.start_t_s = r.timeseries.t_s;
  if (const auto it = r.timeseries.series.find("errors_per_s"); it != r.timeseries.series.end()) f.start_errors_per_s = it->second;
  const Json& workers = child(r.sections, "workers");
  std::map<std::string, std::string> consumer_of;  // queue -> worker
  if (workers.is_object()) {
    for (const auto& [w, j] : workers.items()) consumer_of[str(j, "queue")] = w;
  }
  const Json& services = child(r.sections, "services");
  if (services.is_object()) {
    for (const auto& [name, j] : services.items()) {
      const bool worker = workers.is_object() && workers.contains(name);
      f.services.push_back(service_facts(r, name, j, worker ? "workers" : "services"));
    }
  }
  const Json& queues = child(r.sections, "queues");
  if (queues.is_object()) {
    for (const auto& [name, j] : queues.items()) {
      QueueFacts q;
      q.name = name;
      if (const auto it = consumer_of.find(name); it != consumer_of.end()) q.consumer = it->second;
      q.visible_peak = num_or(j, "visible_peak", num_or(j, "visible", 0.0));
      q.oldest_age_peak_s = num_or(j, "oldest_age_peak_s", num_or(j, "oldest_age_s", 0.0));
      q.throttled = number_map(child(j, "throttled"));
      q.throttled_failed = number_map(child(j, "throttled_failed"));
      q.api_calls_per_s = num_or(j, "api_calls_per_s", kNan);
      q.high_throughput = child(j, "high_throughput").is_boolean() && child(j, "high_throughput").get<bool>();
      q.dead_lettered = num_or(j, "dead_lettered", 0.0);
      q.expired = num_or(j, "expired", 0.0);
      q.sent = num_or(j, "sent", 0.0);
      q.dead_letter_queue = num_or(j, "redriven_in", 0.0) > 0.0;
      q.sent_per_s = measured(r, name + ".sent");
      for (double& v : q.sent_per_s) v /= f.interval_s;
      f.queues.push_back(std::move(q));
    }
  }
  const Json& dbs = child(r.sections, "databases");
  if (dbs.is_object()) {
    for (const auto& [name, j] : dbs.items()) {
      if (!j.is_object()) continue;  // "pauses"
      DatabaseFacts d;
      d.name = name;
      d.role = str(j, "role");
      d.type = str(j, "type");
      d.instance_class = str(j, "instance_class");
      d.cpu_peak = num(j, "cpu_utilization_peak");
      d.acu_peak = num(j, "acu_max");
      d.max_acu = num(j, "max_acu");
      d.connections_peak = num_or(j, "connections_peak", num(j, "connections_max"));
      d.max_connections = num(j, "max_connections");
      d.cpu = measured(r, name + ".cpu_utilization");
      if (std::isnan(d.cpu_peak)) {
        for (double v : d.cpu) {
          if (!std::isnan(v)) d.cpu_peak = std::isnan(d.cpu_peak) ? v : std::max(d.cpu_peak, v);
        }
      }
      f.databases.push_back(std::move(d));
    }
    int readers = 0;
    for (const auto& d : f.databases) readers += d.role == "reader" ? 1 : 0;
    for (auto& d : f.databases) d.readers = readers;
  }
  const Json& topics = child(r.sections, "topics");
  if (topics.is_object()) {
    for (const auto& [name, j] : topics.items()) {
      f.topics.push_back(TopicFacts{name, num_or(j, "throttled", 0.0), num_or(j, "throttled_failed", 0.0),
                                    child(j, "high_throughput").is_boolean() && child(j, "high_throughput").get<bool>()});
    }
  }
  return f;
}

const ServiceFacts* Facts::service(const std::string& name) const {
  for (const auto& s : services) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<Finding> find_bottlenecks(const Facts& facts) {
  std::vector<Finding> out;
  for (const auto& rule : finding_rules()) {
    const std::size_t first = out.size();
    rule.check(facts, out);
    for (std::size_t i = first; i < out.size(); ++i) {
      Finding& x = out[i];
      x.rule = rule.id;
      if (x.severity.empty()) x.severity = rule.severity;
      // Severity first, then the size of the problem within it.
      const double base = x.severity == "critical" ? 3e6 : x.severity == "high" ? 2e6 : 1e6;
      x.impact = base + std::clamp(x.impact, 0.0, 999999.0);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.impact > b.impact; });
  return out;
}

Json compute_findings(const Result& r) {
  const Facts f = Facts::of(r);
  Json out = Json::object();
  Json services = Json::object();
  for (const auto& s : f.services) {
    Json j;
    j["tasks_running_peak"] = number(s.tasks_peak);
    j["autoscaling_min"] = s.autoscaled ? Json(s.min) : Json(nullptr);
    j["autoscaling_max"] = s.autoscaled ? Json(s.max) : Json(nullptr);
    j["minutes_at_max"] = s.autoscaled ? Json(s.minutes_at_max) : Json(nullptr);
    j["cpu_peak"] = number(s.cpu_peak);
    const auto cpu_target = s.targets.find("cpu_utilization");
    j["cpu_target"] = cpu_target != s.targets.end() ? Json(cpu_target->second) : Json(nullptr);
    j["memory_peak"] = number(s.memory_peak);
    const auto memory_target = s.targets.find("memory_utilization");
    j["memory_target"] = memory_target != s.targets.end() ? Json(memory_target->second) : Json(nullptr);
    j["scale_outs"] = s.scale_outs;
    services[s.name] = j;
  }
  if (!services.empty()) out["services"] = services;
  Json queues = Json::object();
  for (const auto& q : f.queues) {
    queues[q.name] = Json{{"visible_peak", q.visible_peak},
                          {"oldest_age_peak_s", q.oldest_age_peak_s},
                          {"throttled", sum_of(q.throttled)},
                          {"throttled_failed", sum_of(q.throttled_failed)},
                          {"api_calls_per_s", number(q.api_calls_per_s)},
                          {"high_throughput", q.high_throughput}};
  }
  if (!queues.empty()) out["queues"] = queues;
  Json dbs = Json::object();
  for (const auto& d : f.databases) {
    std::size_t hot = 0;
    for (double v : d.cpu) hot += v >= 90.0 ? 1u : 0u;
    dbs[d.name] = Json{{"role", d.role},
                       {"cpu_peak", number(d.cpu_peak)},
                       {"cpu_minutes_at_or_above_90", static_cast<double>(hot) * f.interval_s / 60.0},
                       {"acu_peak", number(d.acu_peak)},
                       {"max_acu", number(d.max_acu)},
                       {"connections_peak", number(d.connections_peak)},
                       {"max_connections", number(d.max_connections)}};
  }
  if (!dbs.empty()) out["databases"] = dbs;
  if (child(r.sections, "hourly").is_array()) out["busiest_hour"] = busiest_hour(r);
  const Json& window = child(r.sections, "window");
  if (window.is_object()) out["window"] = span_json(window, num_or(window, "from_s", 0.0), num_or(window, "to_s", 0.0));
  Json list = Json::array();
  for (const auto& b : find_bottlenecks(f)) {
    list.push_back(Json{{"rule", b.rule},
                        {"severity", b.severity},
                        {"impact", b.impact},
                        {"target", b.target},
                        {"summary", b.summary},
                        {"evidence", b.evidence},
                        {"suggestion", b.suggestion}});
  }
  out["bottlenecks"] = list;
  return out;
}

Json findings_of(const Result& r) {
  if (r.sections.contains("findings") && r.sections["findings"].is_object()) return r.sections["findings"];
  return compute_findings(r);
}

void add_findings(Result& r) { r.sections["findings"] = compute_findings(r); }

std::string findings_text(const Json& f) {
  std::ostringstream out;
  out << "findings\n";
  if (f.contains("busiest_hour")) out << "  " << span_line(f["busiest_hour"], "busiest hour") << '\n';
  if (f.contains("window")) out << "  " << span_line(f["window"], "window") << '\n';
  for (const auto& [name, s] : child(f, "services").items()) out << "  service  " << service_line(name, s) << '\n';
  for (const auto& [name, q] : child(f, "queues").items()) {
    if (queue_active(q)) out << "  queue    " << queue_line(name, q) << '\n';
  }
  for (const auto& [name, d] : child(f, "databases").items()) out << "  database " << database_line(name, d) << '\n';
  const Json& list = child(f, "bottlenecks");
  if (!list.is_array() || list.empty()) {
    out << "  bottlenecks: none found\n";
    return out.str();
  }
  out << "  bottlenecks, most impact first:\n";
  std::size_t k = 0;
  for (const auto& b : list) {
    out << "  " << ++k << ". [" << str(b, "severity") << "] " << str(b, "summary") << '\n';
    for (const auto& e : child(b, "evidence")) out << "       " << e.get<std::string>() << '\n';
    out << "       → " << str(b, "suggestion") << '\n';
  }
  return out.str();
}

std::string findings_markdown(const Json& f) {
  std::ostringstream out;
  out << "### Findings\n\n";
  if (f.contains("busiest_hour")) out << "- " << escape_md_cell(span_line(f["busiest_hour"], "Busiest hour")) << '\n';
  if (f.contains("window")) out << "- " << escape_md_cell(span_line(f["window"], "Window")) << '\n';
  for (const auto& [name, s] : child(f, "services").items()) out << "- Service " << escape_md_cell(service_line(name, s)) << '\n';
  for (const auto& [name, q] : child(f, "queues").items()) {
    if (queue_active(q)) out << "- Queue " << escape_md_cell(queue_line(name, q)) << '\n';
  }
  for (const auto& [name, d] : child(f, "databases").items()) out << "- Database " << escape_md_cell(database_line(name, d)) << '\n';
  const Json& list = child(f, "bottlenecks");
  if (!list.is_array() || list.empty()) {
    out << "\nNo bottleneck found.\n\n";
    return out.str();
  }
  out << "\n| # | severity | bottleneck | evidence | suggested change |\n|---:|---|---|---|---|\n";
  std::size_t k = 0;
  for (const auto& b : list) {
    std::string evidence;
    for (const auto& e : child(b, "evidence")) evidence += (evidence.empty() ? "" : "<br>") + escape_md_cell(e.get<std::string>());
    out << "| " << ++k << " | " << str(b, "severity") << " | " << escape_md_cell(str(b, "summary")) << " | " << evidence << " | "
        << escape_md_cell(str(b, "suggestion")) << " |\n";
  }
  out << '\n';
  return out.str();
}

std::string findings_html(const Json& f) {
  std::ostringstream h;
  h << "<section id=\"findings\"><h2>Findings</h2>\n";
  const Json& list = child(f, "bottlenecks");
  if (!list.is_array() || list.empty()) {
    h << "<p class=\"ok\">No bottleneck found.</p>\n";
  } else {
    h << "<ol class=\"bottlenecks\">\n";
    for (const auto& b : list) {
      h << "<li class=\"finding sev-" << escape_xml(str(b, "severity")) << "\" data-rule=\"" << escape_xml(str(b, "rule"))
        << "\"><span class=\"sev\">" << escape_xml(str(b, "severity")) << "</span> <b>" << escape_xml(str(b, "summary"))
        << "</b><ul>";
      for (const auto& e : child(b, "evidence")) h << "<li>" << escape_xml(e.get<std::string>()) << "</li>";
      h << "</ul><div class=\"suggest\">Suggested change: " << escape_xml(str(b, "suggestion")) << "</div></li>\n";
    }
    h << "</ol>\n";
  }
  std::vector<std::string> lines;
  if (f.contains("busiest_hour")) lines.push_back(span_line(f["busiest_hour"], "Busiest hour"));
  if (f.contains("window")) lines.push_back(span_line(f["window"], "Window"));
  for (const auto& l : lines) h << "<p class=\"span\">" << escape_xml(l) << "</p>\n";
  const auto table = [&](const char* key, const char* head, const auto& line) {
    const Json& rows = child(f, key);
    if (!rows.is_object() || rows.empty()) return;
    h << "<table class=\"capacity\"><tr><th>" << head << "</th></tr>\n";
    for (const auto& [name, j] : rows.items()) h << "<tr><td>" << escape_xml(line(name, j)) << "</td></tr>\n";
    h << "</table>\n";
  };
  table("services", "services", service_line);
  table("queues", "queues", queue_line);
  table("databases", "databases", database_line);
  h << "</section>\n";
  return h.str();
}

}  // namespace loadcast::reports
