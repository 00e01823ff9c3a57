// Worker: one thread, one io_context, one engine, its own metrics. Open model: a pacer timer
// walks this worker's ArrivalSlice; a due arrival goes to any idle slot, else waits in a bounded
// FIFO backlog (its wait is latency: latency is measured from the intended send time) or is
// dropped and counted. Closed model: user i owns slot i and loops request → response → think
// time. With flows (`flows` not empty: worker_flows.cpp) each slot is a virtual user that runs
// sessions: open model — an arrival is a session, run by a free virtual user (else it waits in
// the backlog or is dropped); closed model — user i runs sessions back to back, the think time
// between sessions. After `duration` in-flight and backlogged requests get `drain`; what remains is in
// flight (written to a socket) or dropped (never sent), judged by timestamps; SIGINT stops at the
// next monitor tick. A slot whose connect failed backs off before its next request
// (connect_backoff.hpp). Timer lag, loop lag and the thread's CPU time (RUSAGE_THREAD) are recorded.
// Threading: construct anywhere, then prepare() and run() on the worker's own thread; read
// the results only after that thread has been joined. Options: docs/load-generator.md#options
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "loadgen/arrivals.hpp"
#include "loadgen/engine.hpp"
#include "loadgen/flow_plan.hpp"
#include "loadgen/load_config.hpp"
#include "loadgen/metrics.hpp"
#include "loadgen/request_plan.hpp"

namespace loadcast::loadgen {

struct WorkerReport {
  std::uint64_t in_flight = 0;         // sent, unfinished when the worker stopped
  std::uint64_t slots = 0;
  std::uint64_t open_connections_peak = 0;
  std::uint64_t preconnect_failures = 0;
  std::uint64_t connect_backoffs = 0;  // times a slot backed off after a failed connect
  ConnectionEvents events;
  double cpu_s = 0.0;   // thread CPU time during run()
  double wall_s = 0.0;  // wall time of run()
  sim::Time end = 0;    // steady time the schedule ended (duration elapsed or stop requested)
};

class Worker final : private EngineListener {
 public:
  Worker(const LoadConfig& config, const RequestPlan& plan, std::vector<boost::asio::ip::tcp::endpoint> endpoints,
         SliceId slice, std::size_t slots, const std::atomic<bool>& stop, const FlowPlan* flows = nullptr);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Builds the engine and opens its connections, waiting at most `budget`.
  void prepare(sim::Time budget);
  // Runs the schedule from steady time t0 until done; returns when the loop has stopped.
  void run(sim::Time t0);

  WorkerMetrics& metrics() { return metrics_; }
  const WorkerReport& report() const { return report_; }
  // Per class: requests sent and not finished when the worker stopped.
  const std::vector<std::uint64_t>& in_flight_by_class() const { return in_flight_by_class_; }

 private:
  struct Pending {
    std::size_t cls;
    sim::Time intended;
  };
  // The request a slot is working on, between begin() and its completion.
  struct Active {
    bool on = false;
    std::size_t cls = 0;
    sim::Time intended = 0;
  };

  void on_complete(std::size_t slot, std::size_t cls, sim::Time intended, const Completion& c) override;
  void arm_pacer();
  void on_pacer();
  void dispatch(std::size_t cls, sim::Time intended, sim::Time now);
  void begin(std::size_t slot, std::size_t cls, sim::Time intended, bool waited = false);
  void release(std::size_t slot);
  void rest(std::size_t slot, sim::Time until);
  void user_next(std::size_t user, sim::Time ready, sim::Time backoff);
  sim::Time user_think();
  void update_users(sim::Time now);
  // Flows (worker_flows.cpp).
  struct VirtualUser {
    bool in_session = false;
    bool in_setup = false;
    bool measured = false;  // the session's start is in the measured window
    bool waited = false;    // the session waited in the backlog: its first send is no late send
    std::size_t flow = 0;
    std::size_t step = 0;
    std::int64_t repeats_left = 0;
    std::uint64_t sent = 0;  // requests the session has sent
    sim::Time session_start = 0;
    SessionVars vars;
    CookieJar jar;
    // Per flow, once its setup has run: the credentials and what setup extracted and the cookies
    // it got, which every later session of that flow starts from.
    std::vector<SessionVars> base_vars;
    std::vector<CookieJar> base_jar;
    std::vector<char> set_up;  // per flow: its setup has run for this user
    std::string request;       // the step's rendered request, alive until its completion
    std::string cookie_line;
  };
  void init_flows();
  std::uint64_t user_index(std::size_t slot) const;
  const std::vector<StepPlan>& steps_of(const VirtualUser& u) const;
  void dispatch_session(std::size_t flow, sim::Time intended, sim::Time now);
  void start_session(std::size_t slot, std::size_t flow, sim::Time intended);
  void enter_step(std::size_t slot, std::size_t index, sim::Time ready);
  void send_step(std::size_t slot, sim::Time ready);
  void fire_step(std::size_t slot, sim::Time intended);
  void on_step_complete(std::size_t slot, const Completion& c, sim::Time backoff);
  void after_step(std::size_t slot, sim::Time done);
  void end_session(std::size_t slot, sim::Time done, const char* failure, sim::Time backoff = 0);
  void release_user(std::size_t slot);
  void next_session(std::size_t user, sim::Time ready, sim::Time backoff);
  void drop_session(std::size_t flow, Cause cause, sim::Time intended, sim::Time now);
  void finish_flows(sim::Time now);
  std::size_t first_class(std::size_t flow) const { return flows_->at(flow).steps.front().cls; }

  void arm_monitor();
  void on_monitor();
  void on_end();
  void maybe_finish();
  void finish();

  const LoadConfig& config_;
  const RequestPlan& plan_;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints_;
  SliceId slice_;
  std::size_t slot_count_;
  const std::atomic<bool>& stop_;
  bool open_model_;

  boost::asio::io_context io_;
  sim::Rng rng_;
  sim::Rng backoff_rng_;  // connect backoff draws, apart from the request stream
  PlanCursor cursor_;
  WorkerMetrics metrics_;
  WorkerReport report_;
  std::vector<std::uint64_t> in_flight_by_class_;
  std::unique_ptr<Engine> engine_;

  boost::asio::steady_timer pacer_;
  boost::asio::steady_timer monitor_;
  boost::asio::steady_timer end_timer_;
  sim::Time t0_ = 0;
  sim::Time monitor_due_ = 0;
  bool ending_ = false;
  bool finished_ = false;
  sim::Time drain_deadline_ = 0;
  std::uint64_t late_ = 0;  // written, completed after drain_deadline_: reported in flight
  std::vector<Active> active_;                   // per slot
  std::vector<std::uint32_t> connect_failures_;  // per slot: connect failures in a row

  // Open model.
  std::optional<ArrivalSlice> arrivals_;
  std::optional<Arrival> next_arrival_;
  std::vector<std::size_t> idle_;
  std::deque<Pending> backlog_;
  std::uint64_t max_backlog_ = 0;
  std::vector<std::unique_ptr<boost::asio::steady_timer>> rest_timers_;  // per slot, backing off
  std::size_t resting_ = 0;  // slots backing off now

  // Closed model.
  std::uint64_t users_target_ = 0;
  std::vector<char> user_running_;  // in a request or thinking
  std::vector<std::unique_ptr<boost::asio::steady_timer>> think_timers_;

  // Flows.
  const FlowPlan* flows_ = nullptr;  // null: independent requests (the fast path)
  std::vector<VirtualUser> users_;   // per slot
  std::vector<std::unique_ptr<boost::asio::steady_timer>> step_timers_;  // per slot: think before a step
};

}  // namespace loadcast::loadgen
