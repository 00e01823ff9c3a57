// Station: a scenario's generic station as the models use it — requests served and handed back,
// a request finding the queue full failing with 503 and the cause "rejected:<station>", and
// statistics (counts, mean wait, wait percentiles) over the requests counted after the warm-up.
#include <catch2/catch.hpp>

#include <cmath>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/core/config.hpp"
#include "models/core/request.hpp"
#include "models/core/station.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;
using namespace loadcast::models;

namespace {

class Sink final : public RequestSink {
 public:
  explicit Sink(sim::Simulation& sim) : sim_(sim) {}
  void step_done(Request* r) override { done.emplace_back(r, sim::to_seconds(sim_.now())); }
  void step_failed(Request* r, const Failure& f) override {
    failed.push_back(r);
    failures.push_back(f);
    failed_at.push_back(sim::to_seconds(sim_.now()));
  }
  void respond_early(Request*, const Failure&) override {}
  std::vector<std::pair<Request*, double>> done;
  std::vector<Request*> failed;
  std::vector<Failure> failures;
  std::vector<double> failed_at;

 private:
  sim::Simulation& sim_;
};

StationConfig fcfs(int servers, std::optional<int> queue_limit = std::nullopt) {
  StationConfig c;
  c.name = "s1";
  c.servers = servers;
  c.queue_limit = queue_limit;
  return c;
}

}  // namespace

TEST_CASE("Station: a request finding the queue full fails at once with 503 and the cause rejected:<station>") {
  sim::Simulation sim;
  Sink sink(sim);
  Station station(sim, fcfs(1, 1), sink);
  std::vector<Request> r(3);
  for (auto& q : r) q.counted = true;
  for (auto& q : r) station.arrive(&q, 1.0);
  REQUIRE(sink.failed.size() == 1);
  CHECK(sink.failed[0] == &r[2]);
  CHECK(sink.failed_at[0] == 0.0);
  CHECK(sink.failures[0].kind == Failure::Kind::kDropped);
  CHECK(sink.failures[0].status == 503);
  REQUIRE(sink.failures[0].cause != nullptr);
  CHECK(*sink.failures[0].cause == "rejected:s1");
  CHECK(station.present() == 2);
  sim.run_until(10 * sim::kSecond);
  CHECK(sink.done == std::vector<std::pair<Request*, double>>{{&r[0], 1.0}, {&r[1], 2.0}});
  const auto result = station.result();
  CHECK(result.servers == 1);
  CHECK(result.discipline == "fcfs");
  CHECK(result.arrivals == 3);
  CHECK(result.completions == 2);
  CHECK(result.rejected == 1);
}

TEST_CASE("Station: the waits and counts cover the requests counted after the warm-up") {
  sim::Simulation sim;
  Sink sink(sim);
  Station station(sim, fcfs(1), sink);
  // One request of the warm-up, then four counted ones, all at 0 s for 1 s each: the counted
  // ones wait 1, 2, 3 and 4 s.
  std::vector<Request> r(5);
  for (std::size_t i = 1; i < r.size(); ++i) r[i].counted = true;
  for (auto& q : r) station.arrive(&q, 1.0);
  sim.run_until(10 * sim::kSecond);
  auto result = station.result();
  CHECK(result.arrivals == 4);
  CHECK(result.completions == 4);
  CHECK(result.mean_wait_ms == Approx(2500.0));
  CHECK(result.wait_p95_ms == Approx(4000.0).epsilon(0.001));  // the histogram's precision
  CHECK(result.wait_p99_ms == Approx(4000.0).epsilon(0.001));
  CHECK(result.utilization == Approx(0.5));  // busy 5 of the 10 s
  // The end of a warm-up forgets all of it: no wait recorded since, so the waits are null (NaN),
  // never 0.
  station.restart_statistics();
  result = station.result();
  CHECK(result.arrivals == 0);
  CHECK(std::isnan(result.mean_wait_ms));
  CHECK(std::isnan(result.wait_p95_ms));
  CHECK(std::isnan(result.wait_p99_ms));
}

TEST_CASE("Station: requests finding a free server are zero waits in the wait percentiles") {
  sim::Simulation sim;
  Sink sink(sim);
  Station station(sim, fcfs(1), sink);
  // 1 s of service each. 96 requests 2 s apart find the server free (zero waits); then 4 arrive
  // together at 200 s and wait 0, 1, 2 and 3 s: 97 zeros of 100 waits.
  std::vector<Request> r(100);
  for (auto& q : r) q.counted = true;
  for (std::size_t i = 0; i < 96; ++i) {
    sim.schedule_at(static_cast<sim::Time>(2 * i) * sim::kSecond, [&station, &r, i] { station.arrive(&r[i], 1.0); });
  }
  sim.schedule_at(200 * sim::kSecond, [&station, &r] {
    for (std::size_t i = 96; i < 100; ++i) station.arrive(&r[i], 1.0);
  });
  sim.run_until(300 * sim::kSecond);
  auto result = station.result();
  CHECK(result.completions == 100);
  CHECK(result.mean_wait_ms == Approx(60.0));               // 6 s over 100 requests
  CHECK(result.wait_p95_ms == Approx(0.0).margin(1e-3));   // the 95th wait is a zero
  CHECK(result.wait_p99_ms == Approx(2000.0).epsilon(0.001));  // the 99th: 2 s
  // The zeros are forgotten at the end of a warm-up like the other waits.
  station.restart_statistics();
  result = station.result();
  CHECK(std::isnan(result.wait_p95_ms));
}

TEST_CASE("Station: a processor-sharing station serves everyone at once") {
  sim::Simulation sim;
  Sink sink(sim);
  StationConfig c = fcfs(1);
  c.discipline = sim::Discipline::kPs;
  Station station(sim, c, sink);
  std::vector<Request> r(2);
  station.arrive(&r[0], 1.0);
  station.arrive(&r[1], 2.0);
  sim.run_until(10 * sim::kSecond);
  // Both at half speed until the first is done at 2 s; the second has 1 s left, alone: 3 s.
  REQUIRE(sink.done.size() == 2);
  CHECK(sink.done[0].first == &r[0]);
  CHECK(sink.done[0].second == Approx(2.0));
  CHECK(sink.done[1].first == &r[1]);
  CHECK(sink.done[1].second == Approx(3.0));
  CHECK(station.result().discipline == "ps");
}
