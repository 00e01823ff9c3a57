#include "loadgen/worker.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cmath>

#include "loadgen/clock.hpp"
#include "loadgen/connect_backoff.hpp"
#include "loadgen/curl_engine.hpp"
#include "loadgen/http1_engine.hpp"
#include "loadgen/http2_engine.hpp"

namespace loadcast::loadgen {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr sim::Time kMonitorPeriod = 100 * sim::kMillisecond;

asio::steady_timer::time_point at(sim::Time t) {
  return asio::steady_timer::time_point(std::chrono::nanoseconds(t));
}

double thread_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

}  // namespace

Worker::Worker(const LoadConfig& config, const RequestPlan& plan, std::vector<asio::ip::tcp::endpoint> endpoints,
               SliceId slice, std::size_t slots, const std::atomic<bool>& stop, const FlowPlan* flows)
    : config_(config),
      plan_(plan),
      endpoints_(std::move(endpoints)),
      slice_(slice),
      slot_count_(slots),
      stop_(stop),
      open_model_(config.workload.is_open()),
      io_(1),
      rng_(sim::Rng::stream(config.seed, 0, "loadgen.worker." + std::to_string(slice.shard) + "." +
                                                std::to_string(slice.thread))),
      backoff_rng_(sim::Rng::stream(config.seed, 0, "loadgen.backoff." + std::to_string(slice.shard) + "." +
                                                        std::to_string(slice.thread))),
      cursor_(plan.make_cursor(slice.shard + slice.shards * slice.thread, slice.shards * slice.threads)),
      metrics_(plan.size()),
      in_flight_by_class_(plan.size(), 0),
      pacer_(io_),
      monitor_(io_),
      end_timer_(io_) {
  report_.slots = slots;
  active_.resize(slots);
  connect_failures_.assign(slots, 0);
  if (flows != nullptr && !flows->empty()) {
    flows_ = flows;
    init_flows();
  }
}

Worker::~Worker() {
  if (engine_) engine_->shutdown();
}

void Worker::prepare(sim::Time budget) {
  const RequestSource source{&plan_, &cursor_, &rng_};
  EngineListener& listener = *this;
  const auto& options = config_.engine;
  StreamSetup setup;
  setup.host = config_.target.host;
  const auto streams = static_cast<std::size_t>(config_.streams_per_connection());
  setup.connections = (slot_count_ + streams - 1) / streams;
  switch (config_.engine_kind()) {
    case EngineKind::kCurlHttp1:
    case EngineKind::kCurlHttp2:
      engine_ = std::make_unique<CurlEngine>(io_, listener, source, options, config_.target, slot_count_);
      break;
    case EngineKind::kHttp1:
      engine_ = std::make_unique<Http1Engine>(io_, listener, source, options, endpoints_, setup, slot_count_);
      break;
    case EngineKind::kHttp1Tls:
      setup.alpn = "http/1.1";
      engine_ = std::make_unique<Https1Engine>(io_, listener, source, options, endpoints_, setup, slot_count_);
      break;
    case EngineKind::kHttp2Tls:
      setup.alpn = "h2";
      setup.alpn_required = true;
      engine_ = std::make_unique<Http2Engine>(io_, listener, source, options, endpoints_, setup, slot_count_);
      break;
    case EngineKind::kH2c:
      engine_ = std::make_unique<H2cEngine>(io_, listener, source, options, endpoints_, setup, slot_count_);
      break;
  }
  engine_->preconnect();
  const sim::Time deadline = steady_now() + budget;
  while (engine_->connecting() > 0 && steady_now() < deadline && !stop_.load(std::memory_order_relaxed)) {
    io_.run_one_for(std::chrono::milliseconds(10));
  }
  report_.preconnect_failures = engine_->connect_failures();
  report_.open_connections_peak = engine_->open_connections();
}

void Worker::run(sim::Time t0) {
  t0_ = t0;
  metrics_.start(t0, t0 + config_.warmup, t0 + config_.duration);
  const double cpu0 = thread_cpu_s();
  const sim::Time wall0 = steady_now();
  const sim::Time drain = config_.drain.value_or(config_.engine.timeout);
  drain_deadline_ = t0 + config_.duration + drain;

  if (open_model_) {
    const auto& open = std::get<workload::OpenWorkload>(config_.workload.model);
    arrivals_.emplace(open.rate, open.process, open.batch, flows_ ? flows_->choice() : plan_.choice(), config_.seed, slice_,
                      config_.duration);
    idle_.reserve(slot_count_);
    for (std::size_t s = slot_count_; s > 0; --s) idle_.push_back(s - 1);
    max_backlog_ = config_.max_backlog / slice_.threads + (slice_.thread < config_.max_backlog % slice_.threads ? 1 : 0);
    next_arrival_ = arrivals_->next();
    arm_pacer();
  } else {
    user_running_.assign(slot_count_, 0);
    think_timers_.resize(slot_count_);
    // Users start at t0 (a closed-model user has no earlier intended time).
    pacer_.expires_at(at(t0));
    pacer_.async_wait([this](const error_code& ec) {
      if (!ec) update_users(steady_now());
    });
  }
  end_timer_.expires_at(at(t0 + config_.duration));
  end_timer_.async_wait([this](const error_code& ec) {
    if (!ec) on_end();
  });
  if (open_model_) rest_timers_.resize(slot_count_);
  monitor_due_ = steady_now() + kMonitorPeriod;
  arm_monitor();

  io_.restart();  // prepare() may have run the loop out of work, which leaves it stopped
  io_.run();

  metrics_.finish();
  report_.events = engine_->events();
  report_.cpu_s = thread_cpu_s() - cpu0;
  report_.wall_s = sim::to_seconds(steady_now() - wall0);
}

void Worker::arm_pacer() {
  if (!next_arrival_) return;
  pacer_.expires_at(at(t0_ + next_arrival_->at));
  pacer_.async_wait([this](const error_code& ec) {
    if (!ec) on_pacer();
  });
}

void Worker::on_pacer() {
  if (ending_) return;
  const sim::Time now = steady_now();
  bool first = true;
  while (next_arrival_ && t0_ + next_arrival_->at <= now) {
    const sim::Time intended = t0_ + next_arrival_->at;
    if (first) metrics_.on_lag(now - intended);
    first = false;
    dispatch(next_arrival_->cls, intended, now);
    next_arrival_ = arrivals_->next();
  }
  arm_pacer();
}

void Worker::dispatch(std::size_t cls, sim::Time intended, sim::Time now) {
  if (flows_) return dispatch_session(cls, intended, now);
  metrics_.on_scheduled(cls, intended);
  if (!idle_.empty()) {
    const std::size_t slot = idle_.back();
    idle_.pop_back();
    begin(slot, cls, intended);
  } else if (config_.overload == OverloadPolicy::kQueue && backlog_.size() < max_backlog_) {
    metrics_.on_backlogged(intended);
    backlog_.push_back({cls, intended});
  } else {
    metrics_.on_dropped(cls, Cause::kBacklogFull, intended, now);
  }
}

void Worker::begin(std::size_t slot, std::size_t cls, sim::Time intended, bool waited) {
  active_[slot] = {true, cls, intended};
  metrics_.on_sent(intended, steady_now(), waited);
  if (metrics_.measured(intended)) ++in_flight_by_class_[cls];
  engine_->start(slot, cls, intended);
}

void Worker::on_complete(std::size_t slot, std::size_t cls, sim::Time intended, const Completion& c) {
  active_[slot].on = false;
  const bool late = c.done > drain_deadline_;
  if (late && c.sent > 0) {
    // Finished after the run's end (the loop noticed the deadline late): like the simulator,
    // a request unfinished at the end is in flight, whatever happens to it afterwards.
    ++late_;
  } else if (late) {
    // Never written: at the end it was still waiting for its connection.
    metrics_.on_dropped(cls, Cause::kNotSentAtStop, intended, drain_deadline_);
    if (metrics_.measured(intended)) --in_flight_by_class_[cls];
  } else {
    metrics_.on_completed(cls, c, intended);
    if (metrics_.measured(intended)) --in_flight_by_class_[cls];
  }
  if (finished_) return;
  if (late) {
    finish();  // past the drain deadline nothing more starts
    return;
  }
  sim::Time backoff = 0;
  if (is_connect_failure(c.cause)) {
    backoff = connect_backoff(++connect_failures_[slot], backoff_rng_);
    ++report_.connect_backoffs;
  } else {
    connect_failures_[slot] = 0;
  }
  if (flows_) {
    on_step_complete(slot, c, backoff);
    maybe_finish();
    return;
  }
  if (open_model_) {
    if (backoff > 0) rest(slot, c.done + backoff);
    else release(slot);
  } else {
    user_next(slot, c.done, backoff);
  }
  maybe_finish();
}

// Open model: a free slot takes the oldest backlogged request, or waits idle for the next arrival.
void Worker::release(std::size_t slot) {
  if (flows_) return release_user(slot);
  if (!backlog_.empty() && !stop_.load(std::memory_order_relaxed)) {
    const Pending p = backlog_.front();
    backlog_.pop_front();
    begin(slot, p.cls, p.intended, true);
  } else {
    idle_.push_back(slot);
  }
}

// Open model: the slot's connection failed; it takes no request until `until`.
void Worker::rest(std::size_t slot, sim::Time until) {
  auto& timer = rest_timers_[slot];
  if (!timer) timer = std::make_unique<asio::steady_timer>(io_);
  ++resting_;
  timer->expires_at(at(until));
  timer->async_wait([this, slot](const error_code& ec) {
    if (ec || finished_) return;
    --resting_;
    release(slot);
    maybe_finish();
  });
}

// Closed model: a user's think time before its next request (or session); none drawn when it is 0.
sim::Time Worker::user_think() {
  const auto& closed = std::get<workload::ClosedWorkload>(config_.workload.model);
  return closed.think_time.is_const() && closed.think_time.mean() == 0.0 ? 0 : closed.think_time.sample_time(rng_);
}

void Worker::user_next(std::size_t user, sim::Time ready, sim::Time backoff) {
  if (ending_ || user >= users_target_) {
    user_running_[user] = 0;
    return;
  }
  const sim::Time think = user_think();
  user_running_[user] = 1;
  const sim::Time intended = ready + backoff + think;
  if (think == 0 && backoff == 0) {
    const std::size_t cls = plan_.pick(rng_);
    metrics_.on_scheduled(cls, intended);
    begin(user, cls, intended);
    return;
  }
  auto& timer = think_timers_[user];
  if (!timer) timer = std::make_unique<asio::steady_timer>(io_);
  timer->expires_at(at(intended));
  // A backoff is no part of the schedule: its wake-up is not timer lag.
  timer->async_wait([this, user, intended, timed = backoff == 0](const error_code& ec) {
    if (ec || finished_) return;
    if (ending_ || user >= users_target_) {
      user_running_[user] = 0;
      maybe_finish();
      return;
    }
    if (timed) metrics_.on_lag(steady_now() - intended);
    const std::size_t cls = plan_.pick(rng_);
    metrics_.on_scheduled(cls, intended);
    begin(user, cls, intended);
  });
}

void Worker::update_users(sim::Time now) {
  if (ending_) return;
  const auto& closed = std::get<workload::ClosedWorkload>(config_.workload.model);
  const double global = closed.users.value_at(now < t0_ ? 0 : now - t0_);
  const auto target = static_cast<std::uint64_t>(std::llround(global));
  users_target_ = std::min<std::uint64_t>(users_for(target, slice_), slot_count_);
  for (std::size_t u = 0; u < users_target_; ++u) {
    if (user_running_[u]) continue;
    user_running_[u] = 1;
    if (flows_) {
      start_session(u, flows_->pick(rng_), now);
      continue;
    }
    const std::size_t cls = plan_.pick(rng_);
    metrics_.on_scheduled(cls, now);
    begin(u, cls, now);
  }
}

void Worker::arm_monitor() {
  monitor_.expires_at(at(monitor_due_));
  monitor_.async_wait([this](const error_code& ec) {
    if (!ec) on_monitor();
  });
}

void Worker::on_monitor() {
  const sim::Time now = steady_now();
  metrics_.on_loop_lag(now - monitor_due_);
  if (stop_.load(std::memory_order_relaxed)) {
    if (!ending_) report_.end = now;
    ending_ = true;
    finish();
    return;
  }
  if (!open_model_ && now >= t0_) update_users(now);
  if (ending_ && now >= drain_deadline_) {
    finish();
    return;
  }
  const auto peak = engine_->open_connections();
  if (peak > report_.open_connections_peak) report_.open_connections_peak = peak;
  monitor_due_ += kMonitorPeriod;
  if (monitor_due_ < now) monitor_due_ = now + kMonitorPeriod;
  arm_monitor();
}

void Worker::on_end() {
  if (ending_) return;
  ending_ = true;
  report_.end = t0_ + config_.duration;
  pacer_.cancel();
  for (auto& t : think_timers_) {
    if (t) t->cancel();
  }
  for (auto& r : user_running_) r = 0;
  for (auto& t : step_timers_) {
    if (t) t->cancel();
  }
  maybe_finish();
}

void Worker::maybe_finish() {
  if (!ending_ || finished_ || engine_->busy() > 0) return;
  // Flows: sessions not begun by the end are not started in the drain.
  if (flows_) return finish();
  // Every slot backing off after failed connects: the target refuses everything, and the
  // backlog would only wait out the drain. What waits is not_sent_at_stop now.
  if (backlog_.empty() || (open_model_ && resting_ == slot_count_)) finish();
}

void Worker::finish() {
  if (finished_) return;
  finished_ = true;
  const sim::Time now = steady_now();
  // In flight: written and unanswered. A request still waiting for its connection was never sent.
  report_.in_flight = late_;
  for (std::size_t slot = 0; slot < active_.size(); ++slot) {
    const Active& a = active_[slot];
    if (!a.on) continue;
    if (engine_->written(slot)) {
      ++report_.in_flight;
      continue;
    }
    metrics_.on_dropped(a.cls, Cause::kNotSentAtStop, a.intended, now);
    if (metrics_.measured(a.intended)) --in_flight_by_class_[a.cls];
  }
  if (flows_) {
    finish_flows(now);
  } else {
    for (const auto& p : backlog_) metrics_.on_dropped(p.cls, Cause::kNotSentAtStop, p.intended, now);
  }
  backlog_.clear();
  engine_->shutdown();
  pacer_.cancel();
  monitor_.cancel();
  end_timer_.cancel();
  for (auto& t : think_timers_) {
    if (t) t->cancel();
  }
  for (auto& t : rest_timers_) {
    if (t) t->cancel();
  }
  for (auto& t : step_timers_) {
    if (t) t->cancel();
  }
  io_.stop();
}

}  // namespace loadcast::loadgen
