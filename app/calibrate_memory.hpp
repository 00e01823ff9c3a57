// loadcast calibrate --memory / --db-connections: the service's memory model and the database
// connections its tasks hold, fitted from CloudWatch data of the same time as a load result.
//
// Memory (ECS MemoryUtilization, Average, percent of the task memory; the model's is
// models/web/ecs_service.cpp memory_percent): per CloudWatch period i,
//   U_i / 100 × tasks_i × memory = base × tasks_i + per_request × N_i
// with N_i the requests in progress by Little's law per second of the result (requests_per_s ×
// latency_mean_ms, averaged over the period). Non-negative least squares (app/nnls.hpp) gives
// `app_memory.base` (MiB per task) and `app_memory.per_request` (MiB per request in progress),
// with 95 % intervals (Student-t, σ² (AᵀA)⁻¹ over the free columns).
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html
//
// Database connections (RDS DatabaseConnections of the writer, Average): per period
//   connections_i = other + per_task × tasks_i
// (`other`: connections no task holds — monitoring, admin sessions). The model opens, per task
// and endpoint, at most `db_pool.size` connections, as many as its queries overlap, and closes
// those idle for `db_pool.idle_timeout` (models/web/connection_pool.hpp): the fitted per-task
// count is set against that size. With one task count in every period, `other` cannot be told
// from the tasks' share: the fit takes other = 0 and says so.
// [doc] https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
// Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/calibrate.hpp"

namespace loadcast::app {

struct ResourceFitOptions {
  std::string service;                // empty: the scenario's only service
  std::string memory_id;              // --memory: MemoryUtilization (Average, percent)
  std::string connections_id;         // --db-connections: DatabaseConnections of the writer (Average)
  std::string tasks_id;               // --tasks: RunningTaskCount, or
  std::optional<double> tasks_count;  // --tasks-count
};

struct Estimate {
  double value = 0.0;
  std::optional<double> low, high;  // 95 % interval; none at the bound 0 or without degrees of freedom
};

struct MemoryFit {
  std::string service;
  double memory_mib = 0.0;             // the task's memory
  Estimate base_mib, per_request_mib;
  double scenario_base_mib = 0.0, scenario_per_request_mib = 0.0;
  std::size_t periods = 0;
  double period_s = 0.0;
  double r2 = 0.0, rmse_mib = 0.0, mean_mib = 0.0;  // of the memory in use (all tasks)
  double mean_in_progress = 0.0;                    // requests in progress, mean over the periods
};

struct ConnectionsFit {
  std::string instance;                // the database's name
  std::string service;
  Estimate per_task, other;
  bool tasks_varied = false;           // false: `other` taken as 0
  int pool_size = 0;                   // the scenario's db_pool.size (per task and endpoint)
  std::size_t periods = 0;
  double r2 = 0.0, rmse = 0.0, mean = 0.0;
};

struct ResourceFit {
  std::optional<MemoryFit> memory;
  std::optional<ConnectionsFit> connections;
  std::vector<std::string> warnings;
};

// Throws InputError for data that does not fit the results (ids, periods outside the window,
// values out of range, a result without the latency_mean_ms series) and UsageError for options
// that do not fit the scenario.
ResourceFit fit_resources(const scenario::Scenario& sc, const std::vector<CalibrationInput>& inputs, const ResourceFitOptions& options);

// The overlay lines: `services.<svc>.app_memory.base` / `.per_request`, and for the connections a
// comment (and `db_pool.size` when the tasks hold more than the scenario's pool allows).
std::string resource_overlay_yaml(const ResourceFit& f);
// The printed lines.
std::string format_resource_fit(const ResourceFit& f);

}  // namespace loadcast::app
