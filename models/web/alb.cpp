#include "models/web/alb.hpp"

#include <algorithm>

#include "cost/billing.hpp"
#include "sim/det_math.hpp"
#include "models/web/ecs_service.hpp"
#include "models/core/run_output.hpp"
#include "cost/usage.hpp"

namespace loadcast::models {

bool alb_path_matches(const std::string& pattern, const std::string& path) {
  // Iterative wildcard match with backtracking to the last '*'.
  std::size_t p = 0, s = 0, star = std::string::npos, mark = 0;
  while (s < path.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == path[s])) {
      ++p;
      ++s;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (star != std::string::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// ---------------------------------------------------------------- target group

TargetGroup::TargetGroup(sim::Simulation& sim, EventLog& events, std::string name, const TargetGroupConfig& config)
    : sim_(sim), events_(events), name_(std::move(name)), config_(config), rng_(sim.stream("alb.target_group." + name_)) {}

void TargetGroup::register_target(Task& t, bool healthy) {
  t.set_group(this);
  TargetState& ts = t.target();
  ts = TargetState{};
  ts.health = healthy ? TargetHealth::kHealthy : TargetHealth::kInitial;
  registered_.push_back(&t);
  if (healthy) ++healthy_;
  events_.add(sim_.now(), "target_registered", t.label(), std::nullopt, std::nullopt, std::string("target group ") + name_);
  rebuild();
  const sim::Time interval = config_.health_check.interval;
  schedule_check(t, static_cast<sim::Time>(rng_.below(static_cast<std::uint64_t>(interval))));
}

void TargetGroup::schedule_check(Task& t, sim::Time delay) {
  Task* task = &t;
  t.target().check_event = sim_.schedule(delay, [this, task] {
    task->target().check_event = {};
    schedule_check(*task, config_.health_check.interval);
    task->probe();
  });
}

void TargetGroup::on_probe_result(Task& t, bool ok) {
  TargetState& ts = t.target();
  if (ts.health == TargetHealth::kUnused || ts.health == TargetHealth::kDraining) return;
  const auto& hc = config_.health_check;
  if (ok) {
    ++ts.pass_streak;
    ts.fail_streak = 0;
  } else {
    ++ts.fail_streak;
    ts.pass_streak = 0;
  }
  switch (ts.health) {
    case TargetHealth::kInitial:
      if (ok) set_health(t, TargetHealth::kHealthy, "passed its first health check");
      else if (ts.fail_streak >= hc.unhealthy_threshold) set_health(t, TargetHealth::kUnhealthy, std::to_string(ts.fail_streak) + " health checks failed");
      break;
    case TargetHealth::kHealthy:
      if (ts.fail_streak >= hc.unhealthy_threshold) set_health(t, TargetHealth::kUnhealthy, std::to_string(ts.fail_streak) + " health checks failed");
      break;
    case TargetHealth::kUnhealthy:
      if (ts.pass_streak >= hc.healthy_threshold) set_health(t, TargetHealth::kHealthy, std::to_string(ts.pass_streak) + " health checks passed");
      break;
    default:
      break;
  }
}

void TargetGroup::set_health(Task& t, TargetHealth h, const std::string& reason) {
  TargetState& ts = t.target();
  const TargetHealth from = ts.health;
  if (from == h) return;
  const sim::Time now = sim_.now();
  if (from == TargetHealth::kHealthy) --healthy_;
  leave_slow_start(ts);
  ts.health = h;
  if (h == TargetHealth::kHealthy) {
    ++healthy_;
    if (config_.slow_start > 0) {
      bool other_full = false;
      for (Task* o : registered_) {
        if (o != &t && o->target().health == TargetHealth::kHealthy && o->target().slow_start_end <= now) other_full = true;
      }
      if (other_full) {
        ts.slow_start_begin = now;
        ts.slow_start_end = now + config_.slow_start;
        ts.credit = 0.0;
        ++slow_starting_;
      }
    }
  }
  events_.add(now, h == TargetHealth::kHealthy ? "target_healthy" : "target_unhealthy", t.label(), std::nullopt, std::nullopt, reason);
  rebuild();
  if (service_ == nullptr) return;
  if (h == TargetHealth::kUnhealthy) service_->on_target_unhealthy(t);
  else if (h == TargetHealth::kHealthy) service_->on_target_healthy(t);
}

void TargetGroup::rebuild() {
  routable_.clear();
  for (Task* t : registered_) {
    if (t->target().health == TargetHealth::kHealthy) routable_.push_back(t);
  }
  if (routable_.empty()) routable_ = registered_;
  if (rr_ >= routable_.size()) rr_ = 0;
}

void TargetGroup::deregister(Task& t) { deregister(t, config_.deregistration_delay, nullptr); }

void TargetGroup::deregister(Task& t, sim::Time delay, const std::string* cause) {
  auto it = std::find(registered_.begin(), registered_.end(), &t);
  if (it == registered_.end()) return;
  registered_.erase(it);
  TargetState& ts = t.target();
  if (ts.health == TargetHealth::kHealthy) --healthy_;
  leave_slow_start(ts);
  ts.health = TargetHealth::kDraining;
  if (ts.check_event.valid()) sim_.cancel(ts.check_event);
  ts.check_event = {};
  rebuild();
  events_.add(sim_.now(), "target_draining", t.label(), std::nullopt, std::nullopt,
              "deregistration delay " + sim::format_duration(delay));
  t.set_deactivating();
  // The target stays `draining` for the whole delay, even with nothing in flight: ECS stops the
  // task only when the target is `unused`, which the ALB reports when the delay ends.
  Task* task = &t;
  ts.drain_event = sim_.schedule(delay, [this, task, cause] { on_drain_timeout(task, cause); });
}

void TargetGroup::on_drain_timeout(Task* t, const std::string* cause) {
  t->target().drain_event = {};
  if (t->target().health != TargetHealth::kDraining) return;
  if (cause == nullptr && service_ != nullptr) cause = service_->cause_drain_expired();
  t->expire_drain(cause);
  on_drained(*t);
}

void TargetGroup::on_drained(Task& t) {
  TargetState& ts = t.target();
  if (ts.health != TargetHealth::kDraining) return;
  ts.health = TargetHealth::kUnused;
  if (ts.drain_event.valid()) sim_.cancel(ts.drain_event);
  ts.drain_event = {};
  events_.add(sim_.now(), "target_deregistered", t.label(), std::nullopt, std::nullopt, "deregistration delay over: unused");
  if (service_ != nullptr) service_->on_drained(t);
}

void TargetGroup::remove(Task& t) {
  TargetState& ts = t.target();
  auto it = std::find(registered_.begin(), registered_.end(), &t);
  if (it != registered_.end()) {
    registered_.erase(it);
    if (ts.health == TargetHealth::kHealthy) --healthy_;
    rebuild();
    events_.add(sim_.now(), "target_deregistered", t.label(), std::nullopt, std::nullopt, "task stopped");
  }
  leave_slow_start(ts);
  ts.health = TargetHealth::kUnused;
  if (ts.check_event.valid()) sim_.cancel(ts.check_event);
  if (ts.drain_event.valid()) sim_.cancel(ts.drain_event);
  ts.check_event = ts.drain_event = {};
}

void TargetGroup::leave_slow_start(TargetState& ts) {
  // slow_start_end != 0 is what slow_starting_ counts, whether or not the window has passed: a
  // window that expired unnoticed (weight() not called since) is still counted until here.
  if (ts.slow_start_end == 0) return;
  --slow_starting_;
  ts.slow_start_end = 0;
}

double TargetGroup::weight(Task& t, sim::Time now) {
  TargetState& ts = t.target();
  if (ts.slow_start_end == 0) return 1.0;
  if (ts.slow_start_end <= now) {
    ts.slow_start_end = 0;
    --slow_starting_;
    return 1.0;
  }
  return static_cast<double>(now - ts.slow_start_begin) / static_cast<double>(ts.slow_start_end - ts.slow_start_begin);
}

Task* TargetGroup::pick_slow(std::size_t n) {
  const sim::Time now = sim_.now();
  switch (config_.algorithm) {
    case Algorithm::kLeastOutstandingRequests: {
      // Fewest outstanding; ties broken round robin so equal targets share the load.
      if (++rr_ >= n) rr_ = 0;
      Task* best = routable_[rr_];
      for (std::size_t k = 1; k < n; ++k) {
        Task* t = routable_[(rr_ + k) % n];
        if (t->outstanding() < best->outstanding()) best = t;
      }
      return best;
    }
    case Algorithm::kWeightedRandom: {
      if (slow_starting_ == 0) return routable_[rng_.below(n)];
      double total = 0.0;
      for (Task* t : routable_) total += weight(*t, now);
      double u = rng_.uniform() * total;
      for (Task* t : routable_) {
        u -= weight(*t, now);
        if (u < 0.0) return t;
      }
      return routable_.back();
    }
    case Algorithm::kRoundRobin:
      break;
  }
  // Smooth weighted round robin (each pick: every target gains its weight, the richest is
  // chosen and pays the total), so a target in slow start gets its linear share in order.
  double total = 0.0;
  Task* best = nullptr;
  for (Task* t : routable_) {
    const double w = weight(*t, now);
    total += w;
    t->target().credit += w;
    if (best == nullptr || t->target().credit > best->target().credit) best = t;
  }
  best->target().credit -= total;
  return best;
}

// ---------------------------------------------------------------- load balancer

Alb::Alb(sim::Simulation& sim, EventLog& events, const AlbConfig& config, std::size_t services)
    : sim_(sim), events_(events), config_(config), groups_(services) {
  if (config_.capacity.enabled) {
    // The LCUs of one request per second for an hour, priced like the meter prices an hour.
    cost::AlbHourTotals h;
    h.requests = 3600.0;
    h.new_connections = h.requests / config_.requests_per_connection;
    h.active_connection_seconds = h.new_connections * sim::to_seconds(config_.connection_lifetime);
    h.processed_bytes = h.requests * (config_.request_bytes + config_.response_bytes);
    h.rule_evaluations = h.requests;
    lcu_per_rps_ = cost::alb_lcus_for_hour(h).billed;
    capacity_lcu_ = std::max(config_.capacity.initial_lcu, config_.capacity.reserved_lcu);
  }
}

Alb::~Alb() = default;

TargetGroup& Alb::add_group(std::size_t service, const std::string& name, const TargetGroupConfig& config) {
  groups_[service] = std::make_unique<TargetGroup>(sim_, events_, name, config);
  return *groups_[service];
}

void Alb::start() {
  schedule_hour();
  if (config_.capacity.enabled) sim_.schedule(config_.capacity.tick, [this] { on_capacity_tick(); });
}

void Alb::schedule_hour() {
  sim_.schedule(sim::kHour, [this] {
    close_hour(sim_.now());
    schedule_hour();
  });
}

bool Alb::admit_slow() {
  ++tick_demand_;
  ++sample_demand_;
  const sim::Time now = sim_.now();
  if (now - window_start_ >= sim::kSecond) {
    window_start_ = now - (now - window_start_) % sim::kSecond;
    window_admitted_ = 0;
  }
  const double per_second = lcu_per_rps_ > 0.0 ? capacity_lcu_ / lcu_per_rps_ : 0.0;
  if (static_cast<double>(window_admitted_) + 1.0 > per_second) {
    ++refused_;
    return false;
  }
  ++window_admitted_;
  return true;
}

void Alb::on_capacity_tick() {
  const AlbCapacityConfig& c = config_.capacity;
  const double demand = static_cast<double>(tick_demand_) / sim::to_seconds(c.tick) * lcu_per_rps_;
  tick_demand_ = 0;
  peak_demand_lcu_ = std::max(peak_demand_lcu_, demand);
  if (demand > capacity_lcu_) {
    // det_math's exp2 through pow: the same bits on every machine.
    const double grown = capacity_lcu_ * sim::det_pow(2.0, sim::to_seconds(c.tick) / sim::to_seconds(c.doubling_time));
    const double to = std::min(demand, grown);
    events_.add(sim_.now(), "alb_capacity", config_.name, capacity_lcu_, to,
                "demand " + format_number(demand) + " LCU above capacity " + format_number(capacity_lcu_) +
                    " LCU: capacity grows (at most x2 per " + sim::format_duration(c.doubling_time) + ")");
    capacity_lcu_ = to;
  }
  sim_.schedule(c.tick, [this] { on_capacity_tick(); });
}

void Alb::sample(sim::Time start, sim::Time end, SeriesRow& row) {
  if (!config_.capacity.enabled) return;
  row.set(config_.name + ".capacity_lcu", capacity_lcu_);
  const double span = sim::to_seconds(end - start);
  row.set(config_.name + ".demand_lcu", span > 0 ? static_cast<double>(sample_demand_) / span * lcu_per_rps_ : 0.0);
  sample_demand_ = 0;
}

void Alb::close_hour(sim::Time end) {
  if (end <= hour_start_ && hour_requests_ == 0) return;
  const double req = static_cast<double>(hour_requests_);
  const double conns = req / config_.requests_per_connection;
  hours_.push_back(Hour{conns, conns * sim::to_seconds(config_.connection_lifetime),
                        req * config_.request_bytes + hour_response_bytes_, req,
                        static_cast<double>(hour_rule_evaluations_)});
  requests_ += hour_requests_;
  response_bytes_ += hour_response_bytes_;
  hour_requests_ = 0;
  hour_rule_evaluations_ = 0;
  hour_response_bytes_ = 0.0;
  hour_start_ = end;
}

void Alb::add_usage(cost::Usage& usage, sim::Time end) {
  if (end > hour_start_ || hour_requests_ > 0) close_hour(end);
  cost::AlbUsage& u = usage.alb_for(config_.name);
  const double seconds = sim::to_seconds(end);
  u.seconds += seconds;
  u.response_bytes += response_bytes_;
  usage.internet_out_bytes += response_bytes_;
  if (config_.waf) {
    u.waf_acl_seconds += seconds;
    u.waf_rule_seconds += static_cast<double>(config_.waf->rules) * seconds;
    u.waf_requests += static_cast<double>(requests_);
  }
  for (const Hour& h : hours_) {
    cost::AlbHourTotals t;
    t.new_connections = h.new_connections;
    t.active_connection_seconds = h.active_connection_seconds;
    t.processed_bytes = h.processed_bytes;
    t.requests = h.requests;
    t.rule_evaluations = h.rule_evaluations;
    if (config_.capacity.enabled) t.reserved_lcus = config_.capacity.reserved_lcu;
    u.add_hour(t);
    hourly_lcus_.push_back(cost::alb_lcus_for_hour(t).billed);
  }
  hours_.clear();
}

void Alb::finish(RunOutput& out) {
  reports::Json j;
  j["name"] = config_.name;
  j["requests"] = requests_ + hour_requests_;
  j["response_bytes"] = response_bytes_ + hour_response_bytes_;
  reports::Json groups = reports::Json::object();
  for (const auto& g : groups_) {
    if (!g) continue;
    reports::Json gj;
    gj["requests"] = g->requests();
    gj["registered_at_end"] = g->registered();
    gj["healthy_at_end"] = g->healthy();
    groups[g->name()] = gj;
  }
  j["target_groups"] = groups;
  double peak = 0.0, sum = 0.0;
  for (double l : hourly_lcus_) {
    peak = std::max(peak, l);
    sum += l;
  }
  j["lcu_hours"] = sum;
  j["lcu_peak_hour"] = peak;
  if (config_.capacity.enabled) {
    j["capacity"] = {{"lcu_per_request_per_s", lcu_per_rps_},
                     {"initial_lcu", std::max(config_.capacity.initial_lcu, config_.capacity.reserved_lcu)},
                     {"reserved_lcu", config_.capacity.reserved_lcu},
                     {"final_lcu", capacity_lcu_},
                     {"peak_demand_lcu", peak_demand_lcu_},
                     {"refused", refused_}};
  }
  out.sections["load_balancer"] = j;
}

}  // namespace loadcast::models
