#include "reports/gate.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "reports/format.hpp"
#include "reports/markup.hpp"
#include "reports/threshold.hpp"

namespace loadcast::reports {

namespace {

struct Spec {
  std::string metric;
  bool higher_is_worse;
  double floor;           // absolute change below which nothing regresses
  bool optional = false;  // compared only when both results have it (cost: a load result has none)
};

// A metric of a result: a number, null (no samples) or absent.
struct Lookup {
  enum class State { kValue, kNull, kMissing } state = State::kMissing;
  double value = kNoSamples;
  bool has_value() const { return state == State::kValue; }
};

Lookup lookup(const Json& j, const std::string& metric) {
  try {
    const double v = resolve_metric(j, metric);
    if (std::isnan(v)) return Lookup{Lookup::State::kNull, v};
    return Lookup{Lookup::State::kValue, v};
  } catch (const ThresholdError&) {
    return Lookup{};
  }
}

std::string absent(const Lookup& l, const std::string& metric, const char* which) {
  return l.state == Lookup::State::kNull ? "no samples: " + metric + " is null in the " + which + " result"
                                         : metric + " is missing from the " + which + " result";
}

std::optional<Interval95> pair_at(const Json& j, const char* object, const std::string& key) {
  if (!j.contains(object) || !j[object].is_object() || !j[object].contains(key)) return std::nullopt;
  const Json& a = j[object][key];
  if (!a.is_array() || a.size() != 2 || !a[0].is_number() || !a[1].is_number()) return std::nullopt;
  return Interval95{a[0].get<double>(), a[1].get<double>()};
}

// The metric's 95 % interval: ci95.<metric>, or for an older result latency_ms_ci95.<pNN>.
std::optional<Interval95> interval(const Json& j, const std::string& metric) {
  if (auto i = pair_at(j, "ci95", metric)) return i;
  const std::string prefix = "latency_ms.";
  if (metric.rfind(prefix, 0) == 0) return pair_at(j, "latency_ms_ci95", metric.substr(prefix.size()));
  return std::nullopt;
}

std::uint64_t replications(const Json& j) {
  return j.contains("replications") && j["replications"].is_number_unsigned() ? j["replications"].get<std::uint64_t>() : 1;
}

std::string signed_pct(double pct) {
  if (std::isinf(pct)) return pct > 0 ? "+inf %" : "-inf %";
  return (pct >= 0 ? "+" : "") + fixed(pct, 1) + " %";
}

std::vector<Spec> specs_for(const Json& current, const Json& baseline) {
  const auto metrics = [](const std::string& prefix, std::vector<Spec>& out) {
    out.push_back({prefix + "latency_ms.p50", true, 0.05});
    out.push_back({prefix + "latency_ms.p95", true, 0.05});
    out.push_back({prefix + "latency_ms.p99", true, 0.05});
    out.push_back({prefix + "requests.error_rate", true, 0.001});
    out.push_back({prefix + "throughput_rps", false, 0.01});
  };
  std::vector<Spec> specs;
  metrics("", specs);
  if (current.contains("classes") && baseline.contains("classes") && current["classes"].size() > 1) {
    for (const auto& [name, c] : current["classes"].items()) {
      if (baseline["classes"].contains(name)) metrics("classes." + name + ".", specs);
    }
  }
  specs.push_back({"cost.monthly_usd.total", true, 0.01, true});
  return specs;
}

}  // namespace

bool GateReport::passed() const { return failures() == 0; }

std::size_t GateReport::failures() const {
  std::size_t n = 0;
  for (const auto& t : thresholds) n += t.ok ? 0 : 1;
  for (const auto& c : comparisons) n += c.regressed ? 1 : 0;
  return n;
}

std::vector<Comparison> compare_to_baseline(const Json& current, const Json& baseline, double tol_pct) {
  std::vector<Comparison> out;
  const bool with_ci = replications(current) >= 2 && replications(baseline) >= 2;
  for (const auto& s : specs_for(current, baseline)) {
    const Lookup cur = lookup(current, s.metric);
    const Lookup base = lookup(baseline, s.metric);
    if (cur.state == Lookup::State::kMissing && base.state == Lookup::State::kMissing) continue;
    if (s.optional && (cur.state == Lookup::State::kMissing || base.state == Lookup::State::kMissing)) continue;
    Comparison c;
    c.metric = s.metric;
    c.current = cur.value;
    c.baseline = base.value;
    c.higher_is_worse = s.higher_is_worse;
    // A metric the current result cannot show (null: no samples; or absent) cannot pass; one the
    // baseline lacks has nothing to regress from.
    if (!cur.has_value()) {
      c.regressed = true;
      c.change_pct = kNoSamples;
      c.detail = absent(cur, s.metric, "current") + ": fails";
      out.push_back(std::move(c));
      continue;
    }
    if (!base.has_value()) {
      c.change_pct = kNoSamples;
      c.detail = absent(base, s.metric, "baseline") + ": not compared";
      out.push_back(std::move(c));
      continue;
    }
    const double delta = c.current - c.baseline;
    c.change_pct = c.baseline != 0.0 ? delta / std::fabs(c.baseline) * 100.0
                   : delta == 0.0    ? 0.0
                                     : std::copysign(std::numeric_limits<double>::infinity(), delta);
    const double worse = s.higher_is_worse ? delta : -delta;
    const double worse_pct = s.higher_is_worse ? c.change_pct : -c.change_pct;
    const bool beyond = worse > s.floor && worse_pct > tol_pct;
    const std::string direction = s.higher_is_worse ? "higher is worse" : "lower is worse";
    c.detail = signed_pct(c.change_pct) + " (" + direction + ", tolerance " + fixed(tol_pct, 2) + " %)";
    c.regressed = beyond;
    if (beyond && with_ci) {
      const auto ci_cur = interval(current, s.metric);
      const auto ci_base = interval(baseline, s.metric);
      if (!ci_cur || !ci_base) c.detail += "; no 95 % interval for this metric: judged on the tolerance alone";
      if (ci_cur && ci_base) {
        const bool separated = s.higher_is_worse ? ci_cur->low > ci_base->high : ci_cur->high < ci_base->low;
        c.regressed = separated;
        c.detail += "; 95 % CI [" + format_value(ci_cur->low) + ", " + format_value(ci_cur->high) + "] vs baseline [" +
                    format_value(ci_base->low) + ", " + format_value(ci_base->high) + "] " +
                    (separated ? "do not overlap" : "overlap: not significant");
      }
    }
    if (!beyond && worse > 0.0 && worse <= s.floor) c.detail += "; below the absolute floor " + format_value(s.floor);
    out.push_back(std::move(c));
  }
  return out;
}

GateReport run_gate(const Json& current, const std::optional<Json>& baseline, const GateOptions& options) {
  GateReport r;
  r.max_regression_pct = options.max_regression_pct;
  std::vector<std::string> exprs;
  if (current.contains("thresholds") && current["thresholds"].is_array()) {
    for (const auto& t : current["thresholds"]) {
      if (t.contains("expr") && t["expr"].is_string()) exprs.push_back(t["expr"].get<std::string>());
    }
  }
  exprs.insert(exprs.end(), options.thresholds.begin(), options.thresholds.end());
  r.thresholds = evaluate_thresholds(exprs, current);
  if (baseline) {
    r.has_baseline = true;
    r.comparisons = compare_to_baseline(current, *baseline, options.max_regression_pct);
    r.diff = diff_results(*baseline, current, options.baseline_name, options.current_name);
  }
  return r;
}

std::string gate_text(const GateReport& r) {
  std::ostringstream out;
  if (!r.thresholds.empty()) out << "thresholds\n";
  for (const auto& t : r.thresholds) {
    out << "  " << (t.ok ? "ok  " : "FAIL") << "  " << t.expr << "   measured " << format_value(t.value);
    if (!t.detail.empty()) out << " (" << t.detail << ")";
    out << '\n';
  }
  if (r.has_baseline) {
    out << "baseline comparison (max regression " << fixed(r.max_regression_pct, 2) << " %)\n";
    for (const auto& c : r.comparisons) {
      out << "  " << (c.regressed ? "FAIL" : "ok  ") << "  " << c.metric << "   " << format_value(c.current)
          << " vs baseline " << format_value(c.baseline) << "  " << c.detail << '\n';
    }
  }
  const std::size_t total = r.thresholds.size() + r.comparisons.size();
  out << "gate: " << (r.passed() ? "PASSED" : "FAILED") << " (" << r.failures() << " of " << total << " checks failed)\n";
  return out.str();
}

std::string gate_markdown(const GateReport& r) {
  std::ostringstream out;
  out << "### loadcast gate: " << (r.passed() ? "passed" : "FAILED") << "\n\n";
  if (!r.thresholds.empty()) {
    out << "| | threshold | measured |\n|---|---|---:|\n";
    for (const auto& t : r.thresholds) {
      out << "| " << (t.ok ? "✅" : "❌") << " | `" << escape_md_cell(t.expr) << "` | " << format_value(t.value)
          << (t.detail.empty() ? "" : " (" + escape_md_cell(t.detail) + ")") << " |\n";
    }
    out << '\n';
  }
  if (r.has_baseline) {
    out << "Baseline comparison, tolerance " << fixed(r.max_regression_pct, 2) << " %:\n\n";
    out << "| | metric | current | baseline | change |\n|---|---|---:|---:|---|\n";
    for (const auto& c : r.comparisons) {
      out << "| " << (c.regressed ? "❌" : "✅") << " | `" << escape_md_cell(c.metric) << "` | " << format_value(c.current)
          << " | " << format_value(c.baseline) << " | " << escape_md_cell(c.detail) << " |\n";
    }
    out << '\n';
  }
  out << r.failures() << " of " << (r.thresholds.size() + r.comparisons.size()) << " checks failed.\n";
  if (r.diff) out << '\n' << diff_markdown(*r.diff, 4);
  return out.str();
}

std::string gate_junit(const GateReport& r, const std::string& result_name) {
  std::ostringstream out;
  std::size_t th_fail = 0, cmp_fail = 0;
  for (const auto& t : r.thresholds) th_fail += t.ok ? 0 : 1;
  for (const auto& c : r.comparisons) cmp_fail += c.regressed ? 1 : 0;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"loadcast gate\" tests=\"" << r.thresholds.size() + r.comparisons.size() << "\" failures=\""
      << th_fail + cmp_fail << "\" errors=\"0\">\n";
  out << "  <testsuite name=\"thresholds\" tests=\"" << r.thresholds.size() << "\" failures=\"" << th_fail
      << "\" errors=\"0\" skipped=\"0\" time=\"0\">\n";
  for (const auto& t : r.thresholds) {
    out << "    <testcase classname=\"loadcast.thresholds\" name=\"" << escape_xml(t.expr) << "\" time=\"0\"";
    if (t.ok) {
      out << ">\n      <system-out>measured " << escape_xml(format_value(t.value)) << " (" << escape_xml(result_name)
          << ")</system-out>\n    </testcase>\n";
    } else {
      const std::string msg = "measured " + format_value(t.value) + (t.detail.empty() ? "" : ": " + t.detail);
      out << ">\n      <failure type=\"threshold\" message=\"" << escape_xml(msg) << "\">" << escape_xml(t.expr) << " failed: "
          << escape_xml(msg) << " (" << escape_xml(result_name) << ")</failure>\n    </testcase>\n";
    }
  }
  out << "  </testsuite>\n";
  if (r.has_baseline) {
    out << "  <testsuite name=\"baseline\" tests=\"" << r.comparisons.size() << "\" failures=\"" << cmp_fail
        << "\" errors=\"0\" skipped=\"0\" time=\"0\">\n";
    for (const auto& c : r.comparisons) {
      const std::string msg = "measured " + format_value(c.current) + " vs baseline " + format_value(c.baseline) + ", " + c.detail;
      out << "    <testcase classname=\"loadcast.baseline\" name=\"" << escape_xml(c.metric) << "\" time=\"0\">\n";
      if (c.regressed) {
        out << "      <failure type=\"regression\" message=\"" << escape_xml(msg) << "\">" << escape_xml(msg) << "</failure>\n";
      } else {
        out << "      <system-out>" << escape_xml(msg) << "</system-out>\n";
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

}  // namespace loadcast::reports
