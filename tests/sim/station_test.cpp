#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "sim/simulation.hpp"
#include "sim/station.hpp"

using namespace loadcast::sim;

// Named, not anonymous: the station keeps these types in its members (-Wsubobject-linkage).
namespace station_test {

// The station's owner: records services and waits; jobs with negative ids are not counted.
struct Owner {
  explicit Owner(Simulation& s) : sim(s) {}
  static bool counted(int job) { return job >= 0; }
  void served(int job) { served_at.emplace_back(job, sim.now()); }
  void waited(Time wait) { waits.push_back(wait); }
  Simulation& sim;
  std::vector<std::pair<int, Time>> served_at;
  std::vector<Time> waits;
};

StationParams fcfs(int servers, std::optional<int> queue_limit = std::nullopt) {
  return StationParams{servers, Discipline::kFcfs, queue_limit};
}

}  // namespace station_test

using namespace station_test;

TEST_CASE("Station: FCFS serves in arrival order and rejects beyond the queue limit") {
  Simulation sim;
  Owner owner(sim);
  Station<int, Owner> st(sim, fcfs(1, 1), owner);
  CHECK(st.arrive(1, 1.0));
  CHECK(st.arrive(2, 1.0));
  CHECK_FALSE(st.arrive(3, 1.0));  // one waiting already: the limit
  CHECK(st.present() == 2);
  sim.run();
  CHECK(owner.served_at == std::vector<std::pair<int, Time>>{{1, kSecond}, {2, 2 * kSecond}});
  CHECK(owner.waits == std::vector<Time>{0, kSecond});

  const StationStats s = st.stats();
  CHECK(s.arrivals == 3);
  CHECK(s.rejected == 1);
  CHECK(s.completions == 2);
  CHECK(s.utilization == 1.0);     // busy for the whole 2 s
  CHECK(s.mean_queue == 0.5);      // one waiting during the first second
  CHECK(s.mean_in_system == 1.5);  // two, then one
  CHECK(s.mean_wait_s == 0.5);
}

TEST_CASE("Station: FCFS with c servers starts c jobs at once") {
  Simulation sim;
  Owner owner(sim);
  Station<int, Owner> st(sim, fcfs(2), owner);
  for (int j = 1; j <= 3; ++j) CHECK(st.arrive(j, 1.0));
  sim.run();
  CHECK(owner.served_at == std::vector<std::pair<int, Time>>{{1, kSecond}, {2, kSecond}, {3, 2 * kSecond}});
  CHECK(owner.waits == std::vector<Time>{0, 0, kSecond});
  CHECK(st.stats().utilization == 0.75);  // 2 busy for 1 s, then 1 for 1 s, of 2 servers
}

TEST_CASE("Station: processor sharing shares the servers and caps the jobs present") {
  Simulation sim;
  Owner owner(sim);
  Station<int, Owner> st(sim, StationParams{2, Discipline::kPs, 2}, owner);
  for (int j = 1; j <= 4; ++j) CHECK(st.arrive(j, 1.0));
  CHECK_FALSE(st.arrive(5, 1.0));  // 2 servers + 2 beyond them present
  sim.run();
  // Four jobs on two servers: each at half speed, all done at 2 s in arrival order.
  CHECK(owner.served_at ==
        std::vector<std::pair<int, Time>>{{1, 2 * kSecond}, {2, 2 * kSecond}, {3, 2 * kSecond}, {4, 2 * kSecond}});
  CHECK(owner.waits.empty());
  const StationStats s = st.stats();
  CHECK(s.utilization == 1.0);
  CHECK(s.mean_in_system == 4.0);
  CHECK(s.mean_queue == 2.0);  // present beyond the servers
  CHECK(s.rejected == 1);
  CHECK(s.completions == 4);
}

TEST_CASE("Station: statistics count only counted jobs and restart at the end of a warm-up") {
  Simulation sim;
  Owner owner(sim);
  Station<int, Owner> st(sim, fcfs(1), owner);
  CHECK(st.arrive(-1, 1.0));
  CHECK(st.arrive(2, 1.0));
  sim.run_until(kSecond);
  st.restart_statistics();
  sim.run_until(4 * kSecond);
  const StationStats s = st.stats();
  CHECK(s.arrivals == 0);      // job 2 arrived before the restart
  CHECK(s.completions == 1);   // but finished after it
  CHECK(s.utilization == Approx(1.0 / 3.0));
  CHECK(owner.waits == std::vector<Time>{kSecond});  // only the counted job's wait
}

TEST_CASE("Station: time integrals and the mean wait are exact sums of nanoseconds") {
  // Ten jobs of 0.1 s, one every 0.2 s, on one server; then ten pairs of 0.05 s jobs, one pair
  // every 0.2 s (the second waits 0.05 s). Summed as seconds, ten busy spans of 0.1 give
  // 0.9999999999999999 and the utilization over 2 s 0.49999999999999994; summed in nanoseconds
  // they are exactly 1 s.
  Simulation sim;
  Owner owner(sim);
  Station<int, Owner> st(sim, fcfs(1), owner);
  for (int k = 0; k < 10; ++k) {
    sim.schedule_at(k * 200 * kMillisecond, [&st, k] { CHECK(st.arrive(k, 0.1)); });
  }
  sim.run_until(2 * kSecond);
  StationStats s = st.stats();
  CHECK(s.utilization == 0.5);
  CHECK(s.mean_in_system == 0.5);
  CHECK(s.mean_queue == 0.0);
  CHECK(s.mean_wait_s == 0.0);

  st.restart_statistics();
  for (int k = 0; k < 10; ++k) {
    sim.schedule_at(2 * kSecond + k * 200 * kMillisecond, [&st, k] {
      CHECK(st.arrive(10 + 2 * k, 0.05));
      CHECK(st.arrive(11 + 2 * k, 0.05));
    });
  }
  sim.run_until(4 * kSecond);
  s = st.stats();
  CHECK(s.utilization == 0.5);
  CHECK(s.mean_in_system == 0.75);  // two present for 0.05 s, one for 0.05 s, every 0.2 s
  CHECK(s.mean_queue == 0.25);
  CHECK(s.mean_wait_s == 0.025);    // ten waits of 0 and ten of 0.05 s
  CHECK(s.completions == 20);
}

TEST_CASE("Station: the mean queue is the integral of present minus busy over a hand-made timeline") {
  // Processor sharing, two servers: three 1 s jobs at t = 0 share them at 2/3 speed each and all
  // end at 1.5 s; the statistics are read at 2 s. Present 3 for 1.5 s (4.5 job-s), busy 2 for
  // 1.5 s (3 server-s), waiting the one beyond the servers for 1.5 s (1.5 job-s).
  Simulation sim;
  Owner owner(sim);
  Station<int, Owner> st(sim, StationParams{2, Discipline::kPs, std::nullopt}, owner);
  for (int j = 1; j <= 3; ++j) CHECK(st.arrive(j, 1.0));
  sim.run_until(2 * kSecond);
  REQUIRE(owner.served_at.size() == 3);
  CHECK(owner.served_at.back().second == 1500 * kMillisecond);
  const StationStats s = st.stats();
  CHECK(s.mean_in_system == 2.25);
  CHECK(s.utilization == 0.75);
  CHECK(s.mean_queue == 0.75);
  // FCFS, one server, the same clock: a 0.3 s job at 2 s and a 0.2 s job at 2.1 s (it waits
  // 0.2 s), read at 3 s after a restart at 2 s: busy 0.5 s, present 0.7 job-s, waiting 0.2 job-s.
  Station<int, Owner> one(sim, fcfs(1), owner);
  one.restart_statistics();
  CHECK(one.arrive(10, 0.3));
  sim.schedule(100 * kMillisecond, [&one] { CHECK(one.arrive(11, 0.2)); });
  sim.run_until(3 * kSecond);
  const StationStats f = one.stats();
  CHECK(f.utilization == 0.5);
  CHECK(f.mean_in_system == 0.7);
  CHECK(f.mean_queue == 0.2);
  CHECK(f.mean_wait_s == 0.1);
}
