// Memory bounds of the loadcast binary, measured as the peak resident set (ru_maxrss) of the
// command run as a child process: replications are folded as they finish, so many of them cost
// no more than a few; a histogram holds only the blocks its values use, so many request classes
// cost what their values need, in `sim` and in `report` and `gate` of the result.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/run_command.hpp"

using namespace loadcast::testing;

namespace {

struct Child {
  int exit_code = -1;
  long peak_rss_kib = 0;
};

// Runs the loadcast binary with `args` (output discarded) and returns its peak resident set.
Child run_measured(const std::vector<std::string>& args) {
  std::vector<std::string> all = {loadcast_binary()};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  return Child{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), usage.ru_maxrss};
}

constexpr const char* kSmall = R"(
name: small
seed: 5
duration: 10s
report_interval: 10s
workload:
  arrivals: { process: poisson, rate: 50 }
  requests:
    - { name: job, steps: [ { station: s1, service: exp(5ms) } ] }
stations:
  s1: { servers: 2 }
)";

std::string many_classes(int classes) {
  std::string yaml = R"(
name: classes
seed: 5
duration: 30s
report_interval: 10s
workload:
  arrivals: { process: poisson, rate: 2000 }
  requests:
)";
  for (int c = 0; c < classes; ++c) {
    yaml += "    - { name: c" + std::to_string(c) + ", weight: 1, steps: [ { station: s1, service: exp(1ms) } ] }\n";
  }
  yaml += "stations:\n  s1: { servers: 4 }\n";
  return yaml;
}

}  // namespace

TEST_CASE("Memory: five thousand replications keep the peak resident set of one small run, under 64 MiB", "[memory]") {
  const std::string dir = temp_dir("memory-replications");
  write_file(dir + "/small.yaml", kSmall);
  const Child sim = run_measured({"sim", dir + "/small.yaml", "--replications", "5000", "--threads", "2", "--quiet", "--out", dir + "/out"});
  REQUIRE(sim.exit_code == 0);
  const auto result = nlohmann::json::parse(read_file(dir + "/out/result.json"));
  CHECK(result.at("replications") == 5000);
  INFO("peak RSS " << sim.peak_rss_kib << " KiB");
  // Measured 16,512 KiB; keeping every replication's 264 KiB histograms took 2,677,980 KiB.
  CHECK(sim.peak_rss_kib < 64 * 1024);
}

TEST_CASE("Memory: twenty thousand request classes stay under 768 MiB in sim and 384 MiB in report and gate", "[memory]") {
  const std::string dir = temp_dir("memory-classes");
  write_file(dir + "/classes.yaml", many_classes(20000));
  const Child sim = run_measured({"sim", dir + "/classes.yaml", "--threads", "1", "--quiet", "--out", dir + "/out"});
  REQUIRE(sim.exit_code == 0);
  const std::string result = dir + "/out/result.json";
  CHECK(nlohmann::json::parse(read_file(result)).at("classes").size() == 20000);
  const Child report = run_measured({"report", result, "--format", "text", "--out", dir + "/report.txt"});
  const Child gate = run_measured({"gate", result, "--threshold", "latency_ms.p99 < 1000"});
  CHECK(report.exit_code == 0);
  CHECK(gate.exit_code == 0);
  INFO("peak RSS: sim " << sim.peak_rss_kib << " KiB, report " << report.peak_rss_kib << " KiB, gate " << gate.peak_rss_kib
                        << " KiB");
  // Measured 545,344 / 218,704 / 240,032 KiB; with dense 264 KiB histograms 5,000 classes
  // alone took 4.0 GB in sim and 1.35 GB in report.
  CHECK(sim.peak_rss_kib < 768 * 1024);
  CHECK(report.peak_rss_kib < 384 * 1024);
  CHECK(gate.peak_rss_kib < 384 * 1024);
}
