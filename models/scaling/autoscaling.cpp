#include "models/scaling/autoscaling.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace loadcast::models {

namespace {

// Guards ceil/floor against products like 3 x 70 / 70 landing a hair off an integer.
constexpr double kEpsilon = 1e-9;

double aggregate(const std::vector<double>& values, Aggregation a) {
  if (values.empty()) return 0.0;
  switch (a) {
    case Aggregation::kMinimum: return *std::min_element(values.begin(), values.end());
    case Aggregation::kMaximum: return *std::max_element(values.begin(), values.end());
    case Aggregation::kAverage: break;
  }
  double sum = 0.0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

}  // namespace

int round_percent_adjustment(double change) {
  if (change > 1.0) return static_cast<int>(std::floor(change));
  if (change > 0.0) return 1;
  if (change == 0.0) return 0;
  if (change >= -1.0) return -1;
  return static_cast<int>(std::ceil(change));
}

Autoscaler::Autoscaler(sim::Simulation& sim, EventLog& events, ScalableTarget& target, const AutoscalingConfig& config,
                       MetricPublisher& publisher)
    : sim_(sim), events_(events), target_(target), config_(config), publisher_(publisher), min_(config.min), max_(config.max) {
  const std::string& name = target.scalable_name();
  for (const auto& pc : config.policies) {
    Policy p;
    p.config = &pc;
    const std::string& metric = std::visit([](const auto& s) -> const std::string& { return s.metric; }, pc.spec);
    const auto index = publisher.find_metric(metric);
    if (!index) throw std::invalid_argument(name + ": policy " + pc.name + " uses unknown metric '" + metric + "'");
    p.metric = *index;
    if (const auto* tt = std::get_if<TargetTrackingConfig>(&pc.spec)) {
      const auto high = tt->high_alarm(publisher.period());
      const auto low = tt->low_alarm(publisher.period());
      p.high = &publisher.add_alarm(*index, AlarmConfig{name + "." + pc.name + ".AlarmHigh", metric, Comparison::kGreater,
                                                        tt->target, high.periods, high.datapoints});
      p.low = &publisher.add_alarm(*index, AlarmConfig{name + "." + pc.name + ".AlarmLow", metric, Comparison::kLess,
                                                       tt->low_ratio * tt->target, low.periods, low.datapoints});
    } else {
      const auto& st = std::get<StepScalingConfig>(pc.spec);
      p.high = &publisher.add_alarm(*index, AlarmConfig{name + "." + pc.name, metric, st.comparison, st.threshold,
                                                        st.evaluation_periods, st.datapoints_to_alarm});
    }
    policies_.push_back(p);
  }
  publisher.add_listener(this);
}

int Autoscaler::register_capacity(int capacity) {
  const int to = clamp(capacity);
  if (to != capacity) {
    events_.add(sim_.now(), "desired_clamped", target_.scalable_name(), capacity, to,
                "desired " + std::to_string(capacity) + " is outside min " + std::to_string(min_) + " .. max " +
                    std::to_string(max_) + ": registering the scalable target sets it to " + std::to_string(to));
  }
  return to;
}

void Autoscaler::start() {
  const int current = target_.desired_capacity();
  const int to = register_capacity(current);
  if (to != current) target_.set_desired_capacity(to);
  for (std::size_t i = 0; i < config_.scheduled.size(); ++i) {
    sim_.schedule_at(config_.scheduled[i].at, [this, i] { on_scheduled(i); });
  }
}

int Autoscaler::clamp(int capacity) const { return std::max(min_, std::min(max_, capacity)); }

int Autoscaler::step_capacity(const Policy& p, int base, double value) const {
  const auto& s = std::get<StepScalingConfig>(p.config->spec);
  const double diff = value - s.threshold;
  const bool above = s.comparison == Comparison::kGreater || s.comparison == Comparison::kGreaterOrEqual;
  const StepAdjustment* match = nullptr;
  for (const auto& step : s.steps) {
    const bool lower_ok = !step.lower || (above ? diff >= *step.lower : diff > *step.lower);
    const bool upper_ok = !step.upper || (above ? diff < *step.upper : diff <= *step.upper);
    if (lower_ok && upper_ok) {
      match = &step;
      break;
    }
  }
  if (match == nullptr) return base;
  switch (s.adjustment_type) {
    case AdjustmentType::kExactCapacity: return static_cast<int>(std::lround(match->adjustment));
    case AdjustmentType::kChangeInCapacity: return base + static_cast<int>(std::lround(match->adjustment));
    case AdjustmentType::kPercentChangeInCapacity: break;
  }
  int change = round_percent_adjustment(static_cast<double>(base) * match->adjustment / 100.0);
  if (s.min_adjustment_magnitude && change != 0 && std::abs(change) < *s.min_adjustment_magnitude) {
    change = change > 0 ? *s.min_adjustment_magnitude : -*s.min_adjustment_magnitude;
  }
  return base + change;
}

void Autoscaler::on_published(sim::Time now) {
  const int current = target_.desired_capacity();
  const bool out_cooling = now < out_cooldown_until_;
  // During a scale-out cooldown the metric still describes the capacity the cooldown started
  // from, and what that scale-out added counts as already there (see the header).
  const int running_tasks = out_cooling ? out_base_running_ : target_.running_capacity();
  const int out_base = out_cooling ? out_base_ : current;
  Proposal out;
  Proposal tt_in;    // valid only when every target-tracking policy with scale-in wants in
  Proposal step_in;  // a step scale-in stands on its own: target tracking does not block it
  bool tt_in_all = true;
  bool tt_in_any = false;
  for (const Policy& p : policies_) {
    if (const auto* tt = std::get_if<TargetTrackingConfig>(&p.config->spec)) {
      const auto v = publisher_.latest(p.metric);
      // A backlog-per-task datapoint at zero tasks (guarded metric math) is the whole backlog, so
      // ceil(max(running, 1) x v / target) = ceil(backlog / target) scales out from zero
      // (messaging: worker_service.hpp); without the guard there is no datapoint then.
      const int running = publisher_.per_task_of_total(p.metric) ? std::max(running_tasks, 1) : running_tasks;
      if (p.high->state() == AlarmState::kAlarm && v) {
        const double exact = static_cast<double>(running) * *v / tt->target;
        const int want = static_cast<int>(std::ceil(exact - kEpsilon));
        if (want > current && want > out.capacity) {
          out = Proposal{want, &p, tt->scale_out_cooldown,
                         p.config->name + ": " + p.high->describe() + "; ceil(" + std::to_string(running) + " x " + format_number(*v) +
                             " / " + format_number(tt->target) + ") = " + std::to_string(want) +
                             (out_cooling ? " (running when the scale-out cooldown started)" : "")};
        }
      }
      if (tt->disable_scale_in) continue;
      tt_in_any = true;
      // The smallest capacity that keeps the metric at or below the target: AWS does not scale
      // in when removing capacity would push the metric above it, so this is a ceil, not the
      // floor(current x metric / target) that would overshoot. [doc]
      // https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
      // scale_in_rounding: floor selects floor(current x metric / target) instead.
      const bool floor_in = tt->scale_in_rounding == TargetTrackingConfig::ScaleInRounding::kFloor;
      int want = current;
      if (v) {
        const double exact_in = static_cast<double>(running) * *v / tt->target;
        want = static_cast<int>(floor_in ? std::floor(exact_in + kEpsilon) : std::ceil(exact_in - kEpsilon));
      }
      if (p.low->state() != AlarmState::kAlarm || want >= current) {
        tt_in_all = false;
        continue;
      }
      if (tt_in.policy == nullptr || want > tt_in.capacity) {
        tt_in = Proposal{want, &p, tt->scale_in_cooldown,
                         p.config->name + ": " + p.low->describe() + (floor_in ? "; floor(" : "; ceil(") + std::to_string(running) + " x " + format_number(*v) +
                             " / " + format_number(tt->target) + ") = " + std::to_string(want)};
      }
    } else {
      const auto& st = std::get<StepScalingConfig>(p.config->spec);
      if (p.high->state() != AlarmState::kAlarm) continue;
      const double value = aggregate(p.high->window(), st.aggregation);
      int want = step_capacity(p, current, value);
      if (want > current && out_cooling) want = std::max(current, step_capacity(p, out_base, value));
      const std::string reason = p.config->name + ": " + p.high->describe() + "; step on " + format_number(value) + " -> " + std::to_string(want);
      if (want > current && want > out.capacity) out = Proposal{want, &p, st.cooldown, reason};
      if (want < current && (step_in.policy == nullptr || want > step_in.capacity)) step_in = Proposal{want, &p, st.cooldown, reason};
    }
  }
  if (out.policy != nullptr) {
    const int to = clamp(out.capacity);
    if (to > current) {
      if (!out_cooling) {
        out_base_ = current;
        out_base_running_ = target_.running_capacity();
      }
      out_cooldown_until_ = now + out.cooldown;
      in_cooldown_until_ = -1;
      ++scale_outs_;
      apply(to, "scale_out", out.reason);
    }
    return;
  }
  if (now < in_cooldown_until_) return;
  const Proposal* in = step_in.policy != nullptr ? &step_in : nullptr;
  if (tt_in.policy != nullptr && tt_in_all && tt_in_any && (in == nullptr || tt_in.capacity > in->capacity)) in = &tt_in;
  if (in == nullptr) return;
  const int to = clamp(in->capacity);
  if (to >= current) return;
  in_cooldown_until_ = now + in->cooldown;
  ++scale_ins_;
  std::string reason = in->reason;
  if (in == &tt_in) {
    // Name every agreeing policy: with CPU and memory policies, both had to be low.
    for (const Policy& p : policies_) {
      if (&p != tt_in.policy && p.low != nullptr && p.low->state() == AlarmState::kAlarm) reason += "; " + p.config->name + ": " + p.low->describe();
    }
  }
  apply(to, "scale_in", reason);
}

void Autoscaler::apply(int to, const char* type, const std::string& reason) {
  const int from = target_.desired_capacity();
  target_.set_desired_capacity(to);
  events_.add(sim_.now(), type, target_.scalable_name(), from, to, reason);
}

void Autoscaler::on_scheduled(std::size_t index) {
  const auto& a = config_.scheduled[index];
  if (a.min) min_ = *a.min;
  if (a.max) max_ = *a.max;
  std::string what;
  if (a.min) what += "min " + std::to_string(*a.min);
  if (a.max) what += std::string(what.empty() ? "" : ", ") + "max " + std::to_string(*a.max);
  events_.add(sim_.now(), "scheduled_action", target_.scalable_name(), std::nullopt, std::nullopt, what);
  const int current = target_.desired_capacity();
  const int to = clamp(current);
  if (to > current) apply(to, "scale_out", "scheduled action: " + what);
  else if (to < current) apply(to, "scale_in", "scheduled action: " + what);
}

}  // namespace loadcast::models
