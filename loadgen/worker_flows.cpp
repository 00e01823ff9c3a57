// Worker: the flow side (workload.flows): virtual users running sessions step by step.
// See worker.hpp and docs/load-generator.md#flows.
#include <boost/asio/post.hpp>

#include "loadgen/clock.hpp"
#include "loadgen/worker.hpp"
#include "workload/flow_repeat.hpp"

namespace loadcast::loadgen {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

asio::steady_timer::time_point at(sim::Time t) { return asio::steady_timer::time_point(std::chrono::nanoseconds(t)); }

}  // namespace

void Worker::init_flows() {
  std::vector<std::size_t> checks, steps;
  for (std::size_t f = 0; f < flows_->size(); ++f) {
    checks.push_back(flows_->at(f).checks.size());
    steps.push_back(flows_->at(f).setup.size() + flows_->at(f).steps.size());
  }
  metrics_.set_flows(checks, steps);
  users_.resize(slot_count_);
  for (auto& u : users_) {
    u.set_up.assign(flows_->size(), 0);
    u.base_vars.resize(flows_->size());
    u.base_jar.resize(flows_->size());
  }
  step_timers_.resize(slot_count_);
}

// A virtual user's number across threads and shards (credentials rows are dealt by it).
std::uint64_t Worker::user_index(std::size_t slot) const {
  const std::uint64_t lanes = slice_.shards * slice_.threads;
  return slice_.shard + slice_.shards * slice_.thread + lanes * slot;
}

const std::vector<StepPlan>& Worker::steps_of(const VirtualUser& u) const {
  const auto& f = flows_->at(u.flow);
  return u.in_setup ? f.setup : f.steps;
}

void Worker::dispatch_session(std::size_t flow, sim::Time intended, sim::Time now) {
  if (!idle_.empty()) {
    const std::size_t slot = idle_.back();
    idle_.pop_back();
    start_session(slot, flow, intended);
  } else if (config_.overload == OverloadPolicy::kQueue && backlog_.size() < max_backlog_) {
    metrics_.on_backlogged(intended);
    backlog_.push_back({flow, intended});
  } else {
    drop_session(flow, Cause::kBacklogFull, intended, now);
  }
}

// A session that never had a virtual user: counted dropped, with its first request.
void Worker::drop_session(std::size_t flow, Cause cause, sim::Time intended, sim::Time now) {
  if (!metrics_.measured(intended)) return;
  auto& st = metrics_.flows()[flow];
  ++st.started;
  ++st.dropped;
  metrics_.on_scheduled(first_class(flow), intended);
  metrics_.on_dropped(first_class(flow), cause, intended, now);
}

void Worker::start_session(std::size_t slot, std::size_t flow, sim::Time intended) {
  auto& u = users_[slot];
  const auto& f = flows_->at(flow);
  u.in_session = true;
  u.sent = 0;
  u.flow = flow;
  u.session_start = intended;
  u.measured = metrics_.measured(intended);
  if (u.measured) ++metrics_.flows()[flow].started;
  if (u.set_up[flow]) {
    u.vars = u.base_vars[flow];
    u.jar = u.base_jar[flow];
    u.in_setup = false;
  } else {
    u.vars = SessionVars(flows_->variables().size());
    if (!f.credentials.empty()) {
      const auto& row = f.credentials[user_index(slot) % f.credentials.size()];
      for (std::size_t i = 0; i < f.credential_vars.size() && i < row.size(); ++i) u.vars.assign(f.credential_vars[i], row[i]);
    }
    u.jar.clear();
    u.in_setup = !f.setup.empty();
    if (!u.in_setup) {
      u.set_up[flow] = 1;
      u.base_vars[flow] = u.vars;
      u.base_jar[flow].clear();
    }
  }
  enter_step(slot, 0, intended);
}

void Worker::enter_step(std::size_t slot, std::size_t index, sim::Time ready) {
  if (ending_ || finished_) return;  // the session is in flight at the end
  auto& u = users_[slot];
  const auto& steps = steps_of(u);
  if (index >= steps.size()) {
    if (!u.in_setup) return end_session(slot, ready, nullptr);
    u.in_setup = false;
    u.set_up[u.flow] = 1;
    u.base_vars[u.flow] = u.vars;
    u.base_jar[u.flow] = u.jar;
    return enter_step(slot, 0, ready);
  }
  u.step = index;
  u.repeats_left = workload::draw_repeat(steps[index].repeat, rng_);
  if (u.repeats_left == 0) {
    // Skipped (a repeat draw of 0): what follows runs from the loop, so skips in a row never
    // nest calls.
    asio::post(io_, [this, slot, ready] {
      if (finished_ || ending_) return;
      after_step(slot, ready);
      maybe_finish();
    });
    return;
  }
  send_step(slot, ready);
}

// The next send of the current step: its think time first. Its intended start is the previous
// response's end (the session's start for the first) plus the think time: latency counts from it.
void Worker::send_step(std::size_t slot, sim::Time ready) {
  auto& u = users_[slot];
  const auto& st = steps_of(u)[u.step];
  --u.repeats_left;
  const sim::Time think = st.think ? st.think->sample_time(rng_) : 0;
  const sim::Time intended = ready + std::max<sim::Time>(0, think);
  if (think <= 0) return fire_step(slot, intended);
  auto& timer = step_timers_[slot];
  if (!timer) timer = std::make_unique<asio::steady_timer>(io_);
  timer->expires_at(at(intended));
  timer->async_wait([this, slot, intended](const error_code& ec) {
    if (ec || finished_ || ending_) return;
    metrics_.on_lag(steady_now() - intended);
    fire_step(slot, intended);
  });
}

void Worker::fire_step(std::size_t slot, sim::Time intended) {
  auto& u = users_[slot];
  const auto& st = steps_of(u)[u.step];
  const ClassPlan& cp = plan_.at(st.cls);
  for (const std::size_t v : cp.session_vars) {
    if (!u.vars.set[v]) return end_session(slot, intended, "unset_variable");
  }
  for (const std::size_t v : cp.session_vars_in_headers) {
    if (field_value_problem(u.vars.values[v]) != nullptr) return end_session(slot, intended, "bad_header_value");
  }
  if (flows_->at(u.flow).cookies) cookie_header(u.jar, u.cookie_line);
  const std::string_view bytes = plan_.http1_session(st.cls, cursor_, rng_, u.vars.values, u.cookie_line, u.request);
  metrics_.on_scheduled(st.cls, intended);
  active_[slot] = {true, st.cls, intended};
  metrics_.on_sent(intended, steady_now(), u.waited);
  u.waited = false;
  ++u.sent;
  if (metrics_.measured(intended)) ++in_flight_by_class_[st.cls];
  engine_->start_prepared(slot, st.cls, intended, bytes, st.capture);
}

void Worker::on_step_complete(std::size_t slot, const Completion& c, sim::Time backoff) {
  auto& u = users_[slot];
  const auto& flow = flows_->at(u.flow);
  const auto& st = steps_of(u)[u.step];
  ResponseView view(c.status, c.response);
  const sim::Time intended = active_[slot].intended;
  if (u.measured) {
    auto& stats = metrics_.flows()[u.flow];
    for (const std::size_t k : st.checks) ++(check(flow.checks[k], view) ? stats.check_passes : stats.check_fails)[k];
  }
  if (metrics_.measured(intended)) {
    auto& step = metrics_.flows()[u.flow].steps[(u.in_setup ? 0 : flow.setup.size()) + u.step];
    ++step.requests;
    if (verdict_of(c.cause) == Verdict::kOk) {
      ++step.ok;
      step.latency.record(std::max<sim::Time>(0, c.done - intended));
    } else {
      ++step.failed;
    }
  }
  if (verdict_of(c.cause) != Verdict::kOk) return end_session(slot, c.done, cause_name(c.cause), backoff);
  for (const auto& e : st.extract) {
    const ExtractFailure f = extract(e, view, u.vars);
    if (f != ExtractFailure::kNone) return end_session(slot, c.done, extract_failure_name(f));
  }
  if (flow.cookies && c.response != nullptr) keep_cookies(*c.response, u.jar);
  if (u.repeats_left > 0) return send_step(slot, c.done);
  after_step(slot, c.done);
}

void Worker::after_step(std::size_t slot, sim::Time done) {
  auto& u = users_[slot];
  const auto& st = steps_of(u)[u.step];
  if (u.in_setup) return enter_step(slot, u.step + 1, done);
  if (!st.next.empty()) {
    const double x = rng_.uniform();
    double acc = 0.0;
    for (const auto& b : st.next) {
      acc += b.p;
      if (x < acc) return enter_step(slot, b.to_index, done);
    }
    return end_session(slot, done, nullptr);
  }
  if (st.exit > 0.0 && rng_.uniform() < st.exit) return end_session(slot, done, nullptr);
  enter_step(slot, u.step + 1, done);
}

// `failure`: nullptr for a completed session, else the cause counted in failed_by_cause.
void Worker::end_session(std::size_t slot, sim::Time done, const char* failure, sim::Time backoff) {
  auto& u = users_[slot];
  if (u.measured) {
    auto& st = metrics_.flows()[u.flow];
    if (failure != nullptr) {
      ++st.failed;
      ++st.failed_by_cause[failure];
    } else {
      ++st.completed;
      st.duration.record(std::max<sim::Time>(0, done - u.session_start));
    }
  }
  u.in_session = false;
  if (finished_) return;
  if (!open_model_) return next_session(slot, done, backoff);
  if (backoff > 0) return rest(slot, done + backoff);
  // Posted: a session that ends without a request (a failure before sending) must not start the
  // next one inside this call, or a long backlog would nest calls as deep as it is long.
  asio::post(io_, [this, slot] {
    if (finished_) return;
    release_user(slot);
    maybe_finish();
  });
}

// Open model: a free virtual user takes the oldest waiting session, or waits for an arrival.
void Worker::release_user(std::size_t slot) {
  if (!backlog_.empty() && !ending_ && !stop_.load(std::memory_order_relaxed)) {
    const Pending p = backlog_.front();
    backlog_.pop_front();
    users_[slot].waited = true;
    start_session(slot, p.cls, p.intended);
  } else {
    idle_.push_back(slot);
  }
}

// Closed model: the user's next session after its think time (and a connect backoff).
void Worker::next_session(std::size_t user, sim::Time ready, sim::Time backoff) {
  if (ending_ || user >= users_target_) {
    user_running_[user] = 0;
    return;
  }
  const sim::Time think = user_think();
  const sim::Time intended = ready + backoff + think;
  if (intended <= ready && users_[user].sent > 0) {
    // No think time: the next session starts now. (A session that ended without sending a
    // request goes through the timer, so sessions failing at once never nest calls.)
    return start_session(user, flows_->pick(rng_), intended);
  }
  auto& timer = think_timers_[user];
  if (!timer) timer = std::make_unique<asio::steady_timer>(io_);
  timer->expires_at(at(intended));
  timer->async_wait([this, user, intended, timed = backoff == 0 && think > 0](const error_code& ec) {
    if (ec || finished_) return;
    if (ending_ || user >= users_target_) {
      user_running_[user] = 0;
      maybe_finish();
      return;
    }
    if (timed) metrics_.on_lag(steady_now() - intended);
    start_session(user, flows_->pick(rng_), intended);
  });
}

// At the end: sessions still waiting for a virtual user are dropped, unfinished ones in flight.
void Worker::finish_flows(sim::Time now) {
  for (const auto& p : backlog_) drop_session(p.cls, Cause::kNotSentAtStop, p.intended, now);
  for (const auto& u : users_) {
    if (u.in_session && u.measured) ++metrics_.flows()[u.flow].in_flight;
  }
}

}  // namespace loadcast::loadgen
