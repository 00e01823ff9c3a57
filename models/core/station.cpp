#include "models/core/station.hpp"

namespace loadcast::models {

Station::Station(sim::Simulation& sim, const StationConfig& config, RequestSink& sink)
    : sim_(sim),
      config_(config),
      sink_(sink),
      rejected_cause_("rejected:" + config.name),
      ps_(sim, static_cast<double>(config.servers), &Station::on_ps_done, this),
      queue_(64) {}

double Station::busy_now() const {
  if (config_.discipline == Discipline::kPs) {
    const double n = static_cast<double>(present_);
    return n < ps_.capacity() ? n : ps_.capacity();
  }
  return static_cast<double>(busy_);
}

void Station::advance(sim::Time now) {
  if (now == last_change_) return;
  const double dt = sim::to_seconds(now - last_change_);
  const double busy = busy_now();
  busy_area_ += busy * dt;
  present_area_ += static_cast<double>(present_) * dt;
  const double waiting = static_cast<double>(present_) - busy;
  queue_area_ += (waiting > 0.0 ? waiting : 0.0) * dt;
  last_change_ = now;
}

void Station::arrive(Request* r, double service_s) {
  const sim::Time now = sim_.now();
  advance(now);
  if (r->counted) ++arrivals_;
  r->step_start = now;
  if (config_.discipline == Discipline::kPs) {
    if (config_.queue_limit && present_ >= static_cast<std::size_t>(config_.servers) + static_cast<std::size_t>(*config_.queue_limit)) {
      if (r->counted) ++rejected_;
      sink_.step_failed(r, Failure{Failure::Kind::kDropped, 503, &rejected_cause_});
      return;
    }
    ++present_;
    ps_.add(r, service_s);
    return;
  }
  if (busy_ < static_cast<std::size_t>(config_.servers)) {
    ++present_;
    if (r->counted) {
      wait_s_.add(0.0);
      wait_ns_.record(0);
    }
    start(r, service_s);
    return;
  }
  if (config_.queue_limit && waiting_ >= static_cast<std::size_t>(*config_.queue_limit)) {
    if (r->counted) ++rejected_;
    sink_.step_failed(r, Failure{Failure::Kind::kDropped, 503, &rejected_cause_});
    return;
  }
  if (waiting_ == queue_.size()) {
    std::vector<Waiting> bigger(queue_.size() * 2);
    for (std::size_t i = 0; i < waiting_; ++i) bigger[i] = queue_[(head_ + i) & (queue_.size() - 1)];
    queue_ = std::move(bigger);
    head_ = 0;
  }
  queue_[(head_ + waiting_) & (queue_.size() - 1)] = Waiting{r, service_s};
  ++waiting_;
  ++present_;
}

void Station::start(Request* r, double service_s) {
  ++busy_;
  sim_.schedule(sim::from_seconds(service_s), [this, r] { finish(r); });
}

void Station::finish(Request* r) {
  const sim::Time now = sim_.now();
  advance(now);
  --busy_;
  --present_;
  if (r->counted) ++completions_;
  if (waiting_ > 0) {
    const Waiting next = queue_[head_];
    head_ = (head_ + 1) & (queue_.size() - 1);
    --waiting_;
    if (next.request->counted) {
      wait_s_.add(sim::to_seconds(now - next.request->step_start));
      wait_ns_.record(now - next.request->step_start);
    }
    start(next.request, next.service_s);
  }
  sink_.step_done(r);
}

void Station::on_ps_done(void* self, void* token) {
  auto* s = static_cast<Station*>(self);
  auto* r = static_cast<Request*>(token);
  // present_ still counts the finished job, so the interval before now is integrated with the
  // population it really had.
  s->advance(s->sim_.now());
  --s->present_;
  if (r->counted) ++s->completions_;
  s->sink_.step_done(r);
}

void Station::restart_statistics() {
  const sim::Time now = sim_.now();
  advance(now);
  stats_start_ = now;
  busy_area_ = queue_area_ = present_area_ = 0.0;
  wait_s_ = sim::Welford{};
  wait_ns_.reset();
  arrivals_ = completions_ = rejected_ = 0;
}

reports::StationResult Station::result() const {
  const sim::Time now = sim_.now();
  // Integrate up to now without changing state (result() is const).
  const double tail = sim::to_seconds(now - last_change_);
  const double busy = busy_now();
  const double waiting = static_cast<double>(present_) - busy;
  const double span = sim::to_seconds(now - stats_start_);
  const double busy_area = busy_area_ + busy * tail;
  const double queue_area = queue_area_ + (waiting > 0.0 ? waiting : 0.0) * tail;
  const double present_area = present_area_ + static_cast<double>(present_) * tail;
  reports::StationResult out;
  out.servers = static_cast<std::uint64_t>(config_.servers);
  out.discipline = config_.discipline == Discipline::kPs ? "ps" : "fcfs";
  out.utilization = span > 0 ? busy_area / span / static_cast<double>(config_.servers) : 0.0;
  out.mean_queue = span > 0 ? queue_area / span : 0.0;
  out.mean_in_system = span > 0 ? present_area / span : 0.0;
  out.mean_wait_ms = wait_s_.mean() * 1e3;
  if (!wait_ns_.empty()) {
    const auto p = wait_ns_.percentiles({95.0, 99.0});
    out.wait_p95_ms = p[0] * 1e-6;
    out.wait_p99_ms = p[1] * 1e-6;
  }
  out.arrivals = arrivals_;
  out.completions = completions_;
  out.rejected = rejected_;
  return out;
}

}  // namespace loadcast::models
