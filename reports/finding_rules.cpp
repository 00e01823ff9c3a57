// The bottleneck rules of findings.hpp, in one table (kRules at the end), and the table of
// failure causes the `failed_requests` rule explains. Each check reads Facts and appends a
// Finding with its evidence and suggested change; `impact` is the size of the problem within its
// severity (find_bottlenecks ranks by severity, then impact). Thresholds are named constants
// beside the rule that uses them. Numbers behind the suggestions:
// - SQS FIFO: 300 API calls/s per action in the default mode; high throughput up to 70,000 per
//   action by region. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
// - Target tracking scales to keep the metric at its target; a service at its maximum cannot,
//   so the maximum that would hold the target is max x metric / target (rounded up).
//   https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
#include <algorithm>
#include <cmath>
#include <string_view>

#include "reports/findings.hpp"
#include "reports/format.hpp"

namespace loadcast::reports {

namespace {

// ---- helpers -----------------------------------------------------------------------------------

std::string n0(double v) { return grouped(static_cast<std::uint64_t>(std::llround(std::max(0.0, v)))); }
std::string pc(double v) { return fixed(v, v < 10 ? 1 : 0) + " %"; }
std::string tasks(double n) { return n0(n) + (std::llround(n) == 1 ? " task" : " tasks"); }

// Minutes of the measured span with a value where `pred` holds (NaN never).
template <typename Pred>
double minutes_where(const std::vector<double>& v, double interval_s, Pred pred) {
  std::size_t n = 0;
  for (double x : v) n += !std::isnan(x) && pred(x) ? 1u : 0u;
  return static_cast<double>(n) * interval_s / 60.0;
}

// Mean of `v` over the intervals where `mask` holds (NaN when none).
template <typename Mask>
double mean_where(const std::vector<double>& v, Mask mask) {
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::isnan(v[i]) || !mask(i)) continue;
    sum += v[i];
    ++n;
  }
  return n ? sum / static_cast<double>(n) : std::nan("");
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string key_of(const ServiceFacts& s) { return s.section + "." + s.name; }

struct MetricView {
  const char* key;    // the policy metric as `targets` names it
  const char* label;  // for sentences
  bool percent;
};
constexpr MetricView kScalingMetrics[] = {{"cpu_utilization", "CPU", true},
                                          {"memory_utilization", "memory", true},
                                          {"backlog_per_task", "backlog per task", false}};

const std::vector<double>* series_of(const ServiceFacts& s, std::string_view key) {
  if (key == "cpu_utilization") return &s.cpu;
  if (key == "memory_utilization") return &s.memory;
  if (key == "backlog_per_task") return &s.backlog_per_task;
  return nullptr;
}

std::string value_text(double v, bool percent) { return percent ? pc(v) : fixed(v, v < 10 ? 1 : 0); }

// ---- rules -------------------------------------------------------------------------------------

constexpr double kAtMaxMinutes = 5.0;

void service_at_max(const Facts& f, std::vector<Finding>& out) {
  for (const auto& s : f.services) {
    if (!s.autoscaled || s.max <= 0 || s.min >= s.max || s.minutes_at_max < kAtMaxMinutes) continue;
    const auto at_max = [&](std::size_t i) { return i < s.desired.size() && s.desired[i] >= s.max; };
    const MetricView* worst = nullptr;
    double worst_value = 0.0, worst_ratio = 1.0, worst_target = 0.0;
    for (const auto& m : kScalingMetrics) {
      const auto t = s.targets.find(m.key);
      if (t == s.targets.end() || !(t->second > 0)) continue;
      double v = mean_where(*series_of(s, m.key), at_max);
      if (std::isnan(v)) v = std::string_view(m.key) == "cpu_utilization" ? s.cpu_peak : std::nan("");
      if (std::isnan(v) || v / t->second <= worst_ratio) continue;
      worst = &m;
      worst_value = v;
      worst_ratio = v / t->second;
      worst_target = t->second;
    }
    if (worst == nullptr) continue;
    // Sized from the numbers the sentence shows, so the arithmetic can be checked by hand.
    double scale = std::stod(value_text(worst_value, false)) / worst_target;
    std::string why = std::to_string(s.max) + " x " + value_text(worst_value, worst->percent) + " / " +
                      value_text(worst_target, worst->percent);
    if (std::string_view(worst->key) == "backlog_per_task") {
      // A backlog grows while the worker falls behind, so its ratio to the target says little
      // about the tasks needed: compare what arrived with what the tasks at max processed.
      const QueueFacts* q = nullptr;
      for (const auto& c : f.queues) q = c.consumer == s.name ? &c : q;
      const double processed = mean_where(s.messages_per_s, at_max);
      const double arrived = q != nullptr ? mean_where(q->sent_per_s, at_max) : std::nan("");
      if (!(processed > 0) || std::isnan(arrived)) continue;
      scale = std::max(arrived / processed, 1.0);
      why = std::to_string(s.max) + " tasks processed " + fixed(processed, 1) + " messages/s while " + fixed(arrived, 1) + " arrived";
    }
    const int suggested = std::max(s.max + 1, static_cast<int>(std::ceil(s.max * scale - 1e-9)));
    Finding x;
    x.target = s.name;
    x.summary = s.name + " at max " + std::to_string(s.max) + " for " + human_duration(s.minutes_at_max * 60.0) + " with " +
                worst->label + " " + value_text(worst_value, worst->percent) + " > " + value_text(worst_target, worst->percent);
    x.evidence.push_back("desired count at autoscaling.max (" + std::to_string(s.max) + ") for " +
                         human_duration(s.minutes_at_max * 60.0) + " of " + human_duration(f.duration_s) + " measured");
    x.evidence.push_back(std::string(worst->label) + " averaged " + value_text(worst_value, worst->percent) +
                         " while at max; the policy's target is " + value_text(worst_target, worst->percent));
    if (!std::isnan(s.tasks_peak)) x.evidence.push_back("peak RUNNING tasks: " + n0(s.tasks_peak));
    x.suggestion = "raise " + key_of(s) + ".autoscaling.max to >= " + std::to_string(suggested) + " (" + why + ")" +
                   (worst->percent ? "; utilization cannot show more than 100 %, so simulate again to confirm" : "");
    x.impact = s.minutes_at_max * scale;
    out.push_back(std::move(x));
  }
}

constexpr double kSaturatedCpu = 95.0;
constexpr double kSaturatedMinutes = 5.0;

void scaling_lag(const Facts& f, std::vector<Finding>& out) {
  for (const auto& s : f.services) {
    const auto below_max = [&](std::size_t i) { return !s.autoscaled || (i < s.desired.size() && s.desired[i] < s.max); };
    std::size_t hot = 0;
    double running = 0.0;
    for (std::size_t i = 0; i < s.cpu.size(); ++i) {
      if (std::isnan(s.cpu[i]) || s.cpu[i] < kSaturatedCpu || !below_max(i)) continue;
      ++hot;
      if (i < s.running.size() && !std::isnan(s.running[i])) running = std::max(running, s.running[i]);
    }
    const double minutes = static_cast<double>(hot) * f.interval_s / 60.0;
    if (minutes < kSaturatedMinutes) continue;
    const double cpu = mean_where(s.cpu, [&](std::size_t i) { return s.cpu[i] >= kSaturatedCpu && below_max(i); });
    const auto target = s.targets.find("cpu_utilization");
    const double goal = target != s.targets.end() ? target->second : 70.0;
    const int needed = std::max(1, static_cast<int>(std::ceil(std::max(1.0, running) * cpu / goal - 1e-9)));
    Finding x;
    x.target = s.name;
    x.evidence.push_back("CPU >= " + pc(kSaturatedCpu) + " in " + human_duration(minutes * 60.0) + " of intervals, averaging " +
                         pc(cpu) + " on up to " + n0(running) + " RUNNING " + (std::llround(running) == 1 ? "task" : "tasks"));
    if (!s.autoscaled) {
      x.summary = s.name + " CPU >= " + pc(kSaturatedCpu) + " for " + human_duration(minutes * 60.0) + " without autoscaling";
      x.suggestion = "add " + key_of(s) + ".autoscaling with a CPU target tracking policy, or raise " + key_of(s) +
                     ".desired to >= " + std::to_string(needed);
    } else {
      x.summary = s.name + " CPU >= " + pc(kSaturatedCpu) + " for " + human_duration(minutes * 60.0) + " below its max while autoscaling caught up";
      if (target != s.targets.end()) x.evidence.push_back("CPU target " + pc(goal) + ", autoscaling.max " + std::to_string(s.max));
      x.suggestion = "scale out sooner: raise " + key_of(s) + ".autoscaling.min to >= " + std::to_string(std::min(needed, s.max)) +
                     " for the peak (a scheduled action), " +
                     (target != s.targets.end() ? std::string("lower the CPU target") : std::string("add a CPU target tracking policy")) +
                     ", or use 20 s metrics (metrics.resolution: 20s)";
    }
    x.impact = minutes;
    out.push_back(std::move(x));
  }
}

constexpr double kFirstScaleOutS = 900.0;

void starts_overloaded(const Facts& f, std::vector<Finding>& out) {
  for (const auto& s : f.services) {
    if (s.desired_auto || !s.auto_desired || std::isnan(s.desired_initial)) continue;
    const double need = *s.auto_desired;
    if (need < 1.5 * s.desired_initial || need < s.desired_initial + 1.0) continue;
    const bool scaled_early = !std::isnan(s.first_scale_out_s) && s.first_scale_out_s <= kFirstScaleOutS;
    if (!scaled_early) continue;
    Finding x;
    x.target = s.name;
    x.summary = "the model starts overloaded: " + s.name + " starts at " + tasks(s.desired_initial) +
                " where the first minute's load needs " + n0(need);
    x.evidence.push_back("every run starts from " + key_of(s) + ".desired = " + n0(s.desired_initial) +
                         " RUNNING; its policies would hold " + n0(need) + " at the first minute's load");
    x.evidence.push_back("first scale-out at " + clock_time(s.first_scale_out_s) + " into the run");
    double failed = 0.0;  // responses in the first 15 minutes, warm-up included
    for (std::size_t i = 0; i < f.start_errors_per_s.size() && i < f.start_t_s.size(); ++i) {
      if (f.start_t_s[i] < kFirstScaleOutS && !std::isnan(f.start_errors_per_s[i])) failed += f.start_errors_per_s[i] * f.interval_s;
    }
    x.impact = need - s.desired_initial;
    if (failed >= 1.0 && s.section == "services") {
      x.severity = "critical";
      x.evidence.push_back(n0(failed) + " requests failed in the first 15 minutes");
      // When most failures of the run happened then, this is their cause: rank it above them.
      const double all = static_cast<double>(f.requests.errors + f.requests.timeouts + f.requests.dropped);
      x.impact = all > 0 && failed >= 0.5 * all ? 999000.0 : 1e5 * failed / std::max(1.0, static_cast<double>(f.requests.total));
    }
    x.suggestion = "set " + key_of(s) + ".desired: auto (starts at " + n0(need) + ") so the run begins where a deployment under this load already is";
    out.push_back(std::move(x));
  }
}

constexpr double kFlapsPerDay = 24.0;

constexpr double kMinFlaps = 4.0;

// Times the desired count went up again after it had gone down: scaling that undoes itself.
double reversals(const std::vector<double>& desired) {
  double n = 0.0, prev = std::nan("");
  int last = 0;  // direction of the last change
  for (double d : desired) {
    if (std::isnan(d)) continue;
    if (!std::isnan(prev) && d != prev) {
      const int dir = d > prev ? 1 : -1;
      if (dir > 0 && last < 0) n += 1.0;
      last = dir;
    }
    prev = d;
  }
  return n;
}

void flapping(const Facts& f, std::vector<Finding>& out) {
  const double days = f.duration_s / 86400.0;
  if (f.duration_s < 3600.0) return;
  for (const auto& s : f.services) {
    if (!s.autoscaled) continue;
    const double flaps = reversals(s.desired);
    const double per_day = s.scale_outs / days;
    if (flaps < kMinFlaps || flaps / days < kFlapsPerDay) continue;
    bool queue_only = !s.targets.empty();
    for (const auto& [metric, target] : s.targets) queue_only = queue_only && (metric == "backlog_per_task" || metric == "oldest_message_age");
    const double typical = median(s.running);
    Finding x;
    x.target = s.name;
    x.summary = s.name + " flapped: scaled out again after a scale-in " + n0(flaps) + " times in " + human_duration(f.duration_s) +
                (days < 0.99 ? " (" + fixed(flaps / days, 0) + " a day)" : "") + ", " + fixed(per_day, 0) + " scale-outs a day";
    x.evidence.push_back(n0(s.scale_outs) + " scale-outs and " + n0(s.scale_ins) + " scale-ins in " + human_duration(f.duration_s));
    if (!std::isnan(typical)) x.evidence.push_back("median RUNNING tasks " + n0(typical) + ", peak " + n0(s.tasks_peak));
    const std::string floor = std::isnan(typical) ? std::string() : " or raise " + key_of(s) + ".autoscaling.min to " + n0(typical);
    x.suggestion = queue_only ? "add a CPU target tracking policy (it holds the tasks while the backlog drains)" + floor
                              : "lengthen the policies' scale_in_cooldown (e.g. 900s)" + floor;
    x.impact = flaps / days;
    out.push_back(std::move(x));
  }
}

void sqs_throttled(const Facts& f, std::vector<Finding>& out) {
  for (const auto& q : f.queues) {
    double total = 0.0, failed = 0.0;
    std::string top;
    double top_n = 0.0;
    for (const auto& [action, n] : q.throttled) {
      total += n;
      if (n > top_n) {
        top_n = n;
        top = action;
      }
    }
    for (const auto& [action, n] : q.throttled_failed) failed += n;
    if (total <= 0.0) continue;
    const auto requests = f.requests.by_cause.find("sqs_throttled:" + q.name);
    const double failed_requests = requests != f.requests.by_cause.end() ? static_cast<double>(requests->second) : 0.0;
    Finding x;
    x.target = q.name;
    x.severity = failed > 0.0 ? "critical" : "high";
    const std::string limit = std::isnan(q.api_calls_per_s) ? std::string() : n0(q.api_calls_per_s) + "/s per action";
    x.summary = top + " throttled " + n0(top_n) + " times on " + q.name + ": FIFO " +
                (q.high_throughput ? "high throughput " : "") + limit;
    for (const auto& [action, n] : q.throttled) {
      if (n > 0) x.evidence.push_back(action + ": " + n0(n) + " throttled attempts");
    }
    if (failed > 0) x.evidence.push_back(n0(failed) + " calls failed after every retry");
    if (failed_requests > 0) x.evidence.push_back(n0(failed_requests) + " requests failed (requests.by_cause.sqs_throttled:" + q.name + ")");
    x.suggestion = !q.high_throughput
                       ? "set queues." + q.name + ".high_throughput: true (high-throughput FIFO allows up to 70,000 calls/s per action, by region)"
                       : "spread the messages over more message groups (300 calls/s per group) or send in batches";
    x.impact = failed_requests * 10.0 + failed + total / 100.0;
    out.push_back(std::move(x));
  }
}

void sns_throttled(const Facts& f, std::vector<Finding>& out) {
  for (const auto& t : f.topics) {
    if (t.throttled <= 0.0) continue;
    Finding x;
    x.target = t.name;
    x.severity = t.throttled_failed > 0.0 ? "critical" : "high";
    x.summary = "Publish throttled " + n0(t.throttled) + " times on topic " + t.name;
    if (t.throttled_failed > 0) x.evidence.push_back(n0(t.throttled_failed) + " publishes failed after every retry");
    x.evidence.push_back(std::string("high throughput: ") + (t.high_throughput ? "on" : "off"));
    x.suggestion = t.high_throughput ? "spread the messages over more message groups (300 messages/s per group)"
                                     : "set topics." + t.name + ".high_throughput: true";
    x.impact = t.throttled_failed * 10.0 + t.throttled / 100.0;
    out.push_back(std::move(x));
  }
}

constexpr double kOldMessageS = 300.0;

void queue_backlog(const Facts& f, std::vector<Finding>& out) {
  for (const auto& q : f.queues) {
    if (q.oldest_age_peak_s < kOldMessageS || (q.consumer.empty() && q.dead_letter_queue)) continue;
    Finding x;
    x.target = q.name;
    x.summary = "messages waited up to " + human_duration(q.oldest_age_peak_s) + " in " + q.name;
    x.evidence.push_back("peak backlog " + n0(q.visible_peak) + " visible messages");
    const ServiceFacts* w = q.consumer.empty() ? nullptr : f.service(q.consumer);
    if (w == nullptr) {
      x.suggestion = "add a worker that consumes " + q.name;
    } else {
      if (w->autoscaled && w->minutes_at_max > 0) {
        x.evidence.push_back(w->name + " at autoscaling.max " + std::to_string(w->max) + " for " + human_duration(w->minutes_at_max * 60.0));
      }
      const auto b = w->targets.find("backlog_per_task");
      x.suggestion = "scale " + w->name + " sooner: " +
                     (b != w->targets.end() ? "lower its backlog_per_task target (" + fixed(b->second, 1) + ")"
                                            : std::string("add a backlog_per_task target tracking policy")) +
                     ", raise workers." + w->name + ".autoscaling.max, or add pollers";
    }
    x.impact = q.oldest_age_peak_s / 60.0;
    out.push_back(std::move(x));
  }
}

void messages_lost(const Facts& f, std::vector<Finding>& out) {
  for (const auto& q : f.queues) {
    if (q.dead_lettered <= 0.0 && q.expired <= 0.0) continue;
    Finding x;
    x.target = q.name;
    x.summary = n0(q.dead_lettered + q.expired) + " messages of " + q.name + " were not processed";
    if (q.dead_lettered > 0) x.evidence.push_back(n0(q.dead_lettered) + " moved to the dead-letter queue after max_receive_count receives");
    if (q.expired > 0) x.evidence.push_back(n0(q.expired) + " expired at the end of the retention period");
    x.suggestion = q.dead_lettered > 0 ? "make processing succeed within the visibility timeout (raise queues." + q.name +
                                             ".visibility_timeout above the processing time) and fix the handler's failures"
                                       : "consume faster or raise queues." + q.name + ".retention";
    x.impact = q.dead_lettered + q.expired;
    out.push_back(std::move(x));
  }
}

constexpr double kHotDbCpu = 90.0;
constexpr double kHotDbMinutes = 10.0;

void db_cpu(const Facts& f, std::vector<Finding>& out) {
  for (const auto& d : f.databases) {
    const double minutes = minutes_where(d.cpu, f.interval_s, [](double v) { return v >= kHotDbCpu; });
    if (minutes < kHotDbMinutes) continue;
    Finding x;
    x.target = d.name;
    x.summary = d.name + " CPU >= " + pc(kHotDbCpu) + " for " + human_duration(minutes * 60.0);
    x.evidence.push_back(d.role + " (" + (d.instance_class.empty() ? d.type : d.instance_class) + "), CPU peak " + pc(d.cpu_peak));
    if (d.type == "aurora_serverless_v2") {
      x.evidence.push_back("ACU peak " + fixed(d.acu_peak, 1) + " of max_acu " + fixed(d.max_acu, 1));
      if (d.acu_peak >= d.max_acu - 0.25) {
        const double want = std::ceil(d.max_acu * d.cpu_peak / 70.0 * 2.0) / 2.0;
        x.suggestion = "raise database.max_acu to >= " + fixed(std::max(want, d.max_acu + 0.5), 1);
      } else {
        x.suggestion = "Serverless v2 capacity lagged the load: raise database.min_acu for the peak";
      }
    } else if (d.role == "reader") {
      x.suggestion = "add readers (database.readers or database.replica_autoscaling.max)";
    } else {
      x.suggestion = "a larger instance class than " + (d.instance_class.empty() ? std::string("the writer's") : d.instance_class) +
                     " (more vCPUs)" + (d.readers == 0 ? ", or send reads to readers (database.readers)" : ": writes go to the writer only");
    }
    x.impact = minutes;
    out.push_back(std::move(x));
  }
}

constexpr double kConnectionShare = 0.9;

void db_connections(const Facts& f, std::vector<Finding>& out) {
  for (const auto& d : f.databases) {
    if (!(d.max_connections > 0) || d.max_connections >= 1e8 || d.connections_peak < kConnectionShare * d.max_connections) continue;
    Finding x;
    x.target = d.name;
    x.summary = d.name + " used " + n0(d.connections_peak) + " of " + n0(d.max_connections) + " connections";
    x.evidence.push_back("connections peak " + pc(100.0 * d.connections_peak / d.max_connections) + " of max_connections");
    x.suggestion = "put RDS Proxy in front (database.proxy), or keep db_pool.size x tasks below max_connections";
    x.impact = 100.0 * d.connections_peak / d.max_connections;
    out.push_back(std::move(x));
  }
}

constexpr double kHotMemory = 90.0;

void memory_high(const Facts& f, std::vector<Finding>& out) {
  for (const auto& s : f.services) {
    if (std::isnan(s.memory_peak) || s.memory_peak < kHotMemory) continue;
    Finding x;
    x.target = s.name;
    x.summary = s.name + " memory peak " + pc(s.memory_peak);
    x.evidence.push_back("a task over its memory is killed with its requests in flight");
    x.suggestion = "give " + key_of(s) + " more memory (the memory key) or fewer requests in flight per task";
    x.impact = s.memory_peak;
    out.push_back(std::move(x));
  }
}

// Why requests failed, by the prefix of their cause, and what to change.
struct CauseAdvice {
  const char* prefix;
  const char* what;
  const char* change;  // "{}" is replaced by what follows the prefix (a service, queue, station)
};
constexpr CauseAdvice kCauses[] = {
    {"no_registered_target:", "503: no task of {} was registered", "start with the tasks the load needs (services.{}.desired: auto) and keep autoscaling.min >= 1"},
    {"idle_timeout:", "504: requests to {} outlived the ALB idle timeout", "add capacity before requests queue: lower services.{}'s CPU target, raise autoscaling.min for the peak, or start at desired: auto"},
    {"task_died:", "502: tasks of {} died with requests in flight", "give services.{} more memory, or fewer requests in flight per task"},
    {"deregistration_delay_expired:", "502: requests to {} outlived the deregistration delay", "raise the target group's deregistration_delay above the slowest request"},
    {"db_connection_timeout:", "500: requests of {} waited longer than db_pool.timeout for a connection", "raise services.{}.db_pool.size within max_connections, or add RDS Proxy (database.proxy)"},
    {"db_failover:", "500: queries failed during a writer failover of {}", "put RDS Proxy in front (database.proxy): writes then wait for the new writer"},
    {"db_proxy_borrow_timeout:", "500: queries waited longer than proxy {}'s borrow timeout", "raise database.proxy.max_connections_percent or borrow_timeout"},
    {"rejected:", "503: station {}'s queue was full", "raise stations.{}.servers or its queue_limit"},
    {"connect_refused", "the target refused the connections (nothing listening)", "check that the target is up and the URL's host and port are right"},
    {"connect_timeout", "connections to the target timed out", "check the network path to the target, or raise --timeout"},
    {"connect_error", "connections to the target failed", "check the target's address and DNS"},
    {"read_timeout", "responses took longer than the timeout", "the target is overloaded or slow: lower the rate, or raise --timeout"},
    {"reset", "the target closed connections mid-request", "check the target's keep-alive and connection limits"},
    {"http_5xx", "the target answered 5xx", "see requests.by_status and the target's logs"},
    {"http_4xx", "the target answered 4xx", "check the requests' paths, headers and credentials"},
    {"unexpected_status", "responses had another status than the class expects", "see load.unexpected_statuses: fix expect_status or the request"},
    {"backlog_full", "the open model found no free connection and dropped requests", "raise -c/--connections or --max-backlog"},
};
constexpr double kCauseShare = 0.001;

void failed_requests(const Facts& f, std::vector<Finding>& out) {
  if (f.requests.total == 0) return;
  const double total = static_cast<double>(f.requests.total);
  for (const auto& [cause, n] : f.requests.by_cause) {
    if (cause.rfind("sqs_throttled:", 0) == 0 || cause.rfind("sns_throttled:", 0) == 0) continue;  // their own rules
    const double share = static_cast<double>(n) / total;
    if (share < kCauseShare) continue;
    const CauseAdvice* advice = nullptr;
    for (const auto& c : kCauses) {
      if (cause.rfind(c.prefix, 0) == 0) advice = &c;
    }
    const std::string subject = advice != nullptr ? cause.substr(std::string_view(advice->prefix).size()) : cause;
    const auto fill = [&](const char* text) {
      std::string s = text;
      for (auto p = s.find("{}"); p != std::string::npos; p = s.find("{}", p + subject.size())) s.replace(p, 2, subject);
      return s;
    };
    Finding x;
    x.target = subject.empty() ? "requests" : subject;
    x.summary = n0(static_cast<double>(n)) + " requests failed (" + fixed(share * 100.0, 2) + " %): " +
                (advice != nullptr ? fill(advice->what) : "cause " + cause);
    x.evidence.push_back("requests.by_cause." + cause + " = " + n0(static_cast<double>(n)) + " of " + n0(total));
    x.suggestion = advice != nullptr ? fill(advice->change) : "see requests.by_cause in result.json";
    x.impact = share * 1e5;
    out.push_back(std::move(x));
  }
}

const std::vector<FindingRule> kRules = {
    {"failed_requests", "critical", "a failure cause (requests.by_cause) accounts for at least 0.1 % of the requests", failed_requests},
    {"messages_lost", "critical", "a queue moved messages to its dead-letter queue or let them expire", messages_lost},
    {"sqs_throttled", "high", "an SQS FIFO queue throttled API calls (critical when calls failed after every retry)", sqs_throttled},
    {"sns_throttled", "high", "an SNS FIFO topic throttled publishes (critical when publishes failed)", sns_throttled},
    {"service_at_max", "high", "a service's desired count sat at autoscaling.max for at least 5 min while a scaling metric was above its target", service_at_max},
    {"scaling_lag", "high", "a service's CPU was at least 95 % for 5 min or more below its autoscaling.max (or without autoscaling)", scaling_lag},
    {"db_cpu", "high", "a database instance's CPU was at least 90 % for 10 min or more", db_cpu},
    {"db_connections", "high", "a database instance used at least 90 % of its max_connections", db_connections},
    {"memory_high", "high", "a service's memory utilization peaked at 90 % or more", memory_high},
    {"queue_backlog", "high", "a queue's oldest message waited 5 min or more", queue_backlog},
    {"starts_overloaded", "high", "a service starts with fewer than 2/3 of the tasks `desired: auto` gives for the first minute's load and scales out within 15 min", starts_overloaded},
    {"flapping", "medium", "a service's desired count rose again after a scale-in 24 or more times a day (at least 4 times) over a run of an hour or more", flapping},
};

}  // namespace

const std::vector<FindingRule>& finding_rules() { return kRules; }

}  // namespace loadcast::reports
