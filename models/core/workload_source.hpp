// WorkloadSource: turns the workload section into arrivals in the simulation.
//
// Open model: arrivals, with their request classes, come from workload::ArrivalSequence, the
// same sequence the load generator sends (streams "workload.arrivals" and "workload.classes"
// of the replication); one arrival event is pending at a time. Closed model: users(t) is
// re-evaluated every `user_tick` (1 s) and at each stage point; a new user starts with a think
// time, a retiring user leaves after its current request; each request picks a class by weight
// (stream "workload.classes") and thinks with stream "workload.think". Every arrival is handed
// to the Admitter. With workload.flows, what arrives is a session instead: the weighted pick (the
// same streams) is among the flows, and each open-model arrival, or each closed-model user after
// its think time, starts a session through the SessionStarter; a closed-model user's next think
// time starts when its session ends (request_done is then called per session, not per request),
// and a retiring user leaves after its current session. The open model's arrivals depend on nothing the simulation does, so they are
// drawn kAhead at a time into a buffer (the same values in the same order: bit-identical to one
// at a time), which lets the divisions and draws of consecutive arrivals overlap in the CPU.
// Not thread safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/simulation.hpp"
#include "sim/weighted_choice.hpp"
#include "workload/arrival_sequence.hpp"
#include "workload/workload_spec.hpp"

namespace loadcast::models {

class Admitter {
 public:
  virtual ~Admitter() = default;
  // A request of class `cls` arrives now; `user` is the closed-model user or UINT32_MAX.
  virtual void admit(std::uint32_t cls, std::uint32_t user) = 0;
};

class SessionStarter {
 public:
  virtual ~SessionStarter() = default;
  // A session of flow `flow` starts now; `user` is the closed-model user or UINT32_MAX.
  virtual void start_session(std::uint32_t flow, std::uint32_t user) = 0;
};

class WorkloadSource {
 public:
  // `sessions` is required when spec.flows is not empty, and unused otherwise.
  WorkloadSource(sim::Simulation& sim, const workload::WorkloadSpec& spec, Admitter& admitter, sim::Time end,
                 SessionStarter* sessions = nullptr);
  WorkloadSource(const WorkloadSource&) = delete;  // the arrival sequence refers to classes_
  WorkloadSource& operator=(const WorkloadSource&) = delete;

  void start();
  // Closed model: the user's request (with flows, its session) finished; it thinks, then sends
  // the next one.
  void request_done(std::uint32_t user);

  std::uint64_t arrivals() const { return arrivals_; }
  std::size_t active_users() const { return active_users_; }

 private:
  void schedule_next_arrival();
  void on_arrival();
  void adjust_users();
  void start_user(std::uint32_t user);
  void send(std::uint32_t user);

  sim::Simulation& sim_;
  const workload::WorkloadSpec& spec_;
  Admitter& admitter_;
  SessionStarter* sessions_;  // with flows
  sim::Time end_;
  sim::Rng class_rng_;  // the closed model's picks; the open model's come with its arrivals
  sim::Rng think_rng_;
  sim::WeightedChoice classes_;  // among the request classes, or with flows among the flows
  // Open model.
  static constexpr std::size_t kAhead = 32;
  // The next arrival of the sequence, from the buffer refilled kAhead at a time. False: none left.
  bool next_arrival(workload::Arrival& out) {
    if (ahead_next_ == ahead_count_) [[unlikely]] {
      refill();
      if (ahead_count_ == 0) return false;
    }
    out = ahead_[ahead_next_++];
    return true;
  }
  void refill();
  std::optional<workload::ArrivalSequence> sequence_;
  std::array<workload::Arrival, kAhead> ahead_{};
  std::size_t ahead_next_ = 0;
  std::size_t ahead_count_ = 0;
  std::size_t next_class_ = 0;  // class (with flows: flow) of the pending arrival
  bool streamed_ = false;       // the arrivals are the simulation's stream (Simulation::claim_stream)
  std::uint64_t arrivals_ = 0;
  // Closed model.
  struct User {
    bool active = false;
    bool retiring = false;
    bool busy = false;  // a request or think time is under way
  };
  std::vector<User> users_;
  std::size_t active_users_ = 0;
};

}  // namespace loadcast::models
