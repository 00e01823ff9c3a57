#include "app/sweep.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "app/exit_code.hpp"
#include "reports/run_outputs.hpp"
#include "reports/threshold.hpp"
#include "sim/replication.hpp"

namespace loadcast::app {

namespace {

std::string point_text(const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  for (const auto& [path, value] : values) out += (out.empty() ? "" : ", ") + path + "=" + value;
  return out;
}

// The question's expressions parse and its metrics exist in a result of the scenario.
void check_question(const scenario::Scenario& sc, const SweepOptions& options) {
  std::vector<std::string> metrics;
  std::string problems;
  const auto add_problem = [&](const std::string& p) { problems += (problems.empty() ? "" : "\n") + p; };
  for (const auto& w : options.where) {
    try {
      metrics.push_back(reports::parse_threshold(w).metric);
    } catch (const reports::ThresholdError& e) {
      add_problem(std::string("--where: ") + e.what());
    }
  }
  for (const auto& m : {options.minimize, options.pareto}) {
    if (!m.empty()) metrics.push_back(m);
  }
  for (const auto& m : options.columns) metrics.push_back(m);
  SimOptions probe;
  probe.duration = std::min<sim::Time>(sc.duration, sim::kMinute);
  probe.warmup = 0;
  probe.threads = 1;
  probe.record_events = false;
  const reports::Json skeleton = simulate(sc, probe).to_result().to_json();
  for (const auto& m : metrics) {
    try {
      (void)reports::resolve_metric(skeleton, m, reports::MissingCounts::kZero);
    } catch (const reports::ThresholdError& e) {
      add_problem(e.what());
    }
  }
  if (!problems.empty()) throw UsageError(problems);
}

}  // namespace

GridAxis parse_grid(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw std::invalid_argument("'" + text + "' is not PATH=V1,V2,... (e.g. services.web.autoscaling.min=1,2,4)");
  }
  GridAxis axis;
  axis.path = text.substr(0, eq);
  std::string cur;
  int depth = 0;
  for (std::size_t i = eq + 1; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ',';
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (depth < 0) throw std::invalid_argument("'" + text + "': unbalanced '" + std::string(1, c) + "' at column " + std::to_string(i + 1));
    if (c == ',' && depth == 0) {
      const auto first = cur.find_first_not_of(' ');
      const auto last = cur.find_last_not_of(' ');
      if (first == std::string::npos) {
        throw std::invalid_argument("'" + text + "': empty value in the list (value " + std::to_string(axis.values.size() + 1) + ")");
      }
      axis.values.push_back(cur.substr(first, last - first + 1));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (depth != 0) throw std::invalid_argument("'" + text + "': an opening bracket is never closed");
  return axis;
}

std::vector<GridAxis> parse_grids(const std::vector<std::string>& texts) {
  std::vector<GridAxis> axes;
  for (const auto& g : texts) {
    try {
      axes.push_back(parse_grid(g));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--grid ") + e.what());
    }
  }
  return axes;
}

std::size_t grid_size(const std::vector<GridAxis>& axes) {
  std::size_t n = 1;
  for (const auto& a : axes) {
    if (a.values.empty()) return 0;
    if (n > kMaxSweepPoints / a.values.size() + 1) return kMaxSweepPoints + 1;
    n *= a.values.size();
  }
  return n;
}

std::vector<std::pair<std::string, std::string>> grid_point(const std::vector<GridAxis>& axes, std::size_t index) {
  std::vector<std::pair<std::string, std::string>> out(axes.size());
  for (std::size_t i = axes.size(); i-- > 0;) {
    const auto& a = axes[i];
    out[i] = {a.path, a.values[index % a.values.size()]};
    index /= a.values.size();
  }
  return out;
}

SweepRun run_sweep(const std::string& scenario_path, const SweepOptions& options) {
  if (options.axes.empty()) throw std::invalid_argument("a sweep needs at least one --grid PATH=V1,V2,...");
  if (options.shards == 0 || options.shard >= options.shards) throw std::invalid_argument("shard index out of range");
  const std::size_t total = grid_size(options.axes);
  if (total > kMaxSweepPoints) {
    throw std::invalid_argument("the grid has more than " + std::to_string(kMaxSweepPoints) + " points; split it or use --shard");
  }
  std::vector<std::size_t> indices;
  for (std::size_t k = options.shard; k < total; k += options.shards) indices.push_back(k);

  std::vector<scenario::Scenario> scenarios;
  std::vector<std::string> errors;
  for (std::size_t k : indices) {
    const auto values = grid_point(options.axes, k);
    std::vector<scenario::Override> overrides = options.base;
    for (const auto& [path, value] : values) overrides.push_back(scenario::Override{path, value});
    try {
      scenarios.push_back(scenario::load_file(scenario_path, overrides));
    } catch (const scenario::LoadError& e) {
      for (const auto& line : e.errors()) errors.push_back("point " + std::to_string(k) + " (" + point_text(values) + "): " + line);
    }
  }
  if (!errors.empty()) throw scenario::LoadError(errors);
  if (!scenarios.empty()) check_question(scenarios.front(), options);

  const unsigned budget = options.sim.threads == 0 ? sim::default_threads() : options.sim.threads;
  // Many points: one thread per point. Few points: the points in turn, replications in parallel.
  const bool per_point = indices.size() >= budget;
  SimOptions sim_options = options.sim;
  sim_options.threads = per_point ? 1 : budget;
  auto results = sim::run_replications(indices.size(), per_point ? budget : 1,
                                       [&](std::size_t i) { return simulate(scenarios[i], sim_options).to_result(); });

  SweepRun run;
  auto& t = run.table;
  t.scenario = scenarios.empty() ? std::string() : scenarios.front().name;
  for (const auto& a : options.axes) {
    t.paths.push_back(a.path);
    t.grid.push_back(a.values);
  }
  t.total_points = total;
  t.seed = options.sim.seed.value_or(scenarios.empty() ? 0 : scenarios.front().seed);
  t.replications = options.sim.replications == 0 ? 1 : options.sim.replications;
  t.max_error_rate = options.max_error_rate;
  if (options.shards > 1) t.shard = std::to_string(options.shard) + "/" + std::to_string(options.shards);
  t.where = options.where;
  t.pareto = options.pareto;
  t.columns = options.columns;
  t.minimize = options.minimize;
  if (t.minimize.empty()) {
    // A run shorter than its cost period is an event: compare what the event costs, not the
    // event repeated all month.
    const bool event = !results.empty() && results.front().sections.contains("cost") &&
                       results.front().sections["cost"].contains("event_usd");
    t.minimize = event ? reports::kEventObjective : reports::kDefaultObjective;
  }
  const auto metrics = t.wanted_metrics();
  for (std::size_t i = 0; i < indices.size(); ++i) {
    reports::SweepPoint p = reports::SweepPoint::from_result(results[i], metrics);
    p.index = indices[i];
    p.values = grid_point(options.axes, indices[i]);
    t.points.push_back(std::move(p));
  }
  t.judge();
  run.results = std::move(results);
  return run;
}

void write_sweep_run(const SweepRun& run, const std::string& dir) {
  std::filesystem::create_directories(dir + "/points");
  reports::write_sweep_outputs(run.table, dir + "/sweep");
  for (std::size_t i = 0; i < run.results.size(); ++i) {
    reports::save_result(run.results[i], dir + "/points/" + std::to_string(run.table.points[i].index) + ".json");
  }
}

reports::SweepTable merge_sweep_files(const std::vector<std::string>& paths) {
  std::vector<reports::SweepTable> shards;
  try {
    for (const auto& p : paths) shards.push_back(reports::read_sweep_table(p));
    return reports::merge_sweeps(shards, paths);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
}

}  // namespace loadcast::app
