#include "app/calibrate_memory.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

#include "app/exit_code.hpp"
#include "app/nnls.hpp"
#include "reports/format.hpp"

namespace loadcast::app {

namespace {

using reports::fmt;
constexpr double kEps = 1e-6;
constexpr double kSameRatioCosine = 0.999;

std::size_t pick_service(const scenario::Scenario& sc, const std::string& name, const std::string& flag) {
  const auto& services = sc.model.services;
  if (services.empty()) throw UsageError(flag + ": the scenario has no services");
  if (name.empty()) {
    if (services.size() == 1) return 0;
    throw UsageError(flag + ": the scenario has several services: say which one the data measures with --service");
  }
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (services[i].name == name) return i;
  }
  throw UsageError("--service " + name + ": the scenario has no such service");
}

struct Solved {
  std::vector<Estimate> x;
  double r2 = 0.0, rmse = 0.0, mean = 0.0;
  bool dependent = false;  // the columns kept one ratio
};

// Non-negative least squares of y = A x with 95 % intervals over the free columns
// (app/nnls.hpp); no interval when two columns kept one ratio.
Solved solve(const Matrix& a, const std::vector<double>& y) {
  const NnlsFit fit = nnls_with_intervals(a, y);
  Solved out;
  out.mean = fit.mean;
  out.rmse = fit.rmse;
  out.r2 = fit.r2;
  for (std::size_t p = 0; p < a.cols; ++p) {
    for (std::size_t q = p + 1; q < a.cols; ++q) {
      if (column_cosine(a, p, q) > kSameRatioCosine) out.dependent = true;
    }
  }
  for (std::size_t p = 0; p < a.cols; ++p) {
    Estimate e;
    e.value = fit.fit.x[p];
    if (!out.dependent) {
      e.low = fit.low[p];
      e.high = fit.high[p];
    }
    out.x.push_back(e);
  }
  return out;
}

// The task count of the period starting at `t`: --tasks's value or --tasks-count.
double tasks_at(const MetricData& cw, const ResourceFitOptions& o, double t, const std::string& flag) {
  if (o.tasks_id.empty()) return *o.tasks_count;
  const MetricSeries& tasks = cw.need(o.tasks_id, "--tasks");
  const auto v = tasks.at(t);
  if (!v) throw InputError(tasks.where + ": no value for the period starting " + reports::iso8601(t) + ", which " + flag + " has");
  if (!(*v > 0.0)) throw InputError(tasks.where + ": " + fmt("%g", *v) + " tasks in the period starting " + reports::iso8601(t) + " (must be > 0)");
  return *v;
}

// The window of an input in epoch seconds.
std::pair<double, double> window(const CalibrationInput& in, const std::string& flag) {
  if (!in.start_epoch) {
    throw InputError(in.result_path + ": load.started_epoch is missing or null (a sim result, or a load result from before it was recorded): give the run's start with --start (ISO-8601) for " + flag);
  }
  const double from = *in.start_epoch + in.result.warmup_s;
  return {from, from + in.result.duration_s};
}

std::string interval_text(const Estimate& e, double scale, const char* unit) {
  if (!e.low || !e.high) return "-";
  return fmt("%.4g", *e.low * scale) + " .. " + fmt("%.4g", *e.high * scale) + " " + unit;
}

std::string r2_text(double r2) { return std::isnan(r2) ? std::string("n/a") : fmt("%.4f", r2); }

}  // namespace

ResourceFit fit_resources(const scenario::Scenario& sc, const std::vector<CalibrationInput>& inputs, const ResourceFitOptions& o) {
  ResourceFit out;
  if (o.memory_id.empty() && o.connections_id.empty()) return out;
  const std::string flag = !o.memory_id.empty() ? "--memory" : "--db-connections";
  if (o.tasks_id.empty() == !o.tasks_count.has_value()) {
    throw UsageError(flag + " needs the task count: give --tasks ID (RunningTaskCount) or --tasks-count N, one of them");
  }
  if (inputs.empty()) throw UsageError(flag + " needs at least one RESULT.json with its --cloudwatch DATA.json");
  const std::size_t svc = pick_service(sc, o.service, flag);
  const auto& service = sc.model.services[svc];

  if (!o.memory_id.empty()) {
    for (std::size_t c = 0; c < sc.model.classes.size(); ++c) {
      const auto& route = sc.model.classes[c].service;
      if (route && *route != svc) {
        throw UsageError("--memory: class " + sc.workload.classes[c].name + " goes to another service, but a result's requests in progress (Little's law) are of all classes: fit a scenario whose classes all go to " + service.name);
      }
    }
    MemoryFit f;
    f.service = service.name;
    f.memory_mib = static_cast<double>(service.memory_mib);
    f.scenario_base_mib = service.base_memory_mib();
    f.scenario_per_request_mib = service.memory_per_request_mib;
    std::vector<std::array<double, 2>> x;
    std::vector<double> y;
    double in_progress_sum = 0.0;
    for (const auto& in : inputs) {
      const auto [from, to] = window(in, "--memory");
      const auto& r = in.result;
      const auto rps = r.timeseries.series.find("requests_per_s");
      const auto lat = r.timeseries.series.find("latency_mean_ms");
      if (rps == r.timeseries.series.end() || lat == r.timeseries.series.end()) {
        throw InputError(in.result_path + ": timeseries.series." + std::string(rps == r.timeseries.series.end() ? "requests_per_s" : "latency_mean_ms") +
                         " is missing (a result from before it was recorded: run the load again with this loadcast)");
      }
      // Requests in progress per interval: completions per second x their mean time in the system.
      std::vector<double> n_series(r.timeseries.t_s.size(), 0.0);
      for (std::size_t k = 0; k < n_series.size() && k < rps->second.size() && k < lat->second.size(); ++k) {
        const double xr = rps->second[k];
        n_series[k] = !(xr > 0.0) ? 0.0 : lat->second[k] * 1e-3 * xr;  // NaN latency with completions: unknown
      }
      const MetricSeries& mem = in.cloudwatch.need(o.memory_id, "--memory");
      const auto gap = smallest_gap(mem.t_epoch);
      if (!gap) throw InputError(mem.where + ": one timestamp only; the period cannot be told (query at least two periods)");
      const double period = *gap;
      if (f.period_s > 0.0 && std::abs(f.period_s - period) > kEps) {
        throw InputError(mem.where + ": period " + fmt("%g", period) + " s differs from the other inputs' " + fmt("%g s", f.period_s));
      }
      f.period_s = period;
      std::size_t used = 0;
      for (std::size_t k = 0; k < mem.t_epoch.size(); ++k) {
        const double t = mem.t_epoch[k];
        if (t < from - kEps || t + period > to + kEps) continue;
        const double u = mem.values[k];
        if (u < 0.0 || u > 100.0 + kEps) {
          throw InputError(mem.where + ".Values: " + fmt("%g", u) + " at " + reports::iso8601(t) + " is not a utilisation in percent (0-100)");
        }
        const double tasks = tasks_at(in.cloudwatch, o, t, "--memory " + o.memory_id);
        const auto n = level_mean(r.timeseries, n_series, t - *in.start_epoch, t - *in.start_epoch + period);
        if (!n) continue;  // a period whose completions have no latency: left out
        x.push_back({tasks, *n});
        y.push_back(u / 100.0 * tasks * f.memory_mib);
        in_progress_sum += *n;
        ++used;
      }
      if (used == 0) {
        throw InputError(mem.where + ": no period of " + o.memory_id + " lies inside the measured window of " + in.result_path + " (" +
                         reports::iso8601(from) + " .. " + reports::iso8601(to) + ")");
      }
    }
    Matrix a(y.size(), 2);
    for (std::size_t i = 0; i < y.size(); ++i) {
      a(i, 0) = x[i][0];
      a(i, 1) = x[i][1];
    }
    const Solved s = solve(a, y);
    f.base_mib = s.x[0];
    f.per_request_mib = s.x[1];
    f.periods = y.size();
    f.r2 = s.r2;
    f.rmse_mib = s.rmse;
    f.mean_mib = s.mean;
    f.mean_in_progress = in_progress_sum / static_cast<double>(y.size());
    if (s.dependent) {
      out.warnings.push_back("--memory: the requests in progress kept one ratio to the task count in every period, so the base memory and the memory per request cannot be separated: measure at two or more rates");
    } else if (!(s.x[1].value > 0.0)) {
      out.warnings.push_back("--memory: the fit put the memory per request at the bound 0 (too small to see at these loads, or the data cannot separate it)");
    }
    if (!s.dependent && !f.base_mib.low) out.warnings.push_back("--memory: no confidence interval (too few periods, or a value at the bound 0)");
    out.memory = f;
  }

  if (!o.connections_id.empty()) {
    if (!sc.model.database) throw UsageError("--db-connections: the scenario has no database");
    if (sc.model.db_proxy) {
      throw UsageError("--db-connections: the scenario's database is behind RDS Proxy, whose connections to the instance do not follow the tasks' pools: compare DatabaseConnections with the proxy's database_connections series of loadcast sim instead");
    }
    ConnectionsFit f;
    f.instance = sc.model.database->name;
    f.service = service.name;
    f.pool_size = service.db_pool.size;
    std::vector<double> tasks_v, y;
    for (const auto& in : inputs) {
      const auto [from, to] = window(in, "--db-connections");
      const MetricSeries& conn = in.cloudwatch.need(o.connections_id, "--db-connections");
      const auto gap = smallest_gap(conn.t_epoch);
      if (!gap) throw InputError(conn.where + ": one timestamp only; the period cannot be told (query at least two periods)");
      const double period = *gap;
      std::size_t used = 0;
      for (std::size_t k = 0; k < conn.t_epoch.size(); ++k) {
        const double t = conn.t_epoch[k];
        if (t < from - kEps || t + period > to + kEps) continue;
        const double v = conn.values[k];
        if (!(v >= 0.0)) throw InputError(conn.where + ".Values: " + fmt("%g", v) + " at " + reports::iso8601(t) + " is not a connection count (0 or more)");
        tasks_v.push_back(tasks_at(in.cloudwatch, o, t, "--db-connections " + o.connections_id));
        y.push_back(v);
        ++used;
      }
      if (used == 0) {
        throw InputError(conn.where + ": no period of " + o.connections_id + " lies inside the measured window of " + in.result_path + " (" +
                         reports::iso8601(from) + " .. " + reports::iso8601(to) + ")");
      }
    }
    f.tasks_varied = std::any_of(tasks_v.begin(), tasks_v.end(), [&](double v) { return std::abs(v - tasks_v.front()) > kEps; });
    Matrix a(y.size(), f.tasks_varied ? 2 : 1);
    for (std::size_t i = 0; i < y.size(); ++i) {
      a(i, 0) = tasks_v[i];
      if (f.tasks_varied) a(i, 1) = 1.0;
    }
    const Solved s = solve(a, y);
    f.per_task = s.x[0];
    if (f.tasks_varied) f.other = s.x[1];
    else out.warnings.push_back("--db-connections: one task count (" + fmt("%g", tasks_v.front()) + ") in every period, so connections no task holds (monitoring, admin) cannot be told from the tasks' own: all are counted as the tasks' (vary the task count to separate them)");
    f.periods = y.size();
    f.r2 = s.r2;
    f.rmse = s.rmse;
    f.mean = s.mean;
    out.connections = f;
  }
  return out;
}

std::string resource_overlay_yaml(const ResourceFit& f) {
  std::string y;
  if (f.memory) {
    const auto& m = *f.memory;
    y += "\n# service " + m.service + " memory (" + fmt("%g", m.memory_mib) + " MiB per task): MemoryUtilization x tasks x memory = base x tasks +\n"
         "#   per_request x requests in progress (Little's law per second: requests_per_s x latency_mean_ms), " + std::to_string(m.periods) +
         " periods of " + fmt("%g", m.period_s) + " s, R^2 " + r2_text(m.r2) + ", residual RMS " + fmt("%.4g", m.rmse_mib) + " MiB of a mean " +
         fmt("%.4g", m.mean_mib) + " MiB in use, " + fmt("%.3g", m.mean_in_progress) + " requests in progress on average\n";
    y += "#   base " + fmt("%.4g MiB", m.base_mib.value) + " (95 % interval " + interval_text(m.base_mib, 1.0, "MiB") + "; the scenario had " +
         fmt("%.4g", m.scenario_base_mib) + "), per request " + fmt("%.4g MiB", m.per_request_mib.value) + " (" +
         interval_text(m.per_request_mib, 1.0, "MiB") + "; the scenario had " + fmt("%.4g", m.scenario_per_request_mib) + ")\n";
    for (const auto& w : f.warnings) {
      if (w.rfind("--memory", 0) == 0) y += "# warning: " + w + "\n";
    }
    y += "services." + m.service + ".app_memory.base: " + fmt("%.6g", m.base_mib.value) + "\n";
    y += "services." + m.service + ".app_memory.per_request: " + fmt("%.6g", m.per_request_mib.value) + "\n";
  }
  if (f.connections) {
    const auto& c = *f.connections;
    y += "\n# database " + c.instance + " connections (DatabaseConnections of the writer): " + fmt("%.4g", c.per_task.value) + " per task (95 % interval " +
         interval_text(c.per_task, 1.0, "") + ")";
    if (c.tasks_varied) y += " + " + fmt("%.4g", c.other.value) + " held by no task";
    y += ", " + std::to_string(c.periods) + " periods, R^2 " + r2_text(c.r2) + "\n";
    for (const auto& w : f.warnings) {
      if (w.rfind("--db-connections", 0) == 0) y += "# warning: " + w + "\n";
    }
    const int needed = static_cast<int>(std::ceil(c.per_task.value - 1e-9));
    if (needed > c.pool_size) {
      y += "#   the tasks hold more than the scenario's pool allows (db_pool.size " + std::to_string(c.pool_size) + "): the application's pool is larger\n";
      y += "services." + c.service + ".db_pool.size: " + std::to_string(needed) + "\n";
    } else {
      y += "#   the scenario's pool explains it: the model opens at most db_pool.size " + std::to_string(c.pool_size) +
           " per task to the writer, only as many as its queries overlap (measured " + fmt("%.3g", c.per_task.value) + ", " +
           fmt("%.3g", static_cast<double>(c.pool_size) - c.per_task.value) + " below the size); db_pool.size left as it is\n";
    }
  }
  return y;
}

std::string format_resource_fit(const ResourceFit& f) {
  std::string t;
  if (f.memory) {
    const auto& m = *f.memory;
    t += "service " + m.service + " memory (" + fmt("%g", m.memory_mib) + " MiB per task): " + std::to_string(m.periods) + " periods of " +
         fmt("%g", m.period_s) + " s, R^2 " + r2_text(m.r2) + ", residual RMS " + fmt("%.4g", m.rmse_mib) + " MiB (mean in use " +
         fmt("%.4g", m.mean_mib) + " MiB, " + fmt("%.3g", m.mean_in_progress) + " requests in progress)\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-26s %12s %25s %12s\n", "memory", "fitted", "95 % interval", "scenario had");
    t += line;
    std::snprintf(line, sizeof line, "%-26s %12s %25s %12s\n", "app_memory.base", fmt("%.4g MiB", m.base_mib.value).c_str(),
                  interval_text(m.base_mib, 1.0, "MiB").c_str(), fmt("%.4g MiB", m.scenario_base_mib).c_str());
    t += line;
    std::snprintf(line, sizeof line, "%-26s %12s %25s %12s\n", "app_memory.per_request", fmt("%.4g MiB", m.per_request_mib.value).c_str(),
                  interval_text(m.per_request_mib, 1.0, "MiB").c_str(), fmt("%.4g MiB", m.scenario_per_request_mib).c_str());
    t += line;
  }
  if (f.connections) {
    const auto& c = *f.connections;
    t += "database " + c.instance + " connections: " + fmt("%.4g", c.per_task.value) + " per task (95 % interval " + interval_text(c.per_task, 1.0, "") + ")";
    if (c.tasks_varied) t += " + " + fmt("%.4g", c.other.value) + " held by no task";
    t += ", R^2 " + r2_text(c.r2) + "; the scenario's pool: at most " + std::to_string(c.pool_size) + " per task (measured minus modelled ceiling " +
         fmt("%+.3g", c.per_task.value - static_cast<double>(c.pool_size)) + ")\n";
  }
  for (const auto& w : f.warnings) t += "warning: " + w + "\n";
  return t;
}

}  // namespace loadcast::app
