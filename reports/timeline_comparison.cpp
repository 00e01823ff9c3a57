#include "reports/timeline_comparison.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "reports/format.hpp"
#include "reports/markup.hpp"
#include "reports/svg_chart.hpp"

namespace loadcast::reports {

namespace {

constexpr const char* kPredictedColor = "#1f77b4";
constexpr const char* kObservedColor = "#d62728";

Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json numbers(const std::vector<double>& v) {
  Json out = Json::array();
  for (double x : v) out.push_back(number(x));
  return out;
}

std::string signed_value(double v) {
  if (!std::isfinite(v)) return kNoValue;
  return (v > 0 ? "+" : "") + format_value(v);
}

std::string percent(double v) { return std::isfinite(v) ? fixed(v, 1) + " %" : kNoValue; }

std::string max_error_text(const SeriesError& e) {
  if (!std::isfinite(e.max_error)) return kNoValue;
  return signed_value(e.max_error) + " at " + clock_time(e.max_error_t_s);
}

std::string event_text(const std::optional<ScaleEvent>& e) {
  if (!e) return kNoValue;
  return clock_time(e->t_s) + " " + format_value(e->from) + " -> " + format_value(e->to);
}

std::string timing_text(const ScalePair& p) {
  const auto d = p.difference_s();
  if (!d) return p.predicted ? "predicted only" : "observed only";
  if (*d == 0.0) return "same period";
  return "predicted " + fixed(std::fabs(*d), 0) + " s " + (*d < 0 ? "earlier" : "later");
}

Json event_json(const std::optional<ScaleEvent>& e) {
  if (!e) return nullptr;
  return Json{{"t_s", e->t_s}, {"from", e->from}, {"to", e->to}};
}

std::string heading(const TimelineComparison& c) {
  std::string sources;
  for (const auto& s : c.sources) sources += (sources.empty() ? "" : ", ") + s;
  return c.result_path + " (" + c.result_kind + (c.scenario.empty() ? "" : ", " + c.scenario) + ") against " + sources +
         "; simulated t = 0 is " + iso8601(c.start_epoch) + " (" + c.start_from + ")";
}

constexpr const char* kStyle =
    "body{font-family:-apple-system,\"Segoe UI\",Helvetica,Arial,sans-serif;margin:24px 32px;color:#222}"
    "h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}"
    ".meta{color:#666;font-size:13px}table{border-collapse:collapse;font-size:13px;margin:8px 0}"
    "td,th{border:1px solid #ddd;padding:3px 8px}th{background:#f4f4f4;text-align:left}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}svg.chart{display:block;margin:8px 0;width:100%;height:auto}"
    ".note{color:#555;font-size:13px}";

}  // namespace

std::optional<double> ScalePair::difference_s() const {
  if (!predicted || !observed) return std::nullopt;
  return predicted->t_s - observed->t_s;
}

std::size_t ScaleComparison::matched() const {
  std::size_t n = 0;
  for (const auto& p : pairs) n += p.difference_s() ? std::size_t{1} : std::size_t{0};
  return n;
}

Json TimelineComparison::json() const {
  Json j;
  j["schema"] = "loadcast.compare/v1";
  j["result"] = result_path;
  j["result_kind"] = result_kind;
  j["scenario"] = scenario;
  j["observed_files"] = sources;
  j["start"] = Json{{"epoch", start_epoch}, {"iso", iso8601(start_epoch)}, {"from", start_from}};
  Json series_json = Json::object();
  for (const auto& s : series) {
    const auto& e = s.error;
    series_json[s.key] = Json{{"label", s.label},
                              {"unit", s.unit},
                              {"statistic", s.statistic},
                              {"simulated_series", s.simulated},
                              {"source", s.observed},
                              {"period_s", s.period_s},
                              {"periods", e.periods},
                              {"mean_predicted", number(e.mean_predicted)},
                              {"mean_observed", number(e.mean_observed)},
                              {"mean_error", number(e.mean_error)},
                              {"mape_pct", number(e.mape_pct)},
                              {"mape_periods", e.mape_periods},
                              {"max_error", number(e.max_error)},
                              {"max_error_t_s", number(e.max_error_t_s)},
                              {"t_s", numbers(s.t_s)},
                              {"predicted", numbers(s.predicted)},
                              {"observed", numbers(s.actual)}};
  }
  j["series"] = std::move(series_json);
  Json scale_json = Json::object();
  for (const auto& sc : scale) {
    Json pairs = Json::array();
    for (const auto& p : sc.pairs) {
      const auto d = p.difference_s();
      pairs.push_back(Json{{"direction", p.direction},
                           {"predicted", event_json(p.predicted)},
                           {"observed", event_json(p.observed)},
                           {"difference_s", d ? Json(*d) : Json(nullptr)}});
    }
    scale_json[sc.key] = Json{{"label", sc.label}, {"min_change", sc.min_change}, {"matched", sc.matched()}, {"pairs", std::move(pairs)}};
  }
  j["scale_events"] = std::move(scale_json);
  return j;
}

std::string TimelineComparison::text() const {
  std::ostringstream out;
  out << "compared " << heading(*this) << "\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-28s %-10s %-8s %7s %11s %11s %11s %9s  %s\n", "series", "unit", "stat", "periods", "predicted",
                "observed", "mean error", "MAPE", "max error");
  out << line;
  for (const auto& s : series) {
    const auto& e = s.error;
    std::snprintf(line, sizeof line, "%-28s %-10s %-8s %7zu %11s %11s %11s %9s  %s\n", s.label.c_str(), s.unit.c_str(),
                  s.statistic.c_str(), e.periods, format_value(e.mean_predicted).c_str(), format_value(e.mean_observed).c_str(),
                  signed_value(e.mean_error).c_str(), percent(e.mape_pct).c_str(), max_error_text(e).c_str());
    out << line;
  }
  for (const auto& sc : scale) {
    out << "scale events of " << sc.label << " (a move of " << format_value(sc.min_change) << " or more): " << sc.matched()
        << " paired, " << sc.pairs.size() - sc.matched() << " unmatched\n";
    for (const auto& p : sc.pairs) {
      std::snprintf(line, sizeof line, "  %-5s predicted %-22s observed %-22s %s\n", p.direction.c_str(), event_text(p.predicted).c_str(),
                    event_text(p.observed).c_str(), timing_text(p).c_str());
      out << line;
    }
  }
  return out.str();
}

std::string TimelineComparison::markdown() const {
  std::ostringstream out;
  out << "### Predicted vs observed\n\n" << escape_md_cell(heading(*this)) << "\n\n";
  out << "| series | unit | statistic | periods | predicted (mean) | observed (mean) | mean error | MAPE | max error |\n"
         "|---|---|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& s : series) {
    const auto& e = s.error;
    out << "| " << escape_md_cell(s.label) << " | " << escape_md_cell(s.unit) << " | " << s.statistic << " | " << e.periods << " | "
        << format_value(e.mean_predicted) << " | " << format_value(e.mean_observed) << " | " << signed_value(e.mean_error) << " | "
        << percent(e.mape_pct) << " | " << max_error_text(e) << " |\n";
  }
  for (const auto& sc : scale) {
    out << "\n**Scale events of " << escape_md_cell(sc.label) << "** (a move of " << format_value(sc.min_change) << " or more; "
        << sc.matched() << " paired)\n\n| direction | predicted | observed | timing |\n|---|---|---|---|\n";
    for (const auto& p : sc.pairs) {
      out << "| " << p.direction << " | " << event_text(p.predicted) << " | " << event_text(p.observed) << " | " << timing_text(p) << " |\n";
    }
  }
  out << "\nErrors are predicted − observed; MAPE leaves out periods observed as 0.\n";
  return out.str();
}

std::string TimelineComparison::html() const {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
       "<title>loadcast compare: "
    << escape_xml(scenario) << "</title><style>" << kStyle << "</style></head><body>\n";
  h << "<h1>Predicted vs observed: " << escape_xml(scenario.empty() ? result_path : scenario) << "</h1>\n<p class=\"meta\">"
    << escape_xml(heading(*this)) << "</p>\n";
  h << "<h2 id=\"errors\">Error per series</h2>\n<table><tr><th>series</th><th>unit</th><th>statistic</th><th>periods</th>"
       "<th>predicted (mean)</th><th>observed (mean)</th><th>mean error</th><th>MAPE</th><th>max error</th></tr>\n";
  for (const auto& s : series) {
    const auto& e = s.error;
    h << "<tr><td>" << escape_xml(s.label) << "</td><td>" << escape_xml(s.unit) << "</td><td>" << escape_xml(s.statistic)
      << "</td><td class=\"n\">" << e.periods << "</td><td class=\"n\">" << format_value(e.mean_predicted) << "</td><td class=\"n\">"
      << format_value(e.mean_observed) << "</td><td class=\"n\">" << escape_xml(signed_value(e.mean_error)) << "</td><td class=\"n\">"
      << percent(e.mape_pct) << "</td><td>" << escape_xml(max_error_text(e)) << "</td></tr>\n";
  }
  h << "</table>\n<p class=\"note\">Errors are predicted − observed over the periods both have; MAPE leaves out periods observed as 0.</p>\n";
  for (const auto& sc : scale) {
    h << "<h2 id=\"scale-" << escape_xml(sc.key) << "\">Scale events: " << escape_xml(sc.label) << "</h2>\n<p class=\"note\">A run of "
      << "periods moving the same way by " << format_value(sc.min_change) << " or more in all is one event, at the start of its first "
      << "period; events are paired in order per direction. " << sc.matched() << " paired, " << sc.pairs.size() - sc.matched()
      << " unmatched.</p>\n<table><tr><th>direction</th><th>predicted</th><th>observed</th><th>timing</th></tr>\n";
    for (const auto& p : sc.pairs) {
      h << "<tr><td>" << escape_xml(p.direction) << "</td><td>" << escape_xml(event_text(p.predicted)) << "</td><td>"
        << escape_xml(event_text(p.observed)) << "</td><td>" << escape_xml(timing_text(p)) << "</td></tr>\n";
    }
    h << "</table>\n";
  }
  h << "<h2 id=\"charts\">Series</h2>\n";
  for (const auto& s : series) {
    LineChart chart;
    chart.title = s.label + " (" + s.unit + ", " + s.statistic + " per " + fixed(s.period_s, 0) + " s)";
    chart.y_label = s.unit;
    chart.x = s.t_s;
    chart.step = s.step;
    chart.series.push_back(ChartSeries{"predicted", s.predicted, kPredictedColor, false, false});
    chart.series.push_back(ChartSeries{"observed", s.actual, kObservedColor, true, false});
    for (const auto& sc : scale) {
      if (sc.key != s.key) continue;
      for (const auto& p : sc.pairs) {
        if (p.predicted) chart.markers.push_back({p.predicted->t_s, "predicted " + p.direction + " " + event_text(p.predicted), kPredictedColor});
        if (p.observed) chart.markers.push_back({p.observed->t_s, "observed " + p.direction + " " + event_text(p.observed), kObservedColor});
      }
    }
    h << "<h3>" << escape_xml(s.label) << "</h3>\n<p class=\"note\">predicted: " << escape_xml(s.simulated) << " · observed: "
      << escape_xml(s.observed) << "</p>\n";
    h << (chart.has_data() ? chart.svg() : "<p class=\"note\">No value in the compared periods.</p>\n");
  }
  h << "<p class=\"meta\">Written by loadcast compare (loadcast.compare/v1).</p>\n</body></html>\n";
  return h.str();
}

}  // namespace loadcast::reports
