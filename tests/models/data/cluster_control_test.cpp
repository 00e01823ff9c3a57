// ClusterControl (the data tier around Aurora) in whole simulated deployments: a writer failover
// with and without RDS Proxy, replica auto scaling adding a reader minutes after reader CPU
// crosses its target and removing it, the reader_connections metric behind RDS Proxy (the pool's
// open connections), RDS Proxy in front of Aurora Serverless v2 metered in ACUs, and the
// application's own pool timeout during a failover behind a proxy.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// The three datapoints of an alarm description "... datapoints > 3 (a, b, c)".
std::vector<double> datapoints(const std::string& reason) {
  std::smatch m;
  REQUIRE(std::regex_search(reason, m, std::regex("\\(([-0-9.e+]+), ([-0-9.e+]+), ([-0-9.e+]+)\\)")));
  return {std::stod(m[1]), std::stod(m[2]), std::stod(m[3])};
}

// Reads only, through a proxy, on one configured db.t4g.medium reader (max_connections 90):
// 36 reads/s of 50 ms (90 % of its 2 vCPUs) for ten minutes, then 2/s. Replica auto scaling on reader_connections.
std::string reads_behind_proxy(const std::string& idle_percent) {
  return R"(
seed: 21
duration: 45m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 36 }, { at: 10m, rate: 36 }, { at: 10m, rate: 2 }, { at: 45m, rate: 2 } ]
)" + db_requests(false, kReadApi) +
         aurora_mysql("{ read: const(50ms), write: const(5ms) }",
                      "  reader_instance_class: db.t4g.medium\n  readers: 1\n  proxy: { max_idle_connections_percent: " + idle_percent +
                          " }\n  replica_autoscaling: { min: 1, max: 2, metric: reader_connections, target: 1, launch_time: const(3m), "
                          "scale_in_cooldown: 60s }\n");
}

}  // namespace

TEST_CASE("ClusterControl: a writer failover fails writes without a proxy and delays them with one then recovers") {
  auto scenario = [](bool proxy) {
    return std::string(R"(
seed: 9
duration: 10m
report_interval: 10s
workload:
  arrivals: { process: poisson, rate: 20 }
  requests:
    - { name: write, path: /w, steps: [ { cpu: const(2ms) }, { db: { writes: 1 } } ] }
load_balancer: { type: alb, default: api }
services:
  api:
    cpu: 1024
    memory: 2048
    desired: 2
    db_pool: { size: 500, timeout: 60s }
database:
  type: aurora_provisioned
  engine: mysql
  instance_class: db.r8g.large
  query: { read: const(2ms), write: const(5ms) }
)") + (proxy ? "  proxy: { borrow_timeout: 120s }\n" : "") + R"(
faults:
  - { at: 5m, type: db_failover, duration: 30s }
)";
  };
  SECTION("without a proxy every write in the window fails with 500 and none outside it") {
    const auto r = run(scenario(false));
    const auto failed = cause(r, "db_failover:db");
    // 20 requests/s for 30 s.
    CHECK(failed >= 500);
    CHECK(failed <= 700);
    CHECK(r.requests.errors == failed);
    const auto& errors = series(r, "errors_per_s");
    const auto& t_s = r.timeseries.t_s;
    for (std::size_t i = 0; i < t_s.size(); ++i) {
      if (t_s[i] < 300.0 || t_s[i] >= 330.0) CHECK(errors[i] == 0.0);
      else CHECK(errors[i] > 10.0);
    }
    REQUIRE(events(r, "db_failover").size() == 1);
    REQUIRE(events(r, "db_failover_complete").size() == 1);
    CHECK(events(r, "db_failover_complete")[0].t_s == Approx(330.0));
  }
  SECTION("with a proxy no write fails and the writes of the window wait for the writer") {
    const auto r = run(scenario(true));
    CHECK(r.requests.errors == 0);
    CHECK(r.requests.balanced());
    // The first write of the window waited the whole 30 s, plus the writer working off the
    // 600 queued writes (5 ms each on 2 vCPUs: 1.5 s) when it is back.
    CHECK(r.latency_ms.max >= 29000.0);
    CHECK(r.latency_ms.max <= 32000.0);
    const auto& p99 = series(r, "latency_p99_ms");
    const auto& t_s = r.timeseries.t_s;
    for (std::size_t i = 0; i < t_s.size(); ++i) {
      if (t_s[i] < 300.0 || t_s[i] >= 340.0) CHECK(p99[i] < 100.0);  // normal before and after
    }
    const auto& proxy = r.sections.at("db_proxy").at("proxy");
    CHECK(number(proxy.at("borrow_timeouts")) == 0.0);
  }
}

TEST_CASE("ClusterControl: replica auto scaling adds a reader minutes after reader CPU crosses its target") {
  // Reads of 10 ms on one 2-vCPU reader: 40/s = 20 % CPU, 160/s = 80 %.
  const auto r = run(R"(
seed: 3
duration: 40m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 40 }, { at: 10m, rate: 40 }, { at: 10m, rate: 160 }, { at: 40m, rate: 160 } ]
)" + db_requests(false, kReadApi) +
                     aurora_mysql("{ read: const(10ms), write: const(5ms) }",
                                  "  reader_instance_class: db.t4g.medium\n  readers: 1\n  proxy: {}\n  replica_autoscaling: { min: 1, max: 3, "
                                  "metric: reader_cpu, target: 60, launch_time: const(6m) }\n"));
  const auto launches = events(r, "replica_launch");
  REQUIRE(!launches.empty());
  // Datapoints of minutes 11, 12 and 13 above 60 %, published 60 s after each period: 14 min.
  CHECK(launches[0].t_s >= 13 * 60.0);
  CHECK(launches[0].t_s <= 15 * 60.0);
  const auto available = events(r, "replica_available");
  REQUIRE(!available.empty());
  CHECK(available[0].t_s == Approx(launches[0].t_s + 360.0));  // six minutes to launch a replica
  CHECK(available[0].target == "reader-2");
  // ceil(1 x 80 / 60) = 2 readers, which share the reads below the target. (When reader-2
  // joins, the alarm still sees the last overloaded datapoints with two readers running and asks
  // for ceil(2 x 79 / 60) = 3: target tracking's overshoot from delayed metrics.)
  const auto outs = events(r, "scale_out", "db.replicas");
  REQUIRE(!outs.empty());
  CHECK(*outs[0].to == 2.0);
  const auto& readers = series(r, "db.readers");
  const auto& cpu1 = series(r, "reader-1.cpu_utilization");
  const auto& t_s = r.timeseries.t_s;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (t_s[i] >= 11 * 60.0 && t_s[i] < launches[0].t_s) CHECK(cpu1[i] > 60.0);
    if (t_s[i] + 60.0 < available[0].t_s) CHECK(readers[i] == 1.0);  // sampled at the interval end
    if (t_s[i] >= available[0].t_s + 60.0) {
      CHECK(readers[i] >= 2.0);
      CHECK(cpu1[i] < 60.0);
    }
  }
  CHECK(r.requests.errors == 0);
  CHECK(number(r.sections.at("replica_autoscaling").at("db").at("readers_max")) <= 3.0);
  // The new reader has the writer's class ("Aurora Auto Scaling adds Aurora Replicas with the
  // same DB instance class as the primary"), the declared one the reader class; the proxy's pool
  // for it follows the writer class's max_connections (1,000 for db.r8g.large, 90 for
  // db.t4g.medium; both have 2 vCPUs, so the timeline above is the same either way).
  const auto& pools = r.sections.at("db_proxy").at("proxy").at("pool_limits");
  CHECK(number(pools.at("reader-1")) == 90.0);
  CHECK(number(pools.at("reader-2")) == 1000.0);
  // The new reader is billed from its launch (provisioned instance seconds).
  bool billed = false;
  for (const auto& inst : r.sections.at("usage").at("aurora_provisioned")) {
    if (inst.at("instance") == "reader-1") CHECK(inst.at("instance_class") == "db.t4g.medium");
    if (inst.at("instance") == "reader-2") {
      billed = true;
      CHECK(inst.at("instance_class") == "db.r8g.large");
      CHECK(number(inst.at("instance_seconds")) == Approx(40 * 60.0 - available[0].t_s).margin(1.0));
    }
  }
  CHECK(billed);
}

TEST_CASE("ClusterControl: reader_connections behind a proxy is the pool's open connections") {
  SECTION("the datapoints are the proxy's open connections to the reader, idle ones included") {
    const auto r = run(reads_behind_proxy("50"));
    const auto outs = events(r, "scale_out", "db.replicas");
    REQUIRE(!outs.empty());
    // Datapoint k of the alarm is the period ending at t - 60 s x (3 - k) (published 60 s after
    // its end); the series of the interval starting 60 s earlier is sampled at that same end.
    const auto dp = datapoints(outs[0].reason);
    const auto& open = series(r, "proxy.database_connections");
    const auto& t_s = r.timeseries.t_s;
    for (int k = 0; k < 3; ++k) {
      const double start = outs[0].t_s - 60.0 * (3 - k) - 60.0;
      for (std::size_t i = 0; i < t_s.size(); ++i) {
        if (t_s[i] == Approx(start)) CHECK(open[i] == Approx(dp[static_cast<std::size_t>(k)]));
      }
    }
    // With the default idle limit (half of 90) the pool keeps what it opened: after the busy
    // ten minutes the reader still has its peak of open connections, few of them borrowed...
    const auto& borrowed = series(r, "proxy.database_connections_borrowed");
    double peak = 0.0;
    for (std::size_t i = 0; i < t_s.size(); ++i) {
      CHECK(open[i] >= borrowed[i]);
      if (t_s[i] < 600.0) peak = std::max(peak, open[i]);
      if (t_s[i] >= 1200.0) {
        CHECK(open[i] >= peak);
        CHECK(borrowed[i] < 3.0);
      }
    }
    CHECK(peak > 6.0);
    // ...so RDSReaderAverageDatabaseConnections stays above the target: no scale-in.
    CHECK(events(r, "scale_in", "db.replicas").empty());
    CHECK(series(r, "db.readers").back() == 2.0);
  }
  SECTION("without idle connections kept the metric follows the borrows and the readers scale in") {
    const auto r = run(reads_behind_proxy("0"));
    const auto& open = series(r, "proxy.database_connections");
    const auto& borrowed = series(r, "proxy.database_connections_borrowed");
    for (std::size_t i = 0; i < open.size(); ++i) CHECK(open[i] == borrowed[i]);
    REQUIRE(!events(r, "scale_out", "db.replicas").empty());
    const auto ins = events(r, "scale_in", "db.replicas");
    REQUIRE(!ins.empty());
    CHECK(ins[0].t_s >= 600.0 + 15 * 60.0);  // fifteen low datapoints after the load dropped
    CHECK(series(r, "db.readers").back() == 1.0);
  }
}

TEST_CASE("ClusterControl: replica auto scaling removes the reader it added once reader CPU stays low") {
  const auto r = run(R"(
seed: 22
duration: 50m
workload:
  arrivals:
    process: poisson
    stages: [ { at: 0m, rate: 160 }, { at: 12m, rate: 160 }, { at: 12m, rate: 20 }, { at: 50m, rate: 20 } ]
)" + db_requests(false, kReadApi) +
                     aurora_mysql("{ read: const(10ms), write: const(5ms) }",
                                  "  readers: 1\n  proxy: {}\n  replica_autoscaling: { min: 1, max: 2, metric: reader_cpu, target: 60, "
                                  "launch_time: const(3m) }\n"));
  const auto available = events(r, "replica_available");
  REQUIRE(available.size() == 1);
  CHECK(available[0].target == "reader-2");
  const auto removed = events(r, "replica_removed");
  REQUIRE(removed.size() == 1);
  CHECK(removed[0].target == "reader-2");  // the one it added, never the declared reader-1
  CHECK(*removed[0].from == 2.0);
  CHECK(*removed[0].to == 1.0);
  // Fifteen datapoints below 0.9 x 60 %: with two readers each runs at 40 % even before the
  // load drops, so they count from when reader-2 joined; and only once the load dropped at
  // 12 min does ceil(2 x cpu / 60) ask for one reader (that minute's datapoint, published 60 s
  // after it).
  CHECK(removed[0].t_s >= available[0].t_s + 15 * 60.0);
  CHECK(removed[0].t_s >= 12 * 60.0 + 2 * 60.0);
  const auto& readers = series(r, "db.readers");
  CHECK(readers.back() == 1.0);
  const auto& section = r.sections.at("replica_autoscaling").at("db");
  CHECK(number(section.at("readers_max")) == 2.0);
  CHECK(number(section.at("readers_at_end")) == 1.0);
  CHECK(number(section.at("scale_ins")) == 1.0);
  // reader-2 is billed from the moment it was available until it was removed.
  bool billed = false;
  for (const auto& inst : r.sections.at("usage").at("aurora_provisioned")) {
    if (inst.at("instance") == "reader-2") {
      billed = true;
      CHECK(number(inst.at("instance_seconds")) == Approx(removed[0].t_s - available[0].t_s).margin(1.0));
    }
  }
  CHECK(billed);
  CHECK(r.requests.errors == 0);
}

TEST_CASE("ClusterControl: RDS Proxy in front of Aurora Serverless v2 is billed on the ACUs, at least 8") {
  auto serverless = [](const std::string& min_acu, const std::string& rate, const std::string& read) {
    return run(R"(
seed: 23
duration: 1h
workload:
  arrivals: { process: poisson, rate: )" + rate + R"( }
)" + db_requests(false, kReadApi) + R"(database:
  type: aurora_serverless_v2
  engine: mysql
  min_acu: )" + min_acu + R"(
  max_acu: 32
  query: { read: )" + read + R"(, write: const(5ms) }
  proxy: {}
)");
  };
  auto proxy_usage = [](const reports::Result& r) { return r.sections.at("usage").at("rds_proxies").at(0); };
  auto aurora_acu_seconds = [](const reports::Result& r) {
    double total = 0.0;
    for (const auto& inst : r.sections.at("usage").at("aurora_serverless")) total += number(inst.at("acu_seconds"));
    return total;
  };
  SECTION("a quiet writer at 0.5 ACU: the 8 ACU minimum all hour") {
    const auto r = serverless("0.5", "1", "const(1ms)");
    CHECK(number(proxy_usage(r).at("acu_seconds")) == Approx(8.0 * 3600.0));
    CHECK(number(proxy_usage(r).at("vcpu_seconds")) == 0.0);
    CHECK(aurora_acu_seconds(r) == Approx(0.5 * 3600.0));
  }
  SECTION("never under 8 ACU: exactly the writer's ACU-seconds") {
    const auto r = serverless("8", "100", "const(50ms)");
    CHECK(aurora_acu_seconds(r) > 8.0 * 3600.0);  // it scaled up
    CHECK(number(proxy_usage(r).at("acu_seconds")) == Approx(aurora_acu_seconds(r)).epsilon(1e-9));
  }
  SECTION("crossing 8 ACU: between the larger and the sum of the minimum and the ACU-seconds") {
    const auto r = serverless("0.5", "100", "const(50ms)");
    const double acu = aurora_acu_seconds(r);
    const double billed = number(proxy_usage(r).at("acu_seconds"));
    INFO("aurora " << acu << " proxy " << billed);
    CHECK(billed > std::max(8.0 * 3600.0, acu));
    CHECK(billed < 8.0 * 3600.0 + acu);
    CHECK(number(r.sections.at("db_proxy").at("proxy").at("billed_acu_seconds")) == Approx(billed));
  }
}

TEST_CASE("ClusterControl: behind a proxy the application's own pool timeout still fails requests in a failover") {
  // The default pool of 10 connections per task: twenty writes hold them all while they wait at
  // the proxy for the writer; the requests after them wait for a pool connection for db_pool's
  // 10 s timeout and fail (500) — the proxy's 120 s borrow timeout is never reached.
  const auto r = run(R"(
seed: 9
duration: 10m
report_interval: 10s
workload:
  arrivals: { process: poisson, rate: 20 }
)" + db_requests(true, "{ cpu: 1024, memory: 2048, desired: 2 }") +
                     aurora_mysql("{ read: const(2ms), write: const(5ms) }", "  proxy: { borrow_timeout: 120s }\n") + R"(faults:
  - { at: 5m, type: db_failover, duration: 30s }
)");
  const auto timeouts = cause(r, "db_connection_timeout:api");
  // 20 requests/s for the last 20 s of the outage wait more than 10 s: about 400 (the first
  // 20 hold the pool's connections and succeed when the writer is back).
  CHECK(timeouts > 300);
  CHECK(timeouts < 600);
  CHECK(cause(r, "db_failover:db") == 0);
  CHECK(cause(r, "db_proxy_borrow_timeout:proxy") == 0);
  CHECK(r.requests.errors == timeouts);
  const auto& errors = series(r, "errors_per_s");
  const auto& t_s = r.timeseries.t_s;
  for (std::size_t i = 0; i < t_s.size(); ++i) {
    if (t_s[i] < 310.0 || t_s[i] >= 340.0) CHECK(errors[i] == 0.0);
  }
}

TEST_CASE("ClusterControl: pinned sessions exhaust the RDS Proxy pool that multiplexing leaves idle") {
  // Twelve tasks each get a 5 ms write every 0.5 s (24 requests/s, round robin). The proxy's pool
  // is 10 connections (max_connections 10): multiplexed, a query holds one for ~6 ms and the pool
  // is never short. With every query pinning its session (pinned: 1), the first queries of tasks
  // 1-10 (at k/24 s) pin the ten connections for the 30 min session and their later queries run
  // on them; the first write of task 11, at 11/24 s, finds none and waits, and so does every
  // query of tasks 11 and 12: each fails at the 5 s borrow timeout.
  auto scenario = [](const std::string& pinned) {
    return R"(
seed: 3
duration: 2m
report_interval: 10s
workload:
  arrivals: { process: uniform, rate: 24 }
  requests:
    - { name: write, path: /w, steps: [ { cpu: const(1ms) }, { db: { writes: 1, pinned: )" +
           pinned + R"( } } ] }
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 1024, memory: 2048, desired: 12, db_pool: { size: 20, timeout: 60s } }
)" + aurora_mysql("{ read: const(2ms), write: const(5ms) }", "  max_connections: 10\n  proxy: { borrow_timeout: 5s }\n");
  };
  SECTION("without pinning no borrow waits long and nothing fails") {
    const auto r = run(scenario("0"));
    CHECK(r.requests.errors == 0);
    CHECK(r.requests.balanced());
    const auto& proxy = r.sections.at("db_proxy").at("proxy");
    CHECK(number(proxy.at("pool_limits").at("writer")) == 10.0);
    CHECK(number(proxy.at("pins")) == 0.0);
    CHECK(number(proxy.at("pinned_max")) == 0.0);
    CHECK(number(proxy.at("borrow_timeouts")) == 0.0);
    for (double v : series(r, "proxy.database_connections_pinned")) CHECK(v == 0.0);
    for (double v : series(r, "proxy.database_connections_borrowed")) CHECK(v <= 2.0);
  }
  SECTION("with every session pinned, ten tasks hold the pool and the other two fail every request") {
    const auto r = run(scenario("1"));
    const auto& proxy = r.sections.at("db_proxy").at("proxy");
    CHECK(number(proxy.at("pins")) == 10.0);
    CHECK(number(proxy.at("pinned_max")) == 10.0);
    CHECK(number(proxy.at("pinned_at_end")) == 10.0);
    for (double v : series(r, "proxy.database_connections_pinned")) CHECK(v == 10.0);
    // Requests k = 11, 12, 23, 24, ... (tasks 11 and 12) that reach their timeout by 120 s:
    // arrived by 115 s - 1 ms, k <= 2759: 2 x 229 + 1.
    const auto timeouts = cause(r, "db_proxy_borrow_timeout:proxy");
    CHECK(timeouts == 459);
    CHECK(r.requests.errors == timeouts);
    CHECK(number(proxy.at("borrow_timeouts")) == 459.0);
    const auto& errors = series(r, "errors_per_s");
    const auto& t_s = r.timeseries.t_s;
    REQUIRE(t_s.size() == 12);
    // [0, 10 s): the failures of k = 11..119 (from 5.46 s): 9 pairs and k = 119; then 4/s.
    CHECK(errors[0] == Approx(1.9));
    for (std::size_t i = 1; i + 1 < t_s.size(); ++i) CHECK(errors[i] == Approx(4.0));
  }
}

TEST_CASE("ClusterControl: a failover drops the promoted reader's connections too, then they reconnect") {
  // Reads only, 20/s on four tasks (round robin), each task's pool with one connection to the
  // reader endpoint, which gives new connections to reader-1 and reader-2 in turn: tasks 1 and 3
  // read on reader-1. The failover at 300 s promotes reader-1 (the first reader), so for its
  // 30 s the reads of tasks 1 and 3 fail, half of the window's 600; then the two connections to
  // reader-1 reconnect: the next two reads on it each wait the 300 ms reconnect first.
  auto scenario = [](bool proxy) {
    return std::string(R"(
seed: 4
duration: 10m
report_interval: 10s
workload:
  arrivals: { process: uniform, rate: 20 }
  requests:
    - { name: read, path: /r, steps: [ { cpu: const(1ms) }, { db: { reads: 1 } } ] }
load_balancer: { type: alb, default: api }
services:
  api: { cpu: 1024, memory: 2048, desired: 4, db_pool: { size: 10, timeout: 60s } }
)") + aurora_mysql("{ read: const(2ms), write: const(5ms) }", std::string("  readers: 2\n  reconnect_latency: const(300ms)\n") +
                                                                   (proxy ? "  proxy: { borrow_timeout: 120s }\n" : "")) +
           R"(faults:
  - { at: 5m, type: db_failover, duration: 30s }
)";
  };
  SECTION("without a proxy the reads on the promoted reader fail during the failover") {
    const auto r = run(scenario(false));
    CHECK(cause(r, "db_failover:db") == 300);
    CHECK(r.requests.errors == 300);
    const auto& errors = series(r, "errors_per_s");
    const auto& t_s = r.timeseries.t_s;
    for (std::size_t i = 0; i < t_s.size(); ++i) {
      if (t_s[i] < 300.0 || t_s[i] >= 330.0) CHECK(errors[i] == 0.0);
      else CHECK(errors[i] == Approx(10.0));
    }
    const auto failover = events(r, "db_failover");
    REQUIRE(failover.size() == 1);
    CHECK(failover[0].reason.find("so do reads on reader-1 (promoted)") != std::string::npos);
    const auto complete = events(r, "db_failover_complete");
    REQUIRE(complete.size() == 1);
    CHECK(complete[0].t_s == Approx(330.0));
    CHECK(complete[0].reason == "writer available again and reader-1; 2 connections to reopen");
    CHECK(number(r.sections.at("db_faults").at("reconnects")) == 2.0);
    // The two reconnecting reads: 1 ms of CPU, 300 ms to reconnect, 2 ms of query, plus the
    // reconnect's 2 ms of database CPU.
    CHECK(r.latency_ms.max == Approx(305.0).margin(1.0));
    const auto& p99 = series(r, "latency_p99_ms");
    for (std::size_t i = 0; i < t_s.size(); ++i) {
      if (t_s[i] != 330.0) CHECK(p99[i] < 10.0);
    }
  }
  SECTION("with a proxy the reads go to the other reader and none fails") {
    const auto r = run(scenario(true));
    CHECK(r.requests.errors == 0);
    CHECK(r.requests.balanced());
    CHECK(r.latency_ms.max < 400.0);
    const auto failover = events(r, "db_failover");
    REQUIRE(failover.size() == 1);
    CHECK(failover[0].reason.find("reads avoid reader-1 (promoted)") != std::string::npos);
    // The proxy's connections to reader-1 reopen: as many reconnects as it had open.
    const auto complete = events(r, "db_failover_complete");
    REQUIRE(complete.size() == 1);
    const auto reconnects = number(r.sections.at("db_faults").at("reconnects"));
    CHECK(reconnects >= 1.0);
    CHECK(complete[0].reason == "writer available again and reader-1; " + std::to_string(static_cast<int>(reconnects)) +
                                    " connections to reopen");
  }
}
