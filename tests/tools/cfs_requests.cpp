// A CPU-bound request loop for tests/tools/cfs_measure.sh: Poisson arrivals at `rate` per second
// for `duration` seconds; each request is a thread that spins until it has used `work_ms` of
// its own CPU time (CLOCK_THREAD_CPUTIME_ID, so the work is the same however the thread is
// scheduled or throttled). Pinned to one core, the kernel shares that core among the runnable
// request threads: processor sharing, as loadcast models a task's CPU. Latency is measured from
// each request's scheduled arrival (so a throttled main thread does not hide waiting).
// Prints: requests p50_ms p95_ms p99_ms mean_ms.
//
//   cfs_requests RATE DURATION_S WORK_MS SEED
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <thread>
#include <vector>

namespace {

double now_s(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void sleep_until(double t) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(t);
  ts.tv_nsec = static_cast<long>((t - static_cast<double>(ts.tv_sec)) * 1e9);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
  }
}

std::atomic<unsigned long> sink{0};

void serve(double arrival, double work_s, double* latency) {
  const double start = now_s(CLOCK_THREAD_CPUTIME_ID);
  unsigned long x = 0;
  while (now_s(CLOCK_THREAD_CPUTIME_ID) - start < work_s) {
    for (int i = 0; i < 2000; ++i) x = x * 6364136223846793005UL + 1442695040888963407UL;
  }
  sink += x;
  *latency = now_s(CLOCK_MONOTONIC) - arrival;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: cfs_requests RATE DURATION_S WORK_MS SEED\n");
    return 2;
  }
  const double rate = std::atof(argv[1]);
  const double duration = std::atof(argv[2]);
  const double work_s = std::atof(argv[3]) / 1000.0;
  std::mt19937_64 rng(std::strtoull(argv[4], nullptr, 10));
  std::exponential_distribution<double> gap(rate);
  std::vector<double> arrivals;
  for (double t = gap(rng); t < duration; t += gap(rng)) arrivals.push_back(t);
  std::vector<double> latency(arrivals.size(), 0.0);
  std::vector<std::thread> threads;
  threads.reserve(arrivals.size());
  const double t0 = now_s(CLOCK_MONOTONIC) + 0.05;
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    const double at = t0 + arrivals[i];
    sleep_until(at);
    threads.emplace_back(serve, at, work_s, &latency[i]);
  }
  for (auto& t : threads) t.join();
  double sum = 0;
  for (double l : latency) sum += l;
  std::printf("%zu %.2f %.2f %.2f %.2f\n", latency.size(), 1e3 * percentile(latency, 0.50), 1e3 * percentile(latency, 0.95),
              1e3 * percentile(latency, 0.99), 1e3 * sum / static_cast<double>(latency.size()));
  return 0;
}
