#include "models/core/replication_merger.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "sim/stats.hpp"

namespace loadcast::models {

namespace {

// Element-wise running mean of JSON documents of the same shape, fed one document at a time:
// numbers are averaged, everything else comes from the first document. A key missing in a later
// document, or an array of another length, leaves that document out where it differs.
class JsonMean {
 public:
  explicit JsonMean(const reports::Json& first) {
    if (first.is_number() && !first.is_boolean()) {
      kind_ = Kind::kNumber;
      value_ = first;
      integer_ = first.is_number_integer() || first.is_number_unsigned();
    } else if (first.is_object()) {
      kind_ = Kind::kObject;
      for (const auto& [key, value] : first.items()) children_.emplace_back(key, JsonMean(value));
    } else if (first.is_array()) {
      kind_ = Kind::kArray;
      for (const auto& value : first) children_.emplace_back(std::string(), JsonMean(value));
    } else {
      value_ = first;
    }
  }

  void add(const reports::Json& doc) {
    switch (kind_) {
      case Kind::kNumber:
        if (doc.is_number()) {
          sum_ += doc.get<double>();
          ++n_;
        }
        all_equal_ = all_equal_ && doc == value_;
        break;
      case Kind::kObject:
        if (!doc.is_object()) break;
        for (auto& [key, child] : children_) {
          const auto it = doc.find(key);
          if (it != doc.end()) child.add(*it);
        }
        break;
      case Kind::kArray:
        if (!doc.is_array() || doc.size() != children_.size()) {
          same_shape_ = false;
          break;
        }
        for (std::size_t i = 0; i < children_.size(); ++i) children_[i].second.add(doc[i]);
        break;
      case Kind::kOther:
        break;
    }
  }

  reports::Json mean() const {
    switch (kind_) {
      case Kind::kNumber:
        if (integer_ && all_equal_) return value_;
        return n_ ? sum_ / static_cast<double>(n_) : 0.0;
      case Kind::kObject: {
        reports::Json out = reports::Json::object();
        for (const auto& [key, child] : children_) out[key] = child.mean();
        return out;
      }
      case Kind::kArray: {
        reports::Json out = reports::Json::array();
        for (const auto& child : children_) out.push_back(same_shape_ ? child.second.mean() : child.second.first());
        return out;
      }
      case Kind::kOther:
        break;
    }
    return value_;
  }

 private:
  enum class Kind { kNumber, kObject, kArray, kOther };
  // The first document again (an array element kept as it was when the shapes differ).
  reports::Json first() const {
    if (kind_ == Kind::kObject) {
      reports::Json out = reports::Json::object();
      for (const auto& [key, child] : children_) out[key] = child.first();
      return out;
    }
    if (kind_ == Kind::kArray) {
      reports::Json out = reports::Json::array();
      for (const auto& child : children_) out.push_back(child.second.first());
      return out;
    }
    return value_;
  }

  Kind kind_ = Kind::kOther;
  reports::Json value_;  // a number's or a leaf's first value
  std::vector<std::pair<std::string, JsonMean>> children_;
  double sum_ = 0.0;
  std::size_t n_ = 0;
  bool integer_ = false;
  bool all_equal_ = true;
  bool same_shape_ = true;
};

// Per-replication samples of one metric, turned into a 95 % interval (R >= 2). Non-finite
// values are left out; a metric without a value in every replication gets no interval.
struct Samples {
  std::vector<double> values;
  void add(double v) {
    if (std::isfinite(v)) values.push_back(v);
  }
  void write(std::map<std::string, reports::Interval95>& out, const std::string& metric, std::size_t replications) const {
    if (values.size() < 2 || values.size() != replications) return;
    const sim::Interval i = sim::confidence_interval(values, 0.95);
    out[metric] = reports::Interval95{i.low, i.high};
  }
};

double completed(const reports::RequestCounts& c) { return static_cast<double>(c.ok + c.errors + c.timeouts); }

constexpr std::array<const char*, 5> kClassMetrics = {"latency_ms.p50", "latency_ms.p95", "latency_ms.p99", "requests.error_rate",
                                                     "throughput_rps"};

struct ClassMerge {
  std::string name;
  reports::RequestCounts requests;
  reports::Histogram histogram;
  std::array<Samples, kClassMetrics.size()> samples;
};

struct StationMerge {
  reports::StationResult first;
  double util = 0, queue = 0, present = 0, wait = 0, wait95 = 0, wait99 = 0, waited_runs = 0;
  std::uint64_t arrivals = 0, completions = 0, rejected = 0;
};

// A series' per-interval sum and number of replications with a value there.
struct SeriesMerge {
  std::vector<double> sum;
  std::vector<std::size_t> n;
};

}  // namespace

struct ReplicationMerger::State {
  MergeInfo info;
  double span = 0.0;
  reports::RequestCounts requests;
  reports::Histogram latency;
  std::vector<ClassMerge> classes;
  std::map<std::string, StationMerge> stations;
  reports::TimeSeries first_series;
  std::map<std::string, SeriesMerge> series;
  std::vector<reports::Event> events;
  std::optional<JsonMean> sections;
  std::map<std::string, Samples> samples;  // system-wide metrics
  std::optional<cost::Usage> first_usage;
  std::optional<cost::Usage> usage_sum;
};

ReplicationMerger::ReplicationMerger(MergeInfo info) : state_(std::make_unique<State>()) { state_->info = std::move(info); }
ReplicationMerger::ReplicationMerger(ReplicationMerger&&) noexcept = default;
ReplicationMerger& ReplicationMerger::operator=(ReplicationMerger&&) noexcept = default;
ReplicationMerger::~ReplicationMerger() = default;

void ReplicationMerger::add(RunOutput run) {
  State& s = *state_;
  const bool first = replications_ == 0;
  const std::size_t index = replications_++;
  events_processed_ += run.events_processed;
  latency_means_ns_.push_back(run.latency.mean());
  if (first) s.span = run.measured_s;

  // The per-replication values of the intervals.
  // A replication without a success has no latency: no interval value (the metric is null there).
  if (!run.latency.empty()) {
    const auto p = run.latency.percentiles({50.0, 95.0, 99.0});
    s.samples["latency_ms.mean"].add(run.latency.mean() * 1e-6);
    s.samples["latency_ms.p50"].add(p[0] * 1e-6);
    s.samples["latency_ms.p95"].add(p[1] * 1e-6);
    s.samples["latency_ms.p99"].add(p[2] * 1e-6);
  }
  s.samples["requests.error_rate"].add(run.requests.error_rate());
  if (s.span > 0) s.samples["throughput_rps"].add(completed(run.requests) / s.span);
  if (s.info.monthly_cost && run.usage) {
    if (auto usd = s.info.monthly_cost(*run.usage)) s.samples["cost.monthly_usd.total"].add(*usd);
  }
  // Each service's mean CPU utilisation: with `cpu_demand_sd` its interval carries the demand's
  // uncertainty (models/web/demand_factor.hpp).
  if (const auto it = run.sections.find("services"); it != run.sections.end() && it->is_object()) {
    for (const auto& [name, svc] : it->items()) {
      const auto u = svc.find("cpu_utilization_mean");
      if (u != svc.end() && u->is_number()) s.samples["services." + name + ".cpu_utilization_mean"].add(u->get<double>());
    }
  }

  // Replication 0's histograms are taken, not copied: adding them to empty ones gives the same
  // bits, and a run of many classes does not hold its histograms twice.
  s.requests.merge(run.requests);
  if (first) {
    s.latency = std::move(run.latency);
  } else {
    s.latency.merge(run.latency);
  }

  if (first) {
    s.classes.resize(run.classes.size());
    for (std::size_t c = 0; c < run.classes.size(); ++c) s.classes[c].name = run.classes[c].name;
  }
  for (std::size_t c = 0; c < s.classes.size(); ++c) {
    ClassMerge& m = s.classes[c];
    ClassRun& x = run.classes[c];
    if (!x.latency.empty()) {
      const auto q = x.latency.percentiles({50.0, 95.0, 99.0});
      for (std::size_t k = 0; k < 3; ++k) m.samples[k].add(q[k] * 1e-6);
    }
    m.samples[3].add(x.requests.error_rate());
    if (s.span > 0) m.samples[4].add(completed(x.requests) / s.span);
    m.requests.merge(x.requests);
    if (first) {
      m.histogram = std::move(x.latency);
    } else {
      m.histogram.merge(x.latency);
    }
  }

  if (first) {
    for (const auto& [name, station] : run.stations) s.stations[name].first = station;
  }
  for (auto& [name, m] : s.stations) {
    const auto& x = run.stations.at(name);
    m.util += x.utilization;
    m.queue += x.mean_queue;
    m.present += x.mean_in_system;
    // Wait statistics average over the replications that recorded a wait; none: null.
    if (!std::isnan(x.mean_wait_ms)) {
      m.wait += x.mean_wait_ms;
      m.wait95 += x.wait_p95_ms;
      m.wait99 += x.wait_p99_ms;
      m.waited_runs += 1;
    }
    m.arrivals += x.arrivals;
    m.completions += x.completions;
    m.rejected += x.rejected;
  }

  // Time series: sums per interval over the replications with a value there (NaN is none).
  if (first) {
    s.first_series = run.timeseries;
    for (const auto& [name, values] : s.first_series.series) {
      s.series.emplace(name, SeriesMerge{std::vector<double>(values.size(), 0.0), std::vector<std::size_t>(values.size(), 0)});
    }
  }
  const std::size_t points = s.first_series.t_s.size();
  // A per-code count series may exist in some replications only: the union, and the
  // replications before it appeared count as 0.
  for (const auto& [name, values] : run.timeseries.series) {
    if (series::is_status_count(name) && !s.series.count(name)) {
      s.series.emplace(name, SeriesMerge{std::vector<double>(points, 0.0), std::vector<std::size_t>(points, index)});
    }
  }
  for (auto& [name, m] : s.series) {
    const auto it = run.timeseries.series.find(name);
    if (it == run.timeseries.series.end()) {
      if (series::is_status_count(name)) {
        for (auto& n : m.n) ++n;
      }
      continue;
    }
    for (std::size_t i = 0; i < m.sum.size() && i < it->second.size(); ++i) {
      if (std::isnan(it->second[i])) continue;
      m.sum[i] += it->second[i];
      ++m.n[i];
    }
  }
  if (first) s.events = std::move(run.events);

  if (first) s.sections.emplace(run.sections);
  s.sections->add(run.sections);

  // Usage: replication 0's is kept as it is until a second one arrives, then summed.
  if (first) {
    s.first_usage = std::move(run.usage);
  } else if (s.first_usage) {
    if (!s.usage_sum) {
      s.usage_sum.emplace();
      s.usage_sum->merge(*s.first_usage);
    }
    if (run.usage) s.usage_sum->merge(*run.usage);
  }
}

std::optional<cost::Usage> ReplicationMerger::mean_usage() const {
  const State& s = *state_;
  if (!s.first_usage) return std::nullopt;
  if (replications_ == 1) return s.first_usage;
  cost::Usage merged = *s.usage_sum;
  merged.scale(1.0 / static_cast<double>(replications_));
  return merged;
}

reports::Result ReplicationMerger::finish() {
  State& s = *state_;
  reports::Result r;
  r.kind = "sim";
  r.scenario = s.info.scenario;
  r.seed = s.info.seed;
  r.replications = replications_;
  r.warmup_s = s.info.warmup_s;
  if (replications_ == 0) return r;
  const double span = s.span;
  r.duration_s = span;
  const double reps = static_cast<double>(replications_);

  r.requests = s.requests;
  r.latency_histogram = std::move(s.latency);
  r.throughput_rps = span > 0 ? completed(r.requests) / (span * reps) : 0.0;
  r.ok_throughput_rps = span > 0 ? static_cast<double>(r.requests.ok) / (span * reps) : 0.0;
  r.latency_ms = reports::LatencySummary::from(r.latency_histogram);
  if (replications_ >= 2) {
    for (const auto& [metric, samples] : s.samples) samples.write(r.ci95, metric, replications_);
    for (const auto& c : s.classes) {
      for (std::size_t k = 0; k < kClassMetrics.size(); ++k) {
        c.samples[k].write(r.ci95, "classes." + c.name + "." + kClassMetrics[k], replications_);
      }
    }
    for (const char* k : {"mean", "p50", "p95", "p99"}) {
      const auto it = r.ci95.find(std::string("latency_ms.") + k);
      if (it != r.ci95.end()) r.latency_ms_ci95[k] = it->second;
    }
  }

  for (auto& c : s.classes) {
    reports::ClassResult cr;
    cr.requests = c.requests;
    cr.histogram = std::move(c.histogram);
    cr.throughput_rps = span > 0 ? completed(cr.requests) / (span * reps) : 0.0;
    cr.ok_throughput_rps = span > 0 ? static_cast<double>(cr.requests.ok) / (span * reps) : 0.0;
    cr.latency_ms = reports::LatencySummary::from(cr.histogram);
    r.classes.emplace(c.name, std::move(cr));
  }
  s.classes.clear();

  for (const auto& [name, m] : s.stations) {
    reports::StationResult st = m.first;
    st.utilization = m.util / reps;
    st.mean_queue = m.queue / reps;
    st.mean_in_system = m.present / reps;
    st.mean_wait_ms = m.waited_runs > 0 ? m.wait / m.waited_runs : reports::kNoSamples;
    st.wait_p95_ms = m.waited_runs > 0 ? m.wait95 / m.waited_runs : reports::kNoSamples;
    st.wait_p99_ms = m.waited_runs > 0 ? m.wait99 / m.waited_runs : reports::kNoSamples;
    st.arrivals = m.arrivals;
    st.completions = m.completions;
    st.rejected = m.rejected;
    r.stations.emplace(name, st);
  }

  // Time series: per-interval mean over replications (NaN where no replication has a value);
  // one replication's series are kept as they were.
  r.timeseries = std::move(s.first_series);
  if (replications_ > 1) {
    for (const auto& [name, m] : s.series) {
      auto& values = r.timeseries.series[name];
      values.resize(m.sum.size());
      for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = m.n[i] ? m.sum[i] / static_cast<double>(m.n[i]) : std::numeric_limits<double>::quiet_NaN();
      }
    }
  }
  r.events = std::move(s.events);
  r.sections = s.sections->mean();
  return r;
}

}  // namespace loadcast::models
