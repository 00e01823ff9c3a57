// The difference between two results (sim or load, Result::to_json()) for a pull request, in
// the spirit of `infracost diff`: what the change does to the monthly cost, line item by line
// item, to latency and errors per request class, to the tasks and ACU it needs and to how often
// it scales.
//
// Compared, each only when at least one result has it:
// - cost: cost.monthly_usd.total and each item of cost.monthly_usd.items (an item one side lacks
//   counts as $0 there, so an added or removed line shows its whole amount);
// - requests: latency_ms.{p50,p95,p99} and requests.error_rate of the whole run and of each class;
// - capacity: per service tasks_max, scale_outs and scale_ins; per database instance acu_max
//   (Serverless v2) — a value one side lacks is shown as "—" and has no change.
// Each row carries base, candidate, change (candidate - base) and change_pct ((candidate - base)
// / |base| x 100; none when base is 0 and candidate is not).
//
// The same rows as a JSON object (DiffReport::json) let `--fail-on` conditions reuse the
// threshold language (reports/threshold.hpp): a row's key is its path, and its leaves are
// base, candidate, change and change_pct, e.g.
//   cost.total.change_pct > 10        cost.items.waf.change > 5
//   latency_ms.p95.change > 20        classes.search.error_rate.candidate > 0.01
//   services.api.tasks_max.change > 0 databases.writer.acu_max.change_pct > 25
// A leaf that has no value (change_pct of a row whose base is 0) is null, and a condition on it
// does not hold. Pure functions; thread safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/result.hpp"

namespace loadcast::reports {

struct DiffRow {
  std::vector<std::string> path;  // in DiffReport::json: {"cost", "items", "fargate"}, {"latency_ms", "p95"}
  std::string label;  // as shown: "fargate", "p95 latency (ms)"
  std::optional<double> base;
  std::optional<double> candidate;
  bool money = false;  // shown as dollars

  std::string key() const;  // the path joined with '.': "cost.items.fargate"
  std::optional<double> change() const;
  std::optional<double> change_pct() const;
  bool changed() const;  // the two values differ (or one is missing)
};

struct DiffSection {
  std::string title;  // "Monthly cost", "Latency and errors", "Capacity"
  std::vector<DiffRow> rows;
};

struct DiffReport {
  std::string base_name;
  std::string candidate_name;
  std::vector<DiffSection> sections;

  // {"<path[0]>": {"<path[1]>": ... {"base", "candidate", "change", "change_pct"}}}.
  Json json() const;
  std::size_t changed_rows() const;
};

// Compares `candidate` with `base`. The names label the columns (e.g. the files' paths).
DiffReport diff_results(const Json& base, const Json& candidate, const std::string& base_name,
                        const std::string& candidate_name);

// Markdown: a heading, then one table per section with base, candidate, change and change %;
// rows that did not change are left out of the latency and capacity tables (and counted below
// them), all cost lines are kept. `heading_level` is the number of '#' of the heading.
std::string diff_markdown(const DiffReport& report, int heading_level = 3);
// Plain text for a terminal: the same rows, aligned.
std::string diff_text(const DiffReport& report);

}  // namespace loadcast::reports
