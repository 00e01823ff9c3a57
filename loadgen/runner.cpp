#include "loadgen/runner.hpp"

#include <barrier>
#include <cmath>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "loadgen/clock.hpp"
#include "loadgen/fd_limit.hpp"
#include "loadgen/request_plan.hpp"
#include "loadgen/worker.hpp"

namespace loadcast::loadgen {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr sim::Time kStartMargin = 20 * sim::kMillisecond;

std::vector<tcp::endpoint> resolve(const Url& url) {
  asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve host '" + url.host + "': " + (ec ? ec.message() : "no addresses"));
  }
  std::vector<tcp::endpoint> out;
  for (const auto& r : results) out.push_back(r.endpoint());
  return out;
}

std::uint64_t split(std::uint64_t total, std::uint64_t parts, std::uint64_t index) {
  return total / parts + (index < total % parts ? 1 : 0);
}

// Work to split over threads: open model — this process's connections; closed model — this
// shard's share of the peak user count.
std::uint64_t work_units(const LoadConfig& config) {
  if (config.workload.is_open()) return config.connections;
  const auto& closed = std::get<workload::ClosedWorkload>(config.workload.model);
  const auto peak = static_cast<std::uint64_t>(std::ceil(closed.users.max_value() - 1e-9));
  return users_for(peak, SliceId{config.shard, config.shards, 0, 1});
}

std::vector<std::string> class_names(const LoadConfig& config) {
  std::vector<std::string> names;
  for (const auto& c : config.workload.classes) names.push_back(c.name);
  return names;
}

LoadTotals empty_totals(const LoadConfig& config) {
  LoadTotals totals(class_names(config));
  for (const auto& f : config.workload.flows) {
    std::vector<std::string> checks, steps;
    for (const auto* part : {&f.setup, &f.steps}) {
      for (const auto& s : *part) {
        for (const auto& c : s.checks) checks.push_back(c.name);
        steps.push_back(part == &f.setup ? "setup:" + s.name : s.name);
      }
    }
    totals.add_flow(f.name, checks, steps);
  }
  return totals;
}

}  // namespace

LoadInfo describe_run(const LoadConfig& config) {
  LoadInfo info;
  const bool open = config.workload.is_open();
  const std::uint64_t units = work_units(config);
  info.scenario = config.scenario;
  info.target = config.label.empty() ? config.target.text() : config.label;
  info.model = open ? "open" : "closed";
  info.engine = engine_name(config.engine_kind());
  info.seed = config.seed;
  info.warmup_s = sim::to_seconds(config.warmup);
  info.duration_s = sim::to_seconds(config.duration - config.warmup);
  info.drain_s = sim::to_seconds(config.drain_time());
  info.threads = std::max<std::uint64_t>(1, std::min(config.threads, units));
  if (open) {
    info.connections = config.connections;
    const auto& rate = std::get<workload::OpenWorkload>(config.workload.model).rate;
    info.target_rps = (rate.integral(config.duration) - rate.integral(config.warmup)) / info.duration_s /
                      static_cast<double>(config.shards);
  } else {
    // Each user is one request slot: a connection, or one stream of an HTTP/2 connection.
    const std::uint64_t streams = config.streams_per_connection();
    info.users = units;
    info.connections = (units + streams - 1) / streams;
  }
  info.overload = config.overload == OverloadPolicy::kQueue ? "queue" : "drop";
  info.max_backlog = config.max_backlog;
  info.shards = config.shards;
  info.shard_indices = {config.shard};
  info.start_epoch = config.start_at;
  info.fingerprint = config.fingerprint();
  for (const auto& c : config.workload.classes) {
    if (c.http.expect_status) info.expect_status[c.name] = *c.http.expect_status;
  }
  return info;
}

reports::Result skeleton_result(const LoadConfig& config) {
  return build_result(empty_totals(config), describe_run(config));
}

std::uint64_t peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

RunOutput run_load(const LoadConfig& config, const std::atomic<bool>& stop) {
  const auto problems = config.validate();
  if (!problems.empty()) throw std::invalid_argument(problems.front());
  const FlowPlan flows = FlowPlan::build(config.workload.flows, config.workload.classes);
  const RequestPlan plan = RequestPlan::build(config.target, config.workload.classes, flows.variables());
  const std::vector<tcp::endpoint> endpoints = config.use_curl() ? std::vector<tcp::endpoint>{} : resolve(config.target);


  const bool open = config.workload.is_open();
  const std::uint64_t units = work_units(config);
  const std::uint64_t threads = std::max<std::uint64_t>(1, std::min(config.threads, units));

  // Before any connection: every one of them needs a descriptor (fd_limit.hpp).
  const std::uint64_t connections = describe_run(config).connections;
  const std::string asked = open || config.scenario.empty() ? "-c " + std::to_string(config.connections)
                                                            : "workload.users " + std::to_string(units);
  const FdLimit fd_limit = ensure_fd_limit(fds_needed(connections, threads), connections, asked);

  std::vector<std::unique_ptr<Worker>> workers;
  for (std::uint64_t j = 0; j < threads; ++j) {
    const SliceId slice{config.shard, config.shards, j, threads};
    std::uint64_t slots = 0;
    if (open) {
      slots = split(config.connections, threads, j) * config.streams_per_connection();
    } else {
      const auto& closed = std::get<workload::ClosedWorkload>(config.workload.model);
      slots = users_for(static_cast<std::uint64_t>(std::ceil(closed.users.max_value() - 1e-9)), slice);
    }
    workers.push_back(std::make_unique<Worker>(config, plan, endpoints, slice, slots, stop, &flows));
  }

  sim::Time t0 = 0;
  double started_epoch = 0.0;
  std::exception_ptr start_failure;
  const auto pick_start = [&]() noexcept {
    try {
      t0 = config.start_at ? steady_at_epoch(*config.start_at) : steady_now() + kStartMargin;
      started_epoch = wall_now_s() + sim::to_seconds(t0 - steady_now());
    } catch (...) {
      start_failure = std::current_exception();
    }
  };
  std::barrier ready(static_cast<std::ptrdiff_t>(threads), pick_start);
  const sim::Time connect_budget = std::min<sim::Time>(config.engine.timeout, 10 * sim::kSecond);
  std::vector<std::exception_ptr> failures(threads);
  std::vector<std::thread> pool;
  for (std::uint64_t j = 0; j < threads; ++j) {
    pool.emplace_back([&, j] {
      Worker& w = *workers[j];
      try {
        w.prepare(connect_budget);
      } catch (...) {
        failures[j] = std::current_exception();
      }
      ready.arrive_and_wait();
      if (failures[j] || start_failure) return;
      try {
        w.run(t0);
      } catch (...) {
        failures[j] = std::current_exception();
      }
    });
  }
  for (auto& t : pool) t.join();
  if (start_failure) std::rethrow_exception(start_failure);
  for (const auto& f : failures) {
    if (f) std::rethrow_exception(f);
  }

  RunOutput out;
  out.totals = empty_totals(config);
  LoadInfo& info = out.info;
  info = describe_run(config);
  info.threads = threads;
  info.started_epoch = started_epoch;
  info.fds_needed = fd_limit.needed;
  info.fd_limit = fd_limit.soft;
  info.fd_limit_raised_from = fd_limit.raised_from;
  sim::Time end = t0 + config.duration;
  for (auto& w : workers) {
    out.totals.add_worker(w->metrics(), w->in_flight_by_class());
    const auto& rep = w->report();
    info.cpu_s += rep.cpu_s;
    info.wall_s = std::max(info.wall_s, rep.wall_s);
    if (rep.wall_s > 0.0) info.max_thread_utilization = std::max(info.max_thread_utilization, rep.cpu_s / rep.wall_s);
    info.preconnect_failures += rep.preconnect_failures;
    info.connect_backoffs += rep.connect_backoffs;
    info.connection_events.add(rep.events);
    info.open_connections_peak += rep.open_connections_peak;
    if (rep.end > 0 && rep.end < end) end = rep.end;
  }
  info.stopped_early = stop.load();
  const sim::Time measured_from = t0 + config.warmup;
  info.duration_s = sim::to_seconds(std::max<sim::Time>(0, end - measured_from));
  info.target_rps = 0.0;
  if (open && end > measured_from) {
    const auto& rate = std::get<workload::OpenWorkload>(config.workload.model).rate;
    // This shard's share of the schedule's mean rate over the measured span actually run.
    const double arrivals = rate.integral(end - t0) - rate.integral(config.warmup);
    info.target_rps = arrivals / sim::to_seconds(end - measured_from) / static_cast<double>(config.shards);
  }
  info.rss_peak_kib = peak_rss_kib();
  out.result = build_result(out.totals, info);
  assess(out.totals, info);
  return out;
}

}  // namespace loadcast::loadgen
