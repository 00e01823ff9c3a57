// Findings: the answers a capacity planner reads first, taken from a finished result — per
// service its peak RUNNING tasks, minutes at autoscaling.max and peak CPU/memory against the
// targets; per queue its peak backlog, peak oldest-message age and throttled calls; per database
// instance its peak CPU, ACU and connections against their limits; the busiest hour's latency
// (and the `--window`'s); and the bottlenecks, ranked by impact, each with its evidence and a
// suggested change.
//
// Bottlenecks come from the rules of finding_rules() — one table, each rule a row with its id,
// its severity, when it fires and its check — applied to Facts, a typed view of the result's
// sections and time series over the measured span (after the warm-up). A healthy run fires
// none. The result keeps them as the section `findings` (Findings::to_json()); the text, Markdown
// and HTML reports render that section, and a result written before findings existed gets them
// computed when it is rendered. Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/result.hpp"

namespace loadcast::reports {

// One bottleneck: what is wrong, the numbers that show it and the change to try.
struct Finding {
  std::string rule;      // the id of the rule that found it
  std::string severity;  // "critical" (requests failed, messages lost), "high" (a resource saturated), "medium"
  double impact = 0.0;   // ranking: severity first, then the size of the problem
  std::string target;    // the service, queue or database instance ("requests" for the whole run)
  std::string summary;   // "orders-api at max 20 for 8 h 30 m with CPU 83 % > 60 %"
  std::vector<std::string> evidence;
  std::string suggestion;  // "raise services.orders-api.autoscaling.max to >= 28"
};

// What the rules read: the result's sections as typed rows. NaN where the result has no value.
struct ServiceFacts {
  std::string name;
  std::string section;  // "services" or "workers": where its scenario keys live
  bool autoscaled = false;
  int min = 0, max = 0;
  double minutes_at_max = 0.0;
  double tasks_peak = 0.0, tasks_low = 0.0, desired_initial = 0.0;
  double cpu_peak = 0.0, memory_peak = 0.0;
  double scale_outs = 0.0, scale_ins = 0.0;
  double first_scale_out_s = 0.0;
  std::map<std::string, double> targets;  // scaling metric -> target (cpu_utilization, backlog_per_task, ...)
  std::optional<double> auto_desired;     // what `desired: auto` would start at (initial_capacity)
  bool desired_auto = false;
  // Time series over the measured span (parallel).
  std::vector<double> cpu, memory, desired, running, backlog_per_task, messages_per_s;
};

struct QueueFacts {
  std::string name;
  std::string consumer;  // the worker polling it, if any
  double visible_peak = 0.0, oldest_age_peak_s = 0.0;
  std::map<std::string, double> throttled, throttled_failed;  // per API action
  double api_calls_per_s = 0.0;
  bool high_throughput = false;
  double dead_lettered = 0.0, expired = 0.0, sent = 0.0;
  bool dead_letter_queue = false;  // it received redriven messages (another queue's DLQ)
  std::vector<double> sent_per_s;  // over the measured span, parallel to the services' series
};

struct DatabaseFacts {
  std::string name;
  std::string role, type, instance_class;
  int readers = 0;  // readers of its cluster
  double cpu_peak = 0.0, acu_peak = 0.0, max_acu = 0.0;
  double connections_peak = 0.0, max_connections = 0.0;
  std::vector<double> cpu;  // interval CPU utilization over the measured span
};

struct TopicFacts {
  std::string name;
  double throttled = 0.0, throttled_failed = 0.0;
  bool high_throughput = false;
};

struct Facts {
  std::string kind;  // "sim" or "load"
  double duration_s = 0.0, warmup_s = 0.0, interval_s = 60.0;
  RequestCounts requests;
  std::vector<double> start_t_s, start_errors_per_s;  // the whole run from t = 0, warm-up included
  std::vector<ServiceFacts> services;
  std::vector<QueueFacts> queues;
  std::vector<DatabaseFacts> databases;
  std::vector<TopicFacts> topics;

  static Facts of(const Result& result);
  const ServiceFacts* service(const std::string& name) const;
};

// A row of the rule table.
struct FindingRule {
  const char* id;
  const char* severity;
  const char* fires_when;  // one sentence, for the docs
  void (*check)(const Facts& facts, std::vector<Finding>& out);
};

// Every rule, in one table (reports/finding_rules.cpp).
const std::vector<FindingRule>& finding_rules();

// The bottlenecks the rules find in `facts`, most impact first.
std::vector<Finding> find_bottlenecks(const Facts& facts);

// The `findings` section for `result`: {"services", "queues", "databases", "busiest_hour",
// "window", "bottlenecks"} (empty parts omitted).
Json compute_findings(const Result& result);
// The result's stored `findings`, or compute_findings() when it has none.
Json findings_of(const Result& result);
// Stores compute_findings(result) as its `findings` section.
void add_findings(Result& result);

// The findings as lines for the terminal summary, as Markdown (report.md) and as HTML.
std::string findings_text(const Json& findings);
std::string findings_markdown(const Json& findings);
std::string findings_html(const Json& findings);

}  // namespace loadcast::reports
