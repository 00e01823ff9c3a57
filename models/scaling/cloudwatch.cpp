#include "models/scaling/cloudwatch.hpp"

#include <stdexcept>

namespace loadcast::models {

const char* to_string(AlarmState s) {
  switch (s) {
    case AlarmState::kOk: return "OK";
    case AlarmState::kAlarm: return "ALARM";
    case AlarmState::kInsufficientData: break;
  }
  return "INSUFFICIENT_DATA";
}

const char* to_symbol(Comparison c) {
  switch (c) {
    case Comparison::kGreater: return ">";
    case Comparison::kGreaterOrEqual: return ">=";
    case Comparison::kLess: return "<";
    case Comparison::kLessOrEqual: break;
  }
  return "<=";
}

bool compare(double value, Comparison c, double threshold) {
  switch (c) {
    case Comparison::kGreater: return value > threshold;
    case Comparison::kGreaterOrEqual: return value >= threshold;
    case Comparison::kLess: return value < threshold;
    case Comparison::kLessOrEqual: break;
  }
  return value <= threshold;
}

Alarm::Alarm(AlarmConfig config) : config_(std::move(config)) {
  if (config_.evaluation_periods < 1 || config_.datapoints_to_alarm < 1 ||
      config_.datapoints_to_alarm > config_.evaluation_periods) {
    throw std::invalid_argument("alarm " + config_.name + ": need 1 <= datapoints_to_alarm <= evaluation_periods");
  }
  ring_.resize(static_cast<std::size_t>(config_.evaluation_periods));
}

bool Alarm::add(std::optional<double> value) {
  ring_[next_] = value;
  next_ = (next_ + 1) % ring_.size();
  if (filled_ < ring_.size()) ++filled_;
  int present = 0;
  int breaching = 0;
  for (std::size_t i = 0; i < filled_; ++i) {
    if (!ring_[i]) continue;
    ++present;
    if (compare(*ring_[i], config_.comparison, config_.threshold)) ++breaching;
  }
  AlarmState next = AlarmState::kOk;
  if (breaching >= config_.datapoints_to_alarm) next = AlarmState::kAlarm;
  else if (present == 0) next = AlarmState::kInsufficientData;
  const bool changed = next != state_;
  state_ = next;
  return changed;
}

std::optional<double> Alarm::latest() const {
  if (filled_ == 0) return std::nullopt;
  return ring_[(next_ + ring_.size() - 1) % ring_.size()];
}

std::vector<double> Alarm::window() const {
  std::vector<double> out;
  // Oldest first: the ring's oldest slot is next_ once it is full, 0 before.
  const std::size_t start = filled_ < ring_.size() ? 0 : next_;
  for (std::size_t k = 0; k < filled_; ++k) {
    const auto& v = ring_[(start + k) % ring_.size()];
    if (v) out.push_back(*v);
  }
  return out;
}

std::string Alarm::describe() const {
  int breaching = 0;
  std::string values;
  for (double v : window()) {
    if (compare(v, config_.comparison, config_.threshold)) ++breaching;
    values += (values.empty() ? "" : ", ") + format_number(v);
  }
  return config_.metric + " " + std::to_string(breaching) + " of " + std::to_string(config_.evaluation_periods) +
         " datapoints " + to_symbol(config_.comparison) + " " + format_number(config_.threshold) + " (" + values + ")";
}

MetricPublisher::MetricPublisher(sim::Simulation& sim, EventLog& events, std::string name, sim::Time period, sim::Time delay)
    : sim_(sim), events_(events), name_(std::move(name)), period_(period), delay_(delay) {
  if (period_ <= 0 || delay_ < 0) throw std::invalid_argument("metric publisher " + name_ + ": period must be > 0, delay >= 0");
  pending_.resize(static_cast<std::size_t>(delay_ / period_) + 2);
}

std::size_t MetricPublisher::add_metric(std::string name, MetricSource* source, bool per_task_of_total) {
  metrics_.push_back(Metric{std::move(name), source, std::nullopt, per_task_of_total});
  return metrics_.size() - 1;
}

std::optional<std::size_t> MetricPublisher::find_metric(const std::string& name) const {
  for (std::size_t i = 0; i < metrics_.size(); ++i) {
    if (metrics_[i].name == name) return i;
  }
  return std::nullopt;
}

Alarm& MetricPublisher::add_alarm(std::size_t metric, AlarmConfig config) {
  alarms_.push_back(AlarmRef{metric, std::make_unique<Alarm>(std::move(config))});
  return *alarms_.back().alarm;
}

void MetricPublisher::start() {
  sim_.schedule_at(sim_.now() + period_, [this] { on_period_end(); });
}

void MetricPublisher::on_period_end() {
  const sim::Time end = sim_.now();
  const std::size_t slot = next_slot_;
  next_slot_ = (next_slot_ + 1) % pending_.size();
  auto& batch = pending_[slot];
  batch.clear();
  for (auto& m : metrics_) batch.push_back(m.source->collect(end - period_, end));
  sim_.schedule(delay_, [this, slot] { on_publish(slot); });
  sim_.schedule(period_, [this] { on_period_end(); });
}

void MetricPublisher::on_publish(std::size_t slot) {
  const auto& batch = pending_[slot];
  for (std::size_t i = 0; i < metrics_.size(); ++i) metrics_[i].latest = batch[i];
  ++publications_;
  for (auto& a : alarms_) {
    const AlarmState before = a.alarm->state();
    if (a.alarm->add(batch[a.metric])) {
      events_.add(sim_.now(), "alarm", a.alarm->config().name, std::nullopt, std::nullopt,
                  std::string(to_string(before)) + " -> " + to_string(a.alarm->state()) + ": " + a.alarm->describe());
    }
  }
  for (PublishListener* l : listeners_) l->on_published(sim_.now());
}

}  // namespace loadcast::models
