// loadcast validate: run a scenario's load against a target and its simulation, and report
// predicted against measured (app/validate.hpp).
#include <cstdio>
#include <filesystem>
#include <string>

#include "app/calibrate_timing.hpp"
#include "app/validate.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/load_options.hpp"
#include "cli/scenario_file.hpp"
#include "loadgen/summary.hpp"
#include "reports/run_outputs.hpp"
#include "workload/schedule.hpp"

namespace loadcast::cli {

namespace {

std::vector<double> parse_rates(const std::string& text) {
  std::vector<double> rates;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    try {
      std::size_t used = 0;
      const double r = std::stod(item, &used);
      if (used != item.size() || !(r > 0.0) || r > workload::kMaxRate) throw std::invalid_argument("rate");
      rates.push_back(r);
    } catch (const std::exception&) {
      throw UsageError("--rates " + text + ": '" + item + "' is not a rate above 0 (requests/s; e.g. --rates 20,40,60)");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return rates;
}

// --rates: one validation per rate and repetition, each in DIR/rate-<R>/rep-<k>, then the
// ladder's medians and spreads in DIR/ladder.json.
ExitCode run_ladder(const Args& args, const scenario::Scenario& sc, const app::ValidateOptions& options) {
  if (!sc.workload.is_open()) throw UsageError("--rates sets the arrival rate: the scenario's workload must have arrivals (not users)");
  const auto rates = parse_rates(*args.get("rates"));
  const auto repeat = args.get_u64("repeat").value_or(1);
  if (repeat < 1 || repeat > 100) throw UsageError("--repeat must be between 1 and 100, got " + std::to_string(repeat));
  const std::string dir = args.get("out").value_or("out");
  check_output(dir);
  const bool quiet = args.has("quiet");
  install_stop_handlers();
  std::vector<app::LadderStep> steps;
  for (double rate : rates) {
    app::LadderStep step;
    step.rate = rate;
    for (std::uint64_t k = 0; k < repeat; ++k) {
      scenario::Scenario run = sc;
      std::get<workload::OpenWorkload>(run.workload.model).rate = workload::RateSchedule({{0, rate}});
      run.seed = sc.seed + k;
      loadgen::LoadConfig config = app::validation_load(run, *args.get("target"), args.has("connections"));
      apply_load_options(args, config);
      char sub[96];
      std::snprintf(sub, sizeof sub, "/rate-%g/rep-%llu", rate, static_cast<unsigned long long>(k + 1));
      if (!quiet) {
        std::printf("rate %g requests/s, repetition %llu of %llu (seed %llu) -> %s%s\n", rate, static_cast<unsigned long long>(k + 1),
                    static_cast<unsigned long long>(repeat), static_cast<unsigned long long>(run.seed), dir.c_str(), sub);
        std::fflush(stdout);
      }
      auto validation = app::validate(run, config, options, stop_flag());
      if (!validation) {
        std::fprintf(stderr, "loadcast validate: stopped early during rate %g, repetition %llu; no ladder written\n", rate,
                     static_cast<unsigned long long>(k + 1));
        return ExitCode::kInterrupted;
      }
      if (options.oracle) {
        std::filesystem::create_directories(dir + sub);
        app::add_oracle(run, config, options, *validation, dir + sub + "/oracle-overlay.yaml");
      }
      app::write_validation(*validation, dir + sub);
      if (!validation->measured.result.requests.balanced()) {
        std::fprintf(stderr, "loadcast validate: the counts of %s%s/load do not balance\n", dir.c_str(), sub);
        return ExitCode::kFailure;
      }
      step.runs.push_back(validation->report);
    }
    steps.push_back(std::move(step));
  }
  reports::write_text_file(dir + "/ladder.json", app::ladder_json(steps, options.tolerance).dump(2) + "\n");
  if (!quiet) {
    std::printf("\npredicted (simulation) vs measured (load), per rate:\n%s", app::ladder_text(steps, options.tolerance).c_str());
    std::printf("wrote %s/ladder.json and each run's validation.json, load/ and sim/ under %s/rate-*/rep-*\n", dir.c_str(), dir.c_str());
  }
  return app::ladder_passed(steps, options.tolerance) ? ExitCode::kOk : ExitCode::kThresholds;
}

}  // namespace

ExitCode run_validate(int argc, char** argv) {
  auto specs = load_option_specs();
  specs.insert(specs.begin(),
               {
                   {"target", "", true, false, "URL  origin the scenario's paths go to (required)"},
                   {"replications", "r", true, false,
                    "R  simulation replications (default 1: replication 0 shares the load's arrival stream)"},
                   {"max-error", "", true, false, "PCT  fail (exit 99) when throughput or a latency percentile is off by more"},
                   {"overlay", "", true, true, "FILE  apply a YAML file of PATH: VALUE overrides before --set, e.g. from loadcast calibrate (repeatable)"},
                   {"sample", "", true, true, "NAME=SOURCE  also compare the target's CPU in use, read from cgroup:DIR, pid:PID or prometheus:URL (repeatable)"},
                   {"service", "", true, false, "NAME  the service --sample measures (default: the scenario's only service)"},
                   {"oracle", "", false, false, "with --sample: also re-predict each run with the CPU demands fitted from that run (oracle.* rows)"},
                   {"handler-metric", "", true, false,
                    "NAME  with --oracle: the oracle takes each class's Server-Timing NAME time as known CPU and fits one overhead per request (calibrate --fit-overhead)"},
                   {"rates", "", true, false, "R1,R2,...  a ladder: validate at each arrival rate (requests/s) in turn"},
                   {"repeat", "", true, false, "N  with --rates: repetitions per rate, seeds seed..seed+N-1 (default 1)"},
               });
  Args args("validate", specs);
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast validate SCENARIO --target URL [--out DIR] [--max-error PCT] [--sample NAME=SOURCE]... [load options]\n"
                "       loadcast validate SCENARIO --target URL --rates R1,R2,... [--repeat N] [...]\n\n"
                "Drives TARGET with the scenario's workload (as loadcast load does), then simulates the same\n"
                "scenario, and writes predicted vs measured throughput, latency and error rate with relative\n"
                "errors: DIR/validation.json, DIR/load/result.json, DIR/sim/result.json (DIR default out).\n\n%s",
                args.help().c_str());
    return ExitCode::kOk;
  }
  if (args.positionals().size() != 1) throw UsageError("expected one scenario file");
  if (!args.has("target")) throw UsageError("--target URL is required");
  app::ValidateOptions options;
  if (auto pct = args.get_double("max-error")) {
    if (!(*pct > 0.0) || *pct > 1000.0) throw UsageError("--max-error must be a percentage above 0 and at most 1000, e.g. 10; got " + args.get("max-error").value_or(""));
    options.tolerance = *pct / 100.0;
  }
  if (auto r = args.get_u64("replications")) {
    if (*r < 1 || *r > 10000) throw UsageError("--replications must be between 1 and 10000, got " + std::to_string(*r));
    options.replications = *r;
  }
  for (const auto& text : args.get_all("sample")) {
    auto spec = loadgen::parse_sample_spec(text);
    if (!spec.value) throw UsageError(spec.error);
    for (const auto& s : options.samples) {
      if (s.name == spec.value->name) throw UsageError("--sample " + text + ": the name " + s.name + " is given twice");
    }
    options.samples.push_back(std::move(*spec.value));
  }
  options.service = args.get("service").value_or("");
  if (args.has("service") && options.samples.empty()) throw UsageError("--service names the service --sample measures: give --sample too");
  options.oracle = args.has("oracle");
  if (options.oracle && options.samples.empty()) throw UsageError("--oracle fits demands from the run's own CPU: give --sample too");
  if (const auto metric = args.get("handler-metric")) {
    if (!options.oracle) throw UsageError("--handler-metric sets how the oracle fits each run's demands: give --oracle too");
    if (const auto problem = app::handler_metric_problem(*metric); !problem.empty()) throw UsageError("--handler-metric " + problem);
    options.handler_metric = *metric;
  }
  const auto sc = read_scenario(args.positionals()[0], args);
  if (!sc) return ExitCode::kUsage;
  if (options.oracle) options.overrides = scenario_overrides(args);
  if (args.has("rates")) return run_ladder(args, *sc, options);
  if (args.has("repeat")) throw UsageError("--repeat is for a ladder: give --rates too");
  loadgen::LoadConfig config = app::validation_load(*sc, *args.get("target"), args.has("connections"));
  apply_load_options(args, config);

  const std::string dir = args.get("out").value_or("out");
  for (const char* sub : {"", "/load", "/sim"}) check_output(dir + sub);
  install_stop_handlers();
  auto validation = app::validate(*sc, config, options, stop_flag());
  if (!validation) {
    std::fprintf(stderr, "loadcast validate: stopped early; no comparison made\n");
    return ExitCode::kInterrupted;
  }
  if (options.oracle) {
    std::filesystem::create_directories(dir);
    app::add_oracle(*sc, config, options, *validation, dir + "/oracle-overlay.yaml");
  }
  app::write_validation(*validation, dir);
  if (!args.has("quiet")) {
    std::fputs(loadgen::format_summary(validation->measured.result, validation->measured.info).c_str(), stdout);
    std::printf("\npredicted (simulation, %zu replication%s) vs measured (load):\n%s", options.replications,
                options.replications == 1 ? "" : "s", validation->report.text().c_str());
    std::printf("wrote %s/validation.json, %s/load/result.json, %s/sim/result.json\n", dir.c_str(), dir.c_str(),
                dir.c_str());
  }
  return app::exit_code(app::verdict(*validation));
}

}  // namespace loadcast::cli
