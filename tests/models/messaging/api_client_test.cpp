// ApiClient: the AWS SDK's standard retry mode for a throttled SQS or SNS call — one more round
// trip for the error, a full-jitter backoff uniform(0, min(retry_max, retry_base x 2^retry)), at
// most max_attempts attempts in all — and ThrottleEpisodes, which reports a throttle once per
// episode.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "models/messaging/api_client.hpp"
#include "models/messaging/api_client_config.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

using namespace loadcast;
using models::ApiClient;
using models::ApiClientConfig;
using models::ThrottleEpisodes;

namespace {

// The backoff part of the delay before retry number `retry` + 1 (the call's attempts so far:
// `retry` + 1; the round trip is a constant 10 ms here); nullopt when there is no retry.
std::optional<double> backoff_s(ApiClient& client, std::uint32_t retry) {
  std::uint32_t attempts = retry;
  const auto d = client.retry_delay(attempts);
  if (!d) return std::nullopt;
  return sim::to_seconds(*d) - 0.010;
}

}  // namespace

TEST_CASE("ApiClient: a call makes at most max_attempts attempts, then fails") {
  ApiClientConfig config;  // the SDK's standard mode: 3 attempts in all
  sim::Rng rng = sim::Rng::stream(1, 0, "api");
  ApiClient client(config, rng);
  CHECK(client.latency() == 10 * sim::kMillisecond);
  CHECK(client.max_attempts() == 3);
  CHECK(client.retry_policy() == "retried with backoff, 3 attempts at most");
  std::uint32_t attempts = 0;
  CHECK(client.retry_delay(attempts).has_value());  // the 1st attempt was throttled: a 2nd comes
  CHECK(attempts == 1);
  CHECK(client.retry_delay(attempts).has_value());  // the 2nd too: a 3rd comes
  CHECK(attempts == 2);
  CHECK_FALSE(client.retry_delay(attempts).has_value());  // the 3rd was the last
  CHECK(attempts == 3);

  config.max_attempts = 0;  // no retries at all: treated as one attempt
  CHECK(client.max_attempts() == 1);
  attempts = 0;
  CHECK_FALSE(client.retry_delay(attempts).has_value());
}

TEST_CASE("ApiClient: the backoff is full jitter under a ceiling that doubles per retry up to retry_max") {
  ApiClientConfig config;
  config.max_attempts = 100;
  config.retry_base = 100 * sim::kMillisecond;
  config.retry_max = 1 * sim::kSecond;
  sim::Rng rng = sim::Rng::stream(3, 0, "api");
  ApiClient client(config, rng);
  // Before retry k + 1 the ceiling is 0.1 x 2^k s, capped at 1 s: 0.1, 0.2, 0.4, 0.8, 1, 1, ...
  const std::vector<std::pair<std::uint32_t, double>> ceilings{{0, 0.1}, {1, 0.2}, {2, 0.4}, {3, 0.8}, {4, 1.0}, {29, 1.0}};
  for (const auto& [retry, ceiling] : ceilings) {
    INFO("retry " << retry + 1 << ", ceiling " << ceiling << " s");
    const int n = 20000;
    double sum = 0.0, low = 1e9, high = 0.0;
    for (int i = 0; i < n; ++i) {
      const auto b = backoff_s(client, retry);
      REQUIRE(b.has_value());
      sum += *b;
      low = std::min(low, *b);
      high = std::max(high, *b);
    }
    CHECK(low >= 0.0);
    CHECK(high <= ceiling);
    CHECK(high > 0.99 * ceiling);
    CHECK(low < 0.01 * ceiling);
    // Uniform(0, c): mean c/2, standard error c / sqrt(12 n) = 0.002 c; 5 standard errors.
    CHECK(sum / n == Approx(ceiling / 2).margin(0.01 * ceiling));
  }
}

TEST_CASE("ThrottleEpisodes: a throttle starts an episode after a minute without any") {
  ThrottleEpisodes e;
  CHECK(e.throttled(0));                       // the first throttle
  CHECK_FALSE(e.throttled(30 * sim::kSecond));
  CHECK_FALSE(e.throttled(89 * sim::kSecond));  // 59 s after the last one: the same episode
  CHECK(e.throttled(149 * sim::kSecond));      // exactly a minute after the last one
  CHECK_FALSE(e.throttled(150 * sim::kSecond));
}
