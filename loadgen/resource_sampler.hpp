// `loadcast load --sample NAME=SOURCE`: the CPU a target spends while the load runs, read by the
// load generator itself, for calibration against local or Kubernetes targets that have no
// CloudWatch (app/calibrate.hpp). A sampler thread reads each source's cumulative CPU counter
// every `interval` during the run; add_samples() turns the readings into per-second series of
// the load result (vCPU in use, the share of CFS periods throttled, wake-ups per second), aligned
// with its other series.
//
// A wake-up is a voluntary context switch of a process's main thread: the thread blocked (for an
// event loop such as Node.js's, it found nothing to do and slept in epoll_wait) and was woken
// again. Its rate tells how often the idle loop was woken, which costs CPU per request; the
// calibrator fits that cost from the series. The count sums the main threads of the source's
// processes, read when each reading is taken: a process that exits lowers it, and the intervals
// where it fell get no rate.
//
// Sources:
//   cgroup:PATH       a cgroup directory. v2: cpu.stat's usage_usec, nr_periods, nr_throttled,
//                     throttled_usec. v1: cpuacct.usage (ns) and cpu.stat's nr_periods,
//                     nr_throttled, throttled_time (ns), each read from PATH or from the same
//                     group in the sibling hierarchy (…/cpu/G ↔ …/cpuacct/G) when the
//                     controllers are mounted apart.
//                     [doc] https://docs.kernel.org/admin-guide/cgroup-v2.html (cpu.stat)
//                     [doc] https://docs.kernel.org/scheduler/sched-bwc.html (nr_periods, nr_throttled)
//                     Wake-ups: every pid in cgroup.procs of PATH and of its descendant groups
//                     (v1: of PATH's hierarchy), each from /proc/PID/task/PID/status's
//                     voluntary_ctxt_switches. [doc] https://man7.org/linux/man-pages/man5/proc_pid_status.5.html
//   pid:PID           one process: /proc/PID/stat's utime + stime (all its threads), in clock
//                     ticks of sysconf(_SC_CLK_TCK). [doc] https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html
//                     Wake-ups: /proc/PID/task/PID/status, as for a cgroup's processes.
//   prometheus:URL[#METRIC{label="v",…}]
//                     a Prometheus text endpoint (cAdvisor, a node exporter, the app's own
//                     /metrics): the sum of METRIC's samples whose labels include the given ones,
//                     a counter in CPU seconds (default process_cpu_seconds_total). No wake-ups.
//                     [doc] https://prometheus.io/docs/instrumenting/exposition_formats/
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reports/result.hpp"
#include "sim/time.hpp"

namespace loadcast::loadgen {

enum class SampleKind { kCgroup, kPid, kPrometheus };

struct SampleSpec {
  std::string name;    // the series' name: resources.<name>.cpu_vcpu
  SampleKind kind = SampleKind::kPid;
  std::string target;  // the cgroup directory, the pid, or the URL
  std::string metric = "process_cpu_seconds_total";                 // prometheus only
  std::vector<std::pair<std::string, std::string>> labels;          // prometheus only
  std::string text;    // as given, for messages and the result
};

// "NAME=cgroup:PATH", "NAME=pid:PID" or "NAME=prometheus:URL[#METRIC{l=\"v\"}]"; empty error
// when it parses.
struct SampleSpecParse {
  std::optional<SampleSpec> value;
  std::string error;
};
SampleSpecParse parse_sample_spec(const std::string& text);

// One reading of a source's cumulative counters.
struct CpuCounters {
  double cpu_s = 0.0;                      // CPU seconds used since the source began
  std::optional<double> periods;           // CFS enforcement periods elapsed (cgroup with a quota)
  std::optional<double> throttled;         // of which throttled
  std::optional<double> throttled_s;       // time throttled, seconds
  std::optional<double> wakeups;           // voluntary context switches of the processes' main
                                           // threads, summed (cgroup, pid; nullopt for prometheus)
};

// Parsers of the sources' texts (exposed for tests). Each returns nullopt and sets `error` when
// the text lacks what it needs.
std::optional<CpuCounters> parse_cgroup_v2_cpu_stat(const std::string& text, std::string& error);
std::optional<double> parse_proc_stat_cpu_s(const std::string& text, double ticks_per_s, std::string& error);
std::optional<double> parse_prometheus_sum(const std::string& text, const SampleSpec& spec, std::string& error);
// v1's cpu.stat: nr_periods, nr_throttled, throttled_time (ns) into `c`.
bool parse_cgroup_v1_cpu_stat(const std::string& text, CpuCounters& c, std::string& error);
// /proc/PID/task/TID/status: its voluntary_ctxt_switches count.
std::optional<double> parse_voluntary_switches(const std::string& status_text, std::string& error);

// The pids in cgroup.procs of the cgroup directory `dir` and of every group below it, sorted,
// each once; nullopt when `dir` has no readable cgroup.procs. A group removed while it is listed
// is skipped.
std::optional<std::vector<long>> cgroup_pids(const std::string& dir);
// The sum of voluntary_ctxt_switches over the main threads of `pids`; a process that exited
// (its status unreadable) counts 0.
double main_thread_wakeups(const std::vector<long>& pids);

// Reads a source once (files, or an HTTP GET with a 2 s timeout for prometheus).
std::optional<CpuCounters> read_counters(const SampleSpec& spec, std::string& error);

struct SampleTrace {
  SampleSpec spec;
  std::vector<double> t_epoch;          // wall-clock time of each reading
  std::vector<CpuCounters> counters;
  std::uint64_t failed_reads = 0;
  std::string last_error;
};

// Reads every source every `interval` on its own thread, from start() to stop() (or at most
// `max_readings` readings per source, a bound on a run that never stops).
class ResourceSampler {
 public:
  ResourceSampler(std::vector<SampleSpec> specs, sim::Time interval, std::uint64_t max_readings);
  ~ResourceSampler();
  ResourceSampler(const ResourceSampler&) = delete;
  ResourceSampler& operator=(const ResourceSampler&) = delete;

  void start();
  void stop();
  // The readings so far; call after stop().
  const std::vector<SampleTrace>& traces() const { return traces_; }

 private:
  void read_all();

  std::vector<SampleTrace> traces_;
  sim::Time interval_;
  std::uint64_t max_readings_;
  struct Thread;
  std::unique_ptr<Thread> thread_;
};

// Per result interval k (from `started_epoch` + t_s[k], interval_s long): the vCPU in use,
// Δcpu_s / interval, from the readings interpolated linearly at both ends (NaN where the
// readings do not cover the interval), as timeseries.series["resources.<name>.cpu_vcpu"]; with
// CFS periods, the share throttled as "resources.<name>.throttled_ratio"; when every reading has
// wake-ups, Δwakeups / interval as "resources.<name>.wakeups_per_s" (NaN where the count fell
// between the readings that span the interval). load.samples.<name> gets the source, the
// readings, the failed reads and the measured window's totals.
void add_samples(reports::Result& result, const std::vector<SampleTrace>& traces, double started_epoch);

}  // namespace loadcast::loadgen
