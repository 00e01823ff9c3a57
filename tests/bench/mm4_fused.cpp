// The M/M/4 model at rho = 0.9 as a hand-fused minimal event loop, written for the benchmark:
// one binary heap of (time, kind) events, a FIFO ring of waiting arrival times, the same
// generator and samplers (xoshiro256**, the ziggurat exponential sampler) and the same histogram
// as the engine. What the engine path is compared against: the cost of the engine's generality.
// Usage: bench_mm4_fused CUSTOMERS [SEED]  -> prints customers/s, mean response, peak RSS.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <queue>
#include <string>
#include <vector>

#include "reports/histogram.hpp"
#include "sim/distribution.hpp"
#include "sim/rng.hpp"

namespace {

long peak_rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

struct Ev {
  std::int64_t t;
  std::uint64_t seq;
  bool departure;
  std::int64_t arrived;  // departures: arrival time of the customer
};
struct Later {
  bool operator()(const Ev& a, const Ev& b) const { return a.t > b.t || (a.t == b.t && a.seq > b.seq); }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_mm4_fused CUSTOMERS [SEED]\n");
    return 2;
  }
  const long long customers = std::atoll(argv[1]);
  const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  constexpr int kServers = 4;
  constexpr double kArrivalMeanNs = 1e9 / 3600.0;  // lambda = 3600/s
  constexpr double kServiceMeanNs = 1e6;           // 1 ms -> rho = 0.9
  loadcast::sim::Rng arrivals(seed), service(seed + 1);
  loadcast::reports::Histogram latency;
  std::priority_queue<Ev, std::vector<Ev>, Later> heap;
  std::vector<std::int64_t> ring(1024);
  std::size_t head = 0, waiting = 0;
  int busy = 0;
  std::uint64_t seq = 0;
  long long arrived = 0, done = 0;

  const auto start = std::chrono::steady_clock::now();
  heap.push({static_cast<std::int64_t>(kArrivalMeanNs * loadcast::sim::standard_exponential(arrivals)), seq++, false, 0});
  ++arrived;
  while (done < customers) {
    const Ev e = heap.top();
    heap.pop();
    if (!e.departure) {
      if (arrived < customers) {
        heap.push({e.t + static_cast<std::int64_t>(kArrivalMeanNs * loadcast::sim::standard_exponential(arrivals)), seq++, false, 0});
        ++arrived;
      }
      if (busy < kServers) {
        ++busy;
        heap.push({e.t + static_cast<std::int64_t>(kServiceMeanNs * loadcast::sim::standard_exponential(service)), seq++, true, e.t});
      } else {
        if (waiting == ring.size()) {
          std::vector<std::int64_t> bigger(ring.size() * 2);
          for (std::size_t i = 0; i < waiting; ++i) bigger[i] = ring[(head + i) & (ring.size() - 1)];
          ring.swap(bigger);
          head = 0;
        }
        ring[(head + waiting++) & (ring.size() - 1)] = e.t;
      }
    } else {
      latency.record(e.t - e.arrived);
      ++done;
      if (waiting > 0) {
        const std::int64_t a = ring[head];
        head = (head + 1) & (ring.size() - 1);
        --waiting;
        heap.push({e.t + static_cast<std::int64_t>(kServiceMeanNs * loadcast::sim::standard_exponential(service)), seq++, true, a});
      } else {
        --busy;
      }
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("customers %lld wall_s %.4f customers_per_s %.0f mean_ms %.4f p99_ms %.4f peak_rss_kib %ld\n", customers, wall,
              static_cast<double>(customers) / wall, latency.mean() * 1e-6, latency.percentile(99) * 1e-6, peak_rss_kib());
  return 0;
}
