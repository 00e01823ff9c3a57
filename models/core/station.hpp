// Station: a generic station of the scenario (`stations:`), serving request steps — the plain
// queueing building block, and how an external dependency is modelled.
//
// The queueing is sim::Station (c servers, FCFS or processor sharing, an optional queue limit);
// this adapter hands requests to it and back to the RequestSink, and keeps what is ours: a
// rejected request fails with 503 and the cause "rejected:<station>" (Failure::kDropped), the
// statistics count requests arrived after the warm-up (Request::counted), and FCFS waits go to
// a reports::Histogram for the result's wait percentiles. Not thread safe.
#pragma once

#include <cstdint>
#include <string>

#include "models/core/config.hpp"
#include "models/core/request.hpp"
#include "reports/histogram.hpp"
#include "reports/result.hpp"
#include "sim/simulation.hpp"
#include "sim/station.hpp"

namespace loadcast::models {

class Station {
 public:
  Station(sim::Simulation& sim, const StationConfig& config, RequestSink& sink);
  Station(const Station&) = delete;
  Station& operator=(const Station&) = delete;

  // The request needs `service_s` seconds of one server. Inline: every station step calls it.
  void arrive(Request* r, double service_s) {
    r->step_start = sim_.now();
    if (!station_.arrive(r, service_s)) reject(r);
  }

  void restart_statistics();  // end of warm-up
  reports::StationResult result() const;
  const std::string& name() const { return config_.name; }
  std::size_t present() const { return station_.present(); }

 private:
  friend class sim::Station<Request*, Station>;
  void reject(Request* r);  // the queue was full: 503
  // sim::Station's hooks.
  static bool counted(const Request* r) { return r->counted; }
  void served(Request* r) { sink_.step_done(r); }
  // A zero wait (a free server: sim::Station passes the constant, so this inlines to the count)
  // is counted, not recorded: result() adds the zeros to the histogram, the same counts.
  void waited(sim::Time wait_ns) {
    if (wait_ns == 0) ++zero_waits_;
    else wait_ns_.record(wait_ns);
  }

  sim::Simulation& sim_;
  StationConfig config_;
  RequestSink& sink_;
  std::string rejected_cause_;
  reports::Histogram wait_ns_;  // FCFS waiting times of counted requests but the zero waits
  std::uint64_t zero_waits_ = 0;  // counted requests served without waiting (FCFS)
  sim::Station<Request*, Station> station_;
};

}  // namespace loadcast::models
