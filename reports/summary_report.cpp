#include "reports/summary_report.hpp"

#include <cmath>
#include <map>
#include <sstream>
#include <vector>

#include "reports/findings.hpp"
#include "reports/format.hpp"
#include "reports/markup.hpp"

namespace loadcast::reports {

namespace {

std::string run_line(const Result& r) {
  std::ostringstream out;
  out << (r.kind == "load" ? "measured" : "simulated") << " · seed " << r.seed << " · " << r.replications << " replication"
      << (r.replications == 1 ? "" : "s") << " · " << fixed(r.duration_s, 1) << " s measured (warm-up " << fixed(r.warmup_s, 1)
      << " s)";
  return out.str();
}

const Json* cost_of(const Result& r) {
  if (!r.sections.contains("cost") || !r.sections["cost"].is_object()) return nullptr;
  const Json& c = r.sections["cost"];
  if (!c.contains("monthly_usd") || !c["monthly_usd"].is_object()) return nullptr;
  return &c;
}

double total_of(const Json& c) {
  const Json& t = c["monthly_usd"].contains("total") ? c["monthly_usd"]["total"] : Json();
  return t.is_number() ? t.get<double>() : std::nan("");
}

std::string projection_of(const Json& c) {
  return c.contains("projection") && c["projection"].is_string() ? c["projection"].get<std::string>() : std::string();
}

}  // namespace

std::string event_line(const Json& c) {
  if (!c.contains("event_usd") || !c["event_usd"].contains("total") || !c["event_usd"]["total"].is_number()) return {};
  const double month = c.contains("month_of_event_usd") && c["month_of_event_usd"]["total"].is_number()
                           ? c["month_of_event_usd"]["total"].get<double>()
                           : std::nan("");
  return "the run as an event: " + money(c["event_usd"]["total"].get<double>()) + " for what it metered; " + money(month) +
         " for a month with it once per cost.period, fixed costs included";
}

namespace {

std::vector<std::string> strings_of(const Json& c, const char* key) {
  std::vector<std::string> out;
  if (!c.contains(key) || !c[key].is_array()) return out;
  for (const auto& v : c[key]) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string cost_error_of(const Result& r) {
  if (!r.sections.contains("cost") || !r.sections["cost"].is_object()) return {};
  const Json& c = r.sections["cost"];
  return c.contains("error") && c["error"].is_string() ? c["error"].get<std::string>() : std::string();
}

// A latency statistic, or "—" when it has no samples (null; or an older result's 0 without a
// successful request).
std::string stat(double v, bool measured) { return measured && !std::isnan(v) ? fixed(v, 3) : kNoValue; }

std::string ci_text(const Result& r, const char* key) {
  const auto it = r.latency_ms_ci95.find(key);
  if (it == r.latency_ms_ci95.end()) return {};
  return "[" + fixed(it->second.low, 3) + ", " + fixed(it->second.high, 3) + "]";
}

// "<started> started · ... · duration s p50 … · p95 … · p99 …" of a `sessions` or `flows.<name>`
// object (docs/results.md); a statistic without samples (null) prints "—".
std::string session_line(const Json& s) {
  // Counts are whole numbers, or means over replications.
  auto count = [&s](const char* k) { return s.contains(k) && s[k].is_number() ? format_value(s[k].get<double>()) : std::string(kNoValue); };
  auto seconds = [&s](const char* k) {
    const Json* d = s.contains("duration_s") && s["duration_s"].is_object() ? &s["duration_s"] : nullptr;
    return d != nullptr && d->contains(k) && (*d)[k].is_number() ? fixed((*d)[k].get<double>(), 3) : std::string(kNoValue);
  };
  return count("started") + " started · " + count("completed") + " completed · " + count("failed") + " failed · " +
         count("in_flight") + " in flight · duration s p50 " + seconds("p50") + " · p95 " + seconds("p95") + " · p99 " + seconds("p99");
}

}  // namespace

std::string render_text(const Result& r) {
  std::ostringstream out;
  out << "scenario   " << r.scenario << " · " << run_line(r) << '\n';
  const auto& q = r.requests;
  out << "requests   " << q.total << " total · " << q.ok << " ok · " << q.errors << " errors · " << q.timeouts << " timeouts · "
      << q.dropped << " dropped · " << q.in_flight << " in flight (error rate " << fixed(q.error_rate() * 100.0, 4) << " %)\n";
  out << "throughput " << fixed(r.ok_throughput_rps, 3) << " req/s ok · " << fixed(r.throughput_rps, 3)
      << " req/s completed (failures included)\n";
  const auto& l = r.latency_ms;
  const bool any = q.ok > 0;
  out << "latency ms " << (any ? "" : "(no samples: no successful request) ") << "mean " << stat(l.mean, any) << " · p50 " << stat(l.p50, any)
      << " · p90 " << stat(l.p90, any) << " · p95 " << stat(l.p95, any) << " · p99 " << stat(l.p99, any) << " · p99.9 "
      << stat(l.p999, any) << " · max " << stat(l.max, any) << '\n';
  for (const char* k : {"mean", "p50", "p95", "p99"}) {
    const std::string ci = ci_text(r, k);
    if (!ci.empty()) out << "  95 % CI " << k << ' ' << ci << " ms\n";
  }
  for (const auto& [name, c] : r.classes) {
    const bool ok = c.requests.ok > 0;
    out << "class " << name << ": " << fixed(c.ok_throughput_rps, 3) << " req/s ok of " << fixed(c.throughput_rps, 3)
        << " completed · p50 " << stat(c.latency_ms.p50, ok) << " · p95 " << stat(c.latency_ms.p95, ok) << " · p99 "
        << stat(c.latency_ms.p99, ok) << " ms · error rate " << fixed(c.requests.error_rate() * 100.0, 4) << " %\n";
  }
  if (r.sections.contains("sessions") && r.sections["sessions"].is_object()) {
    out << "sessions   " << session_line(r.sections["sessions"]) << '\n';
    if (r.sections.contains("flows") && r.sections["flows"].is_object()) {
      for (const auto& [name, f] : r.sections["flows"].items()) {
        if (f.is_object()) out << "flow " << name << ": " << session_line(f) << '\n';
      }
    }
  }
  for (const auto& [name, s] : r.stations) {
    out << "station " << name << ": utilization " << fixed(s.utilization, 4) << " · mean queue " << fixed(s.mean_queue, 4)
        << " · rejected " << s.rejected << '\n';
  }
  for (const auto& t : r.thresholds) {
    out << "threshold  " << (t.ok ? "ok   " : "FAIL ") << t.expr << "   measured " << format_value(t.value)
        << (t.detail.empty() ? "" : " (" + t.detail + ")") << '\n';
  }
  if (const Json* c = cost_of(r)) {
    out << "cost       " << money(total_of(*c)) << " per month";
    for (const auto& [k, v] : (*c)["monthly_usd"]["items"].items()) {
      if (v.is_number()) out << " · " << k << ' ' << money(v.get<double>());
    }
    out << '\n';
    if (!projection_of(*c).empty()) out << "           " << projection_of(*c) << '\n';
    if (const std::string e = event_line(*c); !e.empty()) out << "           " << e << '\n';
    const auto unverified = strings_of(*c, "unverified_prices");
    if (!unverified.empty()) {
      std::string list;
      for (const auto& p : unverified) list += (list.empty() ? "" : ", ") + p;
      out << "           unverified prices used: " << list << '\n';
    }
    for (const auto& a : strings_of(*c, "assumptions")) out << "           assumption: " << a << '\n';
  } else if (const std::string error = cost_error_of(r); !error.empty()) {
    out << "cost       not priced: " << error << '\n';
  }
  for (const auto& a : strings_of(r.sections, "assumptions")) out << "assumes    " << a << '\n';
  if (!r.events.empty()) {
    std::map<std::string, std::size_t> by_type;
    for (const auto& e : r.events) ++by_type[e.type];
    std::string line;
    for (const auto& [type, n] : by_type) line += (line.empty() ? "" : " · ") + type + " " + std::to_string(n);
    out << "events     " << line << '\n';
  }
  out << findings_text(findings_of(r));
  return out.str();
}

std::string render_markdown(const Result& r) {
  std::ostringstream out;
  out << "## loadcast: " << escape_md_cell(r.scenario) << "\n\n" << run_line(r) << "\n\n";
  out << findings_markdown(findings_of(r));
  const auto& q = r.requests;
  out << "| requests | ok | errors | timeouts | dropped | in flight | error rate | ok req/s | completed req/s |\n"
         "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  out << "| " << q.total << " | " << q.ok << " | " << q.errors << " | " << q.timeouts << " | " << q.dropped << " | " << q.in_flight
      << " | " << fixed(q.error_rate() * 100.0, 4) << " % | " << fixed(r.ok_throughput_rps, 3) << " | " << fixed(r.throughput_rps, 3)
      << " |\n\n";
  const auto& l = r.latency_ms;
  const bool any = q.ok > 0;
  out << "| latency of successes (ms) | mean | p50 | p90 | p95 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|---:|---:|\n";
  out << "| measured | " << stat(l.mean, any) << " | " << stat(l.p50, any) << " | " << stat(l.p90, any) << " | " << stat(l.p95, any)
      << " | " << stat(l.p99, any) << " | " << stat(l.p999, any) << " | " << stat(l.max, any) << " |\n";
  if (!r.latency_ms_ci95.empty()) {
    out << "| 95 % CI | " << ci_text(r, "mean") << " | | | " << ci_text(r, "p95") << " | " << ci_text(r, "p99") << " | | |\n";
  }
  out << '\n';
  if (!r.thresholds.empty()) {
    out << "### Thresholds\n\n| | threshold | measured |\n|---|---|---:|\n";
    for (const auto& t : r.thresholds) {
      out << "| " << (t.ok ? "✅" : "❌") << " | `" << escape_md_cell(t.expr) << "` | " << format_value(t.value) << " |\n";
    }
    out << '\n';
  }
  if (r.classes.size() > 1) {
    out << "### Request classes\n\n| class | ok req/s | completed req/s | p50 ms | p95 ms | p99 ms | error rate |\n"
           "|---|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& [name, c] : r.classes) {
      const bool ok = c.requests.ok > 0;
      out << "| " << escape_md_cell(name) << " | " << fixed(c.ok_throughput_rps, 3) << " | " << fixed(c.throughput_rps, 3) << " | "
          << stat(c.latency_ms.p50, ok) << " | " << stat(c.latency_ms.p95, ok) << " | " << stat(c.latency_ms.p99, ok) << " | "
          << fixed(c.requests.error_rate() * 100.0, 4) << " % |\n";
    }
    out << '\n';
  }
  if (const Json* c = cost_of(r)) {
    out << "### Monthly cost: " << money(total_of(*c)) << "\n\n";
    if (!projection_of(*c).empty()) out << "Projection: " << escape_md_cell(projection_of(*c)) << ".\n\n";
    if (const std::string e = event_line(*c); !e.empty()) out << "**" << escape_md_cell(e) << "**\n\n";
    out << "| item | USD / month |\n|---|---:|\n";
    for (const auto& [k, v] : (*c)["monthly_usd"]["items"].items()) {
      if (v.is_number()) out << "| " << escape_md_cell(k) << " | " << money(v.get<double>()) << " |\n";
    }
    out << '\n';
    const auto unverified = strings_of(*c, "unverified_prices");
    if (!unverified.empty()) {
      out << "Unverified prices used (check before relying on them):";
      for (const auto& p : unverified) out << " `" << escape_md_cell(p) << '`';
      out << "\n\n";
    }
    for (const auto& a : strings_of(*c, "assumptions")) out << "- " << escape_md_cell(a) << '\n';
    if (!strings_of(*c, "assumptions").empty()) out << '\n';
  } else if (const std::string error = cost_error_of(r); !error.empty()) {
    out << "### Monthly cost: not priced\n\n" << escape_md_cell(error) << "\n\n";
  }
  if (const auto assumed = strings_of(r.sections, "assumptions"); !assumed.empty()) {
    out << "### Model assumptions\n\nWhat the model rests on that AWS does not document (each a scenario key):\n\n";
    for (const auto& a : assumed) out << "- " << escape_md_cell(a) << '\n';
    out << '\n';
  }
  std::size_t scale_events = 0;
  for (const auto& e : r.events) scale_events += e.type.find("scale") != std::string::npos ? 1u : 0u;
  if (scale_events > 0) {
    out << "### Scaling (" << scale_events << " events)\n\n| time | event | target | from | to | reason |\n|---:|---|---|---:|---:|---|\n";
    std::size_t shown = 0;
    for (const auto& e : r.events) {
      if (e.type.find("scale") == std::string::npos) continue;
      if (shown++ == 20) break;
      out << "| " << clock_time(e.t_s) << " | " << escape_md_cell(e.type) << " | " << escape_md_cell(e.target) << " | "
          << (e.from ? fixed(*e.from, 2) : "") << " | " << (e.to ? fixed(*e.to, 2) : "") << " | " << escape_md_cell(e.reason)
          << " |\n";
    }
    if (scale_events > 20) out << "\n" << scale_events - 20 << " more in result.json.\n";
    out << '\n';
  }
  return out.str();
}

std::string timeseries_csv(const Result& r) {
  std::ostringstream out;
  out << "t_s";
  for (const auto& [name, values] : r.timeseries.series) out << ',' << name;
  out << '\n';
  out.precision(10);
  for (std::size_t i = 0; i < r.timeseries.t_s.size(); ++i) {
    out << r.timeseries.t_s[i];
    for (const auto& [name, values] : r.timeseries.series) {
      out << ',';
      if (i < values.size() && std::isfinite(values[i])) out << values[i];
    }
    out << '\n';
  }
  return out.str();
}

}  // namespace loadcast::reports
