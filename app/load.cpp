#include "app/load.hpp"

#include <algorithm>
#include <cmath>

#include "loadgen/clock.hpp"
#include "loadgen/fd_limit.hpp"
#include "reports/findings.hpp"
#include "reports/format.hpp"
#include "reports/threshold.hpp"
#include "workload/schedule.hpp"

namespace loadcast::app {

namespace {

constexpr double kScenarioLatencyBudgetS = 0.25;
constexpr std::uint64_t kMinPool = 10;
constexpr std::uint64_t kMaxPool = 10000;
constexpr sim::Time kSampleInterval = 200 * sim::kMillisecond;

}  // namespace

loadgen::LoadConfig quick_load(const QuickRequest& request) {
  loadgen::LoadConfig config;
  const auto url = loadgen::parse_url(request.url);
  if (!url.value) throw UsageError("--url: " + url.error);
  loadgen::Url origin = *url.value;
  origin.target = "/";
  config.target = origin;
  config.label = url.value->text();
  workload::RequestClass rc;
  rc.name = "default";
  // An empty method was sent as GET; the other non-tokens are refused by the request's validation.
  if (request.method.empty()) throw UsageError("--method must not be empty (an HTTP method such as GET or POST)");
  rc.http.method = request.method;
  rc.http.path = url.value->target;
  rc.http.body = request.body;
  for (const auto& h : request.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) throw UsageError("-H/--header must be 'Name: value', got '" + h + "'");
    std::string value = h.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    rc.http.headers.emplace_back(h.substr(0, colon), value);
  }
  config.workload.classes.push_back(rc);
  return config;
}

void set_quick_model(loadgen::LoadConfig& config, const QuickModel& model) {
  if (model.rate) {
    const double rate = *model.rate;
    if (!(rate > 0.0) || rate > workload::kMaxRate) throw UsageError("--rate must be above 0 and at most 100000000 requests per second, got " + reports::format_value(rate));
    workload::OpenWorkload open;
    const std::string process = model.arrivals.value_or("uniform");
    if (process == "uniform") open.process = workload::ArrivalProcess::kUniform;
    else if (process == "poisson") open.process = workload::ArrivalProcess::kPoisson;
    else throw UsageError("--arrivals must be uniform or poisson, got '" + process + "'");
    open.rate = workload::RateSchedule({{0, rate}});
    config.workload.model = open;
    return;
  }
  if (model.arrivals) throw UsageError("--arrivals needs --rate (without a rate the model is closed)");
  if (model.overload_options) throw UsageError("--on-overload and --max-backlog need --rate");
  workload::ClosedWorkload closed;
  // wrk semantics: every connection loops; with HTTP/2 every stream does.
  closed.users = workload::UserSchedule({{0, static_cast<double>(config.connections * config.streams_per_connection())}});
  config.workload.model = closed;
}

std::uint64_t connection_pool(double peak_rps) {
  const auto pool = static_cast<std::uint64_t>(std::ceil(peak_rps * kScenarioLatencyBudgetS));
  return std::clamp<std::uint64_t>(pool, kMinPool, kMaxPool);
}

loadgen::LoadConfig scenario_load(const scenario::Scenario& sc, const std::string& target, bool connections_given) {
  loadgen::LoadConfig config;
  const auto url = loadgen::parse_url(target);
  if (!url.value) throw UsageError("--target: " + url.error);
  config.target = *url.value;
  config.workload = sc.workload;
  config.scenario = sc.name;
  config.duration = sc.duration;
  config.warmup = sc.warmup;
  config.seed = sc.seed;
  if (const auto* open = std::get_if<workload::OpenWorkload>(&sc.workload.model)) {
    config.connections = connection_pool(open->rate.max_value());
  } else if (connections_given) {
    throw UsageError("-c/--connections sizes the open model's pool; this scenario's closed model gives every user "
                     "its own connection (set workload.users, or --http2 --streams M to share connections)");
  }
  return config;
}

loadgen::ThresholdPlan check_load(const loadgen::LoadConfig& config, const std::vector<std::string>& scenario_thresholds,
                                  const std::vector<std::string>& explicit_thresholds) {
  if (const auto problems = config.validate(); !problems.empty()) throw UsageError(problems.front());
  try {
    return loadgen::plan_thresholds(scenario_thresholds, explicit_thresholds, loadgen::skeleton_result(config).to_json());
  } catch (const reports::ThresholdError& e) {
    throw UsageError(e.what());
  }
}

std::string ignored_proxy(const loadgen::LoadConfig& config, const std::function<const char*(const char*)>& env) {
  if (config.use_curl()) return {};
  const auto get = [&](const char* name) -> std::string {
    const char* v = env(name);
    return v == nullptr ? std::string() : std::string(v);
  };
  std::string name;
  std::string proxy;
  const auto pick = [&](std::initializer_list<const char*> names) {
    for (const char* n : names) {
      if (proxy.empty() && !(proxy = get(n)).empty()) name = n;
    }
  };
  // libcurl reads http_proxy in lower case only (an HTTP_PROXY header could set it in CGI).
  if (config.target.tls()) pick({"https_proxy", "HTTPS_PROXY"});
  else pick({"http_proxy"});
  pick({"all_proxy", "ALL_PROXY"});
  if (proxy.empty()) return {};
  std::string no_proxy = get("no_proxy");
  if (no_proxy.empty()) no_proxy = get("NO_PROXY");
  const std::string& host = config.target.host;
  std::size_t start = 0;
  while (start <= no_proxy.size()) {
    std::size_t end = no_proxy.find(',', start);
    if (end == std::string::npos) end = no_proxy.size();
    std::string entry = no_proxy.substr(start, end - start);
    entry.erase(0, entry.find_first_not_of(" \t"));
    entry.erase(entry.find_last_not_of(" \t") + 1);
    if (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
    if (entry == "*" || entry == host ||
        (!entry.empty() && host.size() > entry.size() && host.compare(host.size() - entry.size(), entry.size(), entry) == 0 &&
         host[host.size() - entry.size() - 1] == '.')) {
      return {};
    }
    start = end + 1;
  }
  return name + " is set, but the native engine connects to " + config.target.host +
         " directly (libcurl honours proxies: --engine curl)";
}

loadgen::RunOutput run_sampled(const loadgen::LoadConfig& config, const std::atomic<bool>& stop,
                               const std::vector<loadgen::SampleSpec>& samples) {
  for (const auto& spec : samples) {
    std::string error;
    if (!loadgen::read_counters(spec, error)) throw UsageError("--sample " + spec.text + ": " + error);
  }
  // The bound on readings: the run's longest span (start delay, warm-up, duration, drain) plus a minute.
  const double span_s = sim::to_seconds(config.warmup + config.duration + config.drain_time()) + 60.0 +
                        (config.start_at ? std::max(0.0, *config.start_at - loadgen::wall_now_s()) : 0.0);
  loadgen::ResourceSampler sampler(samples, kSampleInterval, static_cast<std::uint64_t>(std::ceil(span_s / sim::to_seconds(kSampleInterval))));
  sampler.start();
  // Too few descriptors for the connections asked for is a usage error (exit 2), found before
  // any connection is made (loadgen/fd_limit.hpp).
  loadgen::RunOutput out = [&] {
    try {
      return loadgen::run_load(config, stop);
    } catch (const loadgen::FdLimitError& e) {
      throw UsageError(e.what());
    }
  }();
  sampler.stop();
  if (!samples.empty() && out.info.started_epoch) loadgen::add_samples(out.result, sampler.traces(), *out.info.started_epoch);
  return out;
}

LoadRun run_load(const loadgen::LoadConfig& config, const loadgen::ThresholdPlan& thresholds,
                 const std::atomic<bool>& stop, const std::vector<loadgen::SampleSpec>& samples) {
  LoadRun run{run_sampled(config, stop, samples), {}};
  auto& result = run.output.result;
  reports::add_findings(result);
  // A threshold only the real result can check (a status that never came) is a usage error
  // too, found after the run; the caller still writes the run's files.
  judge_thresholds(result, thresholds.evaluate, run.verdict);
  if (!thresholds.not_applicable.empty()) {
    result.sections["load"]["thresholds_not_applicable"] = loadgen::not_applicable_json(thresholds.not_applicable);
  }
  // A run in which nothing succeeded failed, as wrk's does: the target is down or refuses
  // everything (a dead port, a wrong path), and a CI job must not read it as a pass.
  run.verdict.run_failed = !result.requests.balanced() || (result.requests.total > 0 && result.requests.ok == 0);
  run.verdict.interrupted = run.output.info.stopped_early;
  return run;
}

}  // namespace loadcast::app
