#include <catch2/catch.hpp>

#include "reports/svg_chart.hpp"
#include "reports/sweep_table.hpp"

using namespace loadcast::reports;

namespace {

SweepTable table() {
  SweepTable t;
  t.scenario = "s";
  t.paths = {"services.web.autoscaling.min"};
  t.grid = {{"1", "2", "4", "8"}};
  t.total_points = 4;
  const double cost[] = {100, 150, 250, 400};
  const double p95[] = {300, 120, 130, 90};
  const double err[] = {0.0, 0.0, 0.0, 0.0};
  for (std::size_t i = 0; i < 4; ++i) {
    SweepPoint p;
    p.index = i;
    p.values = {{"services.web.autoscaling.min", t.grid[0][i]}};
    p.monthly_usd = cost[i];
    p.p95_ms = p95[i];
    p.error_rate = err[i];
    t.points.push_back(p);
  }
  return t;
}

}  // namespace

TEST_CASE("SweepTable: the Pareto frontier keeps the points no other beats on cost and p95") {
  SweepTable t = table();
  t.mark_frontier();
  CHECK(t.points[0].frontier);        // cheapest
  CHECK(t.points[1].frontier);        // cheaper than #2 and faster
  CHECK_FALSE(t.points[2].frontier);  // #1 is cheaper and faster
  CHECK(t.points[3].frontier);        // fastest
  t.points[1].error_rate = 0.05;      // sheds load: never on the frontier
  t.mark_frontier();
  CHECK_FALSE(t.points[1].frontier);
  CHECK(t.points[2].frontier);
}

TEST_CASE("SweepTable: writers show every point and the chart marks the frontier") {
  SweepTable t = table();
  t.judge();
  const std::string csv = t.csv();
  CHECK_THAT(csv, Catch::Contains("\n1,2,0,120,0,,,0,0,0,150,yes,150,120,0,0,,yes,0\n"));
  CHECK_THAT(t.markdown(), Catch::Contains("| 2 | 4 | 130 | 0 | 0 % | - | $250.00 | yes |  |  |"));
  CHECK_THAT(t.markdown(), Catch::StartsWith("## loadcast sweep: s\n\n**Answer: the lowest cost.monthly_usd.total"));
  const std::string html = t.html();
  CHECK_THAT(html, Catch::Contains("USD/month against p95 ms"));
  CHECK_THAT(html, Catch::Contains("class=\"series frontier\""));
  CHECK(html.find("<circle class=\"point frontier\"") != std::string::npos);
  const SweepTable back = SweepTable::from_json(t.to_json());
  CHECK(back.to_json().dump() == t.to_json().dump());
  t.points[0].monthly_usd.reset();
  t.points[1].monthly_usd.reset();
  t.points[2].monthly_usd.reset();
  t.points[3].monthly_usd.reset();
  CHECK_THAT(t.html(), Catch::Contains("No point has a value of cost.monthly_usd.total"));
}

TEST_CASE("SweepTable: the answer is the cheapest point satisfying every --where, or the closest miss") {
  SweepTable t = table();
  t.where = {"latency_ms.p95 < 200"};
  t.judge();
  CHECK_FALSE(t.points[0].feasible);  // the cheapest is too slow
  CHECK(t.points[0].violated == std::vector<std::string>{"latency_ms.p95 < 200"});
  REQUIRE(t.best());
  CHECK(*t.best() == 1);
  CHECK(t.answer() == "Answer: the lowest cost.monthly_usd.total with latency_ms.p95 < 200 and error rate <= 1 %: point 1 "
                      "(services.web.autoscaling.min=2) at $150.00; latency_ms.p95 = 120.");
  CHECK_FALSE(t.points[0].frontier);  // not qualifying: off the frontier too
  t.where = {"latency_ms.p95 < 50"};
  t.judge();
  CHECK_FALSE(t.best());
  CHECK_THAT(t.answer(), Catch::StartsWith("No point has latency_ms.p95 < 50 and error rate <= 1 % (4 points); closest: point 3"));
  // Another objective and columns of any metric the points carry.
  t.where = {};
  t.minimize = "latency_ms.p99";
  t.columns = {"queues.orders.oldest_age_peak_s"};
  for (std::size_t i = 0; i < 4; ++i) {
    t.points[i].p99_ms = 500.0 - 100.0 * static_cast<double>(i);
    t.points[i].metrics["queues.orders.oldest_age_peak_s"] = 60.0 * static_cast<double>(i);
  }
  t.judge();
  CHECK(*t.best() == 3);
  CHECK_THAT(t.markdown(), Catch::Contains("| `services.web.autoscaling.min` | queues.orders.oldest_age_peak_s | qualifies |"));
  const SweepTable back = SweepTable::from_json(t.to_json());
  CHECK(back.to_json().dump() == t.to_json().dump());
  CHECK(back.to_json()["answer"]["point"] == 3);
}

TEST_CASE("SweepTable: points that do not qualify are drawn apart, y is logarithmic over wide ranges, tags do not overlap") {
  SweepTable t = table();
  t.points[0].p95_ms = 60000;  // sheds load: fast to fail, slow to serve
  t.points[0].error_rate = 0.4;
  t.points[2].p95_ms = 121;    // a near twin of point 1
  t.points[2].monthly_usd = 151;
  t.judge();
  const std::string html = t.html();
  CHECK_THAT(html, Catch::Contains("class=\"excluded-band\""));
  CHECK_THAT(html, Catch::Contains("<g class=\"point excluded\"><title>#0 "));
  CHECK_THAT(html, !Catch::Contains("(log scale)"));  // the excluded point does not stretch the axis
  t.points[0].error_rate = 0.0;
  t.judge();
  CHECK_THAT(t.html(), Catch::Contains("p95 (log scale)") || Catch::Contains("latency_ms.p95 (log scale)"));
  // Tags of near points: each drawn where it overlaps no other.
  ScatterChart c;
  for (int i = 0; i < 6; ++i) c.points.push_back({100.0, 50.0, "p", true, "#" + std::to_string(i), false, false});
  c.points.push_back({900.0, 10.0, "far", true, "#9", false, false});
  const std::string svg = c.svg();
  std::size_t tags = 0;
  for (auto at = svg.find("class=\"tag\""); at != std::string::npos; at = svg.find("class=\"tag\"", at + 1)) ++tags;
  CHECK(tags == 5);  // four spots around one place, then tags are left out; the far point has its own
}

TEST_CASE("SweepTable: shards of different sweeps do not merge") {
  SweepTable a = table();
  SweepTable b = table();
  b.seed = 9;
  CHECK_THROWS_WITH(merge_sweeps({a, b}), Catch::Contains("is from a different sweep"));
  CHECK_THROWS_WITH(merge_sweeps({a, a}), Catch::Contains("appears twice"));
}

TEST_CASE("SweepTable: a merge names the point given twice and both of its files, every missing point, and a point outside the grid") {
  SweepTable a = table();
  a.shard = "0/2";
  a.points = {a.points[0], a.points[2]};
  SweepTable b = table();
  b.shard = "1/2";
  b.points = {b.points[1], b.points[2]};  // point 2 again: a shard run with a wrong --shard
  // Before: sorted 0,1,2,2 made position 3 "appear twice"; the duplicate is point 2.
  CHECK_THROWS_WITH(merge_sweeps({a, b}, {"x/sweep.json", "y/sweep.json"}),
                    "sweep merge: point 2 (services.web.autoscaling.min=4) appears twice: in x/sweep.json (shard 0/2) and in "
                    "y/sweep.json (shard 1/2)");
  CHECK_THROWS_WITH(merge_sweeps({a, a}), Catch::Contains("point 0 (services.web.autoscaling.min=1) appears twice: in shard 0/2 and in shard 0/2"));
  b.points = {b.points[0]};
  CHECK_THROWS_WITH(merge_sweeps({a, b}, {"x/sweep.json", "y/sweep.json"}),
                    "sweep merge: point 3 is missing (missing: 3; 3 of 4 points given): merge every shard of the sweep");
  a.points = {a.points[0]};
  CHECK_THROWS_WITH(merge_sweeps({a, b}), Catch::Contains("point 2 is missing (missing: 2, 3; 2 of 4 points given)"));
  b.points[0].index = 7;
  CHECK_THROWS_WITH(merge_sweeps({a, b}, {"x/sweep.json", "y/sweep.json"}),
                    "sweep merge: y/sweep.json (shard 1/2) has point 7 but the sweep has 4 points (0..3)");
}
