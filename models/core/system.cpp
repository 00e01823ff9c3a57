#include "models/core/system.hpp"

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
      config_(config),
      params_(params),
      source_(sim, workload, *this, params.duration),
      class_counts_(workload.classes.size()),
      class_latency_(workload.classes.size()),
      interval_class_latency_(workload.classes.size()) {
  events_.set_enabled(params.record_events);
  for (const auto& sc : config.stations) stations_.push_back(std::make_unique<Station>(sim, sc, *this));
  for (std::size_t c = 0; c < config.classes.size(); ++c) {
    step_offset_.push_back(step_rngs_.size());
    for (std::size_t i = 0; i < config.classes[c].steps.size(); ++i) {
      step_rngs_.push_back(sim.stream("class." + workload.classes[c].name + ".step." + std::to_string(i)));
    }
  }
  timeseries_.interval_s = sim::to_seconds(params.interval);
  if (config.load_balancer || !config.services.empty() || config.database) {
    web_ = std::make_unique<WebTier>(sim, events_, config, *this, params.duration);
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
  if (web_) web_->start();
  if (backend_) backend_->start();
  source_.start();
  sim_.run_until(params_.duration);
  if (interval_start_ < params_.duration) close_interval(interval_start_, params_.duration);
  fold_interval_latency();

  RunOutput out;
  out.measured_s = sim::to_seconds(params_.duration - (params_.warmup > 0 ? params_.warmup : 0));
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
  for (Component* c : components_) c->finish(out);
  out.events = std::move(events_.events());
  return out;
}

void System::admit(std::uint32_t cls, std::uint32_t user) {
  Request* r = pool_.acquire();
  r->cls = cls;
  r->user = user;
  r->arrival = sim_.now();
  r->counted = measuring_;
  ++interval_arrivals_;
  if (measuring_) {
    Counter& c = class_counts_[cls];
    ++c.total;
    ++c.in_flight;
  }
  if (web_ != nullptr && web_->routed(cls)) {
    if (const Failure* f = web_->dispatch(r)) {
      complete(r, f);
      return;
    }
  }
  run_step(r);
}

void System::run_step(Request* r) {
  if (r->abandoned) {
    discard(r);
    return;
  }
  const auto& steps = config_.classes[r->cls].steps;
  if (r->step >= steps.size()) {
    complete(r, nullptr);
    return;
  }
  const std::size_t i = r->step++;
  const StepConfig& s = steps[i];
  sim::Rng& rng = step_rngs_[step_offset_[r->cls] + i];
  switch (s.kind) {
    case StepKind::kStation:
      stations_[s.target_index]->arrive(r, s.service.sample(rng));
      break;
    case StepKind::kDelay:
      sim_.schedule(s.service.sample_time(rng), [this, r] { run_step(r); });
      break;
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
  pool_.release(r);
  if (user != UINT32_MAX) source_.request_done(user);
}

void System::respond_early(Request* r, const Failure& f) {
  account(r, &f);
  r->abandoned = true;
  const std::uint32_t user = r->user;
  r->user = UINT32_MAX;
  if (user != UINT32_MAX) source_.request_done(user);
}

void System::discard(Request* r) {
  if (r->task != nullptr) web_->discarded(r);
  pool_.release(r);
}

void System::account(Request* r, const Failure* f) {
  const sim::Time latency = sim_.now() - r->arrival;
  const bool ok = f == nullptr;
  ++interval_completions_;
  if (ok) {
    if (r->counted) interval_class_latency_[r->cls].record(latency);
    else interval_uncounted_latency_.record(latency);
  } else {
    ++interval_errors_;
    if (f->status >= 500 && f->status < 600) {
      ++interval_5xx_;
      ++interval_by_5xx_[static_cast<std::size_t>(f->status - 500)];
    }
  }
  if (r->counted) {
    Counter& c = class_counts_[r->cls];
    --c.in_flight;
    if (ok) {
      ++c.ok;
      ++c.by_status[200];
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

void System::on_warmup_end() {
  measuring_ = true;
  for (auto& s : stations_) s->restart_statistics();
  for (Component* c : components_) c->on_warmup_end();
}

void System::on_interval() {
  const sim::Time now = sim_.now();
  close_interval(interval_start_, now);
  if (now + params_.interval < params_.duration) sim_.schedule(params_.interval, [this] { on_interval(); });
}

void System::fold_interval_latency() {
  // Integer nanoseconds sum exactly in a double below 2^53 ns (104 days of summed latency), so
  // the class histograms' sums are the same as if each response were recorded there directly.
  for (std::size_t c = 0; c < interval_class_latency_.size(); ++c) {
    class_latency_[c].merge(interval_class_latency_[c]);
    interval_class_latency_[c].reset();
  }
  interval_uncounted_latency_.reset();
}

const reports::Histogram* System::interval_latency() {
  const reports::Histogram* only = nullptr;
  std::size_t filled = 0;
  auto look = [&](const reports::Histogram& h) {
    if (h.empty()) return;
    only = &h;
    ++filled;
  };
  look(interval_uncounted_latency_);
  for (const auto& h : interval_class_latency_) look(h);
  if (filled <= 1) return only;
  interval_union_.reset();
  interval_union_.merge(interval_uncounted_latency_);
  for (const auto& h : interval_class_latency_) interval_union_.merge(h);
  return &interval_union_;
}

void System::close_interval(sim::Time start, sim::Time end) {
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
  if (const reports::Histogram* latency = interval_latency(); latency == nullptr) {
    row.set(series::kLatencyP50, nan);
    row.set(series::kLatencyP95, nan);
    row.set(series::kLatencyP99, nan);
  } else {
    const auto p = latency->percentiles({50.0, 95.0, 99.0});
    row.set(series::kLatencyP50, p[0] * 1e-6);
    row.set(series::kLatencyP95, p[1] * 1e-6);
    row.set(series::kLatencyP99, p[2] * 1e-6);
  }
  for (const auto& s : stations_) {
    row.set(s->name() + ".in_system", static_cast<double>(s->present()));
  }
  for (Component* c : components_) c->sample(start, end, row);
  fold_interval_latency();
  interval_completions_ = interval_arrivals_ = interval_errors_ = interval_5xx_ = 0;
  interval_start_ = end;
}

}  // namespace loadcast::models
