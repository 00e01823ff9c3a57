#include <catch2/catch.hpp>

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
  t.mark_frontier();
  const std::string csv = t.csv();
  CHECK_THAT(csv, Catch::Contains("\n1,2,0,120,0,,,0,0,0,150,yes\n"));
  CHECK_THAT(t.markdown(), Catch::Contains("| 2 | 4 | 130 | 0 | 0 % | 0 | $250.00 |  |"));
  const std::string html = t.html();
  CHECK_THAT(html, Catch::Contains("Monthly cost against p95 latency"));
  CHECK_THAT(html, Catch::Contains("class=\"series frontier\""));
  CHECK(html.find("<circle class=\"point frontier\"") != std::string::npos);
  const SweepTable back = SweepTable::from_json(t.to_json());
  CHECK(back.to_json().dump() == t.to_json().dump());
  t.points[0].monthly_usd.reset();
  t.points[1].monthly_usd.reset();
  t.points[2].monthly_usd.reset();
  t.points[3].monthly_usd.reset();
  CHECK_THAT(t.html(), Catch::Contains("No point has a monthly cost"));
}

TEST_CASE("SweepTable: shards of different sweeps do not merge") {
  SweepTable a = table();
  SweepTable b = table();
  b.seed = 9;
  CHECK_THROWS_WITH(merge_sweeps({a, b}), Catch::Contains("is from a different sweep"));
  CHECK_THROWS_WITH(merge_sweeps({a, a}), Catch::Contains("appears twice"));
}
