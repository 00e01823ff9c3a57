// Station: the generic queueing building block — c servers, FCFS or processor sharing, an
// optional queue limit. Also how an external dependency is modelled.
//
// FCFS: an arrival starts service if a server is free, otherwise waits in FIFO order; with a
// queue limit K, an arrival that finds K waiting is rejected (the request is dropped and counted
// as "rejected:<station>"). PS: all present requests share the c servers, each getting at most
// one (sim::ProcessorSharing); the queue limit then caps the number present beyond c.
// Statistics (after warm-up): utilization = time-average busy servers / c, mean queue =
// time-average number waiting, mean in system, mean wait before service (FCFS).
// Not thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/core/config.hpp"
#include "sim/processor_sharing.hpp"
#include "models/core/request.hpp"
#include "reports/result.hpp"
#include "sim/simulation.hpp"
#include "sim/stats.hpp"

namespace loadcast::models {

class Station {
 public:
  Station(sim::Simulation& sim, const StationConfig& config, RequestSink& sink);
  Station(const Station&) = delete;
  Station& operator=(const Station&) = delete;

  // The request needs `service_s` seconds of one server.
  void arrive(Request* r, double service_s);

  void restart_statistics();  // end of warm-up
  reports::StationResult result() const;
  const std::string& name() const { return config_.name; }
  std::size_t present() const { return present_; }

 private:
  struct Waiting {
    Request* request;
    double service_s;
  };
  static void on_ps_done(void* self, void* token);
  void start(Request* r, double service_s);
  void finish(Request* r);

  sim::Simulation& sim_;
  StationConfig config_;
  RequestSink& sink_;
  std::string rejected_cause_;
  sim::ProcessorSharing ps_;
  std::vector<Waiting> queue_;  // ring buffer, power-of-two size
  std::size_t head_ = 0;
  std::size_t waiting_ = 0;
  std::size_t busy_ = 0;
  std::size_t present_ = 0;
  // Time integrals of busy servers, waiting and present requests since stats_start_, advanced
  // once per state change (one subtraction instead of three accumulators).
  void advance(sim::Time now);
  double busy_now() const;
  sim::Time stats_start_ = 0;
  sim::Time last_change_ = 0;
  double busy_area_ = 0.0;
  double queue_area_ = 0.0;
  double present_area_ = 0.0;
  sim::Welford wait_s_;
  reports::Histogram wait_ns_;  // FCFS waiting times (zero waits included)
  std::uint64_t arrivals_ = 0;
  std::uint64_t completions_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace loadcast::models
