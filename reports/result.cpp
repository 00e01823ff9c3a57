#include "reports/result.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "reports/field_list.hpp"
#include "reports/run_outputs.hpp"

namespace loadcast::reports {

namespace {

// Each struct's fields in the order of their keys in result.json.
constexpr auto kCountFields =
    std::tuple{field("total", &RequestCounts::total),       field("ok", &RequestCounts::ok),
               field("errors", &RequestCounts::errors),     field("timeouts", &RequestCounts::timeouts),
               field("dropped", &RequestCounts::dropped),   field("in_flight", &RequestCounts::in_flight)};
constexpr auto kLatencyFields =
    std::tuple{field("mean", &LatencySummary::mean), field("p50", &LatencySummary::p50), field("p90", &LatencySummary::p90),
               field("p95", &LatencySummary::p95),   field("p99", &LatencySummary::p99), field("p999", &LatencySummary::p999),
               field("max", &LatencySummary::max)};
constexpr auto kStationFields = std::tuple{
    field("servers", &StationResult::servers),         field("discipline", &StationResult::discipline),
    field("utilization", &StationResult::utilization), field("mean_queue", &StationResult::mean_queue),
    field("mean_in_system", &StationResult::mean_in_system), field("mean_wait_ms", &StationResult::mean_wait_ms),
    field("wait_p95_ms", &StationResult::wait_p95_ms), field("wait_p99_ms", &StationResult::wait_p99_ms),
    field("arrivals", &StationResult::arrivals),       field("completions", &StationResult::completions),
    field("rejected", &StationResult::rejected)};

}  // namespace

void RequestCounts::merge(const RequestCounts& o) {
  for_each_field(kCountFields, [&](const auto& f) { this->*f.member += o.*f.member; });
  for (const auto& [k, v] : o.by_status) by_status[k] += v;
  for (const auto& [k, v] : o.by_cause) by_cause[k] += v;
}

LatencySummary LatencySummary::from(const Histogram& h) {
  LatencySummary s;
  if (h.empty()) return s;
  const auto p = h.percentiles({50.0, 90.0, 95.0, 99.0, 99.9});
  s.mean = h.mean() * 1e-6;
  s.p50 = p[0] * 1e-6;
  s.p90 = p[1] * 1e-6;
  s.p95 = p[2] * 1e-6;
  s.p99 = p[3] * 1e-6;
  s.p999 = p[4] * 1e-6;
  s.max = static_cast<double>(h.max()) * 1e-6;
  return s;
}

namespace {

Json number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

// The fields of `object` in `j`, in list order; a double without samples (NaN) is null.
template <typename Fields, typename T>
void write_fields(Json& j, const Fields& fields, const T& object) {
  for_each_field(fields, [&](const auto& f) {
    const auto& v = object.*f.member;
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, double>) {
      j[f.key] = number(v);
    } else {
      j[f.key] = v;
    }
  });
}

Json counts_json(const RequestCounts& c) {
  Json j;
  write_fields(j, kCountFields, c);
  j["error_rate"] = c.error_rate();
  j["by_status"] = Json::object();
  for (const auto& [k, v] : c.by_status) j["by_status"][k] = v;
  j["by_cause"] = Json::object();
  for (const auto& [k, v] : c.by_cause) j["by_cause"][k] = v;
  return j;
}

// Reading: every access names the key path on failure.
struct Reader {
  std::string path;
  const Json& j;

  const Json& at(const std::string& key) const {
    if (!j.is_object() || !j.contains(key)) throw std::runtime_error("missing key '" + join(key) + "'");
    return j.at(key);
  }
  std::string join(const std::string& key) const { return path.empty() ? key : path + "." + key; }
  Reader sub(const std::string& key) const { return Reader{join(key), at(key)}; }
  bool has(const std::string& key) const { return j.is_object() && j.contains(key) && !j.at(key).is_null(); }

  double num(const std::string& key, double fallback = 0.0) const {
    if (!has(key)) return fallback;
    const Json& v = j.at(key);
    if (!v.is_number()) throw std::runtime_error("'" + join(key) + "' must be a number");
    return v.get<double>();
  }
  std::uint64_t u64(const std::string& key, std::uint64_t fallback = 0) const {
    if (!has(key)) return fallback;
    const Json& v = j.at(key);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
      throw std::runtime_error("'" + join(key) + "' must be a non-negative integer");
    }
    return v.get<std::uint64_t>();
  }
  std::string str(const std::string& key, const std::string& fallback = {}) const {
    if (!has(key)) return fallback;
    const Json& v = j.at(key);
    if (!v.is_string()) throw std::runtime_error("'" + join(key) + "' must be a string");
    return v.get<std::string>();
  }
  // The fields of a list into `object`, each read by its type; absent ones keep their value.
  template <typename Fields, typename T>
  void read_fields(const Fields& fields, T& object) const {
    for_each_field(fields, [&](const auto& f) {
      auto& v = object.*f.member;
      using M = std::decay_t<decltype(v)>;
      if constexpr (std::is_same_v<M, std::uint64_t>) {
        v = u64(f.key, v);
      } else if constexpr (std::is_same_v<M, double>) {
        v = num(f.key, v);
      } else {
        v = str(f.key, v);
      }
    });
  }
};

RequestCounts read_counts(const Reader& r) {
  RequestCounts c;
  r.read_fields(kCountFields, c);
  if (r.has("by_status")) {
    for (const auto& [k, v] : r.at("by_status").items()) c.by_status[k] = v.get<std::uint64_t>();
  }
  if (r.has("by_cause")) {
    for (const auto& [k, v] : r.at("by_cause").items()) c.by_cause[k] = v.get<std::uint64_t>();
  }
  return c;
}

LatencySummary read_latency(const Reader& r) {
  LatencySummary l;
  r.read_fields(kLatencyFields, l);
  return l;
}

Histogram read_histogram(const Reader& r, const std::string& key) {
  const std::string text = r.str(key);
  auto h = Histogram::parse(text);
  if (!h) throw std::runtime_error("'" + r.join(key) + "' is not a serialized loadcast histogram");
  return *h;
}

}  // namespace

Json latency_json(const LatencySummary& l) {
  Json j;
  write_fields(j, kLatencyFields, l);
  return j;
}

Json Result::to_json() const {
  Json j;
  j["schema"] = schema;
  j["kind"] = kind;
  j["scenario"] = scenario;
  j["seed"] = seed;
  j["replications"] = replications;
  j["duration_s"] = duration_s;
  j["warmup_s"] = warmup_s;
  j["requests"] = counts_json(requests);
  j["throughput_rps"] = throughput_rps;
  j["ok_throughput_rps"] = ok_throughput_rps;
  j["latency_ms"] = latency_json(latency_ms);
  if (!latency_ms_ci95.empty()) {
    Json ci = Json::object();
    for (const auto& [k, v] : latency_ms_ci95) ci[k] = Json::array({v.low, v.high});
    j["latency_ms_ci95"] = ci;
  }
  if (!ci95.empty()) {
    Json ci = Json::object();
    for (const auto& [k, v] : ci95) ci[k] = Json::array({v.low, v.high});
    j["ci95"] = ci;
  }
  Json cls = Json::object();
  for (const auto& [name, c] : classes) {
    cls[name] = Json{{"requests", counts_json(c.requests)},
                     {"throughput_rps", c.throughput_rps},
                     {"ok_throughput_rps", c.ok_throughput_rps},
                     {"latency_ms", latency_json(c.latency_ms)}};
  }
  j["classes"] = cls;
  Json st = Json::object();
  for (const auto& [name, s] : stations) write_fields(st[name], kStationFields, s);
  j["stations"] = st;
  for (const auto& [k, v] : sections.items()) j[k] = v;
  Json ev = Json::array();
  for (const auto& e : events) {
    Json o{{"t_s", e.t_s}, {"type", e.type}, {"target", e.target}};
    if (e.from) o["from"] = *e.from;
    if (e.to) o["to"] = *e.to;
    if (!e.reason.empty()) o["reason"] = e.reason;
    ev.push_back(std::move(o));
  }
  j["events"] = ev;
  Json ts;
  ts["interval_s"] = timeseries.interval_s;
  ts["t_s"] = timeseries.t_s;
  ts["series"] = Json::object();
  for (const auto& [name, values] : timeseries.series) {
    Json arr = Json::array();
    for (double v : values) arr.push_back(number(v));
    ts["series"][name] = std::move(arr);
  }
  j["timeseries"] = ts;
  Json th = Json::array();
  for (const auto& t : thresholds) {
    Json o{{"expr", t.expr}, {"value", number(t.value)}, {"ok", t.ok}};
    if (!t.detail.empty()) o["detail"] = t.detail;
    th.push_back(std::move(o));
  }
  j["thresholds"] = th;
  Json hist = Json::object();
  hist["latency"] = latency_histogram.serialize();
  for (const auto& [name, c] : classes) hist["class:" + name] = c.histogram.serialize();
  j["histograms"] = hist;
  return j;
}

Result Result::from_json(const Json& j) {
  static const char* kKnown[] = {"schema", "kind", "scenario", "seed", "replications", "duration_s", "warmup_s",
                                 "requests", "throughput_rps", "ok_throughput_rps", "latency_ms", "latency_ms_ci95", "ci95", "classes",
                                 "stations", "events", "timeseries", "thresholds", "histograms"};
  const Reader r{"", j};
  Result out;
  out.schema = r.str("schema");
  if (out.schema != kResultSchema) throw std::runtime_error("schema is '" + out.schema + "', expected " + kResultSchema);
  out.kind = r.str("kind", "sim");
  out.scenario = r.str("scenario");
  out.seed = r.u64("seed");
  out.replications = r.u64("replications", 1);
  out.duration_s = r.num("duration_s");
  out.warmup_s = r.num("warmup_s");
  out.requests = read_counts(r.sub("requests"));
  out.throughput_rps = r.num("throughput_rps");
  // Results written before ok_throughput_rps existed: the successes over the measured span.
  const double fallback_ok = out.duration_s > 0 ? static_cast<double>(out.requests.ok) /
                                                       (out.duration_s * static_cast<double>(std::max<std::uint64_t>(out.replications, 1)))
                                                 : 0.0;
  out.ok_throughput_rps = r.num("ok_throughput_rps", fallback_ok);
  out.latency_ms = read_latency(r.sub("latency_ms"));
  if (r.has("latency_ms_ci95")) {
    for (const auto& [k, v] : r.at("latency_ms_ci95").items()) {
      if (!v.is_array() || v.size() != 2) throw std::runtime_error("'latency_ms_ci95." + k + "' must be [low, high]");
      out.latency_ms_ci95[k] = Interval95{v[0].get<double>(), v[1].get<double>()};
    }
  }
  if (r.has("ci95")) {
    for (const auto& [k, v] : r.at("ci95").items()) {
      if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number()) {
        throw std::runtime_error("'ci95." + k + "' must be [low, high]");
      }
      out.ci95[k] = Interval95{v[0].get<double>(), v[1].get<double>()};
    }
  }
  const Reader hist = r.has("histograms") ? r.sub("histograms") : Reader{"histograms", Json::object()};
  if (hist.has("latency")) out.latency_histogram = read_histogram(hist, "latency");
  if (r.has("classes")) {
    const Reader cls = r.sub("classes");
    for (const auto& [name, v] : cls.j.items()) {
      const Reader c = cls.sub(name);
      ClassResult cr;
      cr.requests = read_counts(c.sub("requests"));
      cr.throughput_rps = c.num("throughput_rps");
      cr.ok_throughput_rps = c.num("ok_throughput_rps", out.duration_s > 0 ? static_cast<double>(cr.requests.ok) /
                                                                                 (out.duration_s * static_cast<double>(std::max<std::uint64_t>(out.replications, 1)))
                                                                           : 0.0);
      cr.latency_ms = read_latency(c.sub("latency_ms"));
      if (hist.has("class:" + name)) cr.histogram = read_histogram(hist, "class:" + name);
      out.classes.emplace(name, std::move(cr));
    }
  }
  if (r.has("stations")) {
    const Reader st = r.sub("stations");
    for (const auto& [name, v] : st.j.items()) {
      StationResult sr;
      st.sub(name).read_fields(kStationFields, sr);
      out.stations.emplace(name, sr);
    }
  }
  if (r.has("events")) {
    for (const auto& e : r.at("events")) {
      const Reader er{"events[]", e};
      Event ev;
      ev.t_s = er.num("t_s");
      ev.type = er.str("type");
      ev.target = er.str("target");
      if (er.has("from")) ev.from = er.num("from");
      if (er.has("to")) ev.to = er.num("to");
      ev.reason = er.str("reason");
      out.events.push_back(std::move(ev));
    }
  }
  if (r.has("timeseries")) {
    const Reader ts = r.sub("timeseries");
    out.timeseries.interval_s = ts.num("interval_s", 60.0);
    if (ts.has("t_s")) out.timeseries.t_s = ts.at("t_s").get<std::vector<double>>();
    if (ts.has("series")) {
      for (const auto& [name, arr] : ts.at("series").items()) {
        std::vector<double> values;
        values.reserve(arr.size());
        for (const auto& v : arr) values.push_back(v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>());
        out.timeseries.series[name] = std::move(values);
      }
    }
  }
  if (r.has("thresholds")) {
    for (const auto& t : r.at("thresholds")) {
      const Reader tr{"thresholds[]", t};
      ThresholdVerdict v;
      v.expr = tr.str("expr");
      v.value = tr.num("value", std::numeric_limits<double>::quiet_NaN());
      v.ok = t.contains("ok") && t.at("ok").is_boolean() && t.at("ok").get<bool>();
      v.detail = tr.str("detail");
      out.thresholds.push_back(std::move(v));
    }
  }
  for (const auto& [k, v] : j.items()) {
    bool known = false;
    for (const char* name : kKnown) known = known || k == name;
    if (!known) out.sections[k] = v;
  }
  return out;
}

Result load_result(const std::string& path) {
  const std::string text = read_result_text(path);
  Json j;
  try {
    j = Json::parse(text);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  try {
    return Result::from_json(j);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

void save_result(const Result& r, const std::string& path) { write_text_file(path, r.to_json().dump(2) + "\n"); }

}  // namespace loadcast::reports
