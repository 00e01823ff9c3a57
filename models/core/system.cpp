#include "models/core/system.hpp"

#include <algorithm>

#include "models/core/backend_tier.hpp"
#include "models/core/web_tier.hpp"

namespace loadcast::models {

void System::Counter::add_cause(const std::string* cause) {
  if (cause == nullptr) return;
  for (auto& [c, n] : by_cause) {
    if (c == cause || *c == *cause) {
      ++n;
      return;
    }
  }
  by_cause.emplace_back(cause, 1);
}

reports::RequestCounts System::Counter::to_counts() const {
  reports::RequestCounts c;
  c.total = total;
  c.ok = ok;
  c.errors = errors;
  c.timeouts = timeouts;
  c.dropped = dropped;
  c.in_flight = in_flight;
  for (std::size_t s = 0; s < by_status.size(); ++s) {
    if (by_status[s] != 0) c.by_status[std::to_string(s)] += by_status[s];
  }
  for (const auto& [cause, n] : by_cause) c.by_cause[*cause] += n;
  return c;
}

System::System(sim::Simulation& sim, const workload::WorkloadSpec& workload, const ModelConfig& config, const RunParams& params)
    : sim_(sim),
      workload_(workload),
      params_(params),
      sessions_(workload.flows.empty() ? nullptr : std::make_unique<SessionRunner>(sim, workload, *this)),
      source_(sim, workload, *this, params.duration, this),
      class_counts_(workload.classes.size()),
      class_latency_(workload.classes.size()),
      recent_(workload.classes.size()),
      interval_class_latency_(workload.classes.size() > 1 ? workload.classes.size() : 0),
      interval_class_completions_(interval_class_latency_.size(), 0) {
  if (params.window) window_.emplace();
  events_.set_enabled(params.record_events);
  for (const auto& sc : config.stations) stations_.push_back(std::make_unique<Station>(sim, sc, *this));
  for (std::size_t c = 0; c < config.classes.size(); ++c) {
    const auto& steps = config.classes[c].steps;
    class_steps_.push_back(ClassSteps{static_cast<std::uint32_t>(steps_.size()), static_cast<std::uint32_t>(steps.size())});
    for (std::size_t i = 0; i < steps.size(); ++i) {
      Step step;
      step.rng = sim.stream("class." + workload.classes[c].name + ".step." + std::to_string(i));
      step.config = &steps[i];
      step.service = &steps[i].service;
      if (steps[i].kind == StepKind::kStation) step.station = stations_[steps[i].target_index].get();
      steps_.push_back(step);
    }
  }
  timeseries_.interval_s = sim::to_seconds(params.interval);
  if (config.load_balancer && config.load_balancer->latency) {
    lb_latency_ = &*config.load_balancer->latency;
    lb_latency_rng_ = sim.stream("alb.latency");
  }
  if (config.load_balancer || !config.services.empty() || config.database) {
    web_ = std::make_unique<WebTier>(sim, events_, config, *this);
  }
  // Components end the warm-up, sample and finish in the order they are added. Each adds its own
  // meters to the run's usage in finish(), so this order is also the order of the records in the
  // usage lists of result.json: the backend tier's (queues, topics, workers, proxy), then the web
  // tier's.
  if (BackendTier::needed(config)) {
    backend_ = std::make_unique<BackendTier>(sim, events_, config, *this, web_.get());
    add_component(backend_.get());
  }
  if (web_) add_component(web_.get());
}

System::~System() = default;

RunOutput System::run() {
  measuring_ = params_.warmup <= 0;
  if (!measuring_) sim_.schedule_at(params_.warmup, [this] { on_warmup_end(); });
  if (params_.interval > 0 && params_.interval < params_.duration) {
    sim_.schedule_at(params_.interval, [this] { on_interval(); });
  }
  if (sim::kHour < params_.duration) sim_.schedule_at(sim::kHour, [this] { on_hour(); });
  if (web_) web_->start();
  if (backend_) backend_->start();
  source_.start();
  sim_.run_until(params_.duration);
  // Interrupted, the run covers the simulated time it reached.
  const sim::Time end = sim_.interrupted() ? sim_.now() : params_.duration;
  if (interval_start_ < end) close_interval(interval_start_, end);
  close_hour();
  fold_recent();

  RunOutput out;
  out.measured_s = sim::to_seconds(end > params_.warmup ? end - (params_.warmup > 0 ? params_.warmup : 0) : 0);
  out.events_processed = sim_.events_processed();
  for (std::size_t c = 0; c < class_counts_.size(); ++c) {
    ClassRun cr;
    cr.name = workload_.classes[c].name;
    cr.requests = class_counts_[c].to_counts();
    cr.latency = class_latency_[c];
    out.requests.merge(cr.requests);
    out.latency.merge(cr.latency);
    out.classes.push_back(std::move(cr));
  }
  for (const auto& s : stations_) out.stations[s->name()] = s->result();
  out.timeseries = std::move(timeseries_);
  out.sections["hourly"] = std::move(hours_);
  if (window_) {
    reports::Json w = window_->to_json();
    const sim::Time from = params_.window->first, to = std::min(params_.window->second, params_.duration);
    w["from_s"] = sim::to_seconds(from);
    w["to_s"] = sim::to_seconds(to);
    w["measured_s"] = sim::to_seconds(to - std::clamp(params_.warmup, from, to));
    out.sections["window"] = std::move(w);
  }
  if (sessions_) sessions_->write(out.sections, class_latency_);
  for (Component* c : components_) c->finish(out);
  if (outbound_.used()) outbound_.add_usage(out.metered_usage(params_.duration));
  out.events = std::move(events_.events());
  return out;
}

void System::enter(std::uint32_t cls, std::uint32_t user, std::uint32_t session) {
  Request* r = pool_.acquire();
  r->cls = cls;
  r->user = user;
  r->session = session;
  r->arrival = sim_.now();
  r->counted = measuring_;
  ++interval_arrivals_;
  if (measuring_) {
    ++hour_.arrivals;
    if (window_ && in_window(r->arrival)) ++window_->arrivals;
    Counter& c = class_counts_[cls];
    ++c.total;
    ++c.in_flight;
  }
  if (web_ != nullptr && web_->routed(cls)) {
    if (lb_latency_ != nullptr) {
      sim_.schedule(lb_latency_->sample_time(lb_latency_rng_), [this, r] { dispatch(r); });
      return;
    }
    dispatch(r);
    return;
  }
  run_step(r);
}

void System::dispatch(Request* r) {
  bool queued = false;
  if (const Failure* f = web_->dispatch(r, queued)) {
    complete(r, f);
    return;
  }
  if (queued) return;  // its task starts it when a worker is free
  run_step(r);
}

void System::run_step(Request* r) {
  if (r->abandoned) {
    discard(r);
    return;
  }
  const ClassSteps cs = class_steps_[r->cls];
  if (r->step >= cs.count) {
    complete(r, nullptr);
    return;
  }
  Step& step = steps_[cs.first + r->step++];
  sim::Rng& rng = step.rng;
  if (step.station != nullptr) [[likely]] {
    step.station->arrive(r, step.service->sample(rng));
    return;
  }
  const StepConfig& s = *step.config;
  switch (s.kind) {
    case StepKind::kStation:
      break;
    case StepKind::kDelay: {
      const sim::Time delay = s.service.sample_time(rng);
      if (s.call) outbound_.add(*s.call, rng);
      sim_.schedule(delay, [this, r] { run_step(r); });
      break;
    }
    case StepKind::kCpu:
      web_->cpu(r, s.service.sample(rng));
      break;
    case StepKind::kDb:
      web_->db(r, s.db);
      break;
    case StepKind::kPublish:
      backend_->publish(r, s.publish, rng);
      break;
  }
}

void System::complete(Request* r, const Failure* f) {
  account(r, f);
  if (r->task != nullptr) web_->finished(r);
  const std::uint32_t user = r->user;
  const std::uint32_t session = r->session;
  const bool counted = r->counted;
  const sim::Time latency = sim_.now() - r->arrival;
  pool_.release(r);
  if (user != UINT32_MAX) source_.request_done(user);
  if (session != UINT32_MAX) sessions_->request_done(session, f == nullptr, counted, latency);
}

void System::respond_early(Request* r, const Failure& f) {
  account(r, &f);
  r->abandoned = true;
  const std::uint32_t user = r->user;
  const std::uint32_t session = r->session;
  r->user = UINT32_MAX;
  r->session = UINT32_MAX;
  if (user != UINT32_MAX) source_.request_done(user);
  if (session != UINT32_MAX) sessions_->request_done(session, false, r->counted, sim_.now() - r->arrival);
}

void System::discard(Request* r) {
  if (r->task != nullptr) web_->discarded(r);
  pool_.release(r);
}

void System::account(Request* r, const Failure* f) {
  const sim::Time latency = sim_.now() - r->arrival;
  const bool ok = f == nullptr;
  ++interval_completions_;
  if (!ok) {
    ++interval_errors_;
    if (f->status >= 500 && f->status < 600) {
      ++interval_5xx_;
      ++interval_by_5xx_[static_cast<std::size_t>(f->status - 500)];
    }
  } else if (!r->counted) {
    // Before the warm-up's end: only the interval's series see it.
    interval_latency_.record(latency);
    if (!interval_class_latency_.empty()) interval_class_latency_[r->cls].record(latency);
  }
  if (!interval_class_completions_.empty()) ++interval_class_completions_[r->cls];
  if (r->counted) {
    Span* window = window_ && in_window(sim_.now()) ? &*window_ : nullptr;
    (ok ? hour_.ok : hour_.failed) += 1;
    if (window != nullptr) (ok ? window->ok : window->failed) += 1;
    Counter& c = class_counts_[r->cls];
    --c.in_flight;
    if (ok) {
      ++c.ok;
      ++c.by_status[200];
      recent_[r->cls].record(latency);
      if (window != nullptr) window->latency.record(latency);
    } else {
      switch (f->kind) {
        case Failure::Kind::kError: ++c.errors; break;
        case Failure::Kind::kTimeout: ++c.timeouts; break;
        case Failure::Kind::kDropped: ++c.dropped; break;
      }
      if (f->status > 0 && f->status < 600 && f->kind != Failure::Kind::kDropped) ++c.by_status[static_cast<std::size_t>(f->status)];
      c.add_cause(f->cause);
    }
  }
}

void System::fold_recent() {
  for (std::size_t c = 0; c < recent_.size(); ++c) {
    reports::Histogram& h = recent_[c];
    if (h.empty()) continue;
    class_latency_[c].merge(h);
    hour_.latency.merge(h);
    interval_latency_.merge(h);
    if (!interval_class_latency_.empty()) interval_class_latency_[c].merge(h);
    h.reset();
  }
}

void System::on_warmup_end() {
  measuring_ = true;
  for (auto& s : stations_) s->restart_statistics();
  for (Component* c : components_) c->on_warmup_end();
}

bool System::in_window(sim::Time t) const {
  return params_.window && t >= params_.window->first && t < params_.window->second;
}

reports::Json System::Span::to_json() const {
  reports::Json j;
  j["arrivals"] = arrivals;
  j["ok"] = ok;
  j["failed"] = failed;
  const std::uint64_t done = ok + failed;
  j["error_rate"] = done > 0 ? reports::Json(static_cast<double>(failed) / static_cast<double>(done)) : reports::Json(nullptr);
  if (latency.empty()) {
    j["latency_ms"] = reports::Json{{"mean", nullptr}, {"p50", nullptr}, {"p95", nullptr}, {"p99", nullptr}, {"max", nullptr}};
  } else {
    const auto p = latency.percentiles({50.0, 95.0, 99.0});
    j["latency_ms"] = reports::Json{{"mean", latency.mean() * 1e-6},
                                    {"p50", p[0] * 1e-6},
                                    {"p95", p[1] * 1e-6},
                                    {"p99", p[2] * 1e-6},
                                    {"max", static_cast<double>(latency.max()) * 1e-6}};
  }
  return j;
}

void System::close_hour() {
  fold_recent();
  const sim::Time start = static_cast<sim::Time>(hour_index_) * sim::kHour;
  if (start >= params_.duration) return;
  const sim::Time end = std::min(start + sim::kHour, params_.duration);
  reports::Json j = hour_.to_json();
  j["t_s"] = sim::to_seconds(start);
  j["span_s"] = sim::to_seconds(end - start);
  j["measured_s"] = sim::to_seconds(end - std::clamp(params_.warmup, start, end));
  hours_.push_back(std::move(j));
  hour_.reset();
  ++hour_index_;
}

void System::on_hour() {
  close_hour();
  if (sim_.now() + sim::kHour < params_.duration) sim_.schedule(sim::kHour, [this] { on_hour(); });
}

void System::on_interval() {
  const sim::Time now = sim_.now();
  close_interval(interval_start_, now);
  if (now + params_.interval < params_.duration) sim_.schedule(params_.interval, [this] { on_interval(); });
}

void System::close_interval(sim::Time start, sim::Time end) {
  fold_recent();
  const std::size_t index = timeseries_.t_s.size();
  timeseries_.t_s.push_back(sim::to_seconds(start));
  SeriesRow row(timeseries_, index);
  const double span = sim::to_seconds(end - start);
  row.set(series::kRequestsPerS, span > 0 ? static_cast<double>(interval_completions_) / span : 0.0);
  row.set(series::kArrivalsPerS, span > 0 ? static_cast<double>(interval_arrivals_) / span : 0.0);
  row.set(series::kErrorsPerS, span > 0 ? static_cast<double>(interval_errors_) / span : 0.0);
  row.set(series::kHttp5xx, static_cast<double>(interval_5xx_));
  for (std::size_t k = 0; k < interval_by_5xx_.size(); ++k) {
    if (interval_by_5xx_[k] == 0 && !seen_5xx_[k]) continue;
    const std::string name = series::http_status(500 + static_cast<int>(k));
    if (!seen_5xx_[k]) {
      seen_5xx_[k] = true;
      timeseries_.series[name].assign(index, 0.0);  // none in the intervals before the first
    }
    row.set(name, static_cast<double>(interval_by_5xx_[k]));
    interval_by_5xx_[k] = 0;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (interval_latency_.empty()) {
    row.set(series::kLatencyMean, nan);
    row.set(series::kLatencyP50, nan);
    row.set(series::kLatencyP95, nan);
    row.set(series::kLatencyP99, nan);
  } else {
    const auto p = interval_latency_.percentiles({50.0, 95.0, 99.0});
    row.set(series::kLatencyMean, interval_latency_.mean() * 1e-6);
    row.set(series::kLatencyP50, p[0] * 1e-6);
    row.set(series::kLatencyP95, p[1] * 1e-6);
    row.set(series::kLatencyP99, p[2] * 1e-6);
  }
  for (const auto& s : stations_) {
    row.set(s->name() + ".in_system", static_cast<double>(s->present()));
  }
  for (std::size_t c = 0; c < interval_class_latency_.size(); ++c) {
    reports::Histogram& h = interval_class_latency_[c];
    const std::string prefix = "classes." + workload_.classes[c].name;
    row.set(prefix + ".requests_per_s", span > 0 ? static_cast<double>(interval_class_completions_[c]) / span : 0.0);
    interval_class_completions_[c] = 0;
    if (h.empty()) {
      row.set(prefix + ".latency_p50_ms", nan);
      row.set(prefix + ".latency_p99_ms", nan);
    } else {
      const auto p = h.percentiles({50.0, 99.0});
      row.set(prefix + ".latency_p50_ms", p[0] * 1e-6);
      row.set(prefix + ".latency_p99_ms", p[1] * 1e-6);
    }
    h.reset();
  }
  for (Component* c : components_) c->sample(start, end, row);
  interval_latency_.reset();
  interval_completions_ = interval_arrivals_ = interval_errors_ = interval_5xx_ = 0;
  interval_start_ = end;
}

}  // namespace loadcast::models
