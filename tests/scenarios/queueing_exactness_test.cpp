// The simulator against closed-form queueing results (docs/validation.md, "Checked against
// queueing theory").
// Each check runs independent replications and asserts that the analytic value lies inside the
// 99 % Student-t interval of the per-replication estimates. Seeds are fixed, so every run of
// this file is identical; a failure means the model disagrees with the formula.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "models/core/system.hpp"
#include "scenarios/loader/scenario.hpp"
#include "sim/replication.hpp"
#include "sim/stats.hpp"
#include "tests/support/queueing.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

std::string single_station(double rate, int servers, const std::string& discipline, const std::string& service,
                           const std::string& duration = "300s", const std::string& warmup = "10s") {
  std::ostringstream y;
  y << "name: q\nseed: 11\nduration: " << duration << "\nwarmup: " << warmup << "\n"
    << "workload:\n  arrivals: { process: poisson, rate: " << rate << " }\n"
    << "  requests:\n    - name: job\n      steps:\n        - { station: s1, service: '" << service << "' }\n"
    << "stations:\n  s1: { servers: " << servers << ", discipline: " << discipline << " }\n";
  return y.str();
}

}  // namespace

TEST_CASE("Exactness: M/M/1 mean and tail of the response time", "[slow]") {
  SECTION("rho 0.9: W = 10 ms and p95 = ln(20)/(mu-lambda) and p99 = ln(100)/(mu-lambda)") {
    const auto runs = replicate(single_station(900, 1, "fcfs", "exp(1ms)", "400s", "20s"), 20);
    require_inside(ci99(runs, mean_ms), 10.0, "M/M/1 W");
    require_inside(ci99(runs, [](const auto& r) { return pct_ms(r, 95); }), 29.957, "M/M/1 p95");
    require_inside(ci99(runs, [](const auto& r) { return pct_ms(r, 99); }), 46.052, "M/M/1 p99");
  }
  SECTION("rho 0.5: W = 2 ms and p95 = 5.991 ms") {
    const auto runs = replicate(single_station(500, 1, "fcfs", "exp(1ms)", "100s", "2s"), 10);
    require_inside(ci99(runs, mean_ms), 2.0, "M/M/1 W");
    require_inside(ci99(runs, [](const auto& r) { return pct_ms(r, 95); }), std::log(20.0) / 0.5, "M/M/1 p95");
  }
}

TEST_CASE("Exactness: batch Poisson arrivals, M^X/M/1 with constant batches (workload.arrivals.batch)", "[slow]") {
  // Batches of b at Poisson instants: L = rho/(1-rho) · (E[X²] + E[X]) / (2 E[X]) = rho/(1-rho) · (b+1)/2
  // (Gross & Harris, Fundamentals of Queueing Theory, M^X/M/1), so W = L/lambda = E[S] (b+1) / (2 (1-rho)).
  // b = 4 at rho 0.5 (500 requests/s, E[S] = 1 ms): W = 5 ms, where Poisson arrivals give 2 ms.
  std::string y = single_station(500, 1, "fcfs", "exp(1ms)", "100s", "2s");
  const std::string from = "process: poisson, rate: 500 }";
  REQUIRE(y.find(from) != std::string::npos);
  y.replace(y.find(from), from.size(), "process: poisson, rate: 500, batch: 4 }");
  const auto runs = replicate(y, 10);
  require_inside(ci99(runs, mean_ms), 5.0, "M^4/M/1 W");
  require_inside(ci99(runs, [](const auto& r) { return r.stations.at("s1").utilization; }), 0.5, "M^4/M/1 utilisation");
}

TEST_CASE("Exactness: M/M/c waiting time by Erlang C", "[slow]") {
  struct Case {
    int c;
    double lambda;  // per second, mu = 1000/s
    double wq_ms;   // Erlang C: C / (c mu - lambda)
    double wq95_ms;
  };
  // The waiting-time tail: P(Wq > t) = C e^{-(c mu - lambda) t}, so the p-quantile (p > 1 - C) is
  // ln(C / (1 - p)) / (c mu - lambda).
  for (const Case k : {Case{2, 1500, 1.285714, 5.1078}, Case{4, 3200, 0.745541, 3.0987}, Case{8, 7200, 0.876916, 3.3016}}) {
    const double a = k.lambda / 1000.0;
    const double c_prob = erlang_c(k.c, a);
    INFO("M/M/" << k.c << " C = " << c_prob);
    // The formula reproduces the golden table, then the simulator reproduces the formula.
    CHECK(c_prob / (k.c - a) == Approx(k.wq_ms).epsilon(1e-5));
    CHECK(std::log(c_prob / 0.05) / (k.c - a) == Approx(k.wq95_ms).epsilon(1e-4));
    const auto runs = replicate(single_station(k.lambda, k.c, "fcfs", "exp(1ms)", "120s", "5s"), 12);
    require_inside(ci99(runs, [](const auto& r) { return r.stations.at("s1").mean_wait_ms; }), k.wq_ms, "Wq");
    require_inside(ci99(runs, [](const auto& r) { return r.stations.at("s1").wait_p95_ms; }), k.wq95_ms, "Wq p95");
    require_inside(ci99(runs, [](const auto& r) { return r.stations.at("s1").wait_p99_ms; }), std::log(c_prob / 0.01) / (k.c - a),
                   "Wq p99");
    require_inside(ci99(runs, mean_ms), k.wq_ms + 1.0, "W");
  }
}

TEST_CASE("Exactness: M/G/1 mean wait by Pollaczek-Khinchine", "[slow]") {
  // rho = 0.8, E[S] = 1 ms: Wq = rho/(1-rho) * (1 + cs2)/2 * E[S] = 4 (1 + cs2)/2 ms.
  struct Case {
    const char* service;
    double cs2;
  };
  for (const Case k : {Case{"const(1ms)", 0.0}, Case{"erlang(k=4, mean=1ms)", 0.25}, Case{"gamma(shape=0.5, mean=1ms)", 2.0}}) {
    INFO(k.service);
    const double wq = 4.0 * (1.0 + k.cs2) / 2.0;
    const auto runs = replicate(single_station(800, 1, "fcfs", k.service, "300s", "10s"), 16);
    require_inside(ci99(runs, [](const auto& r) { return r.stations.at("s1").mean_wait_ms; }), wq, "Wq");
    require_inside(ci99(runs, mean_ms), wq + 1.0, "W");
  }
}

TEST_CASE("Exactness: processor sharing is insensitive to the service distribution", "[slow]") {
  SECTION("M/M/1-PS and M/G/1-PS with lognormal service: E[T] = E[S]/(1-rho) = 5 ms") {
    for (const char* service : {"exp(1ms)", "lognormal(mean=1ms, sigma=1.0)"}) {
      INFO(service);
      const auto runs = replicate(single_station(800, 1, "ps", service, "300s", "10s"), 16);
      require_inside(ci99(runs, mean_ms), 5.0, "E[T]");
    }
  }
  SECTION("M/G/4-PS has the mean response time of M/M/4") {
    const auto runs = replicate(single_station(3200, 4, "ps", "lognormal(mean=1ms, sigma=0.8)", "120s", "5s"), 12);
    require_inside(ci99(runs, mean_ms), 1.745541, "E[T]");
  }
  SECTION("the conditional mean is linear in job size: E[T | x] = x / (1 - rho)") {
    const std::string yaml = R"(
name: ps-conditional
seed: 5
duration: 300s
warmup: 10s
workload:
  arrivals: { process: poisson, rate: 640 }
  requests:
    - { name: small, weight: 1, steps: [ { station: cpu, service: const(0.5ms) } ] }
    - { name: large, weight: 1, steps: [ { station: cpu, service: const(2ms) } ] }
stations:
  cpu: { servers: 1, discipline: ps }
)";
    const auto runs = replicate(yaml, 16);
    require_inside(ci99(runs, [](const auto& r) { return r.classes[0].latency.mean() * 1e-6; }), 0.5 / 0.2, "E[T|0.5ms]");
    require_inside(ci99(runs, [](const auto& r) { return r.classes[1].latency.mean() * 1e-6; }), 2.0 / 0.2, "E[T|2ms]");
  }
}

TEST_CASE("Exactness: M/M/1/K loses the blocking probability and has its mean response time", "[slow]") {
  // One server, queue_limit 5 waiting: K = 6 in the system. rho = 0.9:
  // P_K = (1 - rho) rho^K / (1 - rho^(K+1)); L = rho/(1-rho) - (K+1) rho^(K+1) / (1 - rho^(K+1));
  // W = L / (lambda (1 - P_K)) for the admitted customers (Little's law).
  const double rho = 0.9, lambda = 900.0;
  const int k = 6;
  const double pk = (1 - rho) * std::pow(rho, k) / (1 - std::pow(rho, k + 1));
  const double l = rho / (1 - rho) - (k + 1) * std::pow(rho, k + 1) / (1 - std::pow(rho, k + 1));
  const double w_ms = 1000.0 * l / (lambda * (1 - pk));
  CHECK(pk == Approx(0.101867).epsilon(1e-5));
  std::string yaml = single_station(lambda, 1, "fcfs", "exp(1ms)", "200s", "5s");
  yaml.replace(yaml.find("discipline: fcfs"), 16, "discipline: fcfs, queue_limit: 5");
  const auto runs = replicate(yaml, 12);
  require_inside(ci99(runs, [](const auto& r) {
                   const auto& st = r.stations.at("s1");
                   return static_cast<double>(st.rejected) / static_cast<double>(st.arrivals);
                 }),
                 pk, "P_K");
  require_inside(ci99(runs, mean_ms), w_ms, "W of admitted");
  for (const auto& r : runs) {
    // A rejected arrival is a dropped request with its cause; nothing else is lost.
    CHECK(r.requests.dropped == r.stations.at("s1").rejected);
    CHECK(r.requests.total == r.requests.ok + r.requests.errors + r.requests.timeouts + r.requests.dropped + r.requests.in_flight);
  }
}

TEST_CASE("Exactness: warm-up deletion leaves the start-up transient out of every statistic") {
  // Overload for 10 s (1,100/s on a 1,000/s server builds a ~1,000-request backlog, about a
  // second of waiting), then 100/s, which drains it within ~1.2 s. With a 20 s warm-up the
  // statistics see only the light D/D/1 regime: arrivals 10 ms apart, 1 ms each, no waiting.
  const std::string yaml = R"(
name: warmup
seed: 3
duration: 120s
warmup: WARMUP
workload:
  arrivals:
    process: uniform
    stages: [ { at: 0s, rate: 1100 }, { at: 10s, rate: 1100 }, { at: 10s, rate: 100 } ]
  requests:
    - { name: job, steps: [ { station: s1, service: const(1ms) } ] }
stations:
  s1: { servers: 1 }
)";
  auto with = [&](const std::string& warmup) {
    std::string y = yaml;
    y.replace(y.find("WARMUP"), 6, warmup);
    return replicate(y, 1).front();
  };
  const auto cold = with("0s");
  const auto warm = with("20s");
  CHECK(cold.latency.max() > 500'000'000);  // the transient: half a second and more
  CHECK(warm.latency.max() < 2'000'000);    // uniform arrivals 10 ms apart never wait
  CHECK(warm.latency.mean() == Approx(1'000'000).epsilon(0.001));
  // Counts: the 12,000 requests before 20 s are left out; 10,000 arrive in [20 s, 120 s).
  CHECK(warm.requests.total >= 9'999);
  CHECK(warm.requests.total <= 10'001);
  CHECK(cold.requests.total >= 21'999);
  CHECK(warm.stations.at("s1").arrivals == warm.requests.total);
  CHECK(warm.measured_s == Approx(100.0));
}

TEST_CASE("Exactness: Little's law holds between the station and the request flow") {
  const auto runs = replicate(single_station(3200, 4, "fcfs", "exp(1ms)", "60s", "5s"), 4);
  for (const auto& r : runs) {
    const auto& st = r.stations.at("s1");
    const double lambda = static_cast<double>(st.completions) / r.measured_s;
    const double little = lambda * r.latency.mean() * 1e-9;
    CHECK(st.mean_in_system == Approx(little).epsilon(0.01));
    CHECK(st.utilization == Approx(lambda * 0.001 / 4).epsilon(0.01));
  }
}

TEST_CASE("Exactness: closed model matches the finite-source queue and the response time law", "[slow]") {
  // N users, exponential think time Z, one exponential server S (the machine-repairman model).
  const int n = 10;
  const double z = 9.0, s = 1.0;  // ms
  double sum = 0.0, term = 1.0;
  for (int k = 0; k <= n; ++k) {
    if (k > 0) term *= static_cast<double>(n - k + 1) * (s / z);
    sum += term;
  }
  const double p0 = 1.0 / sum;
  const double x = (1.0 - p0) / s;  // per ms
  const double r_exact = n / x - z;
  const std::string yaml = R"(
name: closed
seed: 21
duration: 200s
warmup: 5s
workload:
  users: { count: 10, think_time: exp(9ms) }
  requests:
    - { name: job, steps: [ { station: s1, service: exp(1ms) } ] }
stations:
  s1: { servers: 1 }
)";
  const auto runs = replicate(yaml, 12);
  require_inside(ci99(runs, mean_ms), r_exact, "R (finite source)");
  require_inside(ci99(runs, [](const auto& r) { return static_cast<double>(r.requests.ok) / r.measured_s / 1000.0; }), x,
                 "X per ms");
  // Interactive response time law, R = N/X - Z, on each replication's measured X: the predicted
  // R's 99 % interval over replications contains the measured mean response time.
  require_inside(ci99(runs, [&](const auto& r) { return n / (static_cast<double>(r.requests.ok) / (r.measured_s * 1000.0)) - z; }),
                 ci99(runs, mean_ms).mean, "N/X - Z");
}
