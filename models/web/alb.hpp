// Application Load Balancer: listener rules route each request class to one target group per
// service (resolved once per class by the loader, so the hot path does no string work); a target
// group picks a task (round robin, least outstanding requests, weighted random, slow start),
// health-checks its targets, fails open when none is healthy, drains deregistered targets for
// the whole deregistration delay; 503 only with no registered target, and the ALB never queues.
// Optionally it has a capacity in LCU that follows demand (assumption). It meters LCUs per clock
// hour and the bytes its responses send to the internet.
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/capacity-unit-reservation.html
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html
// [doc] https://aws.amazon.com/waf/pricing/
// Facts and assumptions: docs/models/web.md#application-load-balancer
// Not thread safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/core/component.hpp"
#include "models/web/task.hpp"
#include "models/web/alb_config.hpp"
#include "sim/simulation.hpp"

namespace loadcast::cost {
struct Usage;
}  // namespace loadcast::cost

namespace loadcast::models {

class EcsService;

// ALB path-pattern matching: '*' matches any run of characters, '?' exactly one; case sensitive.
bool alb_path_matches(const std::string& pattern, const std::string& path);

class TargetGroup {
 public:
  TargetGroup(sim::Simulation& sim, EventLog& events, std::string name, const TargetGroupConfig& config);
  TargetGroup(const TargetGroup&) = delete;
  TargetGroup& operator=(const TargetGroup&) = delete;

  void set_service(EcsService* service) { service_ = service; }
  // A RUNNING task joins: `initial`, or already healthy (a deployment that was up at t = 0).
  void register_target(Task& t, bool healthy);
  // Deregistration: the target drains for the deregistration delay (the service hears on_drained
  // when it is `unused`); requests still outstanding then get 502.
  void deregister(Task& t);
  // The same with a delay of its own (a Fargate Spot interruption's, cut at the reclaim) and the
  // cause of the 502s when it ends (nullptr: deregistration_delay_expired).
  void deregister(Task& t, sim::Time delay, const std::string* cause);
  // The task is gone at once (it died): no draining.
  void remove(Task& t);

  // The task for the next request, or nullptr when no target is registered (503).
  Task* pick() {
    ++requests_;
    const std::size_t n = routable_.size();
    if (n == 0) return nullptr;
    if (n == 1) return routable_[0];
    if (slow_starting_ == 0 && config_.algorithm == Algorithm::kRoundRobin) {
      if (++rr_ >= n) rr_ = 0;
      return routable_[rr_];
    }
    return pick_slow(n);
  }

  void on_probe_result(Task& t, bool ok);

  const std::string& name() const { return name_; }
  const TargetGroupConfig& config() const { return config_; }
  std::size_t registered() const { return registered_.size(); }
  int healthy() const { return healthy_; }
  // Targets whose slow-start window has not been closed (a window closes when it is seen to
  // have expired, or when the target changes health or leaves).
  int slow_starting() const { return slow_starting_; }
  std::uint64_t requests() const { return requests_; }

 private:
  Task* pick_slow(std::size_t n);
  void set_health(Task& t, TargetHealth h, const std::string& reason);
  void leave_slow_start(TargetState& ts);
  void rebuild();
  void schedule_check(Task& t, sim::Time delay);
  void on_drain_timeout(Task* t, const std::string* cause);
  void on_drained(Task& t);
  double weight(Task& t, sim::Time now);

  sim::Simulation& sim_;
  EventLog& events_;
  std::string name_;
  const TargetGroupConfig& config_;
  EcsService* service_ = nullptr;
  sim::Rng rng_;
  std::vector<Task*> registered_;  // initial, healthy, unhealthy (not draining)
  std::vector<Task*> routable_;    // healthy ones, or all registered when none is (fail-open)
  std::size_t rr_ = 0;
  int healthy_ = 0;
  int slow_starting_ = 0;
  std::uint64_t requests_ = 0;
};

class Alb final : public Component {
 public:
  Alb(sim::Simulation& sim, EventLog& events, const AlbConfig& config, std::size_t services);
  ~Alb() override;

  // The target group of service `i` (nullptr when no rule routes to it).
  TargetGroup* group(std::size_t service) { return groups_[service].get(); }
  TargetGroup& add_group(std::size_t service, const std::string& name, const TargetGroupConfig& config);

  // Whether the load balancer has capacity for one more request now (always, without a
  // capacity model); a request it refuses is not routed.
  bool admit() {
    if (!config_.capacity.enabled) return true;
    return admit_slow();
  }
  // The task for a request of a class routed to `service` after `rules` rule evaluations, whose
  // response will be `response_bytes` long.
  Task* route(std::size_t service, int rules, double response_bytes) {
    ++hour_requests_;
    hour_rule_evaluations_ += static_cast<std::uint64_t>(rules);
    hour_response_bytes_ += response_bytes;
    return groups_[service]->pick();
  }

  void start();
  void add_usage(cost::Usage& usage, sim::Time end);
  void sample(sim::Time start, sim::Time end, SeriesRow& row) override;
  void finish(RunOutput& out) override;
  double capacity_lcu() const { return capacity_lcu_; }
  std::uint64_t refused() const { return refused_; }

 private:
  void close_hour(sim::Time end);
  void schedule_hour();  // the next clock hour's close (one chain for the run)
  bool admit_slow();
  void on_capacity_tick();

  sim::Simulation& sim_;
  EventLog& events_;
  const AlbConfig& config_;
  std::vector<std::unique_ptr<TargetGroup>> groups_;  // by service index
  std::uint64_t hour_requests_ = 0;
  std::uint64_t hour_rule_evaluations_ = 0;
  double hour_response_bytes_ = 0.0;
  double response_bytes_ = 0.0;  // closed hours
  std::uint64_t requests_ = 0;
  std::vector<double> hourly_lcus_;
  struct Hour {
    double new_connections, active_connection_seconds, processed_bytes, requests, rule_evaluations;
  };
  std::vector<Hour> hours_;
  sim::Time hour_start_ = 0;
  // Capacity model (config_.capacity.enabled).
  double lcu_per_rps_ = 0.0;     // LCUs one request per second uses, with the run's traffic shape
  double capacity_lcu_ = 0.0;
  double peak_demand_lcu_ = 0.0;
  std::uint64_t tick_demand_ = 0;  // requests arrived in the current tick, refused ones included
  std::uint64_t window_admitted_ = 0;
  sim::Time window_start_ = 0;
  std::uint64_t refused_ = 0;
  std::uint64_t sample_demand_ = 0;
};

}  // namespace loadcast::models
