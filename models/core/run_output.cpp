#include "models/core/run_output.hpp"

#include <cmath>
#include <limits>

#include "sim/stats.hpp"

namespace loadcast::models {

namespace {

// Element-wise mean of JSON documents of the same shape: numbers are averaged, everything else
// comes from the first document.
reports::Json mean_json(const std::vector<const reports::Json*>& docs) {
  const reports::Json& first = *docs.front();
  if (first.is_number() && !first.is_boolean()) {
    double sum = 0.0;
    std::size_t n = 0;
    for (const auto* d : docs) {
      if (d->is_number()) {
        sum += d->get<double>();
        ++n;
      }
    }
    if (first.is_number_integer() || first.is_number_unsigned()) {
      bool all_equal = true;
      for (const auto* d : docs) all_equal = all_equal && *d == first;
      if (all_equal) return first;
    }
    return n ? sum / static_cast<double>(n) : 0.0;
  }
  if (first.is_object()) {
    reports::Json out = reports::Json::object();
    for (const auto& [key, value] : first.items()) {
      std::vector<const reports::Json*> parts;
      for (const auto* d : docs) {
        if (d->is_object() && d->contains(key)) parts.push_back(&d->at(key));
      }
      out[key] = mean_json(parts);
    }
    return out;
  }
  if (first.is_array()) {
    reports::Json out = reports::Json::array();
    for (std::size_t i = 0; i < first.size(); ++i) {
      std::vector<const reports::Json*> parts;
      for (const auto* d : docs) {
        if (d->is_array() && d->size() == first.size()) parts.push_back(&(*d)[i]);
      }
      out.push_back(parts.size() == docs.size() ? mean_json(parts) : first[i]);
    }
    return out;
  }
  return first;
}

// Per-metric samples across replications, turned into 95 % intervals (R >= 2).
class Intervals {
 public:
  void add(const std::string& metric, double v) {
    if (std::isfinite(v)) samples_[metric].push_back(v);
  }
  void write(std::map<std::string, reports::Interval95>& out, std::size_t replications) const {
    for (const auto& [metric, v] : samples_) {
      if (v.size() < 2 || v.size() != replications) continue;
      const sim::Interval i = sim::confidence_interval(v, 0.95);
      out[metric] = reports::Interval95{i.low, i.high};
    }
  }

 private:
  std::map<std::string, std::vector<double>> samples_;
};

double completed(const reports::RequestCounts& c) { return static_cast<double>(c.ok + c.errors + c.timeouts); }

void replication_intervals(const std::vector<RunOutput>& runs, const MergeInfo& info, double span, reports::Result& r) {
  Intervals iv;
  for (const auto& run : runs) {
    // A replication without a success has no latency: no interval (the metric is null there).
    if (!run.latency.empty()) {
      const auto p = run.latency.percentiles({50.0, 95.0, 99.0});
      iv.add("latency_ms.mean", run.latency.mean() * 1e-6);
      iv.add("latency_ms.p50", p[0] * 1e-6);
      iv.add("latency_ms.p95", p[1] * 1e-6);
      iv.add("latency_ms.p99", p[2] * 1e-6);
    }
    iv.add("requests.error_rate", run.requests.error_rate());
    if (span > 0) iv.add("throughput_rps", completed(run.requests) / span);
    for (const auto& c : run.classes) {
      const std::string k = "classes." + c.name + ".";
      if (!c.latency.empty()) {
        const auto q = c.latency.percentiles({50.0, 95.0, 99.0});
        iv.add(k + "latency_ms.p50", q[0] * 1e-6);
        iv.add(k + "latency_ms.p95", q[1] * 1e-6);
        iv.add(k + "latency_ms.p99", q[2] * 1e-6);
      }
      iv.add(k + "requests.error_rate", c.requests.error_rate());
      if (span > 0) iv.add(k + "throughput_rps", completed(c.requests) / span);
    }
    if (info.monthly_cost && run.usage) {
      if (auto usd = info.monthly_cost(*run.usage)) iv.add("cost.monthly_usd.total", *usd);
    }
  }
  iv.write(r.ci95, runs.size());
  for (const char* k : {"mean", "p50", "p95", "p99"}) {
    const auto it = r.ci95.find(std::string("latency_ms.") + k);
    if (it != r.ci95.end()) r.latency_ms_ci95[k] = it->second;
  }
}

}  // namespace

cost::Usage& RunOutput::metered_usage(sim::Time end) {
  if (!usage) usage.emplace();
  usage->metered_seconds = sim::to_seconds(end);
  return *usage;
}

std::optional<cost::Usage> mean_usage(const std::vector<RunOutput>& runs) {
  if (runs.empty() || !runs.front().usage) return std::nullopt;
  if (runs.size() == 1) return runs.front().usage;
  cost::Usage merged;
  for (const auto& run : runs) {
    if (run.usage) merged.merge(*run.usage);
  }
  merged.scale(1.0 / static_cast<double>(runs.size()));
  return merged;
}

reports::Result merge_replications(std::vector<RunOutput>& runs, const MergeInfo& info) {
  reports::Result r;
  r.kind = "sim";
  r.scenario = info.scenario;
  r.seed = info.seed;
  r.replications = runs.size();
  r.warmup_s = info.warmup_s;
  if (runs.empty()) return r;
  const double span = runs.front().measured_s;
  r.duration_s = span;

  for (auto& run : runs) {
    r.requests.merge(run.requests);
    r.latency_histogram.merge(run.latency);
  }
  const double reps = static_cast<double>(runs.size());
  r.throughput_rps = span > 0 ? completed(r.requests) / (span * reps) : 0.0;
  r.ok_throughput_rps = span > 0 ? static_cast<double>(r.requests.ok) / (span * reps) : 0.0;
  r.latency_ms = reports::LatencySummary::from(r.latency_histogram);
  if (runs.size() >= 2) replication_intervals(runs, info, span, r);

  for (std::size_t c = 0; c < runs.front().classes.size(); ++c) {
    reports::ClassResult cr;
    for (auto& run : runs) {
      cr.requests.merge(run.classes[c].requests);
      cr.histogram.merge(run.classes[c].latency);
    }
    cr.throughput_rps = span > 0 ? completed(cr.requests) / (span * reps) : 0.0;
    cr.ok_throughput_rps = span > 0 ? static_cast<double>(cr.requests.ok) / (span * reps) : 0.0;
    cr.latency_ms = reports::LatencySummary::from(cr.histogram);
    r.classes.emplace(runs.front().classes[c].name, std::move(cr));
  }

  for (const auto& [name, first] : runs.front().stations) {
    reports::StationResult s = first;
    double util = 0, queue = 0, present = 0, wait = 0, wait95 = 0, wait99 = 0, waited_runs = 0;
    std::uint64_t arrivals = 0, completions = 0, rejected = 0;
    for (const auto& run : runs) {
      const auto& x = run.stations.at(name);
      util += x.utilization;
      queue += x.mean_queue;
      present += x.mean_in_system;
      // Wait statistics average over the replications that recorded a wait; none: null.
      if (!std::isnan(x.mean_wait_ms)) {
        wait += x.mean_wait_ms;
        wait95 += x.wait_p95_ms;
        wait99 += x.wait_p99_ms;
        waited_runs += 1;
      }
      arrivals += x.arrivals;
      completions += x.completions;
      rejected += x.rejected;
    }
    s.utilization = util / reps;
    s.mean_queue = queue / reps;
    s.mean_in_system = present / reps;
    s.mean_wait_ms = waited_runs > 0 ? wait / waited_runs : reports::kNoSamples;
    s.wait_p95_ms = waited_runs > 0 ? wait95 / waited_runs : reports::kNoSamples;
    s.wait_p99_ms = waited_runs > 0 ? wait99 / waited_runs : reports::kNoSamples;
    s.arrivals = arrivals;
    s.completions = completions;
    s.rejected = rejected;
    r.stations.emplace(name, s);
  }

  // Time series: per-interval mean over replications (NaN where a replication has no value).
  r.timeseries = runs.front().timeseries;
  if (runs.size() > 1) {
    // A per-code count series may exist in some replications only: take the union.
    for (const auto& run : runs) {
      for (const auto& [name, values] : run.timeseries.series) {
        if (series::is_status_count(name) && !r.timeseries.series.count(name)) {
          r.timeseries.series[name].assign(r.timeseries.t_s.size(), 0.0);
        }
      }
    }
    for (auto& [name, values] : r.timeseries.series) {
      const bool zero_when_missing = series::is_status_count(name);
      for (std::size_t i = 0; i < values.size(); ++i) {
        double sum = 0.0;
        std::size_t n = 0;
        for (const auto& run : runs) {
          auto it = run.timeseries.series.find(name);
          if (it == run.timeseries.series.end() && zero_when_missing) {
            ++n;
            continue;
          }
          if (it == run.timeseries.series.end() || i >= it->second.size() || std::isnan(it->second[i])) continue;
          sum += it->second[i];
          ++n;
        }
        values[i] = n ? sum / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
      }
    }
  }
  r.events = runs.front().events;

  std::vector<const reports::Json*> docs;
  for (const auto& run : runs) docs.push_back(&run.sections);
  r.sections = mean_json(docs);
  return r;
}

}  // namespace loadcast::models
