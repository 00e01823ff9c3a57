#include "models/core/session_runner.hpp"

#include <cassert>

#include "workload/flow_repeat.hpp"

namespace loadcast::models {

namespace {

// {mean, p50, p95, p99, max} of `h` scaled by `unit` (null when it has no samples).
reports::Json summary(const reports::Histogram& h, double unit) {
  if (h.empty()) return reports::Json{{"mean", nullptr}, {"p50", nullptr}, {"p95", nullptr}, {"p99", nullptr}, {"max", nullptr}};
  const auto p = h.percentiles({50.0, 95.0, 99.0});
  return reports::Json{{"mean", h.mean() * unit},
                       {"p50", p[0] * unit},
                       {"p95", p[1] * unit},
                       {"p99", p[2] * unit},
                       {"max", static_cast<double>(h.max()) * unit}};
}

}  // namespace

SessionRunner::SessionRunner(sim::Simulation& sim, const workload::WorkloadSpec& spec, SessionHost& host)
    : sim_(sim), spec_(spec), host_(host), think_rng_(sim.stream("flows.think")), route_rng_(sim.stream("flows.route")) {
  std::vector<std::uint32_t> senders(spec.classes.size(), 0);
  for (const auto& flow : spec.flows) {
    for (const auto& fs : flow.steps) ++senders[fs.request];
  }
  for (const auto& flow : spec.flows) {
    FlowStats fst;
    fst.first_step = static_cast<std::uint32_t>(steps_.size());
    const auto first = fst.first_step;
    const auto n = static_cast<std::uint32_t>(flow.steps.size());
    for (std::uint32_t i = 0; i < n; ++i) {
      const auto& fs = flow.steps[i];
      Step st;
      st.cls = static_cast<std::uint32_t>(fs.request);
      st.spec = &fs;
      st.own_latency = senders[fs.request] > 1;
      std::vector<double> weights;
      if (!fs.next.empty()) {
        for (const auto& b : fs.next) {
          st.targets.push_back(first + static_cast<std::uint32_t>(b.to_index));
          weights.push_back(b.p);
        }
        if (fs.exit > 0.0) {
          st.targets.push_back(kEnd);
          weights.push_back(fs.exit);
        }
      } else {
        if (fs.exit < 1.0) {
          st.targets.push_back(i + 1 < n ? first + i + 1 : kEnd);
          weights.push_back(1.0 - fs.exit);
        }
        if (fs.exit > 0.0 && (st.targets.empty() || st.targets.back() != kEnd)) {
          st.targets.push_back(kEnd);
          weights.push_back(fs.exit);
        }
      }
      st.routes = sim::WeightedChoice(weights);
      steps_.push_back(std::move(st));
    }
    stats_.push_back(std::move(fst));
  }
}

void SessionRunner::start(std::uint32_t flow, std::uint32_t user, bool counted) {
  std::uint32_t id = 0;
  if (free_.empty()) {
    id = static_cast<std::uint32_t>(sessions_.size());
    sessions_.emplace_back();
  } else {
    id = free_.back();
    free_.pop_back();
  }
  Session& s = sessions_[id];
  s = Session{};
  s.flow = flow;
  s.start = sim_.now();
  s.user = user;
  s.counted = counted;
  ++live_;
  if (counted) ++stats_[flow].started;
  enter(id, stats_[flow].first_step, true);
}

void SessionRunner::enter(std::uint32_t id, std::uint32_t step, bool direct) {
  Session& s = sessions_[id];
  s.step = step;
  s.sends_left = workload::draw_repeat(steps_[step].spec->repeat, route_rng_);
  if (s.sends_left == 0) {
    // Through an event: steps skipped one after another must not nest calls.
    sim_.schedule(0, [this, id] { leave_step(id); });
    return;
  }
  send_next(id, direct);
}

void SessionRunner::send_next(std::uint32_t id, bool direct) {
  const Session& s = sessions_[id];
  const auto& think = steps_[s.step].spec->think;
  const sim::Time delay = think ? think->sample_time(think_rng_) : 0;
  // After a response, even without a think time the next send is an event of its own: a chain
  // of requests that take no time would otherwise nest one call per request.
  if (delay > 0 || !direct) {
    sim_.schedule(delay, [this, id] { send(id); });
  } else {
    send(id);
  }
}

void SessionRunner::send(std::uint32_t id) {
  Session& s = sessions_[id];
  --s.sends_left;
  host_.send_for_session(steps_[s.step].cls, id);
}

void SessionRunner::request_done(std::uint32_t id, bool ok, bool counted, sim::Time latency) {
  assert(id < sessions_.size() && "request_done for a session that does not exist");
  const Session& s = sessions_[id];
  if (counted) {
    Step& st = steps_[s.step];
    ++st.requests;
    if (ok) {
      ++st.ok;
      if (st.own_latency) st.latency.record(latency);
    } else {
      ++st.failed;
    }
  }
  if (!ok) {
    end(id, false);
    return;
  }
  if (s.sends_left > 0) {
    send_next(id, false);
    return;
  }
  leave_step(id);
}

void SessionRunner::leave_step(std::uint32_t id) {
  const Session& s = sessions_[id];
  const Step& st = steps_[s.step];
  const std::uint32_t to = st.targets[st.routes.pick(route_rng_)];
  if (to == kEnd) {
    end(id, true);
    return;
  }
  enter(id, to, false);
}

void SessionRunner::end(std::uint32_t id, bool ok) {
  const Session s = sessions_[id];
  if (s.counted) {
    FlowStats& f = stats_[s.flow];
    if (ok) {
      ++f.completed;
      f.duration.record((sim_.now() - s.start) / 1000);
    } else {
      ++f.failed;
    }
  }
  free_.push_back(id);
  --live_;
  if (s.user != UINT32_MAX) host_.session_ended(s.user);
}

void SessionRunner::write(reports::Json& sections, const std::vector<reports::Histogram>& class_latency) const {
  std::uint64_t started = 0, completed = 0, failed = 0;
  reports::Histogram duration;
  reports::Json flows = reports::Json::object();
  for (std::size_t f = 0; f < stats_.size(); ++f) {
    const FlowStats& fs = stats_[f];
    const auto& flow = spec_.flows[f];
    started += fs.started;
    completed += fs.completed;
    failed += fs.failed;
    duration.merge(fs.duration);
    reports::Json steps = reports::Json::object();
    for (std::size_t i = 0; i < flow.steps.size(); ++i) {
      const Step& st = steps_[fs.first_step + i];
      const reports::Histogram& latency = st.own_latency ? st.latency : class_latency[st.cls];
      steps[flow.steps[i].name] = reports::Json{
          {"requests", st.requests}, {"ok", st.ok}, {"failed", st.failed}, {"latency_ms", summary(latency, 1e-6)}};
    }
    flows[flow.name] = reports::Json{{"started", fs.started},
                                     {"completed", fs.completed},
                                     {"failed", fs.failed},
                                     {"in_flight", fs.started - fs.completed - fs.failed},
                                     {"duration_s", summary(fs.duration, 1e-6)},
                                     {"steps", std::move(steps)}};
  }
  sections["sessions"] = reports::Json{{"started", started},
                                       {"completed", completed},
                                       {"failed", failed},
                                       {"in_flight", started - completed - failed},
                                       {"duration_s", summary(duration, 1e-6)}};
  sections["flows"] = std::move(flows);
}

}  // namespace loadcast::models
