// WorkloadSource: turns the workload section into arrivals.
//
// Open model: the k-th arrival is at Λ⁻¹(k) (uniform) or Λ⁻¹(E₁+…+E_k) with unit exponentials
// (Poisson), Λ the integral of the rate schedule — the same inverse the load generator paces
// with. Closed model: users(t) is re-evaluated every `user_tick` (1 s) and at each stage point;
// a new user starts with a think time, a retiring user leaves after its current request. Each
// arrival picks a class by weight and is handed to the Admitter. Randomness comes from the
// streams "workload.arrivals", "workload.classes" and "workload.think".
// Not thread safe.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/simulation.hpp"
#include "sim/workload.hpp"

namespace loadcast::models {

class Admitter {
 public:
  virtual ~Admitter() = default;
  // A request of class `cls` arrives now; `user` is the closed-model user or UINT32_MAX.
  virtual void admit(std::uint32_t cls, std::uint32_t user) = 0;
};

class WorkloadSource {
 public:
  WorkloadSource(sim::Simulation& sim, const sim::WorkloadSpec& spec, Admitter& admitter, sim::Time end);

  void start();
  // Closed model: the user's request finished; it thinks, then sends the next one.
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
  const sim::WorkloadSpec& spec_;
  Admitter& admitter_;
  sim::Time end_;
  sim::Rng arrivals_rng_;
  sim::Rng class_rng_;
  sim::Rng think_rng_;
  sim::WeightedChoice classes_;
  double cumulative_ = 0.0;  // Λ-space position of the next arrival
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
