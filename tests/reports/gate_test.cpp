#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "reports/gate.hpp"
#include "reports/threshold.hpp"

using namespace loadcast::reports;

namespace {

Result base_result() {
  Result r;
  r.scenario = "gate";
  r.replications = 1;
  r.requests.total = 10000;
  r.requests.ok = 9990;
  r.requests.errors = 10;
  r.throughput_rps = 100.0;
  r.latency_ms.p50 = 20.0;
  r.latency_ms.p95 = 100.0;
  r.latency_ms.p99 = 200.0;
  return r;
}

const Comparison& find(const std::vector<Comparison>& cs, const std::string& metric) {
  for (const auto& c : cs) {
    if (c.metric == metric) return c;
  }
  FAIL("no comparison for " << metric);
  return cs.front();
}

}  // namespace

TEST_CASE("Gate: a threshold on a latency without samples fails and the text says no samples, not 0") {
  Result cur = base_result();
  cur.requests.ok = 0;
  cur.requests.errors = cur.requests.total;
  cur.latency_ms = LatencySummary::from(Histogram{});
  GateOptions o;
  o.thresholds = {"latency_ms.p95 < 100"};
  const auto report = run_gate(cur.to_json(), std::nullopt, o);
  CHECK_FALSE(report.passed());
  const std::string text = gate_text(report);
  CHECK_THAT(text, Catch::Contains("FAIL  latency_ms.p95 < 100   measured — (no samples: latency_ms.p95 is null"));
  CHECK_THAT(text, Catch::Contains("gate: FAILED (1 of 1 checks failed)"));
  CHECK_THAT(gate_junit(report, "r.json"), Catch::Contains("<failure type=\"threshold\" message=\"measured —: no samples"));
  CHECK_THAT(gate_markdown(report), Catch::Contains("| ❌ | `latency_ms.p95 < 100` | — (no samples"));
}

TEST_CASE("Gate: a compared metric null or missing in the current result fails, naming it, and a null baseline is not judged") {
  Result cur = base_result();
  cur.latency_ms = LatencySummary::from(Histogram{});  // nothing succeeded
  Json cur_json = cur.to_json();
  cur_json.erase("throughput_rps");  // a result that lacks a metric the baseline has
  const auto cs = compare_to_baseline(cur_json, base_result().to_json(), 10.0);
  for (const char* m : {"latency_ms.p50", "latency_ms.p95", "latency_ms.p99"}) {
    INFO(m);
    const auto& c = find(cs, m);
    CHECK(c.regressed);
    CHECK(std::isnan(c.current));
    CHECK(c.detail == std::string("no samples: ") + m + " is null in the current result: fails");
  }
  const auto& tp = find(cs, "throughput_rps");
  CHECK(tp.regressed);
  CHECK(tp.detail == "throughput_rps is missing from the current result: fails");
  CHECK_FALSE(find(cs, "requests.error_rate").regressed);
  // Neither has a cost (load results): not compared at all.
  CHECK(std::none_of(cs.begin(), cs.end(), [](const Comparison& c) { return c.metric == "cost.monthly_usd.total"; }));
  GateOptions o;
  const auto report = run_gate(cur_json, base_result().to_json(), o);
  CHECK_FALSE(report.passed());
  CHECK_THAT(gate_text(report), Catch::Contains("FAIL  latency_ms.p95   — vs baseline 100  no samples: latency_ms.p95 is null"));
  // The other way round: the baseline has no samples, the current result has. Shown, not judged.
  const auto back = compare_to_baseline(base_result().to_json(), cur.to_json(), 10.0);
  const auto& p95 = find(back, "latency_ms.p95");
  CHECK_FALSE(p95.regressed);
  CHECK(p95.detail == "no samples: latency_ms.p95 is null in the baseline result: not compared");
}

TEST_CASE("Gate: a latency rise beyond the tolerance regresses and a small one does not") {
  Result cur = base_result();
  cur.latency_ms.p95 = 109.0;  // +9 %
  cur.latency_ms.p99 = 230.0;  // +15 %
  const auto cs = compare_to_baseline(cur.to_json(), base_result().to_json(), 10.0);
  CHECK_FALSE(find(cs, "latency_ms.p95").regressed);
  CHECK(find(cs, "latency_ms.p99").regressed);
  CHECK(find(cs, "latency_ms.p99").change_pct == Approx(15.0));
  CHECK_THAT(find(cs, "latency_ms.p99").detail, Catch::Contains("+15 %"));
}

TEST_CASE("Gate: throughput regresses when lower and error rate when higher") {
  Result cur = base_result();
  cur.throughput_rps = 80.0;
  cur.requests.errors = 40;
  cur.requests.ok = 9960;
  const auto cs = compare_to_baseline(cur.to_json(), base_result().to_json(), 10.0);
  CHECK(find(cs, "throughput_rps").regressed);
  CHECK_FALSE(find(cs, "throughput_rps").higher_is_worse);
  CHECK(find(cs, "requests.error_rate").regressed);
  Result better = base_result();
  better.throughput_rps = 150.0;
  better.latency_ms.p99 = 100.0;
  for (const auto& c : compare_to_baseline(better.to_json(), base_result().to_json(), 10.0)) CHECK_FALSE(c.regressed);
}

TEST_CASE("Gate: with replications a regression needs non-overlapping 95 percent intervals") {
  Result base = base_result();
  base.replications = 5;
  base.latency_ms_ci95["p95"] = {95.0, 105.0};
  Result cur = base;
  cur.latency_ms.p95 = 120.0;  // +20 %
  SECTION("overlapping intervals: not significant") {
    cur.latency_ms_ci95["p95"] = {100.0, 140.0};
    const auto cs = compare_to_baseline(cur.to_json(), base.to_json(), 10.0);
    const auto& c = find(cs, "latency_ms.p95");
    CHECK_FALSE(c.regressed);
    CHECK_THAT(c.detail, Catch::Contains("overlap: not significant"));
  }
  SECTION("separated intervals: a regression") {
    cur.latency_ms_ci95["p95"] = {112.0, 128.0};
    const auto cs = compare_to_baseline(cur.to_json(), base.to_json(), 10.0);
    const auto& c = find(cs, "latency_ms.p95");
    CHECK(c.regressed);
    CHECK_THAT(c.detail, Catch::Contains("do not overlap"));
  }
  SECTION("one replication in the current result: the point estimate decides") {
    cur.replications = 1;
    cur.latency_ms_ci95.clear();
    CHECK(find(compare_to_baseline(cur.to_json(), base.to_json(), 10.0), "latency_ms.p95").regressed);
  }
}

TEST_CASE("Gate: every compared metric with an interval needs non-overlapping intervals to regress") {
  Result base = base_result();
  base.replications = 3;
  base.requests.errors = 100;  // 1 %: a 30 % rise is beyond the error rate's absolute floor
  base.requests.ok = 9900;
  base.classes["list"].requests = base.requests;
  base.classes["list"].throughput_rps = 60.0;
  base.classes["list"].latency_ms = base.latency_ms;
  base.classes["add"] = base.classes["list"];
  base.sections["cost"] = Json{{"monthly_usd", {{"total", 300.0}, {"items", Json::object()}}}};
  Result cur = base;
  // Every metric 30 % worse: p50/p95/p99 up, error rate up, throughput down, cost up.
  cur.latency_ms = {0, 26.0, 0, 130.0, 260.0, 0, 0};
  cur.requests.errors = 130;
  cur.requests.ok = 9870;
  cur.throughput_rps = 70.0;
  cur.classes["list"].latency_ms = cur.latency_ms;
  cur.classes["list"].requests = cur.requests;
  cur.classes["list"].throughput_rps = 42.0;
  cur.sections["cost"]["monthly_usd"]["total"] = 390.0;
  const std::vector<std::string> metrics = {
      "latency_ms.p50", "latency_ms.p95", "latency_ms.p99", "requests.error_rate", "throughput_rps",
      "classes.list.latency_ms.p50", "classes.list.latency_ms.p95", "classes.list.latency_ms.p99",
      "classes.list.requests.error_rate", "classes.list.throughput_rps", "cost.monthly_usd.total"};
  SECTION("wide intervals that overlap: not significant, for every metric") {
    for (const auto& m : metrics) {
      const double b = resolve_metric(base.to_json(), m), c = resolve_metric(cur.to_json(), m);
      base.ci95[m] = {std::min(b, c) * 0.5, std::max(b, c) * 1.5};
      cur.ci95[m] = base.ci95[m];
    }
    const auto cs = compare_to_baseline(cur.to_json(), base.to_json(), 10.0);
    for (const auto& m : metrics) {
      INFO(m);
      CHECK_FALSE(find(cs, m).regressed);
      CHECK_THAT(find(cs, m).detail, Catch::Contains("overlap: not significant"));
    }
  }
  SECTION("narrow intervals around each value: a regression, for every metric") {
    for (const auto& m : metrics) {
      const double b = resolve_metric(base.to_json(), m), c = resolve_metric(cur.to_json(), m);
      base.ci95[m] = {b * 0.99, b * 1.01};
      cur.ci95[m] = {c * 0.99, c * 1.01};
    }
    const auto cs = compare_to_baseline(cur.to_json(), base.to_json(), 10.0);
    for (const auto& m : metrics) {
      INFO(m);
      CHECK(find(cs, m).regressed);
      CHECK_THAT(find(cs, m).detail, Catch::Contains("do not overlap"));
    }
  }
  SECTION("a stored result keeps its intervals") {
    base.ci95["classes.list.latency_ms.p95"] = {95.0, 105.0};
    const Result back = Result::from_json(base.to_json());
    REQUIRE(back.ci95.count("classes.list.latency_ms.p95") == 1);
    CHECK(back.ci95.at("classes.list.latency_ms.p95").high == 105.0);
  }
}

TEST_CASE("Gate: near-zero baselines need an absolute change beyond the floor") {
  Result base = base_result();
  base.requests.errors = 0;
  base.requests.ok = 10000;
  Result cur = base_result();
  cur.requests.errors = 5;  // 0.0005: infinitely more in percent, below the 0.001 floor
  cur.requests.ok = 9995;
  CHECK_FALSE(find(compare_to_baseline(cur.to_json(), base.to_json(), 10.0), "requests.error_rate").regressed);
}

TEST_CASE("Gate: the report counts failures and writes JUnit and Markdown with measured values") {
  Result cur = base_result();
  cur.thresholds.push_back({"latency_ms.p95 < 50", 0, false, ""});
  cur.latency_ms.p99 = 400.0;
  GateOptions o;
  o.thresholds = {"requests.error_rate < 0.01", "throughput_rps > 1"};
  const GateReport r = run_gate(cur.to_json(), base_result().to_json(), o);
  REQUIRE(r.thresholds.size() == 3);
  CHECK(r.thresholds[0].expr == "latency_ms.p95 < 50");
  CHECK_FALSE(r.thresholds[0].ok);
  CHECK(r.thresholds[0].value == 100.0);
  CHECK(r.thresholds[1].ok);
  CHECK_FALSE(r.passed());
  CHECK(r.failures() == 2);  // the p95 threshold and the p99 regression
  const std::string junit = gate_junit(r, "cur.json");
  CHECK_THAT(junit, Catch::Contains("<testsuites name=\"loadcast gate\" tests=\"8\" failures=\"2\""));
  CHECK_THAT(junit, Catch::Contains("<testcase classname=\"loadcast.thresholds\" name=\"latency_ms.p95 &lt; 50\""));
  CHECK_THAT(junit, Catch::Contains("<failure type=\"threshold\" message=\"measured 100\">"));
  CHECK_THAT(junit, Catch::Contains("<failure type=\"regression\" message=\"measured 400 vs baseline 200, +100 %"));
  const std::string md = gate_markdown(r);
  CHECK_THAT(md, Catch::Contains("| ❌ | `latency_ms.p95 < 50` | 100 |"));
  CHECK_THAT(md, Catch::Contains("2 of 8 checks failed."));
  CHECK_THAT(gate_text(r), Catch::Contains("FAIL  latency_ms.p95 < 50   measured 100"));
}
