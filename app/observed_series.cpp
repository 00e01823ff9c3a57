#include "app/observed_series.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>

#include "app/exit_code.hpp"
#include "scenarios/loader/import/alb_log.hpp"
#include "scenarios/loader/import/import.hpp"

namespace loadcast::app {

namespace {

constexpr double kTimeTolerance = 1e-3;  // seconds: CloudWatch timestamps are whole seconds
// A count's zero periods are filled in over the span of every series given; a span this long is
// not one run (GetMetricData returns at most 100,800 datapoints per query).
constexpr double kMaxPeriods = 1e6;

const std::vector<MetricInfo>& table() {
  static const std::vector<MetricInfo> kTable = {
      {ObservedMetric::kTasks, "tasks", "--tasks", "tasks running", "tasks", "Average"},
      {ObservedMetric::kCpu, "cpu", "--cpu", "CPU utilization", "%", "Average"},
      {ObservedMetric::kMemory, "memory", "--memory", "memory utilization", "%", "Average"},
      {ObservedMetric::kAcu, "acu", "--acu", "Aurora capacity", "ACU", "Average"},
      {ObservedMetric::kLatencyP50, "latency_p50", "--latency-p50", "p50 latency", "ms", "p50"},
      {ObservedMetric::kLatencyP95, "latency_p95", "--latency-p95", "p95 latency", "ms", "p95"},
      {ObservedMetric::kLatencyP99, "latency_p99", "--latency-p99", "p99 latency", "ms", "p99"},
      {ObservedMetric::k5xx, "5xx", "--5xx", "5xx responses", "per period", "Sum"},
      {ObservedMetric::kRequests, "requests", "--requests", "requests", "req/s", "Sum"},
  };
  return kTable;
}

bool summed(ObservedMetric m) { return m == ObservedMetric::k5xx || m == ObservedMetric::kRequests; }

bool latency(ObservedMetric m) {
  return m == ObservedMetric::kLatencyP50 || m == ObservedMetric::kLatencyP95 || m == ObservedMetric::kLatencyP99;
}

}  // namespace

const MetricInfo& info(ObservedMetric m) {
  for (const auto& i : table()) {
    if (i.metric == m) return i;
  }
  return table().front();
}

const std::vector<ObservedMetric>& all_metrics() {
  static const std::vector<ObservedMetric> kAll = [] {
    std::vector<ObservedMetric> out;
    for (const auto& i : table()) out.push_back(i.metric);
    return out;
  }();
  return kAll;
}

ObservedData observed_from_cloudwatch(const MetricData& data, const CloudWatchIds& ids, std::optional<double> period_s) {
  ObservedData out;
  out.files.push_back(data.file);
  // The span every mapped series covers together, and a period read from any of them, for the
  // counts that CloudWatch leaves out when they are zero.
  double first = std::numeric_limits<double>::infinity();
  double last = -first;
  std::optional<double> common = period_s;
  for (const auto& [metric, id] : ids) {
    const MetricSeries& m = data.need(id, info(metric).flag);
    if (!m.t_epoch.empty()) {
      first = std::min(first, m.t_epoch.front());
      last = std::max(last, m.t_epoch.back());
    }
    if (!period_s) {
      const auto gap = smallest_gap(m.t_epoch);
      if (gap && (!common || *gap < *common)) common = gap;
    }
  }
  for (const auto& [metric, id] : ids) {
    const MetricSeries& m = data.need(id, info(metric).flag);
    const std::string where = m.where + " (Id " + id + ", " + info(metric).flag + ")";
    ObservedSeries s;
    s.metric = metric;
    s.source = where;
    // A count's datapoints may be far apart (CloudWatch leaves out its zero periods): it takes
    // the smallest gap of every series given.
    const auto own = summed(metric) ? common : period_s ? period_s : smallest_gap(m.t_epoch);
    if (own) {
      s.period_s = *own;
    } else {
      throw InputError(where + ": " + std::to_string(m.t_epoch.size()) +
                       " timestamp(s): the period cannot be read from fewer than two; give --period SECONDS");
    }
    if (!(s.period_s > 0.0)) throw InputError(where + ": the period must be above 0 s");
    const double origin = m.t_epoch.empty() ? first : m.t_epoch.front();
    for (std::size_t k = 0; k < m.t_epoch.size(); ++k) {
      const double steps = (m.t_epoch[k] - origin) / s.period_s;
      if (std::abs(steps - std::round(steps)) * s.period_s > kTimeTolerance) {
        throw InputError(where + ".Timestamps[" + std::to_string(k) + "]: not on the grid of the " +
                         std::to_string(static_cast<long long>(s.period_s)) +
                         " s period read from the timestamps; give --period SECONDS, or query one period");
      }
    }
    const double scale = latency(metric) ? 1000.0 : 1.0;  // TargetResponseTime is in seconds
    if (summed(metric) && std::isfinite(first)) {
      // Every period of the common span, 0 where CloudWatch has no datapoint.
      if ((last - first) / s.period_s > kMaxPeriods) {
        throw InputError(where + ": the series given span " + std::to_string(static_cast<long long>((last - first) / s.period_s)) +
                         " periods of " + std::to_string(static_cast<long long>(s.period_s)) + " s; at most " +
                         std::to_string(static_cast<long long>(kMaxPeriods)) + " are compared (query one run's time)");
      }
      double start = origin;
      while (start - s.period_s >= first - kTimeTolerance) start -= s.period_s;
      for (double t = start; t <= last + kTimeTolerance; t += s.period_s) {
        const double v = m.at(t).value_or(0.0);
        s.t_epoch.push_back(t);
        s.values.push_back(metric == ObservedMetric::kRequests ? v / s.period_s : v);
      }
    } else {
      for (std::size_t k = 0; k < m.t_epoch.size(); ++k) {
        s.t_epoch.push_back(m.t_epoch[k]);
        s.values.push_back(m.values[k] * scale);
      }
    }
    out.series.push_back(std::move(s));
  }
  return out;
}

ObservedData observed_from_alb_logs(const std::vector<std::string>& files, double period_s, const std::vector<ObservedMetric>& skip) {
  if (!(period_s > 0.0) || !std::isfinite(period_s)) throw InputError("--period must be a number of seconds above 0");
  struct Bin {
    double requests = 0.0;
    double errors = 0.0;
    std::vector<double> target_ms;
  };
  std::map<std::int64_t, Bin> bins;
  ObservedData out;
  for (const auto& file : files) {
    std::string first_bad;
    try {
      scenario::read_alb_log(
          file,
          [&](const scenario::AlbLogEntry& e) {
            // Received when the request arrived (RequestCount); answered (5xx, target time) at `time`.
            bins[static_cast<std::int64_t>(std::floor(e.arrival_s() / period_s))].requests += 1.0;
            auto& b = bins[static_cast<std::int64_t>(std::floor(e.time_s / period_s))];
            if (e.elb_status && *e.elb_status >= 500 && *e.elb_status <= 599) b.errors += 1.0;
            if (e.target_processing_s) b.target_ms.push_back(*e.target_processing_s * 1e3);
          },
          [&](const std::string& bad) {
            first_bad = bad;
            return false;
          });
    } catch (const scenario::ImportError& e) {
      throw InputError(e.what());
    }
    if (!first_bad.empty()) throw InputError(first_bad);
    out.files.push_back(file);
  }
  if (bins.empty()) throw InputError(files.empty() ? std::string("no --alb-logs file") : files.front() + ": no access-log entry in the files given");
  const auto wanted = [&](ObservedMetric m) { return std::find(skip.begin(), skip.end(), m) == skip.end(); };
  const std::string source = "ALB access logs (" + std::to_string(files.size()) + " file" + (files.size() == 1 ? "" : "s") + ")";
  ObservedSeries requests{ObservedMetric::kRequests, source + ", entries per second", period_s, {}, {}};
  ObservedSeries errors{ObservedMetric::k5xx, source + ", 5xx elb_status_code per period", period_s, {}, {}};
  std::vector<ObservedSeries> latency;
  const std::pair<ObservedMetric, double> quantiles[] = {
      {ObservedMetric::kLatencyP50, 0.50}, {ObservedMetric::kLatencyP95, 0.95}, {ObservedMetric::kLatencyP99, 0.99}};
  for (const auto& [m, q] : quantiles) latency.push_back({m, source + ", target_processing_time", period_s, {}, {}});
  for (std::int64_t k = bins.begin()->first; k <= bins.rbegin()->first; ++k) {
    const double t = static_cast<double>(k) * period_s;
    const auto it = bins.find(k);
    requests.t_epoch.push_back(t);
    requests.values.push_back(it == bins.end() ? 0.0 : it->second.requests / period_s);
    errors.t_epoch.push_back(t);
    errors.values.push_back(it == bins.end() ? 0.0 : it->second.errors);
    if (it == bins.end() || it->second.target_ms.empty()) continue;
    auto& v = it->second.target_ms;
    std::sort(v.begin(), v.end());
    for (std::size_t j = 0; j < latency.size(); ++j) {
      // Nearest rank: the smallest value with at least q of the entries at or below it.
      const auto rank = static_cast<std::size_t>(std::ceil(quantiles[j].second * static_cast<double>(v.size())));
      latency[j].t_epoch.push_back(t);
      latency[j].values.push_back(v[std::max<std::size_t>(rank, 1) - 1]);
    }
  }
  if (wanted(ObservedMetric::kRequests)) out.series.push_back(std::move(requests));
  if (wanted(ObservedMetric::k5xx)) out.series.push_back(std::move(errors));
  for (auto& l : latency) {
    if (wanted(l.metric) && !l.t_epoch.empty()) out.series.push_back(std::move(l));
  }
  return out;
}

}  // namespace loadcast::app
