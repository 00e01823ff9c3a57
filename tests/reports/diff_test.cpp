#include <catch2/catch.hpp>

#include "reports/diff.hpp"
#include "reports/gate.hpp"
#include "reports/threshold.hpp"

using namespace loadcast::reports;

namespace {

Json result(double fargate, double waf, double p95, double error_rate, int tasks_max, int scale_outs, double acu_max) {
  Json j;
  j["kind"] = "sim";
  j["latency_ms"] = {{"p50", 20.0}, {"p95", p95}, {"p99", 200.0}};
  j["requests"] = {{"total", 1000}, {"error_rate", error_rate}};
  j["classes"]["search"] = {{"latency_ms", {{"p50", 30.0}, {"p95", p95 * 2}, {"p99", 300.0}}},
                            {"requests", {{"error_rate", error_rate}}}};
  j["services"]["api"] = {{"tasks_max", tasks_max}, {"scale_outs", scale_outs}, {"scale_ins", 2}};
  j["databases"]["writer"] = {{"acu_max", acu_max}};
  j["cost"]["monthly_usd"]["items"] = Json::object();
  j["cost"]["monthly_usd"]["items"]["fargate"] = fargate;
  if (waf > 0.0) j["cost"]["monthly_usd"]["items"]["waf"] = waf;
  j["cost"]["monthly_usd"]["total"] = fargate + waf;
  return j;
}

const DiffRow& row(const DiffReport& d, const std::string& key) {
  for (const auto& s : d.sections) {
    for (const auto& r : s.rows) {
      if (r.key() == key) return r;
    }
  }
  FAIL("no row " << key);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("Diff: cost lines, latency, errors, tasks, scale-outs and ACU with sign and percentage") {
  const Json base = result(100.0, 0.0, 100.0, 0.0, 4, 3, 2.0);
  const Json cand = result(125.0, 14.0, 90.0, 0.02, 6, 5, 2.0);
  const DiffReport d = diff_results(base, cand, "main.json", "pr.json");
  CHECK(row(d, "cost.items.fargate").change() == Approx(25.0));
  CHECK(row(d, "cost.items.fargate").change_pct() == Approx(25.0));
  // A line only the candidate has: $0 in the base, its whole amount as the change, no percentage.
  CHECK(row(d, "cost.items.waf").base == 0.0);
  CHECK(row(d, "cost.items.waf").change() == Approx(14.0));
  CHECK_FALSE(row(d, "cost.items.waf").change_pct().has_value());
  CHECK(row(d, "cost.total").change() == Approx(39.0));
  CHECK(row(d, "cost.total").change_pct() == Approx(39.0));
  CHECK(row(d, "latency_ms.p95").change_pct() == Approx(-10.0));
  CHECK(row(d, "classes.search.latency_ms.p95").change() == Approx(-20.0));
  CHECK(row(d, "error_rate").change() == Approx(0.02));
  CHECK(row(d, "services.api.tasks_max").change() == Approx(2.0));
  CHECK(row(d, "services.api.scale_outs").change_pct() == Approx(200.0 / 3.0));
  CHECK_FALSE(row(d, "databases.writer.acu_max").changed());
  CHECK_FALSE(row(d, "latency_ms.p50").changed());

  const std::string md = diff_markdown(d);
  CHECK_THAT(md, Catch::Contains("### loadcast diff: 9 changes"));
  CHECK_THAT(md, Catch::Contains("| fargate | $100.00 | $125.00 | +$25.00 | +25 % |"));
  CHECK_THAT(md, Catch::Contains("| waf | $0.00 | $14.00 | +$14.00 | new |"));
  CHECK_THAT(md, Catch::Contains("| **total** | $100.00 | **$139.00** | +$39.00 | +39 % |"));
  CHECK_THAT(md, Catch::Contains("| p95 latency (ms) | 100 | 90 | -10 | -10 % |"));
  CHECK_THAT(md, Catch::Contains("| api: tasks peak | 4 | 6 | +2 | +50 % |"));
  // Unchanged latency and capacity rows are counted, not listed.
  CHECK_THAT(md, !Catch::Contains("p50 latency"));
  CHECK_THAT(md, Catch::Contains("2 unchanged rows not shown."));
  CHECK_THAT(diff_text(d), Catch::Contains("9 changes"));
}

TEST_CASE("Diff: the JSON of the rows is what threshold expressions read") {
  const DiffReport d = diff_results(result(100.0, 0.0, 100.0, 0.0, 4, 3, 2.0), result(112.0, 0.0, 100.0, 0.0, 4, 3, 2.5), "a", "b");
  const Json j = d.json();
  CHECK(resolve_metric(j, "cost.total.change_pct") == Approx(12.0));
  CHECK(resolve_metric(j, "cost.items.fargate.candidate") == Approx(112.0));
  CHECK(resolve_metric(j, "databases.writer.acu_max.change") == Approx(0.5));
  CHECK(resolve_metric(j, "classes.search.error_rate.change") == 0.0);
  CHECK_THROWS_AS(resolve_metric(j, "cost.items.nat.change"), ThresholdError);
}

TEST_CASE("Diff: a result without cost has no cost section, and a service one side lacks shows no change") {
  Json base = result(10.0, 0.0, 50.0, 0.0, 1, 0, 1.0);
  base.erase("cost");
  Json cand = base;
  cand["services"]["worker"] = {{"tasks_max", 3}, {"scale_outs", 2}, {"scale_ins", 2}};
  const DiffReport d = diff_results(base, cand, "a", "b");
  for (const auto& s : d.sections) CHECK(s.title.find("cost") == std::string::npos);
  const DiffRow& w = row(d, "services.worker.tasks_max");
  CHECK_FALSE(w.base.has_value());
  CHECK(w.candidate == 3.0);
  CHECK(w.changed());
  CHECK_FALSE(w.change().has_value());
  CHECK_THAT(diff_markdown(d), Catch::Contains("| worker: tasks peak | — | 3 | — | — |"));
}

TEST_CASE("Diff: the gate's Markdown summary embeds the diff against its baseline") {
  Result cur;
  cur.latency_ms.p95 = 110.0;
  cur.sections["cost"] = Json{{"monthly_usd", {{"total", 120.0}, {"items", {{"fargate", 120.0}}}}}};
  Result base = cur;
  base.latency_ms.p95 = 100.0;
  base.sections["cost"] = Json{{"monthly_usd", {{"total", 100.0}, {"items", {{"fargate", 100.0}}}}}};
  GateOptions o;
  o.baseline_name = "main/result.json";
  o.current_name = "pr/result.json";
  const GateReport g = run_gate(cur.to_json(), base.to_json(), o);
  REQUIRE(g.diff.has_value());
  const std::string md = gate_markdown(g);
  CHECK_THAT(md, Catch::Contains("#### loadcast diff: 3 changes"));
  CHECK_THAT(md, Catch::Contains("Base `main/result.json`, candidate `pr/result.json`."));
  CHECK_THAT(md, Catch::Contains("| fargate | $100.00 | $120.00 | +$20.00 | +20 % |"));
}
