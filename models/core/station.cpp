#include "models/core/station.hpp"

namespace loadcast::models {

namespace {
sim::StationParams params_of(const StationConfig& config) {
  sim::StationParams p;
  p.servers = config.servers;
  p.discipline = config.discipline;
  p.queue_limit = config.queue_limit;
  return p;
}
}  // namespace

Station::Station(sim::Simulation& sim, const StationConfig& config, RequestSink& sink)
    : sim_(sim),
      config_(config),
      sink_(sink),
      rejected_cause_("rejected:" + config.name),
      station_(sim, params_of(config), *this) {}

void Station::reject(Request* r) {
  sink_.step_failed(r, Failure{Failure::Kind::kDropped, 503, &rejected_cause_});
}

void Station::restart_statistics() {
  station_.restart_statistics();
  wait_ns_.reset();
  zero_waits_ = 0;
}

reports::StationResult Station::result() const {
  const sim::StationStats s = station_.stats();
  reports::StationResult out;
  out.servers = static_cast<std::uint64_t>(config_.servers);
  out.discipline = config_.discipline == Discipline::kPs ? "ps" : "fcfs";
  out.utilization = s.utilization;
  out.mean_queue = s.mean_queue;
  out.mean_in_system = s.mean_in_system;
  // No FCFS wait recorded (processor sharing, or nothing started service): the wait statistics
  // stay null, never 0.
  reports::Histogram waits = wait_ns_;
  waits.record_n(0, zero_waits_);
  if (!waits.empty()) {
    out.mean_wait_ms = s.mean_wait_s * 1e3;
    const auto p = waits.percentiles({95.0, 99.0});
    out.wait_p95_ms = p[0] * 1e-6;
    out.wait_p99_ms = p[1] * 1e-6;
  }
  out.arrivals = s.arrivals;
  out.completions = s.completions;
  out.rejected = s.rejected;
  return out;
}

}  // namespace loadcast::models
