#include "reports/cost_timeline.hpp"

#include <cmath>

namespace loadcast::reports {

namespace {

const std::vector<double>* series(const Result& r, const std::string& name) {
  const auto it = r.timeseries.series.find(name);
  return it == r.timeseries.series.end() ? nullptr : &it->second;
}

// What drives a line's cost in each interval (any unit: only the shares count).
std::vector<double> driver(const Result& r, const Json& line, std::size_t n) {
  const std::string item = line.value("item", "");
  const std::string resource = line.value("resource", "");
  const std::string component = line.value("component", "");
  std::vector<double> out(n, 0.0);
  const auto add = [&](const std::string& name, bool presence) {
    const auto* s = series(r, name);
    if (s == nullptr) return false;
    for (std::size_t i = 0; i < n && i < s->size(); ++i) {
      if (std::isfinite((*s)[i])) out[i] += presence ? 1.0 : std::max(0.0, (*s)[i]);
    }
    return true;
  };
  bool found = false;
  if (item == "fargate") {
    found = add(resource.substr(0, resource.find(" (")) + ".tasks_running", false);
  } else if (item == "aurora" || item == "rds") {
    found = add(resource + ".acu", false) || add(resource + ".cpu_utilization", true);
  } else if (item == "alb" && component == "LCU") {
    found = add("arrivals_per_s", false) || add("requests_per_s", false);
  } else if (item == "sqs") {
    for (const char* k : {".sent", ".deleted", ".empty_receives"}) found = add(resource + k, false) || found;
  } else if (item == "sns") {
    found = add(resource + ".published", false);
  }
  double sum = 0.0;
  for (double v : out) sum += v;
  if (!found || !(sum > 0.0)) out.assign(n, 1.0);
  return out;
}

}  // namespace

std::map<std::string, std::vector<double>> cost_per_hour(const Result& r) {
  std::map<std::string, std::vector<double>> out;
  const std::size_t n = r.timeseries.t_s.size();
  if (n == 0 || !r.sections.contains("cost")) return out;
  const Json& c = r.sections["cost"];
  if (!c.contains("lines") || !c["lines"].is_array() || !c.contains("projection_factor")) return out;
  const double factor = c["projection_factor"].is_number() ? c["projection_factor"].get<double>() : 0.0;
  const double hours_per_month = c.value("hours_per_month", 730.0);
  // Interval lengths: the last one ends with the run.
  std::vector<double> span(n, r.timeseries.interval_s);
  const double end = r.warmup_s + r.duration_s;
  if (end > r.timeseries.t_s.back()) span.back() = std::min(span.back(), end - r.timeseries.t_s.back());
  for (const auto& line : c["lines"]) {
    const double usd = line.value("usd", 0.0);
    if (!std::isfinite(usd) || usd == 0.0) continue;
    const bool fixed = line.value("fixed", false);
    auto& values = out[fixed ? std::string("fixed") : line.value("item", std::string("other"))];
    values.resize(n, 0.0);
    if (fixed) {
      for (auto& v : values) v += usd / hours_per_month;
      continue;
    }
    if (!(factor > 0.0)) continue;
    const double metered = usd / factor;  // what the run itself cost
    const std::vector<double> d = driver(r, line, n);
    double weight = 0.0;
    for (std::size_t i = 0; i < n; ++i) weight += d[i] * span[i];
    if (!(weight > 0.0)) continue;
    for (std::size_t i = 0; i < n; ++i) {
      if (span[i] > 0.0) values[i] += metered * d[i] * span[i] / weight / (span[i] / 3600.0);
    }
  }
  return out;
}

}  // namespace loadcast::reports
