#include "models/core/workload_source.hpp"

#include <cassert>
#include <cmath>

#include "sim/distribution.hpp"

namespace loadcast::models {

namespace {
constexpr sim::Time kUserTick = sim::kSecond;
}

WorkloadSource::WorkloadSource(sim::Simulation& sim, const workload::WorkloadSpec& spec, Admitter& admitter, sim::Time end,
                               SessionStarter* sessions)
    : sim_(sim),
      spec_(spec),
      admitter_(admitter),
      sessions_(spec.flows.empty() ? nullptr : sessions),
      end_(end),
      class_rng_(sim.stream(workload::kClassStream)),
      think_rng_(sim.stream("workload.think")) {
  assert((spec.flows.empty() || sessions != nullptr) && "a workload with flows needs a SessionStarter");
  std::vector<double> weights;
  if (spec.flows.empty()) {
    for (const auto& c : spec.classes) weights.push_back(c.weight);
  } else {
    for (const auto& f : spec.flows) weights.push_back(f.weight);
  }
  classes_ = sim::WeightedChoice(weights);
  if (const auto* open = std::get_if<workload::OpenWorkload>(&spec.model)) {
    sequence_.emplace(open->rate, open->process, open->batch, classes_, sim.seed(), sim.replication(), end);
  }
}

void WorkloadSource::start() {
  if (spec_.is_open()) {
    streamed_ = sim_.claim_stream([](void* self) { static_cast<WorkloadSource*>(self)->on_arrival(); }, this);
    schedule_next_arrival();
  } else {
    adjust_users();
  }
}

void WorkloadSource::refill() {
  ahead_next_ = 0;
  ahead_count_ = 0;
  while (ahead_count_ < kAhead && sequence_->next(ahead_[ahead_count_])) ++ahead_count_;
}

void WorkloadSource::schedule_next_arrival() {
  workload::Arrival next;
  if (!next_arrival(next)) return;
  next_class_ = next.cls;
  if (streamed_) [[likely]] sim_.schedule_stream_at(next.at);
  else sim_.schedule_at(next.at, [this] { on_arrival(); });
}

void WorkloadSource::on_arrival() {
  ++arrivals_;
  const auto cls = static_cast<std::uint32_t>(next_class_);
  schedule_next_arrival();
  if (sessions_ != nullptr) [[unlikely]] {
    sessions_->start_session(cls, UINT32_MAX);
    return;
  }
  admitter_.admit(cls, UINT32_MAX);
}

void WorkloadSource::adjust_users() {
  const auto& closed = std::get<workload::ClosedWorkload>(spec_.model);
  const sim::Time now = sim_.now();
  const double target_value = closed.users.value_at(now);
  const auto target = static_cast<std::size_t>(std::floor(target_value + 0.5));
  if (target > active_users_) {
    // Reactivate retiring users first, then start new ones.
    for (std::uint32_t u = 0; u < users_.size() && active_users_ < target; ++u) {
      if (users_[u].active && users_[u].retiring) {
        users_[u].retiring = false;
        ++active_users_;
      }
    }
    for (std::uint32_t u = 0; u < users_.size() && active_users_ < target; ++u) {
      if (!users_[u].active && !users_[u].busy) start_user(u);
    }
    while (active_users_ < target) {
      users_.push_back(User{});
      start_user(static_cast<std::uint32_t>(users_.size() - 1));
    }
  } else if (target < active_users_) {
    for (std::size_t u = users_.size(); u-- > 0 && active_users_ > target;) {
      if (users_[u].active && !users_[u].retiring) {
        users_[u].retiring = true;
        --active_users_;
      }
    }
  }
  // Next check: the next tick, or the next stage point if sooner.
  sim::Time next = now + kUserTick;
  for (const auto& p : closed.users.points()) {
    if (p.at > now && p.at < next) next = p.at;
  }
  if (next < end_) sim_.schedule_at(next, [this] { adjust_users(); });
}

void WorkloadSource::start_user(std::uint32_t user) {
  User& u = users_[user];
  u.active = true;
  u.retiring = false;
  u.busy = true;
  ++active_users_;
  const auto& closed = std::get<workload::ClosedWorkload>(spec_.model);
  sim_.schedule(closed.think_time.sample_time(think_rng_), [this, user] { send(user); });
}

void WorkloadSource::send(std::uint32_t user) {
  User& u = users_[user];
  if (u.retiring || sim_.now() >= end_) {
    if (u.retiring) u.active = false;
    u.retiring = false;
    u.busy = false;
    return;
  }
  ++arrivals_;
  const auto cls = static_cast<std::uint32_t>(classes_.pick(class_rng_));
  if (sessions_ != nullptr) {
    sessions_->start_session(cls, user);
    return;
  }
  admitter_.admit(cls, user);
}

void WorkloadSource::request_done(std::uint32_t user) {
  if (user >= users_.size()) return;
  User& u = users_[user];
  if (u.retiring) {
    u.active = false;
    u.retiring = false;
    u.busy = false;
    return;
  }
  const auto& closed = std::get<workload::ClosedWorkload>(spec_.model);
  sim_.schedule(closed.think_time.sample_time(think_rng_), [this, user] { send(user); });
}

}  // namespace loadcast::models
