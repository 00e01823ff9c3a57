// The ALB target group with real ECS tasks: routing algorithms and slow start.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <vector>

#include "models/web/alb.hpp"
#include "models/core/config.hpp"
#include "models/web/ecs_service.hpp"
#include "models/core/request.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;
using namespace loadcast::models;

namespace {

class NullSink final : public RequestSink {
 public:
  void step_done(Request*) override {}
  void step_failed(Request*, const Failure&) override {}
  void respond_early(Request* r, const Failure&) override { r->abandoned = true; }
};

struct Rig {
  sim::Simulation sim{7};
  EventLog events;
  ServiceConfig config;
  NullSink sink;
  FargateLaunchBucket bucket{sim};
  std::unique_ptr<TargetGroup> group;
  std::unique_ptr<EcsService> service;
  RequestPool pool;

  explicit Rig(Algorithm algorithm, int desired, sim::Time slow_start = 0,
               const std::function<void(ServiceConfig&)>& tweak = {}) {
    config.name = "api";
    config.desired = desired;
    config.target_group.algorithm = algorithm;
    config.target_group.slow_start = slow_start;
    config.target_group.health_check.interval = 5 * sim::kSecond;
    config.target_group.health_check.timeout = 2 * sim::kSecond;
    if (tweak) tweak(config);
    group = std::make_unique<TargetGroup>(sim, events, "api", config.target_group);
    service = std::make_unique<EcsService>(sim, events, config, sink, nullptr, bucket, group.get(), 0);
    service->start();
  }
  std::map<std::string, int> picks(int n) {
    std::map<std::string, int> count;
    for (int i = 0; i < n; ++i) ++count[group->pick()->label()];
    return count;
  }
  double healthy_at(const std::string& label) { return last("target_healthy", label); }
  double last(const std::string& type, const std::string& label) {
    double t = -1.0;
    for (const auto& e : events.events()) {
      if (e.type == type && e.target == label) t = e.t_s;
    }
    return t;
  }
  Task& task(std::size_t i) { return *service->live_tasks()[i]; }
  // Two failed checks (the unhealthy threshold) reported for task i now.
  void fail_checks(std::size_t i) {
    group->on_probe_result(task(i), false);
    group->on_probe_result(task(i), false);
  }
};

// ECS does not replace an unhealthy task during a long grace period.
void long_grace(ServiceConfig& c) { c.lifecycle.health_check_grace = sim::kHour; }

}  // namespace

TEST_CASE("Alb: path patterns match like ALB listener rules") {
  CHECK(alb_path_matches("/api/*", "/api/bookmarks"));
  CHECK(alb_path_matches("/api/*", "/api/"));
  CHECK_FALSE(alb_path_matches("/api/*", "/api"));
  CHECK(alb_path_matches("/*", "/"));
  CHECK(alb_path_matches("/", "/"));
  CHECK_FALSE(alb_path_matches("/", "/index.html"));
  CHECK(alb_path_matches("/img/?.png", "/img/a.png"));
  CHECK_FALSE(alb_path_matches("/img/?.png", "/img/ab.png"));
  CHECK(alb_path_matches("*.css", "/static/site.css"));
  CHECK_FALSE(alb_path_matches("/API/*", "/api/x"));  // case sensitive
}

TEST_CASE("TargetGroup: round robin spreads requests evenly") {
  Rig rig(Algorithm::kRoundRobin, 3);
  const auto count = rig.picks(3000);
  REQUIRE(count.size() == 3);
  for (const auto& [label, n] : count) CHECK(n == 1000);
}

TEST_CASE("TargetGroup: least outstanding requests sends to the least busy target") {
  Rig rig(Algorithm::kLeastOutstandingRequests, 3);
  std::vector<Request*> held;
  for (int i = 0; i < 30; ++i) {
    Request* r = rig.pool.acquire();
    rig.group->pick()->accept(r);
    held.push_back(r);
  }
  for (Request* r : held) CHECK(r->task->outstanding() == 10);
  // Finish five requests on the task of the first one: the next five picks all go there.
  Task* relieved = held[0]->task;
  int finished = 0;
  for (Request* r : held) {
    if (r->task == relieved && finished < 5) {
      relieved->finished(r);
      ++finished;
    }
  }
  for (int i = 0; i < 5; ++i) CHECK(rig.group->pick() == relieved);
}

TEST_CASE("TargetGroup: weighted random gives each target its share") {
  Rig rig(Algorithm::kWeightedRandom, 4);
  const auto count = rig.picks(40000);
  REQUIRE(count.size() == 4);
  for (const auto& [label, n] : count) CHECK(n == Approx(10000).margin(400));  // about 4 sigma
}

TEST_CASE("TargetGroup: slow start raises a new target's share linearly") {
  Rig rig(Algorithm::kRoundRobin, 2, 100 * sim::kSecond);
  rig.service->set_desired_capacity(3);
  // RUNNING 28-45 s after the launch, healthy at the next check (interval 5 s): by 50 s.
  rig.sim.run_until(50 * sim::kSecond);
  const double healthy = rig.healthy_at("api/3");
  REQUIRE(healthy > 25.0);
  for (double f : {0.25, 0.5, 0.75}) {
    rig.sim.run_until(sim::from_seconds(healthy + f * 100.0));
    auto count = rig.picks(10000);
    CHECK(count["api/3"] / 10000.0 == Approx(f / (2.0 + f)).margin(0.01));
    // The two targets that were already healthy are not in slow start: equal shares.
    CHECK(count["api/1"] == Approx(count["api/2"]).margin(2));
  }
  rig.sim.run_until(sim::from_seconds(healthy + 101.0));
  CHECK(rig.picks(3000)["api/3"] == Approx(1000).margin(1));  // full share again
}

TEST_CASE("TargetGroup: an unhealthy target is healthy again after healthy_threshold passing checks") {
  Rig rig(Algorithm::kRoundRobin, 2, 0, long_grace);
  rig.sim.run_until(10 * sim::kSecond);
  rig.fail_checks(0);
  const double unhealthy = rig.last("target_unhealthy", "api/1");
  REQUIRE(unhealthy == Approx(10.0));
  CHECK(rig.group->healthy() == 1);
  // Only the healthy target gets traffic meanwhile.
  CHECK(rig.picks(100)["api/2"] == 100);
  rig.sim.run_until(60 * sim::kSecond);
  // Its checks (every 5 s) pass: the 5th consecutive pass, not an earlier one, makes it healthy.
  const double healthy = rig.healthy_at("api/1");
  REQUIRE(healthy > 0.0);
  CHECK(healthy > unhealthy + 4 * 5.0);
  CHECK(healthy <= unhealthy + 5 * 5.0 + 0.01);
  CHECK(rig.group->healthy() == 2);
  CHECK(rig.picks(100)["api/1"] == 50);
}

TEST_CASE("TargetGroup: a slow start that expired unnoticed is released when the target leaves or changes health") {
  for (const bool deregister : {true, false}) {
    INFO((deregister ? "deregistered" : "unhealthy"));
    Rig rig(Algorithm::kRoundRobin, 2, 100 * sim::kSecond, long_grace);
    rig.service->set_desired_capacity(3);
    rig.sim.run_until(50 * sim::kSecond);
    const double healthy = rig.healthy_at("api/3");
    REQUIRE(healthy > 25.0);
    CHECK(rig.group->slow_starting() == 1);
    // No request is routed while the window passes, so nothing notices that it expired.
    rig.sim.run_until(sim::from_seconds(healthy + 150.0));
    if (deregister) {
      rig.service->set_desired_capacity(2);  // scale-in stops the newest task: api/3 drains
      CHECK(rig.last("target_draining", "api/3") > healthy);
    } else {
      rig.fail_checks(2);
      CHECK(rig.last("target_unhealthy", "api/3") > healthy);
    }
    CHECK(rig.group->slow_starting() == 0);
  }
}

TEST_CASE("EcsService: RequestCountPerTarget divides by healthy targets, or by registered ones when none is") {
  auto slow_recovery = [](ServiceConfig& c) {
    long_grace(c);
    c.target_group.health_check.interval = 30 * sim::kSecond;
    c.target_group.health_check.healthy_threshold = 10;  // 300 s to recover: longer than the test
  };
  Rig rig(Algorithm::kRoundRobin, 3, 0, slow_recovery);
  MetricPublisher& metrics = rig.service->metrics();
  const auto metric = metrics.find_metric("requests_per_target");
  REQUIRE(metric);
  // Minute 1: api/3 unhealthy, 600 requests over the 2 healthy targets.
  rig.sim.run_until(sim::kSecond);
  rig.fail_checks(2);
  CHECK(rig.group->healthy() == 2);
  rig.picks(600);
  // Minute 2: no target healthy (fail-open), 600 requests over the 3 registered.
  rig.sim.run_until(61 * sim::kSecond);
  rig.fail_checks(0);
  rig.fail_checks(1);
  CHECK(rig.group->healthy() == 0);
  rig.picks(600);
  // Each minute's datapoint is published 150 s after it ends.
  rig.sim.run_until(211 * sim::kSecond);
  REQUIRE(metrics.latest(*metric));
  CHECK(*metrics.latest(*metric) == Approx(300.0));
  rig.sim.run_until(271 * sim::kSecond);
  REQUIRE(metrics.latest(*metric));
  CHECK(*metrics.latest(*metric) == Approx(200.0));
}
