// The ALB target group with real ECS tasks: routing algorithms and slow start.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "models/alb.hpp"
#include "models/config.hpp"
#include "models/ecs_service.hpp"
#include "models/request.hpp"
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
  ModelConfig model;
  NullSink sink;
  FargateLaunchBucket bucket{sim};
  std::unique_ptr<TargetGroup> group;
  std::unique_ptr<EcsService> service;
  RequestPool pool;

  explicit Rig(Algorithm algorithm, int desired, sim::Time slow_start = 0) {
    config.name = "api";
    config.desired = desired;
    config.target_group.algorithm = algorithm;
    config.target_group.slow_start = slow_start;
    config.target_group.health_check.interval = 5 * sim::kSecond;
    config.target_group.health_check.timeout = 2 * sim::kSecond;
    group = std::make_unique<TargetGroup>(sim, events, "api", config.target_group);
    service = std::make_unique<EcsService>(sim, events, config, model, sink, nullptr, bucket, group.get(), 0);
    service->start();
  }
  std::map<std::string, int> picks(int n) {
    std::map<std::string, int> count;
    for (int i = 0; i < n; ++i) ++count[group->pick()->label()];
    return count;
  }
  double healthy_at(const std::string& label) {
    for (const auto& e : events.events()) {
      if (e.type == "target_healthy" && e.target == label) return e.t_s;
    }
    return -1.0;
  }
};

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
  for (Request* r : held) CHECK(static_cast<Task*>(r->context)->outstanding() == 10);
  // Finish five requests on the task of the first one: the next five picks all go there.
  Task* relieved = static_cast<Task*>(held[0]->context);
  int finished = 0;
  for (Request* r : held) {
    if (r->context == relieved && finished < 5) {
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
