#include "loadgen/metrics.hpp"

#include <algorithm>

namespace loadcast::loadgen {

void ClassStats::add(const ClassStats& o) {
  scheduled += o.scheduled;
  for (std::size_t i = 0; i < kCauseCount; ++i) causes[i] += o.causes[i];
  for (std::size_t i = 0; i < kStatusSlots; ++i) statuses[i] += o.statuses[i];
  latency.merge(o.latency);
  server_timing.merge(o.server_timing);
}

reports::RequestCounts ClassStats::counts(std::uint64_t in_flight) const {
  reports::RequestCounts c;
  c.total = scheduled;
  c.in_flight = in_flight;
  for (std::size_t i = 0; i < kCauseCount; ++i) {
    const auto cause = static_cast<Cause>(i);
    const std::uint64_t n = causes[i];
    switch (verdict_of(cause)) {
      case Verdict::kOk: c.ok += n; break;
      case Verdict::kError: c.errors += n; break;
      case Verdict::kTimeout: c.timeouts += n; break;
      case Verdict::kDropped: c.dropped += n; break;
    }
    if (cause != Cause::kNone && n > 0) c.by_cause[cause_name(cause)] = n;
  }
  for (std::size_t status = 0; status < kStatusSlots; ++status) {
    if (statuses[status] > 0) c.by_status[std::to_string(status)] = statuses[status];
  }
  return c;
}

WorkerMetrics::WorkerMetrics(std::size_t classes) : classes_(classes), second_class_(classes, 0) {}

void FlowStats::add(const FlowStats& o) {
  started += o.started;
  completed += o.completed;
  failed += o.failed;
  in_flight += o.in_flight;
  dropped += o.dropped;
  for (const auto& [k, v] : o.failed_by_cause) failed_by_cause[k] += v;
  duration.merge(o.duration);
  check_passes.resize(std::max(check_passes.size(), o.check_passes.size()), 0);
  check_fails.resize(std::max(check_fails.size(), o.check_fails.size()), 0);
  for (std::size_t i = 0; i < o.check_passes.size(); ++i) check_passes[i] += o.check_passes[i];
  for (std::size_t i = 0; i < o.check_fails.size(); ++i) check_fails[i] += o.check_fails[i];
  steps.resize(std::max(steps.size(), o.steps.size()));
  for (std::size_t i = 0; i < o.steps.size(); ++i) {
    steps[i].requests += o.steps[i].requests;
    steps[i].ok += o.steps[i].ok;
    steps[i].failed += o.steps[i].failed;
    steps[i].latency.merge(o.steps[i].latency);
  }
}

void WorkerMetrics::set_flows(const std::vector<std::size_t>& checks, const std::vector<std::size_t>& steps) {
  flows_.assign(checks.size(), FlowStats{});
  for (std::size_t f = 0; f < checks.size(); ++f) {
    flows_[f].check_passes.assign(checks[f], 0);
    flows_[f].check_fails.assign(checks[f], 0);
    flows_[f].steps.resize(steps[f]);
  }
}

void WorkerMetrics::flush_second() {
  if (second_ < 0) return;
  if (!second_latency_.empty()) {
    auto& slot = second_hist_[second_];
    if (!slot.empty()) {
      // A second seen twice (a clock step backwards): keep both samples.
      if (auto earlier = reports::Histogram::parse(slot)) second_latency_.merge(*earlier);
    }
    slot = second_latency_.serialize();
    second_latency_.reset();
  }
  if (second_completions_ > 0 || second_failures_ > 0) {
    auto& slot = second_counts_[second_];
    slot.first += second_completions_;
    slot.second += second_failures_;
    auto& by_class = second_class_counts_[second_];
    by_class.resize(second_class_.size(), 0);
    for (std::size_t c = 0; c < second_class_.size(); ++c) by_class[c] += second_class_[c];
  }
  std::fill(second_class_.begin(), second_class_.end(), std::uint64_t{0});
  second_completions_ = 0;
  second_failures_ = 0;
}

void WorkerMetrics::roll(sim::Time now) {
  const std::int64_t s = now < t0_ ? 0 : (now - t0_) / sim::kSecond;
  if (s == second_) return;
  flush_second();
  second_ = s;
}

void WorkerMetrics::on_dropped(std::size_t cls, Cause cause, sim::Time intended, sim::Time now) {
  if (!measured(intended)) return;
  ++classes_[cls].causes[static_cast<std::size_t>(cause)];
  roll(now);
  ++second_completions_;
  ++second_class_[cls];
  ++second_failures_;
}

void WorkerMetrics::on_completed(std::size_t cls, const Completion& c, sim::Time intended) {
  if (!measured(intended)) return;
  auto& k = classes_[cls];
  ++k.causes[static_cast<std::size_t>(c.cause)];
  bytes_ += c.bytes;
  roll(c.done);
  ++second_completions_;
  ++second_class_[cls];
  if (c.status > 0) ++k.statuses[static_cast<std::size_t>(c.status) % kStatusSlots];
  if (c.server_timing != nullptr) k.server_timing.add(*c.server_timing);
  if (c.cause == Cause::kNone) {
    const sim::Time corrected = c.done - intended;
    k.latency.record(corrected < 0 ? 0 : corrected);
    if (c.sent > 0) uncorrected_.record(c.done - c.sent < 0 ? 0 : c.done - c.sent);
    second_latency_.record(corrected < 0 ? 0 : corrected);
  } else {
    ++second_failures_;
  }
}

void WorkerMetrics::finish() { flush_second(); }

}  // namespace loadcast::loadgen
