// CloudWatch as the autoscaler sees it. A MetricPublisher owns the metrics of one
// namespace/dimension set (e.g. one ECS service: CPU, memory, ALB requests per target): at every
// period boundary T (periods aligned to t = 0) it asks each MetricSource for the datapoint of
// [T - period, T); the batch becomes visible at T + delay (assumption: cloudwatch_config.hpp),
// when every alarm on those metrics evaluates and then every PublishListener (the autoscaler)
// runs. Alarms are "M of N" with missing data treated as missing, so a metric with no data (ECS:
// no RUNNING task) can never look low.
// [doc] https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/target-tracking-faster-auto-scaling.html
// Facts and assumptions: docs/models/scaling.md#cloudwatch-metrics-and-alarms
// Not thread safe: one publisher per replication.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/core/component.hpp"
#include "models/scaling/autoscaling_config.hpp"
#include "sim/simulation.hpp"

namespace loadcast::models {

class MetricSource {
 public:
  virtual ~MetricSource() = default;
  // The datapoint of the period [start, end), or nullopt when the metric has no data.
  virtual std::optional<double> collect(sim::Time start, sim::Time end) = 0;
};

enum class AlarmState { kInsufficientData, kOk, kAlarm };
const char* to_string(AlarmState s);
const char* to_symbol(Comparison c);
bool compare(double value, Comparison c, double threshold);

struct AlarmConfig {
  std::string name;
  std::string metric;  // for messages
  Comparison comparison = Comparison::kGreater;
  double threshold = 0.0;
  int evaluation_periods = 1;
  int datapoints_to_alarm = 1;
};

class Alarm {
 public:
  explicit Alarm(AlarmConfig config);

  // Adds the newest period's datapoint and re-evaluates. Returns true when the state changed.
  bool add(std::optional<double> value);
  AlarmState state() const { return state_; }
  const AlarmConfig& config() const { return config_; }
  // The newest datapoint, if the newest period had one.
  std::optional<double> latest() const;
  // Present datapoints of the evaluation range, oldest first.
  std::vector<double> window() const;
  // "3 of 3 datapoints > 70 (91.2, 88.4, 95.0)".
  std::string describe() const;

 private:
  AlarmConfig config_;
  std::vector<std::optional<double>> ring_;  // the last N periods
  std::size_t next_ = 0;
  std::size_t filled_ = 0;
  AlarmState state_ = AlarmState::kInsufficientData;
};

class PublishListener {
 public:
  virtual ~PublishListener() = default;
  // A batch of datapoints was published and every alarm evaluated it.
  virtual void on_published(sim::Time now) = 0;
};

class MetricPublisher {
 public:
  MetricPublisher(sim::Simulation& sim, EventLog& events, std::string name, sim::Time period, sim::Time delay);
  MetricPublisher(const MetricPublisher&) = delete;
  MetricPublisher& operator=(const MetricPublisher&) = delete;

  // `per_task_of_total`: the metric is a total per RUNNING task (backlog per task) whose
  // datapoint at zero tasks, if the source gives one, is the total: target tracking then counts
  // max(RUNNING, 1) tasks, so it may scale from zero (see Autoscaler).
  std::size_t add_metric(std::string name, MetricSource* source, bool per_task_of_total = false);
  bool per_task_of_total(std::size_t metric) const { return metrics_[metric].per_task_of_total; }
  std::optional<std::size_t> find_metric(const std::string& name) const;
  const std::string& metric_name(std::size_t metric) const { return metrics_[metric].name; }
  Alarm& add_alarm(std::size_t metric, AlarmConfig config);
  void add_listener(PublishListener* listener) { listeners_.push_back(listener); }
  // Schedules the first period boundary; call once, before the run.
  void start();

  sim::Time period() const { return period_; }
  sim::Time delay() const { return delay_; }
  // The newest published datapoint of a metric (nullopt: none yet, or no data).
  std::optional<double> latest(std::size_t metric) const { return metrics_[metric].latest; }
  std::uint64_t publications() const { return publications_; }

 private:
  struct Metric {
    std::string name;
    MetricSource* source;
    std::optional<double> latest;
    bool per_task_of_total = false;
  };
  struct AlarmRef {
    std::size_t metric;
    std::unique_ptr<Alarm> alarm;
  };
  void on_period_end();
  void on_publish(std::size_t slot);

  sim::Simulation& sim_;
  EventLog& events_;
  std::string name_;
  sim::Time period_;
  sim::Time delay_;
  std::vector<Metric> metrics_;
  std::vector<AlarmRef> alarms_;
  std::vector<PublishListener*> listeners_;
  // Batches collected but not yet published: a ring, one slot per period in flight.
  std::vector<std::vector<std::optional<double>>> pending_;
  std::size_t next_slot_ = 0;
  std::uint64_t publications_ = 0;
};

}  // namespace loadcast::models
