// loadcast calibrate: fit per-class CPU demands from load results and CloudWatch data, write
// them as an overlay (app/calibrate.hpp).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <optional>
#include <string>
#include <vector>

#include "app/calibrate.hpp"
#include "app/calibrate_memory.hpp"
#include "app/calibrate_timing.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/load_options.hpp"
#include "cli/scenario_file.hpp"
#include "reports/format.hpp"
#include "reports/run_outputs.hpp"

namespace loadcast::cli {

namespace {

// --shape keep|fit|empirical into the options.
void shape_option(const Args& args, app::CalibrateOptions& options) {
  const std::string shape = args.get("shape").value_or("keep");
  if (shape != "keep" && shape != "fit" && shape != "empirical") throw UsageError("--shape must be keep, fit or empirical, got '" + shape + "'");
  options.fit_shape = shape == "fit";
  options.empirical_shape = shape == "empirical";
}

// --shape empirical: each fitted class's hold shape at its demand as PREFIX.<class>.cpu.csv,
// named in the overlay by its absolute path (an overlay's relative paths would be read from the
// scenario's directory, not the overlay's).
void write_hold_files(app::Calibration& c, const std::string& prefix) {
  if (!c.empirical_shape) return;
  for (auto& f : c.classes) {
    if (f.hold_shape.empty() || !f.ran || !(f.demand_s > 0.0)) continue;
    const std::string path = prefix + "." + f.name + ".cpu.csv";
    reports::write_text_file(path, app::hold_csv(f));
    f.hold_file = std::filesystem::absolute(path).lexically_normal().string();
  }
}

// The fit, the overlay and the printed table, for inputs from files or from the protocol.
// OUT without its .yaml, for the bounds' names.
std::string stem(const std::string& out) {
  const std::string ext = ".yaml";
  return out.size() > ext.size() && out.compare(out.size() - ext.size(), ext.size(), ext) == 0 ? out.substr(0, out.size() - ext.size()) : out;
}

// Before any run or read: the overlay and, with --bounds, its two bounds can be written.
void check_overlay_outputs(const std::string& out, bool bounds) {
  check_output(out, true);
  if (bounds) {
    for (const char* which : {".low.yaml", ".high.yaml"}) check_output(stem(out) + which, true);
  }
}

ExitCode fit_and_write(const scenario::Scenario& sc, const std::vector<app::CalibrationInput>& inputs, const app::CalibrateOptions& options,
                       const std::vector<std::string>& sources, const std::string& out, bool quiet, bool bounds, const Args& args) {
  // --fit-overhead: the classes' reported handler times (read once the inputs are there) are
  // known CPU; the fit is then one overhead per request.
  app::CalibrateOptions fit_options =
      args.has("fit-overhead") ? app::with_reported_handlers(sc, inputs, options, *args.get("handler-metric")) : options;
  // The scenario as calibrated so far: its --overlay/--set, then `overlay`.
  const auto calibrated = [&](const std::string& overlay) {
    const std::string draft = out + ".draft";
    reports::write_text_file(draft, overlay);
    auto overrides = scenario_overrides(args);
    const auto fitted = scenario::read_overlay(draft);
    std::remove(draft.c_str());
    overrides.insert(overrides.end(), fitted.begin(), fitted.end());
    return overrides;
  };
  // --fit-wakeup with wakeup_cold_after: each run's cold share from a simulation of it, first with
  // the scenario's demands, then again with the fitted ones (the loop's idle periods depend on them).
  if (args.has("fit-wakeup")) fit_options.cold_wakeup_share = app::cold_wakeup_shares(sc, scenario_overrides(args), inputs, options.service);
  auto calibration = app::calibrate(sc, inputs, fit_options);
  write_hold_files(calibration, stem(out));
  if (!fit_options.cold_wakeup_share.empty()) {
    fit_options.cold_wakeup_share = app::cold_wakeup_shares(sc, calibrated(app::overlay_yaml(sc, calibration, sources)), inputs, options.service);
    calibration = app::calibrate(sc, inputs, fit_options);
    write_hold_files(calibration, stem(out));
  }
  std::string overlay = app::overlay_yaml(sc, calibration, sources);
  std::optional<app::LatencyFit> latency;
  if (args.has("fit-latency")) {
    latency = app::fit_latency(sc, calibrated(overlay), inputs, calibration);
    overlay += app::latency_overlay_yaml(*latency);
  }
  // --memory / --db-connections: CloudWatch only (the run's resource samples have no memory).
  app::ResourceFitOptions ro;
  ro.service = options.service;
  ro.memory_id = args.get("memory").value_or("");
  ro.connections_id = args.get("db-connections").value_or("");
  ro.tasks_id = options.tasks_id;
  ro.tasks_count = options.tasks_count;
  const auto resources = app::fit_resources(sc, inputs, ro);
  overlay += app::resource_overlay_yaml(resources);
  // After the latency fit, whose one simulation is the point prediction.
  const auto uncertainty = app::demand_uncertainty(inputs, calibration);
  overlay += app::demand_uncertainty_yaml(calibration, uncertainty);
  reports::write_text_file(out, overlay);
  if (bounds) {
    for (const char* which : {"low", "high"}) {
      auto at = app::at_bound(calibration, which);
      write_hold_files(at, stem(out) + "." + which);
      reports::write_text_file(stem(out) + "." + which + ".yaml", app::overlay_yaml(sc, at, sources));
    }
  }
  // Once the fit is written: inputs without the metric (an error) do not lose it.
  std::optional<app::HandlerOverhead> overhead;
  if (const auto metric = args.get("handler-metric")) {
    overhead = app::handler_overhead(inputs, calibration, *metric);
    overlay += app::handler_overhead_yaml(*overhead);
    reports::write_text_file(out, overlay);
  }
  if (!quiet) {
    std::fputs(app::format_calibration(calibration).c_str(), stdout);
    if (latency) std::fputs(app::format_latency_fit(*latency).c_str(), stdout);
    std::fputs(app::format_resource_fit(resources).c_str(), stdout);
    if (uncertainty.sd) {
      std::printf("demand uncertainty: services.%s.cpu_demand_sd %.4g (the classes' relative standard errors weighted by CPU share): "
                  "predict with --replications 10 or more\n",
                  calibration.service.c_str(), *uncertainty.sd);
    }
    if (overhead) std::fputs(app::format_handler_overhead(*overhead).c_str(), stdout);
    std::printf("wrote %s (apply with: loadcast sim %s --overlay %s)\n", out.c_str(), sc.path.c_str(), out.c_str());
    if (bounds) {
      std::printf("wrote %s.low.yaml and %s.high.yaml: the same scenario at the ends of the demands' intervals, for the prediction's sensitivity\n",
                  stem(out).c_str(), stem(out).c_str());
    }
  }
  return ExitCode::kOk;
}

// --target: the protocol (app::run_protocol), then the fit from the runs' own samples.
ExitCode run_calibrate_target(const Args& args) {
  if (!args.positionals().empty()) throw UsageError("--target runs its own loads: give no RESULT.json with it");
  for (const char* other : {"cloudwatch", "sampled", "cpu", "tasks", "tasks-count", "start", "db-cpu", "db-acu", "db-sampled", "memory", "db-connections"}) {
    if (args.has(other)) throw UsageError(std::string("--") + other + " is for fitting given results, not --target");
  }
  if (!args.has("scenario")) throw UsageError("--scenario S.yaml is required: its workload is what the runs send");
  if (!args.has("sample")) throw UsageError("--target needs --sample NAME=SOURCE: the target's CPU (cgroup:DIR, pid:PID or prometheus:URL)");
  if (!args.has("rate")) throw UsageError("--target needs --rate R: the requests/s of each run (low: about 0.2 of the target's capacity)");
  auto spec = loadgen::parse_sample_spec(*args.get("sample"));
  if (!spec.value) throw UsageError(spec.error);
  app::TargetProtocol protocol;
  protocol.target = *args.get("target");
  protocol.sample = *spec.value;
  if (const auto db = args.get("db-sample")) {
    auto db_spec = loadgen::parse_sample_spec(*db);
    if (!db_spec.value) throw UsageError(db_spec.error);
    if (db_spec.value->name == protocol.sample.name) throw UsageError("--db-sample needs a name of its own (--sample is also " + protocol.sample.name + ")");
    protocol.db_sample = *db_spec.value;
  }
  protocol.service = args.get("service").value_or("");
  protocol.rate = *args.get_double("rate");
  if (const auto d = args.get_duration_ns("run-duration")) protocol.run_s = static_cast<double>(*d) / 1e9;
  if (const auto d = args.get_duration_ns("warmup")) protocol.warmup_s = static_cast<double>(*d) / 1e9;
  if (!(protocol.warmup_s >= 0.0)) throw UsageError("--warmup must be a duration of 0s or more");
  protocol.runs_dir = args.get("runs-dir").value_or("calibration-runs");
  const std::string out = args.get("out").value_or("calibration.yaml");
  check_overlay_outputs(out, args.has("bounds"));
  check_output(protocol.runs_dir);
  const auto sc = read_scenario(*args.get("scenario"), args);
  if (!sc) return ExitCode::kUsage;
  app::CalibrateOptions options;
  options.service = protocol.service;
  options.sample = protocol.sample.name;
  if (protocol.db_sample) options.db_sample = protocol.db_sample->name;
  shape_option(args, options);
  options.background = args.has("background");
  options.fit_wakeup = args.has("fit-wakeup");
  // The background and the wake-up CPU both need a second rate.
  protocol.half_rate = options.background || options.fit_wakeup;
  // The wake-up CPU needs runs whose requests find the loop busy at the same low utilisation:
  // batches of 4 per task behind the load balancer's round robin.
  if (options.fit_wakeup) protocol.batch_per_task = 4;
  // Six periods per run by default (whole seconds, 1 to 10 s).
  options.sample_period_s = args.get_double("period").value_or(std::clamp(std::floor(protocol.run_s / 6.0), 1.0, 10.0));
  const bool quiet = args.has("quiet");
  install_stop_handlers();
  try {
    const auto inputs = app::run_protocol(*sc, protocol, stop_flag(), [&](const std::string& line) {
      if (!quiet) std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    });
    std::vector<std::string> sources;
    for (const auto& in : inputs) sources.push_back(in.result_path + " (its --sample " + protocol.sample.name + " series)");
    return fit_and_write(*sc, inputs, options, sources, out, quiet, args.has("bounds"), args);
  } catch (const app::InputError& e) {
    std::fprintf(stderr, "loadcast calibrate: %s\n", e.what());
    return ExitCode::kUsage;
  }
}

// --handler-metric NAME: a Server-Timing metric name is an HTTP token.
void check_handler_metric(const Args& args) {
  const auto name = args.get("handler-metric");
  if (!name) return;
  if (const auto problem = app::handler_metric_problem(*name); !problem.empty()) throw UsageError("--handler-metric " + problem);
}

}  // namespace

ExitCode run_calibrate(int argc, char** argv) {
  Args args("calibrate",
            {
                {"cloudwatch", "", true, true, "FILE  aws cloudwatch get-metric-data output for the RESULT in the same position (repeatable)"},
                {"sampled", "", true, false, "NAME  the CPU in use from each RESULT's own --sample NAME series instead of CloudWatch"},
                {"period", "", true, false, "SECONDS  with --sampled: the length of each equation's period (default 10)"},
                {"target", "", true, false, "URL  run the protocol against URL (short runs with varied mixes, sampling --sample), then fit"},
                {"sample", "", true, false, "NAME=SOURCE  with --target: the CPU to sample (cgroup:DIR, pid:PID or prometheus:URL)"},
                {"rate", "", true, false, "R  with --target: requests/s of each run (a low rate: utilisation about 0.2)"},
                {"run-duration", "", true, false, "D  with --target: each run's length (default 30s)"},
                {"warmup", "", true, false, "D  with --target: first an unmeasured run of the mix at --rate for D (a freshly started target is slower than a warm one)"},
                {"runs-dir", "", true, false, "DIR  with --target: where each run's files go (default calibration-runs)"},
                {"bounds", "", false, false, "also write OUT.low.yaml and OUT.high.yaml: every demand at the low / high end of its 95 % interval"},
                {"shape", "", true, false, "keep|fit|empirical  keep each cpu step's distribution (scaled; default), write the fitted family (const, exp or gamma), or the shape of the lowest load's latencies (OUT-stem.CLASS.cpu.csv, empirical)"},
                {"cpu", "", true, false, "ID  the Id of the ECS CPUUtilization query (Average, percent of the reserved CPU; required)"},
                {"db-cpu", "", true, false, "ID  also fit database.query.read/.write: the Id of RDS CPUUtilization of the writer (percent)"},
                {"db-acu", "", true, false, "ID  with --db-cpu on Serverless v2: the Id of ServerlessDatabaseCapacity (Average)"},
                {"background", "", false, false, "also fit each task's background CPU (the intercept of the demand law; with --target adds a run at half the rate)"},
                {"memory", "", true, false, "ID  also fit app_memory.base and .per_request: the Id of ECS MemoryUtilization (Average, percent)"},
                {"db-connections", "", true, false, "ID  also fit the connections per task: the Id of RDS DatabaseConnections of the writer (Average)"},
                {"fit-latency", "", false, false, "also fit load_balancer.latency and database.round_trip: the measured minus the simulated mean latency at the lowest load"},
                {"handler-metric", "", true, false, "NAME  the Server-Timing metric of the app's handler: prints CPU per request minus it (the framework's overhead)"},
                {"fit-overhead", "", false, false, "with --handler-metric: take each class's reported handler time as known CPU and fit one framework overhead per request on top"},
                {"fit-wakeup", "", false, false, "with --sampled or --target: also fit the CPU of one wake-up of an idle event loop (services.S.wakeup_cpu) from the wake-ups the sample counted; with --target adds a run at half the rate"},
                {"db-sample", "", true, false, "NAME=SOURCE  with --target: the database's CPU too (fits database.query.read/.write)"},
                {"db-sampled", "", true, false, "NAME  with --sampled: the database's CPU from each RESULT's own --sample NAME series"},
                {"tasks", "", true, false, "ID  the Id of the RunningTaskCount query (Container Insights)"},
                {"tasks-count", "", true, false, "N  a constant task count instead of --tasks"},
                {"scenario", "", true, false, "FILE  the scenario the demands are written for (required)"},
                {"service", "", true, false, "NAME  the service the CPU data measures (default: the scenario's only service)"},
                {"start", "", true, true, "TIME  ISO-8601 start of the RESULT in the same position (default: its load.started_epoch)"},
                {"set", "", true, true, "PATH=VALUE  override a scenario key (repeatable)"},
                {"out", "o", true, false, "FILE  the overlay to write (default calibration.yaml)"},
                {"quiet", "q", false, false, "print nothing but errors"},
                {"help", "h", false, false, "show this help"},
            });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast calibrate RESULT.json... --cloudwatch DATA.json... --cpu ID (--tasks ID | --tasks-count N)\n"
                "                          --scenario S.yaml [--service NAME] [--out overlay.yaml]\n"
                "       loadcast calibrate RESULT.json... --sampled NAME [--period S] --scenario S.yaml [...]\n"
                "       loadcast calibrate --target URL --sample NAME=SOURCE --rate R --scenario S.yaml [--run-duration D] [...]\n\n"
                "Fits each request class's CPU demand per request from load results and the CloudWatch data of the\n"
                "same time (service demand law, non-negative least squares; several results are fitted together),\n"
                "prints it with its 95 %% interval, and writes an overlay for loadcast sim --overlay.\n\n%s",
                args.help().c_str());
    return ExitCode::kOk;
  }
  check_handler_metric(args);
  if (args.has("fit-overhead") && !args.has("handler-metric")) {
    throw UsageError("--fit-overhead takes each class's handler time from --handler-metric NAME: give both");
  }
  if (args.has("target")) return run_calibrate_target(args);
  for (const char* only : {"sample", "db-sample", "rate", "run-duration", "runs-dir", "warmup"}) {
    if (args.has(only)) throw UsageError(std::string("--") + only + " is for --target (the protocol loadcast runs itself)");
  }
  const auto& results = args.positionals();
  const auto data = args.get_all("cloudwatch");
  const auto starts = args.get_all("start");
  if (results.empty()) throw UsageError("expected at least one RESULT.json (from loadcast load), or --target URL");
  const auto sampled = args.get("sampled");
  if (sampled) {
    if (!data.empty()) throw UsageError("--sampled reads the CPU from the results themselves: give no --cloudwatch with it");
    for (const char* cw : {"memory", "db-connections"}) {
      if (args.has(cw)) throw UsageError(std::string("--") + cw + " names a CloudWatch Id: give --cloudwatch data (the --sample series have no memory or connections)");
    }
  } else if (args.has("period")) {
    throw UsageError("--period is for --sampled (CloudWatch data has its own period)");
  } else if (data.size() != results.size()) {
    throw UsageError("give one --cloudwatch DATA.json per RESULT.json, in the same order (" + std::to_string(results.size()) +
                     " results, " + std::to_string(data.size()) + " --cloudwatch)");
  }
  if (!starts.empty() && starts.size() != results.size()) {
    throw UsageError("give --start once per RESULT.json, in the same order, or not at all");
  }
  if (!args.has("scenario")) throw UsageError("--scenario S.yaml is required: the overlay sets that scenario's keys");
  app::CalibrateOptions options;
  options.service = args.get("service").value_or("");
  options.cpu_id = args.get("cpu").value_or("");
  options.tasks_id = args.get("tasks").value_or("");
  options.tasks_count = args.get_double("tasks-count");
  options.sample = sampled.value_or("");
  shape_option(args, options);
  options.background = args.has("background");
  options.fit_wakeup = args.has("fit-wakeup");
  if (options.fit_wakeup && !sampled) throw UsageError("--fit-wakeup needs --sampled NAME: CloudWatch has no count of an event loop's wake-ups (loadcast load --sample counts them)");
  options.db_cpu_id = args.get("db-cpu").value_or("");
  options.db_acu_id = args.get("db-acu").value_or("");
  options.db_sample = args.get("db-sampled").value_or("");
  if (!options.db_acu_id.empty() && options.db_cpu_id.empty()) throw UsageError("--db-acu goes with --db-cpu");
  if (const auto period = args.get_double("period")) options.sample_period_s = *period;
  if (options.tasks_count && !(*options.tasks_count > 0.0)) throw UsageError("--tasks-count must be above 0");
  const std::string out = args.get("out").value_or("calibration.yaml");
  check_overlay_outputs(out, args.has("bounds"));

  const auto sc = read_scenario(*args.get("scenario"), args);
  if (!sc) return ExitCode::kUsage;
  try {
    std::vector<app::CalibrationInput> inputs;
    for (std::size_t i = 0; i < results.size(); ++i) {
      app::CalibrationInput in;
      in.result_path = results[i];
      try {
        in.result = reports::load_result(results[i]);
      } catch (const std::runtime_error& e) {
        throw app::InputError(e.what());
      }
      if (!starts.empty()) {
        in.start_epoch = app::parse_iso8601(starts[i]);
        if (!in.start_epoch) throw UsageError("--start " + starts[i] + ": not an ISO-8601 time with a zone (e.g. 2026-12-05T08:00:00Z)");
      } else if (in.result.sections.contains("load")) {
        const auto& load = in.result.sections["load"];
        if (load.contains("started_epoch") && load["started_epoch"].is_number()) in.start_epoch = load["started_epoch"].get<double>();
      }
      if (!sampled) in.cloudwatch = app::read_cloudwatch(data[i]);
      inputs.push_back(std::move(in));
    }
    std::vector<std::string> sources;
    for (std::size_t i = 0; i < results.size(); ++i) {
      sources.push_back(results[i] + (sampled ? " (its --sample " + *sampled + " series)" : " with " + data[i]));
    }
    return fit_and_write(*sc, inputs, options, sources, out, args.has("quiet"), args.has("bounds"), args);
  } catch (const app::InputError& e) {
    std::fprintf(stderr, "loadcast calibrate: %s\n", e.what());
    return ExitCode::kUsage;
  }
  return ExitCode::kOk;
}

}  // namespace loadcast::cli
