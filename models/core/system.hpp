// System: the wired model of one replication — workload source, request flow, stations, the web
// tier (WebTier) and the backend tier (BackendTier: queues, topics, worker services, data-tier
// control, faults) — and its measurement. A request is admitted by the WorkloadSource, runs its
// class's steps in order (each handed to a component, which hands it back through RequestSink)
// and completes OK or with a Failure; one answered early (504, 502) is counted then and
// discarded when the step holding it ends. Statistics count requests arriving after the
// warm-up; at the end those still present are in_flight, so for every class
// total = ok + errors + timeouts + dropped + in_flight. With workload.flows, arrivals start
// sessions (SessionRunner), whose requests run the same path and report their outcome back to
// their session. Besides the per-interval series it writes
// the `hourly` and `window` sections (docs/results.md).
// Randomness: service samples of step i of class c come from the stream "class.<c>.step.<i>".
// One System per Simulation; not thread safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/core/component.hpp"
#include "models/core/config.hpp"
#include "models/core/outbound_call.hpp"
#include "models/core/request.hpp"
#include "models/core/run_output.hpp"
#include "models/core/session_runner.hpp"
#include "models/core/station.hpp"
#include "models/core/workload_source.hpp"
#include "reports/histogram.hpp"
#include "sim/simulation.hpp"
#include "workload/workload_spec.hpp"

namespace loadcast::models {

class WebTier;
class BackendTier;

struct RunParams {
  sim::Time duration = 0;
  sim::Time warmup = 0;
  sim::Time interval = 60 * sim::kSecond;
  bool record_events = true;
  // A window [from, to) of the run whose requests get a latency summary of their own (`window`).
  std::optional<std::pair<sim::Time, sim::Time>> window;
};

class System final : public RequestSink, public Admitter, public SessionStarter, public SessionHost {
 public:
  System(sim::Simulation& sim, const workload::WorkloadSpec& workload, const ModelConfig& config, const RunParams& params);
  ~System() override;
  System(const System&) = delete;
  System& operator=(const System&) = delete;

  RunOutput run();

  void step_done(Request* r) override { run_step(r); }
  void step_failed(Request* r, const Failure& f) override {
    if (r->abandoned) discard(r);
    else complete(r, &f);
  }
  void respond_early(Request* r, const Failure& f) override;
  void admit(std::uint32_t cls, std::uint32_t user) override { enter(cls, user, UINT32_MAX); }
  void start_session(std::uint32_t flow, std::uint32_t user) override { sessions_->start(flow, user, measuring_); }
  void send_for_session(std::uint32_t cls, std::uint32_t session) override { enter(cls, UINT32_MAX, session); }
  void session_ended(std::uint32_t user) override { source_.request_done(user); }

  sim::Simulation& simulation() { return sim_; }
  EventLog& events() { return events_; }
  void add_component(Component* c) { components_.push_back(c); }
  // The load balancer, services and database, when the scenario has them.
  WebTier* web() { return web_.get(); }
  // Queues, topics, workers, the data tier's proxy and replica scaling, faults (when present).
  BackendTier* backend() { return backend_.get(); }

 private:
  // Counts per status code and cause without a map lookup per request.
  struct Counter {
    std::uint64_t total = 0, ok = 0, errors = 0, timeouts = 0, dropped = 0, in_flight = 0;
    std::array<std::uint64_t, 600> by_status{};
    std::vector<std::pair<const std::string*, std::uint64_t>> by_cause;
    void add_cause(const std::string* cause);
    reports::RequestCounts to_counts() const;
  };

  // A request of class `cls` arrives now, for a closed-model user or a session (or neither).
  void enter(std::uint32_t cls, std::uint32_t user, std::uint32_t session);
  void run_step(Request* r);
  void dispatch(Request* r);  // to the load balancer's target (after load_balancer.latency, when given)
  void complete(Request* r, const Failure* f);
  void account(Request* r, const Failure* f);  // the client got its answer: count it
  void discard(Request* r);                     // an abandoned request's work ended
  void on_warmup_end();
  // Folds each class's `recent_` latencies into the class, hour and interval histograms.
  void fold_recent();
  void on_interval();
  void close_interval(sim::Time start, sim::Time end);
  // Latency and counts of a span of the run (an hour, the window): measured responses only.
  struct Span {
    // Declared, so std::optional<Span> below sees a default constructor before System is
    // complete (clang 14, the fuzz build, otherwise finds none: the members' initializers).
    Span() {}
    reports::Histogram latency;
    std::uint64_t arrivals = 0, ok = 0, failed = 0;
    void reset() {
      latency.reset();
      arrivals = ok = failed = 0;
    }
    reports::Json to_json() const;
  };
  void close_hour();
  void on_hour();
  bool in_window(sim::Time t) const;

  sim::Simulation& sim_;
  const workload::WorkloadSpec& workload_;
  RunParams params_;
  RequestPool pool_;
  std::vector<std::unique_ptr<Station>> stations_;
  // The steps of all classes in one array, class after class, with what run_step needs: one
  // lookup per step instead of the class's vector of 744-byte configs, and a station step's
  // station and service distribution at hand.
  struct Step {
    sim::Rng rng;                            // stream "class.<name>.step.<i>"
    const StepConfig* config = nullptr;
    Station* station = nullptr;              // kStation: its station
    const sim::Distribution* service = nullptr;
  };
  struct ClassSteps {
    std::uint32_t first = 0;  // index of the class's first step in steps_
    std::uint32_t count = 0;
  };
  std::vector<Step> steps_;
  std::vector<ClassSteps> class_steps_;
  const sim::Distribution* lb_latency_ = nullptr;  // load_balancer.latency
  sim::Rng lb_latency_rng_;
  std::unique_ptr<SessionRunner> sessions_;  // with workload.flows
  WorkloadSource source_;
  EventLog events_;
  std::vector<Component*> components_;
  std::unique_ptr<WebTier> web_;
  std::unique_ptr<BackendTier> backend_;
  OutboundMeter outbound_;  // calls out of the VPC made by request classes' delay steps
  bool measuring_ = false;

  std::vector<Counter> class_counts_;
  std::vector<reports::Histogram> class_latency_;
  // The OK latencies of counted requests since the last fold, per class: recorded once per
  // response here instead of in the class, hour and interval histograms each, and folded into
  // them (fold_recent) before any of them is read — at each interval's and hour's end and at the
  // end of the run. Folding adds counts, so the histograms hold the same counts, min and max;
  // their sums of integer nanoseconds are the same doubles while below 2^53 ns (104 days).
  std::vector<reports::Histogram> recent_;
  reports::TimeSeries timeseries_;
  sim::Time interval_start_ = 0;
  reports::Histogram interval_latency_;
  std::uint64_t interval_completions_ = 0;
  std::uint64_t interval_arrivals_ = 0;
  std::uint64_t interval_errors_ = 0;
  std::uint64_t interval_5xx_ = 0;
  std::array<std::uint64_t, 100> interval_by_5xx_{};  // responses 500..599 in the interval
  std::array<bool, 100> seen_5xx_{};                   // the code has a series (it occurred)
  std::vector<reports::Histogram> interval_class_latency_;  // with several classes
  std::vector<std::uint64_t> interval_class_completions_;   // with several classes
  Span hour_;
  std::size_t hour_index_ = 0;
  reports::Json hours_ = reports::Json::array();
  std::optional<Span> window_;
};

}  // namespace loadcast::models
