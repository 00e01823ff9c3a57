// loadcast compare RESULT --cloudwatch DATA.json --tasks ID ...: predicted against observed over
// time (app/compare.hpp); prints the table and writes DIR/compare.json, compare.md, compare.html.
#include <cmath>
#include <cstdio>
#include <string>

#include "app/compare.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/scenario_file.hpp"
#include "reports/run_outputs.hpp"

namespace loadcast::cli {

ExitCode run_compare(int argc, char** argv) {
  Args args("compare",
            {
                {"cloudwatch", "", true, false, "FILE  aws cloudwatch get-metric-data output of the same time"},
                {"alb-logs", "", true, true, "FILE  ALB access logs of the same time (gzip or plain, repeatable): requests, 5xx and target latency per --period"},
                {"tasks", "", true, false, "ID  ECS/ContainerInsights RunningTaskCount, Average"},
                {"cpu", "", true, false, "ID  AWS/ECS CPUUtilization, Average (percent)"},
                {"memory", "", true, false, "ID  AWS/ECS MemoryUtilization, Average (percent)"},
                {"acu", "", true, false, "ID  AWS/RDS ServerlessDatabaseCapacity, Average"},
                {"latency-p50", "", true, false, "ID  AWS/ApplicationELB TargetResponseTime, statistic p50 (seconds)"},
                {"latency-p95", "", true, false, "ID  TargetResponseTime, statistic p95 (seconds)"},
                {"latency-p99", "", true, false, "ID  TargetResponseTime, statistic p99 (seconds)"},
                {"5xx", "", true, false, "ID  HTTPCode_Target_5XX_Count (+ HTTPCode_ELB_5XX_Count), Sum per period"},
                {"requests", "", true, false, "ID  AWS/ApplicationELB RequestCount, Sum per period"},
                {"service", "", true, false, "NAME  the service --tasks/--cpu/--memory measure (default: the result's only service)"},
                {"database", "", true, false, "NAME  the Serverless v2 instance --acu measures (default: the only one)"},
                {"start", "", true, false, "TIME  ISO-8601 wall-clock time of the simulated t=0 (default: a load result's start, else the first observed timestamp)"},
                {"period", "", true, false, "SECONDS  the CloudWatch period, when a series has fewer than two timestamps; with --alb-logs their period (default 60)"},
                {"task-step", "", true, false, "N  tasks a scale event moves at least (default 1)"},
                {"acu-step", "", true, false, "ACU  ACU a capacity event moves at least (default 0.5)"},
                {"max-lag", "", true, false, "SECONDS  scale events further apart are not paired (default 900)"},
                {"out", "o", true, false, "DIR  where compare.json, compare.md and compare.html go (default compare)"},
                {"quiet", "q", false, false, "print nothing but errors"},
                {"help", "h", false, false, "show this help"},
            });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast compare RESULT.json --cloudwatch DATA.json [--tasks ID] [--cpu ID] [--memory ID] [--acu ID]\n"
                "                        [--latency-p50 ID] [--latency-p95 ID] [--latency-p99 ID] [--5xx ID] [--requests ID]\n"
                "                        [--service NAME] [--database NAME] [--start TIME] [--out DIR]\n"
                "       loadcast compare RESULT.json --alb-logs FILE... [--period S] [--cloudwatch DATA.json --tasks ID ...]\n\n"
                "Puts a result's time series beside what CloudWatch observed, period by period: the error of each series\n"
                "(predicted - observed: mean, mean absolute percentage, largest) and the time difference of each pair of\n"
                "scale events of tasks and ACU. Writes DIR/compare.json, DIR/compare.md and DIR/compare.html.\n\n%s",
                args.help().c_str());
    return ExitCode::kOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expected one RESULT.json (from loadcast sim or loadcast load)");
  const auto alb_logs = args.get_all("alb-logs");
  if (!args.has("cloudwatch") && alb_logs.empty()) {
    throw UsageError("--cloudwatch DATA.json (aws cloudwatch get-metric-data output) or --alb-logs FILE is required");
  }
  app::CloudWatchIds ids;
  for (const auto m : app::all_metrics()) {
    const std::string flag = std::string(app::info(m).flag).substr(2);
    if (auto id = args.get(flag)) ids[m] = *id;
  }
  if (!args.has("cloudwatch") && !ids.empty()) throw UsageError(std::string(app::info(ids.begin()->first).flag) + " names a CloudWatch Id: give --cloudwatch DATA.json too");
  if (args.has("cloudwatch") && ids.empty()) {
    throw UsageError("give at least one series to compare: --tasks, --cpu, --memory, --acu, --latency-p50, --latency-p95, --latency-p99, --5xx or --requests");
  }
  app::CompareOptions options;
  options.service = args.get("service").value_or("");
  options.database = args.get("database").value_or("");
  if (auto start = args.get("start")) {
    options.start_epoch = app::parse_iso8601(*start);
    if (!options.start_epoch) throw UsageError("--start " + *start + ": not an ISO-8601 time with a zone (e.g. 2026-12-05T08:00:00Z)");
  }
  const auto period = args.get_double("period");
  if (period && !(*period > 0.0 && std::isfinite(*period))) throw UsageError("--period must be a number of seconds above 0");
  for (const char* flag : {"task-step", "acu-step", "max-lag"}) {
    if (auto v = args.get_double(flag); v && !(*v > 0.0 && std::isfinite(*v))) throw UsageError(std::string("--") + flag + " must be above 0");
  }
  options.task_step = args.get_double("task-step").value_or(options.task_step);
  options.acu_step = args.get_double("acu-step").value_or(options.acu_step);
  options.max_lag_s = args.get_double("max-lag").value_or(options.max_lag_s);
  const std::string dir = args.get("out").value_or("compare");
  check_output(dir);

  const std::string& result_path = args.positionals()[0];
  try {
    reports::Result result;
    try {
      result = reports::load_result(result_path);
    } catch (const std::runtime_error& e) {
      throw app::InputError(e.what());
    }
    app::ObservedData observed;
    if (args.has("cloudwatch")) observed = app::observed_from_cloudwatch(app::read_cloudwatch(*args.get("cloudwatch")), ids, period);
    if (!alb_logs.empty()) {
      // The logs give requests, 5xx and the latency percentiles, except those CloudWatch gives.
      std::vector<app::ObservedMetric> from_cloudwatch;
      for (const auto& entry : ids) from_cloudwatch.push_back(entry.first);
      auto logs = app::observed_from_alb_logs(alb_logs, period.value_or(60.0), from_cloudwatch);
      observed.files.insert(observed.files.end(), logs.files.begin(), logs.files.end());
      for (auto& s : logs.series) observed.series.push_back(std::move(s));
    }
    const auto comparison = app::compare_timelines(result, result_path, observed, options);
    reports::write_text_file(dir + "/compare.json", comparison.json().dump(2) + "\n");
    reports::write_text_file(dir + "/compare.md", comparison.markdown());
    reports::write_text_file(dir + "/compare.html", comparison.html());
    if (!args.has("quiet")) {
      std::fputs(comparison.text().c_str(), stdout);
      std::printf("wrote %s/compare.json, %s/compare.md, %s/compare.html\n", dir.c_str(), dir.c_str(), dir.c_str());
    }
  } catch (const app::InputError& e) {
    std::fprintf(stderr, "loadcast compare: %s\n", e.what());
    return ExitCode::kUsage;
  }
  return ExitCode::kOk;
}

}  // namespace loadcast::cli
