// What every simulated component can take part in besides its own events: the end of the
// warm-up, the per-interval time series, the event log (and format_number for the numbers in
// its reasons) and the end-of-run summary.
//
// Observation is separate from behaviour: components record named series and events here, and
// writers in reports/ format them. Series names are stable snake_case strings,
// "<component>.<metric>" (e.g. "web.tasks_running"); the names of system-wide series are the
// constants in RunOutput. Not thread safe: one set per replication.
#pragma once

#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "reports/result.hpp"
#include "sim/time.hpp"

namespace loadcast::models {

struct RunOutput;

// A number in an event's reason, with `significant_digits` significant digits in the shorter of
// fixed and exponent notation (printf's %g): "91.23", "0.5", "1.2e+04".
inline std::string format_number(double value, int significant_digits = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", significant_digits, value);
  return buf;
}

// Events for the result's `events` list (alarm changes, scaling, task lifecycle...).
class EventLog {
 public:
  void add(sim::Time t, std::string type, std::string target, std::optional<double> from = std::nullopt,
           std::optional<double> to = std::nullopt, std::string reason = {}) {
    if (!enabled_) return;
    events_.push_back(reports::Event{sim::to_seconds(t), std::move(type), std::move(target), from, to, std::move(reason)});
  }
  void set_enabled(bool on) { enabled_ = on; }
  bool enabled() const { return enabled_; }
  std::vector<reports::Event>& events() { return events_; }

 private:
  std::vector<reports::Event> events_;
  bool enabled_ = true;
};

// One row of the time series: values for the interval that just ended.
class SeriesRow {
 public:
  SeriesRow(reports::TimeSeries& ts, std::size_t index) : ts_(ts), index_(index) {}
  void set(const std::string& name, double value) {
    auto& s = ts_.series[name];
    if (s.size() <= index_) s.resize(index_ + 1, std::numeric_limits<double>::quiet_NaN());
    s[index_] = value;
  }
  std::size_t index() const { return index_; }

 private:
  reports::TimeSeries& ts_;
  std::size_t index_;
};

class Component {
 public:
  virtual ~Component() = default;
  virtual void on_warmup_end() {}
  // The reporting interval [start, end) just ended: write its values.
  virtual void sample(sim::Time start, sim::Time end, SeriesRow& row) {
    (void)start;
    (void)end;
    (void)row;
  }
  // The run ended: add summaries (stations, sections) to the output.
  virtual void finish(RunOutput& out) { (void)out; }
};

}  // namespace loadcast::models
