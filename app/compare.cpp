#include "app/compare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "app/exit_code.hpp"
#include "reports/format.hpp"

namespace loadcast::app {

namespace {

constexpr double kTimeTolerance = 1e-3;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class Resample { kMean, kSum, kPercentile };

// The names before `.<metric>` of the result's series `<prefix>.<metric>`.
std::vector<std::string> prefixes_with(const reports::TimeSeries& ts, const std::string& metric) {
  std::vector<std::string> out;
  const std::string suffix = "." + metric;
  for (const auto& [name, values] : ts.series) {
    if (name.rfind("classes.", 0) == 0 || name.size() <= suffix.size()) continue;
    if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) out.push_back(name.substr(0, name.size() - suffix.size()));
  }
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

// The service the --tasks/--cpu/--memory series belong to.
std::string service_of(const reports::Result& r, const std::string& chosen, const char* flag) {
  const auto services = prefixes_with(r.timeseries, "tasks_running");
  if (!chosen.empty()) {
    if (std::find(services.begin(), services.end(), chosen) == services.end()) {
      throw UsageError(std::string("--service ") + chosen + ": the result has no service of that name (its services: " + joined(services) + ")");
    }
    return chosen;
  }
  if (services.empty()) {
    throw UsageError(std::string(flag) + ": the result has no service series (<service>.tasks_running): " +
                     (r.kind == "load" ? "a load result measures no tasks" : "the scenario has no ECS service"));
  }
  if (services.size() > 1) {
    throw UsageError(std::string(flag) + ": the result has several services (" + joined(services) + "): say which the data measures with --service NAME");
  }
  return services.front();
}

// The Aurora Serverless v2 instance the --acu series belongs to.
std::string database_of(const reports::Result& r, const std::string& chosen) {
  const auto serverless = prefixes_with(r.timeseries, "acu");
  std::vector<std::string> all;
  if (r.sections.contains("databases") && r.sections["databases"].is_object()) {
    for (const auto& [name, v] : r.sections["databases"].items()) all.push_back(name);
  }
  if (!chosen.empty()) {
    if (std::find(serverless.begin(), serverless.end(), chosen) != serverless.end()) return chosen;
    if (std::find(all.begin(), all.end(), chosen) != all.end()) {
      throw UsageError("--acu: database instance " + chosen + " is provisioned: the result has no " + chosen +
                       ".acu series (ServerlessDatabaseCapacity is a Serverless v2 metric)");
    }
    throw UsageError("--database " + chosen + ": the result has no database instance of that name (its instances: " + joined(all) + ")");
  }
  if (serverless.empty()) {
    throw UsageError("--acu: the result has no ACU series (<instance>.acu): its database is not Aurora Serverless v2 (instances: " +
                     joined(all) + ")");
  }
  if (serverless.size() > 1) {
    throw UsageError("--acu: the result has several Serverless v2 instances (" + joined(serverless) + "): say which with --database NAME");
  }
  return serverless.front();
}

struct SimSeries {
  std::string name;
  std::string label;
  Resample how = Resample::kMean;
};

SimSeries simulated_series(const reports::Result& r, ObservedMetric m, const CompareOptions& o) {
  const auto& ts = r.timeseries;
  const auto need = [&](const std::string& name) {
    if (!ts.series.count(name)) {
      throw UsageError(std::string(info(m).flag) + ": the result has no " + name + " series to compare it with");
    }
    return name;
  };
  switch (m) {
    case ObservedMetric::kTasks: {
      const auto s = service_of(r, o.service, info(m).flag);
      return {need(s + ".tasks_running"), s + " " + info(m).label, Resample::kMean};
    }
    case ObservedMetric::kCpu: {
      const auto s = service_of(r, o.service, info(m).flag);
      return {need(s + ".cpu_utilization"), s + " " + info(m).label, Resample::kMean};
    }
    case ObservedMetric::kMemory: {
      const auto s = service_of(r, o.service, info(m).flag);
      return {need(s + ".memory_utilization"), s + " " + info(m).label, Resample::kMean};
    }
    case ObservedMetric::kAcu: {
      const auto d = database_of(r, o.database);
      return {need(d + ".acu"), d + " " + info(m).label, Resample::kMean};
    }
    case ObservedMetric::kLatencyP50: return {need("latency_p50_ms"), info(m).label, Resample::kPercentile};
    case ObservedMetric::kLatencyP95: return {need("latency_p95_ms"), info(m).label, Resample::kPercentile};
    case ObservedMetric::kLatencyP99: return {need("latency_p99_ms"), info(m).label, Resample::kPercentile};
    case ObservedMetric::k5xx: return {need("http_5xx"), info(m).label, Resample::kSum};
    case ObservedMetric::kRequests:
      // RequestCount counts what the ALB received: the arrivals, when the result has them.
      return {ts.series.count("arrivals_per_s") ? "arrivals_per_s" : need("requests_per_s"), "requests received", Resample::kMean};
  }
  return {};
}

// The end of the result's interval k (the last one ends with the run).
double interval_end(const reports::Result& r, std::size_t k) {
  const auto& t = r.timeseries.t_s;
  if (k + 1 < t.size()) return t[k + 1];
  const double run_end = r.warmup_s + r.duration_s;
  return run_end > t[k] ? std::min(run_end, t[k] + r.timeseries.interval_s) : t[k] + r.timeseries.interval_s;
}

// The simulated value of the span [a, b) (seconds after t = 0); NaN when no interval has one.
double resample(const reports::Result& r, const std::vector<double>& values, Resample how, double a, double b) {
  const auto& t = r.timeseries.t_s;
  const auto* rates = r.timeseries.series.count("requests_per_s") ? &r.timeseries.series.at("requests_per_s") : nullptr;
  double sum = 0.0, weight = 0.0;
  bool any = false;
  // The first interval that can overlap [a, b): the last one starting at or before a.
  const auto first = std::upper_bound(t.begin(), t.end(), a);
  for (auto k = static_cast<std::size_t>(first == t.begin() ? 0 : first - t.begin() - 1); k < t.size() && k < values.size() && t[k] < b; ++k) {
    const double end = interval_end(r, k);
    const double overlap = std::min(b, end) - std::max(a, t[k]);
    if (overlap <= kTimeTolerance || !std::isfinite(values[k])) continue;
    any = true;
    switch (how) {
      case Resample::kSum: sum += values[k] * overlap / (end - t[k]); break;
      case Resample::kMean:
        sum += values[k] * overlap;
        weight += overlap;
        break;
      case Resample::kPercentile: {
        const double w = overlap * (rates && std::isfinite((*rates)[k]) ? (*rates)[k] : 1.0);
        sum += values[k] * w;
        weight += w;
        break;
      }
    }
  }
  if (!any) return kNaN;
  if (how == Resample::kSum) return sum;
  return weight > 0.0 ? sum / weight : kNaN;
}

}  // namespace

reports::SeriesError series_error(const std::vector<double>& t_s, const std::vector<double>& predicted,
                                  const std::vector<double>& observed) {
  reports::SeriesError e;
  double sum_p = 0.0, sum_o = 0.0, sum_e = 0.0, sum_ape = 0.0;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (!std::isfinite(predicted[i]) || !std::isfinite(observed[i])) continue;
    const double err = predicted[i] - observed[i];
    ++e.periods;
    sum_p += predicted[i];
    sum_o += observed[i];
    sum_e += err;
    if (observed[i] != 0.0) {
      sum_ape += std::fabs(err) / std::fabs(observed[i]);
      ++e.mape_periods;
    }
    if (!std::isfinite(e.max_error) || std::fabs(err) > std::fabs(e.max_error)) {
      e.max_error = err;
      e.max_error_t_s = t_s[i];
    }
  }
  if (e.periods > 0) {
    const auto n = static_cast<double>(e.periods);
    e.mean_predicted = sum_p / n;
    e.mean_observed = sum_o / n;
    e.mean_error = sum_e / n;
  }
  if (e.mape_periods > 0) e.mape_pct = sum_ape / static_cast<double>(e.mape_periods) * 100.0;
  return e;
}

std::vector<reports::ScaleEvent> scale_events(const std::vector<double>& t_s, const std::vector<double>& values, double min_change) {
  constexpr double kFlat = 1e-9;
  std::vector<reports::ScaleEvent> out;
  std::optional<double> prev;
  int direction = 0;
  reports::ScaleEvent run;
  const auto close = [&] {
    if (direction != 0 && std::fabs(run.to - run.from) >= min_change - kFlat) out.push_back(run);
    direction = 0;
  };
  for (std::size_t i = 0; i < t_s.size() && i < values.size(); ++i) {
    if (!std::isfinite(values[i])) continue;
    if (prev) {
      const double d = values[i] - *prev;
      if (std::fabs(d) <= kFlat) {
        close();
      } else {
        const int dir = d > 0 ? 1 : -1;
        if (dir == direction) {
          run.to = values[i];
        } else {
          close();
          direction = dir;
          run = reports::ScaleEvent{t_s[i], *prev, values[i]};
        }
      }
    }
    prev = values[i];
  }
  close();
  return out;
}

std::vector<reports::ScalePair> pair_scale_events(const std::vector<reports::ScaleEvent>& predicted,
                                                  const std::vector<reports::ScaleEvent>& observed, const std::string& up,
                                                  const std::string& down, double max_lag_s) {
  std::vector<reports::ScalePair> out;
  const double alone = max_lag_s / 2.0;
  for (const bool rising : {true, false}) {
    std::vector<reports::ScaleEvent> p, o;
    for (const auto& e : predicted) {
      if ((e.to > e.from) == rising) p.push_back(e);
    }
    for (const auto& e : observed) {
      if ((e.to > e.from) == rising) o.push_back(e);
    }
    // cost[i][j]: the least cost of pairing p[i..] with o[j..] (an order-keeping alignment).
    const std::size_t n = p.size(), m = o.size();
    std::vector<std::vector<double>> cost(n + 1, std::vector<double>(m + 1, 0.0));
    for (std::size_t i = n + 1; i-- > 0;) {
      for (std::size_t j = m + 1; j-- > 0;) {
        if (i == n || j == m) {
          cost[i][j] = alone * static_cast<double>((n - i) + (m - j));
          continue;
        }
        double best = std::min(alone + cost[i + 1][j], alone + cost[i][j + 1]);
        const double lag = std::fabs(p[i].t_s - o[j].t_s);
        if (lag <= max_lag_s) best = std::min(best, lag + cost[i + 1][j + 1]);
        cost[i][j] = best;
      }
    }
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      reports::ScalePair pair;
      pair.direction = rising ? up : down;
      if (i < n && j < m && std::fabs(p[i].t_s - o[j].t_s) <= max_lag_s &&
          std::fabs(p[i].t_s - o[j].t_s) + cost[i + 1][j + 1] <= cost[i][j]) {
        pair.predicted = p[i++];
        pair.observed = o[j++];
      } else if (i < n && (j == m || alone + cost[i + 1][j] <= cost[i][j])) {
        pair.predicted = p[i++];
      } else {
        pair.observed = o[j++];
      }
      out.push_back(pair);
    }
  }
  const auto when = [](const reports::ScalePair& x) {
    return x.predicted ? (x.observed ? std::min(x.predicted->t_s, x.observed->t_s) : x.predicted->t_s) : x.observed->t_s;
  };
  std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return when(a) < when(b); });
  return out;
}

reports::TimelineComparison compare_timelines(const reports::Result& result, const std::string& result_path,
                                              const ObservedData& observed, const CompareOptions& options) {
  if (observed.series.empty()) throw UsageError("give at least one series to compare: --tasks, --cpu, --memory, --acu, --latency-p50/p95/p99, --5xx or --requests");
  const auto& ts = result.timeseries;
  if (ts.t_s.empty()) throw InputError(result_path + ": timeseries.t_s is empty: the result has no time series to compare");
  reports::TimelineComparison c;
  c.result_path = result_path;
  c.scenario = result.scenario;
  c.result_kind = result.kind;
  c.sources = observed.files;
  if (options.start_epoch) {
    c.start_epoch = *options.start_epoch;
    c.start_from = "--start";
  } else if (result.sections.contains("load") && result.sections["load"].is_object() && result.sections["load"].contains("started_epoch") &&
             result.sections["load"]["started_epoch"].is_number()) {
    c.start_epoch = result.sections["load"]["started_epoch"].get<double>();
    c.start_from = "the load result's load.started_epoch";
  } else {
    double first = std::numeric_limits<double>::infinity();
    for (const auto& s : observed.series) {
      if (!s.t_epoch.empty()) first = std::min(first, s.t_epoch.front());
    }
    if (!std::isfinite(first)) throw InputError(joined(observed.files) + ": no timestamp in the series given: nothing to align t = 0 with");
    c.start_epoch = first;
    c.start_from = "the first observed timestamp; set it with --start";
  }
  const double sim_begin = ts.t_s.front();
  const double sim_end = interval_end(result, ts.t_s.size() - 1);
  for (const auto& obs : observed.series) {
    const MetricInfo& mi = info(obs.metric);
    const SimSeries sim = simulated_series(result, obs.metric, options);
    reports::ComparedSeries s;
    s.key = mi.key;
    s.label = sim.label;
    s.unit = mi.unit;
    s.statistic = mi.statistic;
    s.simulated = sim.name;
    s.observed = obs.source;
    s.period_s = obs.period_s;
    s.step = obs.metric == ObservedMetric::kTasks;
    const auto& values = ts.series.at(sim.name);
    for (std::size_t k = 0; k < obs.t_epoch.size(); ++k) {
      const double a = obs.t_epoch[k] - c.start_epoch;
      const double b = a + obs.period_s;
      if (a < sim_begin - kTimeTolerance || b > sim_end + kTimeTolerance) continue;  // only the span both cover
      s.t_s.push_back(a);
      s.actual.push_back(obs.values[k]);
      s.predicted.push_back(resample(result, values, sim.how, a, b));
    }
    if (s.t_s.empty()) {
      const double from = obs.t_epoch.empty() ? c.start_epoch : obs.t_epoch.front();
      const double to = obs.t_epoch.empty() ? c.start_epoch : obs.t_epoch.back() + obs.period_s;
      throw InputError(obs.source + ": no period (" + reports::iso8601(from) + " .. " + reports::iso8601(to) +
                       ") lies inside the simulated span (" + reports::iso8601(c.start_epoch + sim_begin) + " .. " +
                       reports::iso8601(c.start_epoch + sim_end) + ", t = 0 from " + c.start_from + "); give --start TIME");
    }
    s.error = series_error(s.t_s, s.predicted, s.actual);
    if (obs.metric == ObservedMetric::kTasks || obs.metric == ObservedMetric::kAcu) {
      const bool tasks = obs.metric == ObservedMetric::kTasks;
      reports::ScaleComparison sc;
      sc.key = s.key;
      sc.label = s.label;
      sc.min_change = tasks ? options.task_step : options.acu_step;
      sc.pairs = pair_scale_events(scale_events(s.t_s, s.predicted, sc.min_change), scale_events(s.t_s, s.actual, sc.min_change),
                                   tasks ? "out" : "up", tasks ? "in" : "down", options.max_lag_s);
      c.scale.push_back(std::move(sc));
    }
    c.series.push_back(std::move(s));
  }
  return c;
}

}  // namespace loadcast::app
