#include "loadgen/load_result.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "reports/field_list.hpp"
#include "reports/format.hpp"

namespace loadcast::loadgen {

namespace {

using reports::field;
using reports::Json;

// The plain fields of the `load` section, each list in the order its keys are written; the
// section interleaves them with derived values (rates, accounting, generator figures).
constexpr auto kRunFields = std::tuple{field("model", &LoadInfo::model),         field("engine", &LoadInfo::engine),
                                       field("target", &LoadInfo::target),       field("threads", &LoadInfo::threads),
                                       field("connections", &LoadInfo::connections), field("overload", &LoadInfo::overload),
                                       field("max_backlog", &LoadInfo::max_backlog)};
constexpr auto kShardFields = std::tuple{field("count", &LoadInfo::shards), field("indices", &LoadInfo::shard_indices),
                                         field("start_epoch", &LoadInfo::start_epoch)};
constexpr auto kScheduleFields = std::tuple{field("users", &LoadInfo::users), field("drain_s", &LoadInfo::drain_s),
                                            field("fingerprint", &LoadInfo::fingerprint),
                                            field("target_rps", &LoadInfo::target_rps)};
constexpr auto kEndFields = std::tuple{field("connections_open_peak", &LoadInfo::open_connections_peak),
                                       field("preconnect_failures", &LoadInfo::preconnect_failures),
                                       field("stopped_early", &LoadInfo::stopped_early)};
// Counters of LoadTotals: added by add(), written to and read from the section.
constexpr auto kCounterFields =
    std::tuple{field("sent", &LoadTotals::sent), field("sent_in_window", &LoadTotals::sent_in_window),
               field("backlogged", &LoadTotals::backlogged), field("sent_late", &LoadTotals::sent_late),
               field("bytes", &LoadTotals::bytes)};

constexpr double kSaturatedUtilization = 0.95;
constexpr double kSaturatedLagMs = 10.0;
// Share of the scheduled requests that may be sent late or not in the window before it is
// worth a warning (the last arrivals of a window can fall just past its end).
constexpr double kRateTolerance = 0.01;

// p50, p99, max in ms; null without a sample.
Json lag_json(const reports::Histogram& h) {
  if (h.empty()) return Json{{"p50", nullptr}, {"p99", nullptr}, {"max", nullptr}};
  return Json{{"p50", h.percentile(50.0) * 1e-6}, {"p99", h.percentile(99.0) * 1e-6},
              {"max", static_cast<double>(h.max()) * 1e-6}};
}

using reports::fmt;

const Json& need(const Json& j, const std::string& key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw std::runtime_error("missing key '" + where + key + "'");
  return j.at(key);
}

// A class's Server-Timing durations: per metric name its count and mean (what `loadcast merge`
// adds back as count x mean).
Json server_timing_json(const ServerTimingStats& st) {
  Json metrics = Json::object();
  for (const auto& m : st.metrics) metrics[m.name] = Json{{"count", m.count}, {"mean_ms", m.sum_ms / static_cast<double>(m.count)}};
  return Json{{"responses", st.responses}, {"malformed", st.malformed}, {"unlisted", st.unlisted}, {"metrics", std::move(metrics)}};
}

ServerTimingStats server_timing_from_json(const Json& j, const std::string& where) {
  ServerTimingStats st;
  st.responses = need(j, "responses", where).get<std::uint64_t>();
  st.malformed = need(j, "malformed", where).get<std::uint64_t>();
  st.unlisted = need(j, "unlisted", where).get<std::uint64_t>();
  const Json& metrics = need(j, "metrics", where);
  if (!metrics.is_object()) throw std::runtime_error(where + "metrics must be an object");
  for (const auto& [name, m] : metrics.items()) {
    const auto count = need(m, "count", where + "metrics." + name + ".").get<std::uint64_t>();
    const double mean = need(m, "mean_ms", where + "metrics." + name + ".").get<double>();
    st.add_metric(name, count, mean * static_cast<double>(count));
  }
  return st;
}

template <typename Fields, typename T>
void write_fields(Json& j, const Fields& fields, const T& object) {
  reports::for_each_field(fields, [&](const auto& f) {
    const auto& v = object.*f.member;
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::optional<double>>) {
      j[f.key] = v ? Json(*v) : Json(nullptr);
    } else {
      j[f.key] = v;
    }
  });
}

// Every field is required; `where` is the key path of `j` with a trailing dot ("load.shard.").
template <typename Fields, typename T>
void read_fields(const Json& j, const std::string& where, const Fields& fields, T& object) {
  reports::for_each_field(fields, [&](const auto& f) {
    auto& v = object.*f.member;
    using M = std::decay_t<decltype(v)>;
    const Json& x = need(j, f.key, where);
    if constexpr (std::is_same_v<M, std::optional<double>>) {
      if (!x.is_null()) v = x.get<double>();
    } else {
      v = x.get<M>();
    }
  });
}

reports::Histogram parse_hist(const Json& j, const std::string& where) {
  if (!j.is_string()) throw std::runtime_error("'" + where + "' must be a serialized histogram");
  auto h = reports::Histogram::parse(j.get<std::string>());
  if (!h) throw std::runtime_error("'" + where + "' is not a serialized loadcast histogram");
  return *h;
}

Json rate_json(std::uint64_t passes, std::uint64_t fails) {
  const std::uint64_t n = passes + fails;
  return n == 0 ? Json(nullptr) : Json(static_cast<double>(passes) / static_cast<double>(n));
}

// mean, p50, p95, p99, max of a histogram of nanoseconds, in `unit` (1e-9: seconds, 1e-6: ms).
Json summary_json(const reports::Histogram& h, double unit) {
  if (h.empty()) return Json{{"mean", nullptr}, {"p50", nullptr}, {"p95", nullptr}, {"p99", nullptr}, {"max", nullptr}};
  const auto p = h.percentiles({50.0, 95.0, 99.0});
  return Json{{"mean", h.mean() * unit}, {"p50", p[0] * unit}, {"p95", p[1] * unit}, {"p99", p[2] * unit},
              {"max", static_cast<double>(h.max()) * unit}};
}

// The session counts of `st` (no steps, no histograms): what `sessions` and `flows.<name>` share.
Json session_counts(const FlowStats& st) {
  Json causes = Json::object();
  for (const auto& [k, v] : st.failed_by_cause) causes[k] = v;
  return Json{{"started", st.started},     {"completed", st.completed},  {"failed", st.failed},
              {"in_flight", st.in_flight}, {"dropped", st.dropped},      {"balanced", st.balanced()},
              {"failed_by_cause", causes}, {"duration_s", summary_json(st.duration, 1e-9)}};
}

void write_flows(reports::Result& r, const LoadTotals& totals) {
  Json flows = Json::object();
  FlowStats all;
  std::uint64_t passes = 0, fails = 0;
  Json by_check = Json::object();
  for (std::size_t f = 0; f < totals.flows.size(); ++f) {
    const FlowStats& st = totals.flows[f];
    all.started += st.started;
    all.completed += st.completed;
    all.failed += st.failed;
    all.in_flight += st.in_flight;
    all.dropped += st.dropped;
    for (const auto& [k, v] : st.failed_by_cause) all.failed_by_cause[k] += v;
    all.duration.merge(st.duration);
    Json j = session_counts(st);
    Json steps = Json::object();
    Json hists = Json{{"duration", st.duration.serialize()}};
    for (std::size_t k = 0; k < totals.step_names[f].size() && k < st.steps.size(); ++k) {
      const StepStats& s = st.steps[k];
      steps[totals.step_names[f][k]] =
          Json{{"requests", s.requests}, {"ok", s.ok}, {"failed", s.failed}, {"latency_ms", summary_json(s.latency, 1e-6)}};
      hists["step:" + totals.step_names[f][k]] = s.latency.serialize();
    }
    j["steps"] = std::move(steps);
    j["histograms"] = std::move(hists);
    flows[totals.flow_names[f]] = std::move(j);
    for (std::size_t k = 0; k < totals.check_names[f].size(); ++k) {
      const std::uint64_t p = k < st.check_passes.size() ? st.check_passes[k] : 0;
      const std::uint64_t x = k < st.check_fails.size() ? st.check_fails[k] : 0;
      passes += p;
      fails += x;
      by_check[totals.flow_names[f] + "." + totals.check_names[f][k]] = Json{{"passes", p}, {"fails", x}, {"rate", rate_json(p, x)}};
    }
  }
  r.sections["sessions"] = session_counts(all);
  r.sections["flows"] = std::move(flows);
  r.sections["checks"] = Json{{"passes", passes}, {"fails", fails}, {"rate", rate_json(passes, fails)}, {"by_check", by_check}};
}

void read_flows(const reports::Result& r, LoadTotals& t) {
  if (!r.sections.contains("flows")) return;
  const Json& by_check = need(need(r.sections, "checks", ""), "by_check", "checks.");
  for (const auto& [name, s] : r.sections.at("flows").items()) {
    const std::string where = "flows." + name + ".";
    std::vector<std::string> checks;
    const std::string prefix = name + ".";
    for (const auto& [key, v] : by_check.items()) {
      if (key.rfind(prefix, 0) == 0) checks.push_back(key.substr(prefix.size()));
    }
    std::vector<std::string> steps;
    for (const auto& [step, v] : need(s, "steps", where).items()) steps.push_back(step);
    t.add_flow(name, checks, steps);
    FlowStats& st = t.flows.back();
    st.started = need(s, "started", where).get<std::uint64_t>();
    st.completed = need(s, "completed", where).get<std::uint64_t>();
    st.failed = need(s, "failed", where).get<std::uint64_t>();
    st.in_flight = need(s, "in_flight", where).get<std::uint64_t>();
    st.dropped = need(s, "dropped", where).get<std::uint64_t>();
    for (const auto& [k, v] : need(s, "failed_by_cause", where).items()) st.failed_by_cause[k] = v.get<std::uint64_t>();
    const Json& hists = need(s, "histograms", where);
    st.duration = parse_hist(need(hists, "duration", where + "histograms."), where + "histograms.duration");
    for (std::size_t k = 0; k < steps.size(); ++k) {
      const Json& js = s.at("steps").at(steps[k]);
      const std::string sw = where + "steps." + steps[k] + ".";
      st.steps[k].requests = need(js, "requests", sw).get<std::uint64_t>();
      st.steps[k].ok = need(js, "ok", sw).get<std::uint64_t>();
      st.steps[k].failed = need(js, "failed", sw).get<std::uint64_t>();
      st.steps[k].latency = parse_hist(need(hists, "step:" + steps[k], where + "histograms."), where + "histograms.step");
    }
    for (std::size_t k = 0; k < checks.size(); ++k) {
      const Json& c = by_check.at(prefix + checks[k]);
      st.check_passes[k] = need(c, "passes", "checks.by_check.").get<std::uint64_t>();
      st.check_fails[k] = need(c, "fails", "checks.by_check.").get<std::uint64_t>();
    }
  }
}

}  // namespace

LoadTotals::LoadTotals(std::vector<std::string> names)
    : class_names(std::move(names)), classes(class_names.size()), class_in_flight(class_names.size(), 0) {}

void LoadTotals::add_flow(const std::string& name, const std::vector<std::string>& checks,
                          const std::vector<std::string>& steps) {
  flow_names.push_back(name);
  check_names.push_back(checks);
  step_names.push_back(steps);
  FlowStats st;
  st.check_passes.assign(checks.size(), 0);
  st.check_fails.assign(checks.size(), 0);
  st.steps.resize(steps.size());
  flows.push_back(std::move(st));
}

void LoadTotals::add_worker(const WorkerMetrics& w, const std::vector<std::uint64_t>& in_flight_by_class) {
  for (std::size_t f = 0; f < flows.size() && f < w.flows().size(); ++f) flows[f].add(w.flows()[f]);
  for (std::size_t c = 0; c < classes.size(); ++c) {
    classes[c].add(w.classes()[c]);
    class_in_flight[c] += in_flight_by_class[c];
  }
  uncorrected.merge(w.uncorrected());
  timer_lag.merge(w.lag());
  loop_lag.merge(w.loop_lag());
  for (const auto& [s, counts] : w.second_counts()) {
    auto& sec = seconds[s];
    sec.completions += counts.first;
    sec.failures += counts.second;
  }
  for (const auto& [s, by_class] : w.second_class_counts()) {
    auto& mine = seconds[s].class_completions;
    mine.resize(classes.size(), 0);
    for (std::size_t c = 0; c < by_class.size() && c < mine.size(); ++c) mine[c] += by_class[c];
  }
  for (const auto& [s, text] : w.second_histograms()) {
    if (auto h = reports::Histogram::parse(text)) seconds[s].latency.merge(*h);
  }
  sent += w.sent();
  sent_in_window += w.sent_in_window();
  bytes += w.bytes();
  backlogged += w.backlogged();
  sent_late += w.sent_late();
}

void LoadTotals::add(const LoadTotals& o) {
  std::vector<std::size_t> index_of(o.class_names.size());  // o's class -> ours
  for (std::size_t oc = 0; oc < o.class_names.size(); ++oc) {
    std::size_t c = 0;
    while (c < class_names.size() && class_names[c] != o.class_names[oc]) ++c;
    if (c == class_names.size()) {
      class_names.push_back(o.class_names[oc]);
      classes.emplace_back();
      class_in_flight.push_back(0);
    }
    classes[c].add(o.classes[oc]);
    class_in_flight[c] += o.class_in_flight[oc];
    index_of[oc] = c;
  }
  for (std::size_t of = 0; of < o.flow_names.size(); ++of) {
    std::size_t f = 0;
    while (f < flow_names.size() && flow_names[f] != o.flow_names[of]) ++f;
    if (f == flow_names.size()) add_flow(o.flow_names[of], o.check_names[of], o.step_names[of]);
    flows[f].add(o.flows[of]);
  }
  uncorrected.merge(o.uncorrected);
  timer_lag.merge(o.timer_lag);
  loop_lag.merge(o.loop_lag);
  for (const auto& [s, sec] : o.seconds) {
    auto& mine = seconds[s];
    mine.completions += sec.completions;
    mine.failures += sec.failures;
    mine.latency.merge(sec.latency);
    if (!sec.class_completions.empty()) mine.class_completions.resize(classes.size(), 0);
    for (std::size_t oc = 0; oc < sec.class_completions.size() && oc < index_of.size(); ++oc) {
      mine.class_completions[index_of[oc]] += sec.class_completions[oc];
    }
  }
  reports::for_each_field(kCounterFields, [&](const auto& f) { this->*f.member += o.*f.member; });
}

reports::RequestCounts LoadTotals::counts() const {
  reports::RequestCounts total;
  for (std::size_t c = 0; c < classes.size(); ++c) total.merge(classes[c].counts(class_in_flight[c]));
  return total;
}

bool assess(const LoadTotals& totals, LoadInfo& info) {
  bool saturated = false;
  const auto counts = totals.counts();
  if (info.max_thread_utilization >= kSaturatedUtilization) {
    saturated = true;
    info.warnings.push_back(fmt("a generator thread was busy %.0f%% of the time: the generator may be the bottleneck",
                                info.max_thread_utilization * 100.0));
  }
  const double lag_p99_ms = totals.timer_lag.percentile(99.0) * 1e-6;
  if (lag_p99_ms > kSaturatedLagMs) {
    saturated = true;
    info.warnings.push_back(fmt("send timers ran late (p99 %.1f ms): the generator could not keep the schedule", lag_p99_ms));
  }
  bool drops_told = false;
  if (info.model == "open" && info.duration_s > 0.0 && !info.stopped_early && counts.total > 0) {
    // What happened to the scheduled requests that were not sent on time.
    std::vector<std::string> why;
    const auto by = [&](const char* cause) {
      const auto it = counts.by_cause.find(cause);
      return it == counts.by_cause.end() ? std::uint64_t{0} : it->second;
    };
    const std::uint64_t full = by(cause_name(Cause::kBacklogFull));
    const std::uint64_t unsent = counts.dropped - full;
    if (full > 0) {
      why.push_back(std::to_string(full) + " dropped without being sent (" +
                    (info.overload == "drop" ? std::string("--on-overload drop") :
                                               "the backlog of " + std::to_string(info.max_backlog) + " was full") +
                    ")");
    }
    if (unsent > 0) {
      why.push_back(std::to_string(unsent) + " not sent when the run stopped (waiting for a connection)");
    }
    if (totals.backlogged > 0) {
      why.push_back(std::to_string(totals.backlogged) + " waited for a free connection (all " +
                    std::to_string(info.connections) +
                    (info.connect_backoffs > 0 ? " were busy or backing off after failed connects"
                                               : " were busy: raise -c, or the target is saturated") +
                    ")");
    }
    if (totals.sent_late > 0) {
      why.push_back(std::to_string(totals.sent_late) + " sent more than " +
                    std::to_string(kLateSend / sim::kMillisecond) +
                    " ms late with a connection free (the generator fell behind)");
    }
    std::string reasons;
    for (const auto& w : why) reasons += (reasons.empty() ? "" : "; ") + w;
    const double scheduled = static_cast<double>(counts.total);
    const double sent = static_cast<double>(totals.sent_in_window);
    const double not_on_time = static_cast<double>(counts.dropped + totals.backlogged + totals.sent_late);
    if (sent < (1.0 - kRateTolerance) * scheduled) {
      if (reasons.empty()) reasons = "the rest were still waiting when the window closed";
      info.warnings.push_back("target rate not met: " + std::to_string(totals.sent_in_window) + " of " +
                              std::to_string(counts.total) + " scheduled requests sent in the window (" +
                              fmt("%.1f", sent / info.duration_s) + fmt(" of %.1f req/s): ", scheduled / info.duration_s) +
                              reasons);
      drops_told = true;
    } else if (not_on_time > kRateTolerance * scheduled) {
      info.warnings.push_back("the rate was met, but not every request was sent on time: " + reasons);
      drops_told = true;
    }
  }
  if (counts.dropped > 0 && !drops_told) {
    info.warnings.push_back(std::to_string(counts.dropped) + " scheduled requests were dropped without being sent");
  }
  if (info.preconnect_failures > 0) {
    info.warnings.push_back(std::to_string(info.preconnect_failures) + " of " + std::to_string(info.connections) +
                            " connections could not be opened before the run");
  }
  if (!counts.balanced()) info.warnings.push_back("request accounting does not balance (a bug): please report it");
  if (counts.total > 0 && counts.ok == 0 && !info.stopped_early) {
    std::string causes;
    bool connect_only = !counts.by_cause.empty();
    for (const auto& [cause, n] : counts.by_cause) {
      causes += (causes.empty() ? "" : ", ") + cause + " " + std::to_string(n);
      // Never connected: connect failures, and requests never sent for want of a connection.
      connect_only = connect_only && (cause.rfind("connect_", 0) == 0 || cause == "fd_limit" ||
                                      cause == "backlog_full" || cause == "not_sent_at_stop");
    }
    info.warnings.push_back("no request succeeded (" + (causes.empty() ? std::string("nothing completed") : causes) + ")" +
                            (connect_only ? ": the target is unreachable" : ""));
  }
  return saturated;
}

reports::Result build_result(const LoadTotals& totals, const LoadInfo& info) {
  reports::Result r;
  r.kind = "load";
  r.scenario = info.scenario;
  r.seed = info.seed;
  r.replications = 1;
  r.duration_s = info.duration_s;
  r.warmup_s = info.warmup_s;
  r.requests = totals.counts();
  const double span = info.duration_s > 0.0 ? info.duration_s : 1.0;
  for (std::size_t c = 0; c < totals.classes.size(); ++c) {
    const auto& cs = totals.classes[c];
    reports::ClassResult cr;
    cr.requests = cs.counts(totals.class_in_flight[c]);
    cr.histogram = cs.latency;
    cr.latency_ms = reports::LatencySummary::from(cs.latency);
    // As the simulator: completions of any kind (not dropped, not in flight) per second.
    cr.throughput_rps = static_cast<double>(cr.requests.ok + cr.requests.errors + cr.requests.timeouts) / span;
    cr.ok_throughput_rps = static_cast<double>(cr.requests.ok) / span;
    r.latency_histogram.merge(cs.latency);
    r.classes.emplace(totals.class_names[c], std::move(cr));
  }
  r.throughput_rps = static_cast<double>(r.requests.ok + r.requests.errors + r.requests.timeouts) / span;
  r.ok_throughput_rps = static_cast<double>(r.requests.ok) / span;
  r.latency_ms = reports::LatencySummary::from(r.latency_histogram);

  // Per-second series: every whole second of the schedule, plus any drain seconds with data —
  // never more than the run can have (warm-up + duration + drain), whatever a corrupt clock or
  // start epoch recorded: a series is not allowed to grow to billions of rows.
  const double span_s = info.warmup_s + info.duration_s;
  std::int64_t seconds = static_cast<std::int64_t>(std::ceil(span_s - 1e-9));
  const auto cap = static_cast<std::int64_t>(std::ceil(span_s + std::max(0.0, info.drain_s) - 1e-9));
  if (!totals.seconds.empty()) seconds = std::min(cap, std::max(seconds, totals.seconds.rbegin()->first + 1));
  r.timeseries.interval_s = 1.0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto& rps = r.timeseries.series["requests_per_s"];
  auto& eps = r.timeseries.series["errors_per_s"];
  auto& mean_ms = r.timeseries.series["latency_mean_ms"];  // with requests_per_s: Little's law per second
  auto& p50 = r.timeseries.series["latency_p50_ms"];
  auto& p95 = r.timeseries.series["latency_p95_ms"];
  auto& p99 = r.timeseries.series["latency_p99_ms"];
  // Per-class completions per second, as the simulator writes them with several classes.
  const bool per_class = totals.classes.size() > 1;
  std::vector<std::vector<double>*> class_rps;
  if (per_class) {
    for (const auto& name : totals.class_names) class_rps.push_back(&r.timeseries.series["classes." + name + ".requests_per_s"]);
  }
  Json ps_class = Json::object();
  if (per_class) {
    for (const auto& name : totals.class_names) ps_class[name] = Json::array();
  }
  Json ps_t = Json::array(), ps_resp = Json::array(), ps_fail = Json::array(), ps_hist = Json::array();
  for (std::int64_t s = 0; s < seconds; ++s) {
    r.timeseries.t_s.push_back(static_cast<double>(s));
    const auto it = totals.seconds.find(s);
    for (std::size_t c = 0; c < class_rps.size(); ++c) {
      const bool any = it != totals.seconds.end() && c < it->second.class_completions.size();
      class_rps[c]->push_back(any ? static_cast<double>(it->second.class_completions[c]) : 0.0);
    }
    if (it == totals.seconds.end()) {
      rps.push_back(0.0);
      eps.push_back(0.0);
      mean_ms.push_back(nan);
      p50.push_back(nan);
      p95.push_back(nan);
      p99.push_back(nan);
      continue;
    }
    const auto& sec = it->second;
    rps.push_back(static_cast<double>(sec.completions));
    eps.push_back(static_cast<double>(sec.failures));
    if (sec.latency.empty()) {
      mean_ms.push_back(nan);
      p50.push_back(nan);
      p95.push_back(nan);
      p99.push_back(nan);
    } else {
      mean_ms.push_back(sec.latency.mean() * 1e-6);
      const auto p = sec.latency.percentiles({50.0, 95.0, 99.0});
      p50.push_back(p[0] * 1e-6);
      p95.push_back(p[1] * 1e-6);
      p99.push_back(p[2] * 1e-6);
    }
    ps_t.push_back(s);
    ps_resp.push_back(sec.completions);
    ps_fail.push_back(sec.failures);
    ps_hist.push_back(sec.latency.serialize());
    for (std::size_t c = 0; c < class_rps.size(); ++c) {
      ps_class[totals.class_names[c]].push_back(c < sec.class_completions.size() ? sec.class_completions[c] : std::uint64_t{0});
    }
  }

  const auto& c = r.requests;
  Json load;
  write_fields(load, kRunFields, info);
  write_fields(load["shard"], kShardFields, info);
  write_fields(load, kScheduleFields, info);
  load["started_epoch"] = info.started_epoch ? Json(*info.started_epoch) : Json(nullptr);
  load["scheduled_rps"] = info.model == "open" ? static_cast<double>(c.total) / span : 0.0;
  load["achieved_rps"] = static_cast<double>(totals.sent_in_window) / span;
  write_fields(load, kCounterFields, totals);
  load["accounting"] = Json{{"scheduled", c.total}, {"ok", c.ok},         {"errors", c.errors},
                            {"timeouts", c.timeouts}, {"dropped", c.dropped}, {"in_flight", c.in_flight},
                            {"balanced", c.balanced()}};
  load["latency_uncorrected_ms"] = reports::latency_json(reports::LatencySummary::from(totals.uncorrected));
  load["timer_lag_ms"] = lag_json(totals.timer_lag);
  load["loop_lag_ms"] = lag_json(totals.loop_lag);
  load["generator"] = Json{{"cpu_s", info.cpu_s},
                           {"wall_s", info.wall_s},
                           {"cpu_cores", info.wall_s > 0.0 ? info.cpu_s / info.wall_s : 0.0},
                           {"max_thread_utilization", info.max_thread_utilization},
                           {"rss_peak_kib", info.rss_peak_kib},
                           {"fds_needed", info.fds_needed},
                           {"fd_limit", info.fd_limit},
                           {"fd_limit_raised_from", info.fd_limit_raised_from}};
  LoadInfo assessed = info;
  assessed.warnings.clear();
  const bool saturated = assess(totals, assessed);
  load["generator_saturated"] = saturated;
  load["warnings"] = assessed.warnings;
  write_fields(load, kEndFields, info);
  load["connect_backoffs"] = info.connect_backoffs;
  write_fields(load["connection_events"], kConnectionEventFields, info.connection_events);
  if (!info.expect_status.empty()) load["expect_status"] = info.expect_status;
  Json unexpected = Json::object();
  for (std::size_t k = 0; k < totals.classes.size(); ++k) {
    const auto e = info.expect_status.find(totals.class_names[k]);
    const int expected = e != info.expect_status.end() ? e->second : 0;
    Json got = Json::object();
    const auto& statuses = totals.classes[k].statuses;
    for (std::size_t code = 1; code < statuses.size(); ++code) {
      if (statuses[code] > 0 && cause_of_status(static_cast<int>(code), expected) != Cause::kNone) {
        got[std::to_string(code)] = statuses[code];
      }
    }
    if (!got.empty()) unexpected[totals.class_names[k]] = Json{{"expected", expected > 0 ? Json(expected) : Json(nullptr)}, {"got", got}};
  }
  load["unexpected_statuses"] = unexpected;
  Json timing = Json::object();
  for (std::size_t k = 0; k < totals.classes.size(); ++k) {
    if (!totals.classes[k].server_timing.empty()) timing[totals.class_names[k]] = server_timing_json(totals.classes[k].server_timing);
  }
  load["server_timing"] = std::move(timing);
  load["histograms"] = Json{{"uncorrected", totals.uncorrected.serialize()},
                            {"timer_lag", totals.timer_lag.serialize()},
                            {"loop_lag", totals.loop_lag.serialize()}};
  load["per_second"] = Json{{"t_s", ps_t}, {"completions", ps_resp}, {"failures", ps_fail}, {"latency", ps_hist}};
  if (per_class) load["per_second"]["class_completions"] = std::move(ps_class);
  r.sections["load"] = std::move(load);
  if (!totals.flows.empty()) write_flows(r, totals);
  return r;
}

LoadTotals totals_from_result(const reports::Result& r) {
  if (r.kind != "load") throw std::runtime_error("kind is '" + r.kind + "', expected 'load'");
  const Json& load = need(r.sections, "load", "");
  LoadTotals t;
  for (const auto& [name, cr] : r.classes) {
    t.class_names.push_back(name);
    ClassStats cs;
    cs.scheduled = cr.requests.total;
    cs.latency = cr.histogram;
    cs.causes[static_cast<std::size_t>(Cause::kNone)] = cr.requests.ok;
    for (const auto& [cause, n] : cr.requests.by_cause) {
      std::size_t i = 1;
      while (i < kCauseCount && cause != cause_name(static_cast<Cause>(i))) ++i;
      if (i == kCauseCount) throw std::runtime_error("classes." + name + ".requests.by_cause has unknown cause '" + cause + "'");
      cs.causes[i] = n;
    }
    for (const auto& [status, n] : cr.requests.by_status) {
      const int code = std::atoi(status.c_str());
      if (code <= 0 || static_cast<std::size_t>(code) >= kStatusSlots) {
        throw std::runtime_error("classes." + name + ".requests.by_status has bad status '" + status + "'");
      }
      cs.statuses[static_cast<std::size_t>(code)] = n;
    }
    t.classes.push_back(std::move(cs));
    t.class_in_flight.push_back(cr.requests.in_flight);
  }
  const Json& hist = need(load, "histograms", "load.");
  t.uncorrected = parse_hist(need(hist, "uncorrected", "load.histograms."), "load.histograms.uncorrected");
  t.timer_lag = parse_hist(need(hist, "timer_lag", "load.histograms."), "load.histograms.timer_lag");
  t.loop_lag = parse_hist(need(hist, "loop_lag", "load.histograms."), "load.histograms.loop_lag");
  const Json& ps = need(load, "per_second", "load.");
  const Json& ts = need(ps, "t_s", "load.per_second.");
  const Json& resp = need(ps, "completions", "load.per_second.");
  const Json& fail = need(ps, "failures", "load.per_second.");
  const Json& lat = need(ps, "latency", "load.per_second.");
  if (!ts.is_array() || resp.size() != ts.size() || fail.size() != ts.size() || lat.size() != ts.size()) {
    throw std::runtime_error("load.per_second arrays must have equal lengths");
  }
  // Results written before the per-class series have no class_completions.
  const Json* by_class = ps.contains("class_completions") ? &ps.at("class_completions") : nullptr;
  if (by_class != nullptr) {
    if (!by_class->is_object()) throw std::runtime_error("load.per_second.class_completions must be an object");
    for (const auto& [name, v] : by_class->items()) {
      if (!v.is_array() || v.size() != ts.size()) {
        throw std::runtime_error("load.per_second.class_completions." + name + " must be an array as long as load.per_second.t_s");
      }
      if (std::find(t.class_names.begin(), t.class_names.end(), name) == t.class_names.end()) {
        throw std::runtime_error("load.per_second.class_completions." + name + " names no class of the result");
      }
    }
  }
  for (std::size_t i = 0; i < ts.size(); ++i) {
    auto& sec = t.seconds[ts[i].get<std::int64_t>()];
    if (by_class != nullptr) {
      sec.class_completions.assign(t.class_names.size(), 0);
      for (std::size_t c = 0; c < t.class_names.size(); ++c) {
        if (by_class->contains(t.class_names[c])) sec.class_completions[c] = by_class->at(t.class_names[c])[i].get<std::uint64_t>();
      }
    }
    sec.completions = resp[i].get<std::uint64_t>();
    sec.failures = fail[i].get<std::uint64_t>();
    sec.latency = parse_hist(lat[i], "load.per_second.latency");
  }
  read_fields(load, "load.", kCounterFields, t);
  // Results written before Server-Timing was read have none.
  if (load.contains("server_timing")) {
    const Json& timing = load.at("server_timing");
    if (!timing.is_object()) throw std::runtime_error("load.server_timing must be an object");
    for (const auto& [name, st] : timing.items()) {
      const auto it = std::find(t.class_names.begin(), t.class_names.end(), name);
      if (it == t.class_names.end()) throw std::runtime_error("load.server_timing." + name + " names no class of the result");
      t.classes[static_cast<std::size_t>(it - t.class_names.begin())].server_timing = server_timing_from_json(st, "load.server_timing." + name + ".");
    }
  }
  read_flows(r, t);
  return t;
}

LoadInfo info_from_result(const reports::Result& r) {
  const Json& load = need(r.sections, "load", "");
  LoadInfo i;
  i.scenario = r.scenario;
  i.seed = r.seed;
  i.duration_s = r.duration_s;
  i.warmup_s = r.warmup_s;
  read_fields(load, "load.", kRunFields, i);
  read_fields(need(load, "shard", "load."), "load.shard.", kShardFields, i);
  read_fields(load, "load.", kScheduleFields, i);
  const Json& gen = need(load, "generator", "load.");
  i.cpu_s = need(gen, "cpu_s", "load.generator.").get<double>();
  i.wall_s = need(gen, "wall_s", "load.generator.").get<double>();
  i.max_thread_utilization = need(gen, "max_thread_utilization", "load.generator.").get<double>();
  i.rss_peak_kib = need(gen, "rss_peak_kib", "load.generator.").get<std::uint64_t>();
  // Results written before the descriptor check and the connect backoff have neither.
  if (gen.contains("fds_needed")) {
    i.fds_needed = gen.at("fds_needed").get<std::uint64_t>();
    i.fd_limit = need(gen, "fd_limit", "load.generator.").get<std::uint64_t>();
    i.fd_limit_raised_from = need(gen, "fd_limit_raised_from", "load.generator.").get<std::uint64_t>();
  }
  // Results written before the start time was recorded have none.
  if (load.contains("started_epoch") && load.at("started_epoch").is_number()) i.started_epoch = load.at("started_epoch").get<double>();
  if (load.contains("connect_backoffs")) i.connect_backoffs = load.at("connect_backoffs").get<std::uint64_t>();
  read_fields(load, "load.", kEndFields, i);
  // Results written before the native TLS and HTTP/2 engines have no connection events.
  if (load.contains("connection_events")) {
    read_fields(load["connection_events"], "load.connection_events.", kConnectionEventFields, i.connection_events);
  }
  if (load.contains("expect_status") && load.at("expect_status").is_object()) {
    for (const auto& [name, code] : load.at("expect_status").items()) i.expect_status[name] = code.get<int>();
  }
  return i;
}

}  // namespace loadcast::loadgen
