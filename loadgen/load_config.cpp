#include "loadgen/load_config.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "loadgen/clock.hpp"
#include "loadgen/curl_engine.hpp"
#include "loadgen/flow_plan.hpp"
#include "loadgen/request_plan.hpp"

namespace loadcast::loadgen {

namespace {

// FNV-1a, 64 bits: a stable digest of the schedule and classes (not a security measure).
class Digest {
 public:
  void add(std::string_view s) {
    for (char c : s) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= 0x100000001b3ULL;
    }
    add_separator();
  }
  void add(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    add(std::string_view(buf));
  }
  std::string hex() const {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_));
    return buf;
  }

 private:
  void add_separator() {
    hash_ ^= 0x1f;
    hash_ *= 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

void add_points(Digest& d, const std::vector<workload::RatePoint>& points) {
  for (const auto& p : points) {
    d.add(static_cast<double>(p.at));
    d.add(p.value);
  }
}

}  // namespace

const char* engine_name(EngineKind kind) {
  switch (kind) {
    case EngineKind::kHttp1: return "http1";
    case EngineKind::kHttp1Tls: return "http1-tls";
    case EngineKind::kHttp2Tls: return "http2";
    case EngineKind::kH2c: return "h2c";
    case EngineKind::kCurlHttp1: return "libcurl-http1.1";
    case EngineKind::kCurlHttp2: return "libcurl-http2";
  }
  return "?";
}

EngineKind LoadConfig::engine_kind() const {
  if (use_curl()) return engine.http2 ? EngineKind::kCurlHttp2 : EngineKind::kCurlHttp1;
  if (engine.http2) return target.tls() ? EngineKind::kHttp2Tls : EngineKind::kH2c;
  return target.tls() ? EngineKind::kHttp1Tls : EngineKind::kHttp1;
}

std::string start_at_problem(double epoch_s, double now_s) {
  char buf[200];
  if (!std::isfinite(epoch_s) || !(epoch_s > 0.0)) return "--start-at must be a Unix time in seconds";
  if (epoch_s > now_s + kMaxStartAheadS) {
    std::snprintf(buf, sizeof buf, "--start-at %.0f is %.3g s ahead, more than a day", epoch_s, epoch_s - now_s);
    std::string out = buf;
    if (epoch_s > 1e11) out += ": it looks like milliseconds; give Unix seconds, e.g. $(( $(date +%s) + 60 ))";
    return out;
  }
  if (epoch_s < now_s - kStartLateToleranceS) {
    std::snprintf(buf, sizeof buf, "--start-at %.3f is %.1f s in the past", epoch_s, now_s - epoch_s);
    return std::string(buf) + " (give every agent a start time ahead of its start-up)";
  }
  return {};
}

std::vector<std::string> LoadConfig::validate() const {
  std::vector<std::string> errors;
  if (duration <= 0) errors.push_back("the duration must be positive, got " + sim::format_duration(duration));
  if (warmup < 0 || warmup >= duration) errors.push_back("the warm-up (" + sim::format_duration(warmup) + ") must be at least 0s and shorter than the duration (" + sim::format_duration(duration) + ")");
  if (threads == 0) errors.push_back("--threads must be at least 1");
  if (threads > 256) errors.push_back("--threads must be at most 256, got " + std::to_string(threads));
  if (shards == 0 || shard >= shards) {
    errors.push_back("--shard i/N needs 0 <= i < N (got " + std::to_string(shard) + "/" + std::to_string(shards) + ")");
  }
  if (engine.timeout <= 0) errors.push_back("--timeout must be positive, got " + sim::format_duration(engine.timeout));
  if (drain && *drain < 0) errors.push_back("--drain must not be negative");
  if (engine.streams == 0) errors.push_back("--streams must be at least 1");
  if (workload.classes.empty()) errors.push_back("the workload has no request classes");
  if (const auto* open = std::get_if<workload::OpenWorkload>(&workload.model)) {
    if (connections == 0) errors.push_back("-c/--connections must be at least 1");
    if (!(open->rate.max_value() > 0.0)) errors.push_back("the arrival rate is zero throughout");
  } else {
    const auto& closed = std::get<workload::ClosedWorkload>(workload.model);
    if (!(closed.users.max_value() >= 1.0)) errors.push_back("the closed model needs at least one user");
    if (closed.users.max_value() > 1e6) errors.push_back("the closed model asks for more than 1,000,000 users");
  }
  if (start_at) {
    if (auto problem = start_at_problem(*start_at, wall_now_s()); !problem.empty()) errors.push_back(problem);
  }
  if (engine.http2 && use_curl()) {
    if (auto problem = curl_http2_problem(!target.tls()); !problem.empty()) errors.push_back(problem);
  }
  if (!engine.cacert.empty()) {
    std::ifstream in(engine.cacert);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (::access(engine.cacert.c_str(), R_OK) != 0 || !in) {
      errors.push_back("--cacert: cannot read '" + engine.cacert + "'");
    } else if (text.find("-----BEGIN CERTIFICATE-----") == std::string::npos &&
               text.find("-----BEGIN TRUSTED CERTIFICATE-----") == std::string::npos) {
      errors.push_back("--cacert: '" + engine.cacert + "' holds no PEM certificate");
    }
  }
  if (!workload.flows.empty()) {
    const EngineKind kind = engine_kind();
    if (kind != EngineKind::kHttp1 && kind != EngineKind::kHttp1Tls) {
      errors.push_back(std::string("workload.flows: the ") + engine_name(kind) +
                       " engine does not run flows; the native HTTP/1.1 engine does (http:// or https:// "
                       "without --http2 or --curl)");
    }
  }
  if (!workload.classes.empty()) {
    try {
      const FlowPlan flows = FlowPlan::build(workload.flows, workload.classes);
      (void)RequestPlan::build(target, workload.classes, flows.variables());
    } catch (const std::invalid_argument& e) {
      errors.push_back(e.what());
    }
  }
  return errors;
}

reports::Json LoadConfig::fingerprint() const {
  reports::Json f;
  f["seed"] = seed;
  Digest schedule;
  if (const auto* open = std::get_if<workload::OpenWorkload>(&workload.model)) {
    f["model"] = "open";
    f["arrivals"] = open->process == workload::ArrivalProcess::kPoisson ? "poisson" : "uniform";
    if (open->batch > 1) f["batch"] = open->batch;
    add_points(schedule, open->rate.points());
  } else {
    const auto& closed = std::get<workload::ClosedWorkload>(workload.model);
    f["model"] = "closed";
    f["arrivals"] = "users";
    add_points(schedule, closed.users.points());
    schedule.add(closed.think_time.describe());
  }
  f["schedule"] = schedule.hex();
  f["duration_s"] = sim::to_seconds(duration);
  f["warmup_s"] = sim::to_seconds(warmup);
  reports::Json names = reports::Json::array();
  Digest classes;
  for (const auto& c : workload.classes) {
    names.push_back(c.name);
    classes.add(c.name);
    classes.add(c.weight);
    classes.add(c.http.method);
    classes.add(c.http.path);
    classes.add(c.http.body);
    for (const auto& [k, v] : c.http.headers) {
      classes.add(k);
      classes.add(v);
    }
    for (const auto& p : c.http.params) {
      classes.add(p.name);
      classes.add(p.distribution ? p.distribution->describe() : std::string("values"));
      for (const auto& v : p.values) classes.add(v);
      classes.add(p.sequential ? "sequential" : "random");
    }
    classes.add(static_cast<double>(c.http.expect_status.value_or(0)));
  }
  f["classes"] = names;
  f["classes_hash"] = classes.hex();
  if (!workload.flows.empty()) {
    // Written only with flows, so the fingerprints of runs without them stay as they were.
    reports::Json flow_names = reports::Json::array();
    Digest flows;
    for (const auto& fl : workload.flows) {
      flow_names.push_back(fl.name);
      flows.add(fl.name);
      flows.add(fl.weight);
      for (const auto& st : fl.steps) {
        flows.add(st.name);
        flows.add(static_cast<double>(st.request));
      }
    }
    f["flows"] = flow_names;
    f["flows_hash"] = flows.hex();
  }
  return f;
}

}  // namespace loadcast::loadgen
