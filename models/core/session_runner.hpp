// SessionRunner: user journeys (workload.flows) in the simulator — each session walks its flow's
// customer behaviour graph (docs/scenarios.md#flows).
//
// A session's state is its flow, its step, the sends of that step still to come and its start
// time. Entering a step draws its repeat count (workload::draw_repeat; 0 skips the step); each
// send waits the step's think time, then hands one request of the step's class to the
// SessionHost, which runs it exactly as a request without flows. When it completes OK the
// session sends again or leaves the step: to one of its `next` branches or the end by their
// probabilities, else with `exit` to the end and otherwise to the following step (the end after
// the last). A failed request (error, timeout, drop) ends the session as failed. A session that
// ends tells the host, so a closed-model user can think and start the next.
//
// Statistics count the sessions started after the warm-up (started = completed + failed +
// in_flight at the end) with the duration of each completed one, per flow and overall, and the
// requests of each step ended after the warm-up with the latency of the OK ones (for a step whose
// class no other step sends, the class's own latency histogram: the same requests, recorded
// once). Randomness:
// think times from the stream "flows.think", repeat counts and branches from "flows.route".
// Sessions are pooled by index; nothing is allocated per session or request in steady state.
// Not thread safe: one per replication.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "reports/histogram.hpp"
#include "reports/result.hpp"
#include "sim/simulation.hpp"
#include "sim/weighted_choice.hpp"
#include "workload/workload_spec.hpp"

namespace loadcast::models {

class SessionHost {
 public:
  virtual ~SessionHost() = default;
  // Sends one request of class `cls` now for session `session`; its outcome comes back through
  // SessionRunner::request_done (possibly before this returns, when it is refused at once).
  virtual void send_for_session(std::uint32_t cls, std::uint32_t session) = 0;
  // The session of closed-model user `user` ended (completed or failed).
  virtual void session_ended(std::uint32_t user) = 0;
};

class SessionRunner {
 public:
  SessionRunner(sim::Simulation& sim, const workload::WorkloadSpec& spec, SessionHost& host);

  // Starts a session of flow `flow` now; `counted`: it starts after the warm-up.
  void start(std::uint32_t flow, std::uint32_t user, bool counted);
  // The current request of `session` ended: OK, or failed. `counted`: the request arrived after
  // the warm-up; `latency`: from its send to its response.
  void request_done(std::uint32_t session, bool ok, bool counted, sim::Time latency);

  // The `sessions` and `flows` sections of the result (docs/results.md); `class_latency`: the
  // latency histogram of each request class's counted OK requests.
  void write(reports::Json& sections, const std::vector<reports::Histogram>& class_latency) const;

  std::uint64_t live() const { return live_; }

 private:
  static constexpr std::uint32_t kEnd = UINT32_MAX;

  struct Session {
    std::uint32_t flow = 0;
    std::uint32_t step = 0;  // index into steps_
    std::int64_t sends_left = 0;
    sim::Time start = 0;
    std::uint32_t user = UINT32_MAX;
    bool counted = false;
  };
  // A step as the runner walks it (every flow's steps in one table, a flow's in order).
  struct Step {
    std::uint32_t cls = 0;
    const workload::FlowStep* spec = nullptr;
    std::vector<std::uint32_t> targets;  // indices into steps_, kEnd for the end
    sim::WeightedChoice routes;          // picks among targets (no draw with one)
    bool own_latency = false;            // its class serves other steps too: record its latency here
    std::uint64_t requests = 0, ok = 0, failed = 0;
    reports::Histogram latency;  // ns; only with own_latency
  };
  struct FlowStats {
    std::uint32_t first_step = 0;
    std::uint64_t started = 0, completed = 0, failed = 0;
    reports::Histogram duration;  // microseconds: sessions last minutes, beyond the ns range
  };

  void enter(std::uint32_t id, std::uint32_t step, bool direct);
  void send_next(std::uint32_t id, bool direct);
  void send(std::uint32_t id);
  void leave_step(std::uint32_t id);
  void end(std::uint32_t id, bool ok);

  sim::Simulation& sim_;
  const workload::WorkloadSpec& spec_;
  SessionHost& host_;
  sim::Rng think_rng_;
  sim::Rng route_rng_;
  std::vector<Step> steps_;
  std::vector<Session> sessions_;
  std::vector<std::uint32_t> free_;
  std::uint64_t live_ = 0;
  std::vector<FlowStats> stats_;
};

}  // namespace loadcast::models
