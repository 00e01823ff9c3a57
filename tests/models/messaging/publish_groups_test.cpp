// How a `publish` step spreads messages over message groups: `groups: N` uniformly, `skew:
// zipf(s)` by the Zipf pmf over ranks 1..N (group 0 the hottest). The step comes from the
// scenario loader, the messages go through Messaging into an SQS FIFO queue and are counted as a
// consumer receives them; the frequencies are checked with a chi-square test.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "models/messaging/messaging.hpp"
#include "scenarios/loader/scenario.hpp"
#include "sim/simulation.hpp"

using namespace loadcast;

namespace {

class NoRequests final : public models::RequestSink {
 public:
  void step_done(models::Request*) override {}
  void step_failed(models::Request*, const models::Failure&) override {}
  void respond_early(models::Request*, const models::Failure&) override {}
};

// Receives and deletes until the queue is empty, counting messages per group.
class GroupCounter final : public models::MessageClient {
 public:
  GroupCounter(models::FifoQueue& q, std::size_t groups) : q_(q), counts(groups, 0) {}
  void start() { q_.receive(this, {}, 10, 0); }
  void on_received(models::ConsumerId, std::span<const models::ReceivedMessage> messages) override {
    if (messages.empty()) return;  // drained
    std::vector<models::Receipt> receipts;
    for (const auto& m : messages) {
      ++counts.at(m.spec.group);
      receipts.push_back(m.receipt);
    }
    q_.delete_messages(receipts, this, {});
  }
  void on_deleted(models::ConsumerId, std::uint32_t, std::uint32_t) override { q_.receive(this, {}, 10, 0); }

  models::FifoQueue& q_;
  std::vector<std::uint64_t> counts;
};

// The publish step of the first request class of a scenario whose only step is `publish`.
models::PublishConfig step_of(const std::string& publish) {
  const auto s = scenario::load_string(R"(
duration: 1m
workload:
  arrivals: { rate: 1 }
  requests:
    - { name: p, path: /p, steps: [ { publish: )" + publish + R"( } ] }
queues:
  q: {}
)", "groups.yaml");
  return s.model.classes.at(0).steps.at(0).publish;
}

// Publishes n messages with `step` and returns how many each group got.
std::vector<std::uint64_t> spread(const models::PublishConfig& step, int n) {
  sim::Simulation sim(17);
  models::QueueConfig qc;
  qc.name = "q";
  qc.api_calls_per_s = 1e9;  // the test is about groups, not limits
  NoRequests sink;
  models::Messaging messaging(sim, {qc}, {}, sink, nullptr);
  sim::Rng rng = sim.stream("test.publish");
  for (int i = 0; i < n; ++i) messaging.publish_message(step, rng, static_cast<std::uint64_t>(i + 1), 0, nullptr, 0);
  sim.run_until(sim::kSecond);
  GroupCounter counter(messaging.queue(0), static_cast<std::size_t>(step.groups));
  counter.start();
  sim.run_until(sim::kHour);
  REQUIRE(messaging.queue(0).stored() == 0);
  return counter.counts;
}

double chi_square(const std::vector<std::uint64_t>& counts, const std::vector<double>& pmf, int n) {
  double x2 = 0.0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const double expected = n * pmf[k];
    x2 += (static_cast<double>(counts[k]) - expected) * (static_cast<double>(counts[k]) - expected) / expected;
  }
  return x2;
}

// 99.9 % quantile of the chi-square distribution with 19 degrees of freedom.
constexpr double kChi2_19_999 = 43.82;

}  // namespace

TEST_CASE("Messaging: groups: N spreads messages uniformly over the N groups") {
  const int n = 20000;
  const auto step = step_of("{ queue: q, groups: 20 }");
  REQUIRE(step.groups == 20);
  REQUIRE(!step.skew);
  const auto counts = spread(step, n);
  std::uint64_t total = 0;
  for (auto c : counts) total += c;
  CHECK(total == static_cast<std::uint64_t>(n));
  const std::vector<double> pmf(20, 1.0 / 20.0);
  const double x2 = chi_square(counts, pmf, n);
  INFO("chi-square " << x2);
  CHECK(x2 < kChi2_19_999);
}

TEST_CASE("Messaging: skew: zipf(s) spreads messages by the Zipf pmf, group 0 the hottest") {
  const int n = 20000;
  const auto step = step_of("{ queue: q, groups: 20, skew: zipf(1.1) }");
  REQUIRE(step.skew);
  const auto counts = spread(step, n);
  // pmf(k) = k^-s / sum_j j^-s over ranks k = 1..20, rank k being group k - 1.
  std::vector<double> pmf(20);
  double norm = 0.0;
  for (int k = 1; k <= 20; ++k) norm += std::pow(k, -1.1);
  for (int k = 1; k <= 20; ++k) pmf[static_cast<std::size_t>(k - 1)] = std::pow(k, -1.1) / norm;
  const double x2 = chi_square(counts, pmf, n);
  INFO("chi-square " << x2 << ", group 0: " << counts[0] << " of " << n);
  CHECK(x2 < kChi2_19_999);
  // Against the uniform pmf the same counts are far outside the interval.
  CHECK(chi_square(counts, std::vector<double>(20, 1.0 / 20.0), n) > 100 * kChi2_19_999);
  for (std::size_t k = 1; k < counts.size(); ++k) CHECK(counts[0] > counts[k]);
}
