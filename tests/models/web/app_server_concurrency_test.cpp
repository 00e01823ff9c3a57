// App-server concurrency (ServiceConfig::concurrency, Task): a thread or process pool of N
// workers, each holding one request for all its steps, with a listen backlog in front, against
// queueing formulas (Erlang C for M/M/N, M/M/1 FCFS) over replications, and exact timelines: the
// backlog's 502s, requests answered 504 while they wait, the CFS quota under a pool, and the
// loader's rules on how `concurrency` combines with `threads` and a worker's `pollers`.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "models/core/system.hpp"
#include "scenarios/loader/scenario.hpp"
#include "sim/replication.hpp"
#include "sim/stats.hpp"
#include "tests/support/queueing.hpp"
#include "tests/support/scenario_run.hpp"
#include "tests/support/scenario_text.hpp"

using namespace loadcast;
using namespace loadcast::testing;

namespace {

// One task of 1 vCPU behind the ALB, Poisson arrivals at `rate`, one request class of `steps`.
std::string one_task(double rate, const std::string& steps, const std::string& concurrency, const std::string& duration) {
  return R"(
seed: 21
duration: )" + duration + R"(
warmup: 5s
workload:
  arrivals: { process: poisson, rate: )" + std::to_string(rate) + R"( }
  requests:
    - { name: work, path: /work, steps: )" + steps + R"( }
load_balancer: { type: alb, default: app }
services:
  app: { cpu: 1024, memory: 2048, desired: 1, concurrency: )" + concurrency + R"( }
)";
}

// `users` users send one request each at `at` (a closed model: each thinks `at`, then sends) to
// one task; the run ends at `end`, before any sends again.
std::string burst(int users, const std::string& steps, const std::string& service, const std::string& at = "1s",
                  const std::string& end = "1500ms", const std::string& alb_extra = "") {
  return R"(
seed: 3
duration: )" + end + R"(
workload:
  users:
    stages: [ { at: 0s, users: )" + std::to_string(users) + R"( }, { at: )" + end + R"(, users: )" + std::to_string(users) + R"( } ]
    think_time: const()" + at + R"()
  requests:
    - { name: work, path: /work, steps: )" + steps + R"( }
load_balancer: { type: alb, default: app)" + alb_extra + R"( }
services:
  app: { )" + service + R"(, memory: 2048, desired: 1 }
)";
}

}  // namespace

TEST_CASE("App-server concurrency: a thread pool of 4 with database-like waits is M/M/4 (Erlang C)", "[slow]") {
  // Each request holds a worker for an exp(10 ms) wait (mu = 100/s a worker), lambda = 320/s:
  // a = 3.2, Wq = C(4, 3.2) / (4 mu - lambda) = 7.455 ms, W = 17.455 ms. An event loop would
  // answer in 10 ms: nothing waits for a worker.
  const double c = erlang_c(4, 3.2);
  const double wq_ms = c / (400.0 - 320.0) * 1000.0;
  CHECK(wq_ms == Approx(7.45541).epsilon(1e-4));
  const auto runs = replicate(one_task(320, "[ { delay: exp(10ms) } ]", "{ thread_pool: 4 }", "120s"), 12);
  require_inside(ci99(runs, mean_ms), 10.0 + wq_ms, "W");
  const auto event_loop = replicate(one_task(320, "[ { delay: exp(10ms) } ]", "event_loop", "60s"), 4);
  require_inside(ci99(event_loop, mean_ms), 10.0, "event loop W");
}

TEST_CASE("App-server concurrency: a process pool of 1 with CPU-only steps on a full vCPU is M/M/1 FCFS", "[slow]") {
  // mu = 100/s (exp(10 ms) of CPU), lambda = 50/s: the response is exp(mu - lambda), mean 20 ms,
  // median ln 2 / 50 = 13.86 ms, p95 ln 20 / 50 = 59.9 ms. (Processor sharing has the same mean
  // but another distribution: its median is lower.)
  const auto runs = replicate(one_task(50, "[ { cpu: exp(10ms) } ]", "{ process_pool: 1 }", "300s"), 12);
  require_inside(ci99(runs, mean_ms), 20.0, "W");
  require_inside(ci99(runs, [](const auto& r) { return pct_ms(r, 50); }), 1000.0 * std::log(2.0) / 50.0, "W p50");
  require_inside(ci99(runs, [](const auto& r) { return pct_ms(r, 95); }), 1000.0 * std::log(20.0) / 50.0, "W p95");
}

TEST_CASE("App-server concurrency: an event loop runs one CPU step at a time to its end (M/D/1 FCFS, not processor sharing)", "[slow]") {
  // One thread, const(10 ms) of CPU, lambda = 50/s: rho 0.5. A callback runs to its end, the
  // others wait first come first served: Pollaczek-Khinchine W = S + rho S / (2 (1 - rho)) = 15 ms.
  // Processor sharing (the model before) gives S / (1 - rho) = 20 ms: the interval cannot hold both.
  const auto runs = replicate(one_task(50, "[ { cpu: const(10ms) } ]", "event_loop", "300s"), 12);
  require_inside(ci99(runs, mean_ms), 15.0, "W");
  // No request is ever shorter than its own CPU, and under FCFS the median waits behind about one
  // half-served step: above 10 ms, below the processor-sharing mean.
  const auto p50 = ci99(runs, [](const auto& r) { return pct_ms(r, 50); });
  CHECK(p50.mean > 10.0);
  CHECK(p50.mean < 20.0);
}

TEST_CASE("App-server concurrency: an event loop interleaves requests at I/O, and a step waits for the thread, exactly") {
  // Three requests at t = 1 s on one task (event loop, one thread, a full vCPU): each has 10 ms of
  // CPU, a 50 ms wait (I/O: it holds nothing), then 10 ms of CPU. The first CPU steps run one
  // after another (ends 10, 20, 30 ms); the second steps are ready at 60, 70, 80 ms and find the
  // thread free: responses at 70, 80 and 90 ms after the send. Under processor sharing the first
  // steps would all end at 30 ms and the responses all at 90 ms.
  const auto r = run(burst(3, "[ { cpu: const(10ms) }, { delay: const(50ms) }, { cpu: const(10ms) } ]", "cpu: 1024"));
  REQUIRE(r.requests.ok == 3);
  CHECK(r.latency_ms.max == Approx(90.0).epsilon(0.005));
  CHECK(r.latency_ms.mean == Approx(80.0).epsilon(0.005));
}

TEST_CASE("App-server concurrency: a full backlog refuses requests with 502, exactly") {
  // 50 requests at 5 s on 2 workers and a backlog of 3, each holding its worker for 1 s: 2 are
  // served at once (1 s), 3 wait (2 s, 2 s, 3 s), 45 are refused at once.
  auto at_5s = [](const std::string& service) { return burst(50, "[ { delay: const(1s) } ]", service, "5s", "9s"); };
  const auto r = run(at_5s("cpu: 1024, concurrency: { thread_pool: 2, backlog: 3 }"));
  CHECK(r.requests.total == 50);
  CHECK(r.requests.ok == 5);
  CHECK(status(r, "502") == 45);
  CHECK(cause(r, "backlog_full:app") == 45);
  CHECK(r.classes.at("work").latency_ms.max == Approx(3000.0).epsilon(0.01));
  SECTION("with no backlog only the 2 workers' requests are served") {
    const auto r0 = run(at_5s("cpu: 1024, concurrency: { thread_pool: 2, backlog: 0 }"));
    CHECK(r0.requests.ok == 2);
    CHECK(cause(r0, "backlog_full:app") == 48);
  }
  SECTION("an event loop serves all 50 at once") {
    const auto e = run(at_5s("cpu: 1024"));
    CHECK(e.requests.ok == 50);
    CHECK(e.latency_ms.max == Approx(1000.0).epsilon(0.01));
  }
}

TEST_CASE("App-server concurrency: a request answered 504 while it waits is dropped, and its worker serves the next") {
  // Idle timeout 2 s, one worker, 3 requests at 5 s of 1.5 s each: the first is served (1.5 s);
  // the second starts at 1.5 s and is answered 504 at 2 s but holds the worker to 3 s; the third
  // waits and is answered 504 at 2 s, then dropped unrun when the worker frees at 3 s.
  const auto r = run(burst(3, "[ { delay: const(1500ms) } ]", "cpu: 1024, concurrency: { thread_pool: 1 }", "5s", "9s", ", idle_timeout: 2s"));
  CHECK(r.requests.ok == 1);
  CHECK(status(r, "504") == 2);
  CHECK(cause(r, "idle_timeout:app") == 2);
  CHECK(r.latency_ms.max == Approx(1500.0).epsilon(0.01));
}

TEST_CASE("App-server concurrency: under the CFS quota a lone 20 ms request on 0.5 vCPU takes 20 ms") {
  // 0.5 vCPU: a budget of 50 ms per 100 ms period on min(workers, 1) = 1 core.
  SECTION("one request at a time: 20 ms, not the 40 ms of a half-speed core") {
    const auto r = run(burst(1, "[ { cpu: const(20ms) } ]", "cpu: 512, concurrency: { thread_pool: 2 }"));
    CHECK(r.requests.ok == 1);
    CHECK(r.latency_ms.max == Approx(20.0).margin(0.01));
  }
  SECTION("two at once on a pool of 2 share the core: both 40 ms") {
    const auto r = run(burst(2, "[ { cpu: const(20ms) } ]", "cpu: 512, concurrency: { thread_pool: 2 }"));
    CHECK(r.requests.ok == 2);
    CHECK(r.latency_ms.mean == Approx(40.0).margin(0.01));
  }
  SECTION("two at once on a pool of 1 run one after the other: 20 ms and 40 ms") {
    const auto r = run(burst(2, "[ { cpu: const(20ms) } ]", "cpu: 512, concurrency: { process_pool: 1 }"));
    CHECK(r.requests.ok == 2);
    CHECK(r.latency_ms.mean == Approx(30.0).margin(0.01));
    CHECK(r.latency_ms.max == Approx(40.0).margin(0.01));
  }
  SECTION("three at once on a pool of 3 are throttled after the budget, done at 110 ms") {
    // 60 ms of work on one core: the period's 50 ms budget is spent at 50 ms, the last 10 ms
    // wait for the next period (periods from the task's start at 0 s), done at 110 ms.
    const auto r = run(burst(3, "[ { cpu: const(20ms) } ]", "cpu: 512, concurrency: { thread_pool: 3 }"));
    CHECK(r.requests.ok == 3);
    CHECK(r.latency_ms.max == Approx(110.0).margin(0.01));
  }
}

TEST_CASE("App-server concurrency: background CPU runs on the event loop every interval and shows in the utilisation") {
  // 0.5 vCPU of background on a 1-vCPU event loop: a 50 ms job at every 100 ms from the task's
  // start. A lone request at 1.02 s (10 ms of CPU) finds the loop in the job that began at 1.0 s,
  // waits for it to end at 1.05 s and is answered at 1.06 s: 40 ms instead of 10 ms.
  const std::string steps = "[ { cpu: const(10ms) } ]";
  const auto r = run(burst(1, steps, "cpu: 1024, background: { cpu: 0.5, interval: 100ms }", "1020ms"));
  REQUIRE(r.requests.ok == 1);
  CHECK(r.latency_ms.max == Approx(40.0).margin(0.01));
  const auto plain = run(burst(1, steps, "cpu: 1024", "1020ms"));
  CHECK(plain.latency_ms.max == Approx(10.0).margin(0.01));
  SECTION("between the ticks the loop is free: a request at 1.06 s takes its 10 ms") {
    const auto later = run(burst(1, steps, "cpu: 1024, background: { cpu: 0.5, interval: 100ms }", "1060ms", "1500ms"));
    CHECK(later.latency_ms.max == Approx(10.0).margin(0.01));
  }
  SECTION("with no requests the task's CPU utilisation is the background's share of its vCPU") {
    const auto idle = run(replace(burst(1, steps, "cpu: 2048, background: { cpu: 0.25, interval: 250ms }", "20m", "5m"), "memory: 2048", "memory: 4096"));
    CHECK(idle.requests.total == 0);
    const auto& cpu = series(idle, "app.cpu_utilization");
    REQUIRE(cpu.size() >= 4);
    for (std::size_t i = 1; i + 1 < cpu.size(); ++i) CHECK(cpu[i] == Approx(12.5).margin(0.01));
  }
  SECTION("a background share at or above the task's vCPU is a located error") {
    const auto problem = load_error(burst(1, steps, "cpu: 512, background: { cpu: 0.5 }"));
    CHECK_THAT(problem, Catch::Contains("services.app.background.cpu"));
    CHECK_THAT(problem, Catch::Contains("below the task's vCPU"));
  }
}

TEST_CASE("App-server concurrency: the loader sets threads and a worker's pollers from the pool") {
  const auto sc = scenario::load_string(
      replace(burst(1, "[ { cpu: const(20ms) } ]", "cpu: 2048, concurrency: { process_pool: 6, backlog: 64 }"), "memory: 2048", "memory: 4096"),
      "pool.yaml");
  const auto& svc = sc.model.services.at(0);
  CHECK(svc.concurrency.model == models::Concurrency::kProcessPool);
  CHECK(svc.concurrency.workers == 6);
  CHECK(svc.concurrency.backlog_limit() == 64);
  CHECK(svc.threads == 6);
  CHECK(svc.cores() == 2.0);  // min(6, ceil(2 vCPU))
  const auto el = scenario::load_string(burst(1, "[ { cpu: const(20ms) } ]", "cpu: 1024, concurrency: event_loop"), "pool.yaml");
  CHECK(el.model.services.at(0).concurrency.model == models::Concurrency::kEventLoop);
  CHECK(el.model.services.at(0).threads == 1);
}

TEST_CASE("App-server concurrency: inconsistent or unknown settings are located errors") {
  const std::string good = burst(1, "[ { cpu: const(20ms) } ]", "cpu: 1024, concurrency: { thread_pool: 4 }");
  check_load_errors({
      {"threads that differ from the pool", replace(good, "cpu: 1024, concurrency", "cpu: 1024, threads: 2, concurrency"),
       {"bad.yaml:12:", "services.app.threads: must equal concurrency.thread_pool (4)"}},
      {"an unknown key in concurrency", replace(good, "thread_pool: 4", "thread_pool: 4, backlg: 10"),
       {"bad.yaml:12:", "services.app.concurrency.backlg: unknown key 'backlg'"}},
      {"an unknown model", replace(good, "{ thread_pool: 4 }", "fibers"), {"bad.yaml:12:", "services.app.concurrency: must be event_loop"}},
      {"both pools", replace(good, "thread_pool: 4", "thread_pool: 4, process_pool: 2"),
       {"bad.yaml:12:", "give either thread_pool or process_pool, not both"}},
      {"a backlog without a pool", replace(good, "thread_pool: 4", "backlog: 10"), {"bad.yaml:12:", "needs thread_pool: N or process_pool: N"}},
      {"a pool of no workers", replace(good, "thread_pool: 4", "thread_pool: 0"),
       {"bad.yaml:12:", "services.app.concurrency.thread_pool: must be at least 1"}},
      {"a negative backlog", replace(good, "thread_pool: 4", "thread_pool: 4, backlog: -1"),
       {"bad.yaml:12:", "services.app.concurrency.backlog: must be between 0 and 65535"}},
  });
}

TEST_CASE("App-server concurrency: a worker's pool polls with its workers") {
  const std::string worker = R"(
seed: 3
duration: 1m
workload:
  arrivals: { process: uniform, rate: 2 }
)" + publish_requests("queue: jobs", 100000) + R"(
queues:
  jobs: { visibility_timeout: 60s }
workers:
  worker:
    cpu: 1024
    memory: 2048
    queue: jobs
    concurrency: { thread_pool: 3 }
    steps: [ { delay: const(1s) } ]
)";
  const auto sc = scenario::load_string(worker, "pool.yaml");
  CHECK(sc.model.workers.at(0).pollers == 3);
  CHECK(sc.model.workers.at(0).service.threads == 3);
  check_load_errors({
      {"pollers that differ from the pool", replace(worker, "    queue: jobs\n", "    queue: jobs\n    pollers: 2\n"),
       {"bad.yaml:", "workers.worker.pollers: must equal concurrency.thread_pool (3)"}},
      {"a backlog on a worker", replace(worker, "thread_pool: 3", "thread_pool: 3, backlog: 8"),
       {"bad.yaml:", "workers.worker.concurrency.backlog: has no meaning on a worker"}},
  });
}

TEST_CASE("App-server concurrency: an idle event loop's wake-up costs wakeup_cpu before the step it woke for") {
  const std::string wake = "cpu: 1024, wakeup_cpu: 2ms";
  auto wakeups = [](const reports::Result& r) { return number(r.sections.at("services").at("app").at("wakeups_per_s")); };
  SECTION("a lone request: one wake-up of 2 ms, then its 10 ms") {
    const auto r = run(burst(1, "[ { cpu: const(10ms) } ]", wake));
    REQUIRE(r.requests.ok == 1);
    CHECK(r.latency_ms.max == Approx(12.0).margin(0.001));
    CHECK(wakeups(r) * 1.5 == Approx(1.0));  // one wake-up in the 1.5 s run
    const auto plain = run(burst(1, "[ { cpu: const(10ms) } ]", "cpu: 1024"));
    CHECK(plain.latency_ms.max == Approx(10.0).margin(0.001));
    CHECK(wakeups(plain) * 1.5 == Approx(1.0));  // counted without a cost too
  }
  SECTION("the end of a wait wakes the idle loop again: 2 + 10, 5 ms away, 2 + 5") {
    const auto r = run(burst(1, "[ { cpu: const(10ms) }, { delay: const(5ms) }, { cpu: const(5ms) } ]", wake));
    CHECK(r.latency_ms.max == Approx(24.0).margin(0.001));
    CHECK(wakeups(r) * 1.5 == Approx(2.0));
  }
  SECTION("two requests at once wake the loop once: 2 + 10 and 2 + 10 + 10") {
    const auto r = run(burst(2, "[ { cpu: const(10ms) } ]", wake));
    REQUIRE(r.requests.ok == 2);
    CHECK(r.latency_ms.max == Approx(22.0).margin(0.001));
    CHECK(r.latency_ms.mean == Approx(17.0).margin(0.001));
    CHECK(wakeups(r) * 1.5 == Approx(1.0));
  }
  SECTION("a pool's workers wake for every request: wakeup_cpu there is a located error") {
    const auto problem = load_error(burst(1, "[ { cpu: const(10ms) } ]", "cpu: 1024, wakeup_cpu: 1ms, concurrency: { thread_pool: 4 }"));
    CHECK_THAT(problem, Catch::Contains("services.app.wakeup_cpu"));
    CHECK_THAT(problem, Catch::Contains("event_loop only"));
  }
}

TEST_CASE("App-server concurrency: with wakeup_cold_after only a wake-up after that much sleep costs wakeup_cpu") {
  const std::string wake = "cpu: 1024, wakeup_cpu: 2ms, wakeup_cold_after: 20ms";
  auto per_run = [](const reports::Result& r, const char* key) { return number(r.sections.at("services").at("app").at(key)) * 1.5; };
  SECTION("a lone request after 1 s of sleep pays it; the end of a 5 ms wait finds the loop warm: 2 + 10, 5, 5") {
    const auto r = run(burst(1, "[ { cpu: const(10ms) }, { delay: const(5ms) }, { cpu: const(5ms) } ]", wake));
    REQUIRE(r.requests.ok == 1);
    CHECK(r.latency_ms.max == Approx(22.0).margin(0.001));
    CHECK(per_run(r, "wakeups_per_s") == Approx(2.0));  // both counted, as the kernel would
    CHECK(per_run(r, "cold_wakeups_per_s") == Approx(1.0));
  }
  SECTION("after a 30 ms wait the loop has slept past 20 ms: 2 + 10, 30, 2 + 5") {
    const auto r = run(burst(1, "[ { cpu: const(10ms) }, { delay: const(30ms) }, { cpu: const(5ms) } ]", wake));
    CHECK(r.latency_ms.max == Approx(49.0).margin(0.001));
    CHECK(per_run(r, "cold_wakeups_per_s") == Approx(2.0));
  }
  SECTION("unset (0), every wake-up pays and the result has no cold count") {
    const auto r = run(burst(1, "[ { cpu: const(10ms) }, { delay: const(5ms) }, { cpu: const(5ms) } ]", "cpu: 1024, wakeup_cpu: 2ms"));
    CHECK(r.latency_ms.max == Approx(24.0).margin(0.001));
    CHECK_FALSE(r.sections.at("services").at("app").contains("cold_wakeups_per_s"));
  }
  SECTION("bad values are located errors") {
    auto problem = load_error(burst(1, "[ { cpu: const(10ms) } ]", "cpu: 1024, wakeup_cold_after: -1ms"));
    CHECK_THAT(problem, Catch::Contains("services.app.wakeup_cold_after"));
    problem = load_error(burst(1, "[ { cpu: const(10ms) } ]", "cpu: 1024, wakeup_cold_after: 5ms, concurrency: { thread_pool: 4 }"));
    CHECK_THAT(problem, Catch::Contains("services.app.wakeup_cold_after"));
    CHECK_THAT(problem, Catch::Contains("event_loop only"));
  }
}

TEST_CASE("App-server concurrency: under Poisson load a wake-up is cold with the probability that a sleep outlasts wakeup_cold_after") {
  // 4 ms of CPU per request at 40/s on one task: the loop's sleeps are exponential of rate 40/s
  // (memoryless arrivals), one per wake-up, so exp(-40 x 25 ms) = exp(-1) of the wake-ups are
  // cold; the CPU in use is X x 4 ms + cold wake-ups x 0.5 ms.
  const auto text = replace(one_task(40, "[ { cpu: exp(4ms) } ]", "event_loop", "10m"), "desired: 1,",
                            "desired: 1, wakeup_cpu: 0.5ms, wakeup_cold_after: 25ms,");
  const auto r = run(text);
  const auto& svc = r.sections.at("services").at("app");
  const double w = number(svc.at("wakeups_per_s"));
  const double cold = number(svc.at("cold_wakeups_per_s"));
  CHECK(cold / w == Approx(std::exp(-1.0)).margin(0.02));
  const double u = number(svc.at("cpu_utilization_mean")) / 100.0;
  CHECK(u == Approx(r.throughput_rps * 0.004 + cold * 0.0005).epsilon(0.02));
}

TEST_CASE("App-server concurrency: under Poisson load the wake-ups per request fall with the rate, and the CPU is the demand plus the wake-ups'") {
  // 4 ms of CPU per request, 0.5 ms per wake-up, one 1-vCPU task. Every wake-up is charged once,
  // so the CPU in use is X x 4 ms + W x 0.5 ms over the run, whatever W the loop's idle time gives;
  // an idle loop at arrival is a Poisson arrival finding the loop idle (PASTA): W / X falls from
  // near 1 at a low rate towards 0 as the loop saturates.
  double previous = 2.0;
  for (const double rate : {10.0, 80.0, 160.0}) {
    const auto text = replace(one_task(rate, "[ { cpu: exp(4ms) } ]", "event_loop", "10m"), "desired: 1,", "desired: 1, wakeup_cpu: 0.5ms,");
    const auto r = run(text);
    const auto& svc = r.sections.at("services").at("app");
    const double w = number(svc.at("wakeups_per_s"));
    const double x = r.throughput_rps;
    const double per_request = w / x;
    INFO("rate " << rate << ": " << per_request << " wake-ups per request");
    CHECK(per_request < previous);
    CHECK(per_request <= 1.0);
    // Busy fraction at arrival: the loop is idle with probability 1 - U (U its utilisation).
    const double u = number(svc.at("cpu_utilization_mean")) / 100.0;
    CHECK(per_request == Approx(1.0 - u).margin(0.03));
    CHECK(u == Approx(x * 0.004 + w * 0.0005).epsilon(0.02));
    previous = per_request;
  }
}
