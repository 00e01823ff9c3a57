// Draft: what an importer learned about a deployment, in scenario terms, before it is written as
// a scenario file (scenario_writer.hpp). Both importers (Copilot, Terraform) fill one; only what
// the input determines is set (std::optional fields stay empty otherwise, so the scenario shows
// loadcast's defaults by leaving the key out), and every value carries where it came from — a
// file:line:col or a resource address — which the written scenario shows as a comment. Findings
// (not imported, ignored, notes) collect here too. Plain data; no yaml-cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/loader/import/import.hpp"
#include "sim/time.hpp"

namespace loadcast::scenario {

// A value and where the input said it.
template <typename T>
struct Sourced {
  T value{};
  std::string from;
};

template <typename T>
using Maybe = std::optional<Sourced<T>>;

template <typename T>
Maybe<T> sourced(T value, std::string from) {
  return Sourced<T>{std::move(value), std::move(from)};
}

// The scenario's `database.engine` of an RDS engine name ("aurora-mysql", "postgres"...); empty
// for an engine loadcast does not model.
std::string scenario_engine(const std::string& aws_engine);

struct DraftStep {
  std::optional<double> lower;
  std::optional<double> upper;
  double adjustment = 0;
};

struct DraftPolicy {
  std::string from;
  std::string name;
  bool step_scaling = false;
  std::string metric;  // cpu, memory, requests_per_target, backlog_per_task, oldest_message_age
  // target tracking
  double target = 0;
  std::optional<sim::Time> scale_out_cooldown;
  std::optional<sim::Time> scale_in_cooldown;
  bool disable_scale_in = false;
  // step scaling (the alarm's shape and the policy's steps)
  std::string comparison;  // ">", ">=", "<", "<="
  double threshold = 0;
  std::optional<int> evaluation_periods;
  std::optional<int> datapoints_to_alarm;
  std::string adjustment_type;  // change_in_capacity, exact_capacity, percent_change_in_capacity
  std::vector<DraftStep> steps;
  std::optional<int> min_adjustment_magnitude;
  std::optional<sim::Time> cooldown;
  std::string aggregation;  // average, minimum, maximum; empty: the default
};

struct DraftScheduledAction {
  std::string from;
  sim::Time at = 0;
  std::optional<int> min;
  std::optional<int> max;
};

struct DraftAutoscaling {
  std::string from;
  int min = 1;
  int max = 1;
  std::vector<DraftPolicy> policies;
  std::vector<DraftScheduledAction> scheduled;
};

struct DraftHealthCheck {
  Maybe<sim::Time> interval;
  Maybe<sim::Time> timeout;
  Maybe<int> healthy_threshold;
  Maybe<int> unhealthy_threshold;
  bool any() const { return interval || timeout || healthy_threshold || unhealthy_threshold; }
};

struct DraftTargetGroup {
  Maybe<std::string> algorithm;  // round_robin, least_outstanding_requests, weighted_random
  Maybe<sim::Time> slow_start;
  Maybe<sim::Time> deregistration_delay;
  DraftHealthCheck health_check;
  bool any() const { return algorithm || slow_start || deregistration_delay || health_check.any(); }
};

// A service (behind the load balancer or not), a worker (queue set) or a scheduled job (a worker
// fed by its schedule).
struct DraftService {
  std::string name;
  std::string from;  // where it is defined
  std::string kind;  // "Load Balanced Web Service", "aws_ecs_service"... for comments
  Maybe<int> cpu;
  Maybe<int> memory;
  Maybe<bool> arm64;
  Maybe<bool> spot;
  Maybe<int> desired;
  Maybe<sim::Time> health_check_grace;
  Maybe<sim::Time> stop_timeout;
  DraftTargetGroup target_group;
  std::optional<DraftAutoscaling> autoscaling;
  std::optional<std::string> queue;        // a worker: the queue it consumes
  Maybe<std::string> backlog_metric_math;  // a worker: the expression behind backlog_per_task
  bool job = false;                        // a scheduled job (runs when its schedule sends a message)
  std::vector<std::string> publish_topics;  // topics its tasks publish to (default steps publish once each)
  Maybe<sim::Time> message_time;           // an input's own estimate of the time per message (Copilot msg_processing_time)
};

struct DraftRule {
  std::string from;
  std::vector<std::string> paths;
  std::string service;
  std::optional<int> priority;
};

struct DraftLoadBalancer {
  std::string from;
  Maybe<std::string> name;
  Maybe<sim::Time> idle_timeout;
  std::vector<DraftRule> rules;
  Maybe<std::string> default_service;
  DraftTargetGroup target_group;  // defaults for every service (rarely known)
  Maybe<int> waf_rules;           // an associated AWS WAF web ACL: its rule count (`waf.rules`)
};

// A monthly item of `cost.fixed_costs` for a resource that is billed but not simulated (a NAT
// gateway's hours, an address, an interface endpoint, a bucket): `count` resources all month or
// `quantity` units a month of the price `price` (GROUP.ITEM of the price table).
struct DraftFixedCost {
  std::string from;
  std::string name;
  std::string price;
  double count = 0.0;
  double quantity = 0.0;
  std::string note;
};

struct DraftSchedule {
  std::string from;
  sim::Time every = sim::kMinute;
  sim::Time start = 0;
  std::int64_t messages = 1;
  std::int64_t groups = 1;
};

struct DraftQueue {
  std::string name;
  std::string from;
  Maybe<sim::Time> visibility_timeout;
  Maybe<sim::Time> retention;
  Maybe<bool> high_throughput;
  Maybe<std::string> dead_letter_queue;
  Maybe<std::int64_t> max_receive_count;
  std::vector<DraftSchedule> schedules;
};

struct DraftTopic {
  std::string name;
  std::string from;
  std::vector<std::string> subscriptions;
  Maybe<bool> high_throughput;
};

struct DraftProxy {
  std::string from;
  Maybe<std::string> name;
  Maybe<double> max_connections_percent;
  Maybe<double> max_idle_connections_percent;
  Maybe<sim::Time> borrow_timeout;
};

struct DraftReplicaScaling {
  std::string from;
  int min = 0;
  int max = 0;
  std::string metric = "reader_cpu";  // or reader_connections
  double target = 70;
  std::optional<sim::Time> scale_out_cooldown;
  std::optional<sim::Time> scale_in_cooldown;
  bool disable_scale_in = false;
};

struct DraftDatabase {
  std::string from;
  Maybe<std::string> name;
  Sourced<std::string> type;    // aurora_serverless_v2, aurora_provisioned, rds
  Sourced<std::string> engine;  // postgresql, mysql
  Maybe<double> min_acu;
  Maybe<double> max_acu;
  Maybe<sim::Time> auto_pause;
  Maybe<std::string> instance_class;
  Maybe<std::string> reader_instance_class;
  Maybe<int> readers;
  Maybe<int> reader_tier;
  Maybe<bool> io_optimized;
  std::optional<DraftProxy> proxy;
  std::optional<DraftReplicaScaling> replica_autoscaling;
};

struct Draft {
  std::string name;
  std::string description;
  std::string command;  // how it was imported, for the header: "loadcast import copilot ..."
  Maybe<std::string> region;
  std::optional<DraftLoadBalancer> load_balancer;
  std::vector<DraftService> services;  // web and backend services, workers and jobs, in input order
  std::optional<DraftDatabase> database;
  std::vector<DraftQueue> queues;
  std::vector<DraftTopic> topics;
  std::vector<DraftFixedCost> fixed_costs;  // `cost.fixed_costs`
  std::vector<ImportFinding> findings;
  std::vector<std::string> fill_in;  // the importer's own assumptions about the infrastructure

  void not_imported(std::string where, std::string what);
  void ignored(std::string where, std::string what);
  void note(std::string where, std::string what);

  DraftService* service(const std::string& wanted);
  DraftQueue* queue(const std::string& wanted);
  DraftTopic* topic(const std::string& wanted);
  const DraftTopic* topic(const std::string& wanted) const;
};

}  // namespace loadcast::scenario
