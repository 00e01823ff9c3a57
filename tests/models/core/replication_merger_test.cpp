// The replication merge folded one replication at a time: time series averaged per interval
// over the replications with a value (a per-code count series first seen in a later
// replication counts the earlier ones as 0), sections averaged element-wise (equal integers
// kept, arrays of another length left as replication 0 had them), stations averaged, and a
// single replication kept as it is.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "models/core/replication_merger.hpp"

using namespace loadcast;
using namespace loadcast::models;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

RunOutput replication(double rps0, double rps1, std::optional<double> http_503, int tasks, double util,
                      std::vector<int> shards) {
  RunOutput r;
  r.measured_s = 20;
  r.requests.total = r.requests.ok = 10;
  for (int i = 0; i < 10; ++i) r.latency.record(1'000'000 * (i + 1));
  r.classes.push_back(ClassRun{"a", r.requests, r.latency});
  r.timeseries.interval_s = 10;
  r.timeseries.t_s = {0, 10};
  r.timeseries.series[series::kRequestsPerS] = {rps0, rps1};
  if (http_503) r.timeseries.series[series::http_status(503)] = {*http_503, 0};
  r.stations["s1"] = reports::StationResult{2, "fcfs", util, 0, 0, 10, 10, 0, 1.0, 2.0, 3.0};
  r.sections = reports::Json{{"web", {{"tasks_max", tasks}, {"cpu", util}, {"name", "web"}, {"shards", shards}}}};
  return r;
}

}  // namespace

TEST_CASE("ReplicationMerger: series, stations and sections average over the replications folded in order") {
  std::vector<RunOutput> runs;
  runs.push_back(replication(10, kNaN, std::nullopt, 4, 0.5, {1, 2}));
  runs.push_back(replication(20, 30, std::nullopt, 4, 0.25, {3, 4}));
  runs.push_back(replication(30, 60, 6.0, 5, 0.75, {5}));
  const reports::Result r = merge_replications(runs, MergeInfo{"m", 1, 0, {}});
  REQUIRE(r.replications == 3);
  // Interval 1: replication 0 has no value (NaN), so the mean is over the other two.
  CHECK(r.timeseries.series.at(series::kRequestsPerS) == std::vector<double>{20, 45});
  // http_503 exists in replication 2 only: replications 0 and 1 count as 0 there.
  CHECK(r.timeseries.series.at(series::http_status(503)) == std::vector<double>{2, 0});
  CHECK(r.stations.at("s1").utilization == Approx(0.5));
  CHECK(r.stations.at("s1").arrivals == 30);
  const auto& web = r.sections.at("web");
  CHECK(web.at("tasks_max").get<double>() == Approx(13.0 / 3.0));
  CHECK(web.at("cpu").get<double>() == Approx(0.5));
  CHECK(web.at("name") == "web");
  // One replication had another number of shards: replication 0's array is kept.
  CHECK(web.at("shards") == reports::Json::array({1, 2}));
  CHECK(r.classes.at("a").requests.ok == 30);
  CHECK(r.latency_histogram.count() == 30);
}

TEST_CASE("ReplicationMerger: equal integers stay integers and one replication is kept as it is") {
  std::vector<RunOutput> same;
  same.push_back(replication(10, kNaN, 1.0, 4, 0.5, {1}));
  same.push_back(replication(10, 20, 1.0, 4, 0.5, {1}));
  const reports::Result two = merge_replications(same, MergeInfo{});
  CHECK(two.sections.at("web").at("tasks_max").is_number_integer());
  CHECK(two.sections.at("web").at("shards") == reports::Json::array({1}));
  std::vector<RunOutput> one;
  one.push_back(replication(10, kNaN, std::nullopt, 4, 0.5, {1}));
  const reports::Result single = merge_replications(one, MergeInfo{});
  CHECK(std::isnan(single.timeseries.series.at(series::kRequestsPerS)[1]));
  CHECK(single.ci95.empty());
}

TEST_CASE("ReplicationMerger: folding keeps a few numbers per replication and the means for sequential stopping") {
  ReplicationMerger merger(MergeInfo{"m", 1, 0, {}});
  for (int i = 0; i < 50; ++i) merger.add(replication(10, 20, std::nullopt, 4, 0.5, {1}));
  CHECK(merger.replications() == 50);
  REQUIRE(merger.latency_means_ns().size() == 50);
  CHECK(merger.latency_means_ns().front() == Approx(5.5e6).epsilon(1e-3));
  const reports::Result r = merger.finish();
  CHECK(r.replications == 50);
  CHECK(r.latency_histogram.count() == 500);
  // Identical replications: every interval has zero width.
  REQUIRE(r.ci95.count("classes.a.latency_ms.p95") == 1);
  CHECK(r.ci95.at("classes.a.latency_ms.p95").low == r.ci95.at("classes.a.latency_ms.p95").high);
}
