// The replication merge: the usage of R replications is merged by resource name and divided by
// R (a reader one replication added is kept with its mean, never dropped or misaligned), one
// replication's usage is kept as it is, and the 95 % intervals the gate needs are computed for
// every metric it compares.
#include <catch2/catch.hpp>

#include <cmath>

#include "cost/usage_json.hpp"
#include "models/core/run_output.hpp"

using namespace loadcast;
using namespace loadcast::models;

namespace {

// A replication of 1 h: `ok` requests of `latency_ms`, `errors` failures, and the class "list"
// with the same; its usage has the writer at 1 ACU and, when `reader`, a reader at 2 ACU.
RunOutput replication(std::uint64_t ok, std::uint64_t errors, double latency_ms, bool reader) {
  RunOutput r;
  r.measured_s = 3600;
  r.requests.total = ok + errors;
  r.requests.ok = ok;
  r.requests.errors = errors;
  for (std::uint64_t i = 0; i < ok; ++i) r.latency.record(static_cast<std::int64_t>(latency_ms * (1.0 + 0.001 * static_cast<double>(i % 100)) * 1e6));
  r.classes.push_back(ClassRun{"list", r.requests, r.latency});
  cost::Usage u;
  u.metered_seconds = 3600;
  u.aurora_serverless_for("writer", "db", cost::AuroraStorage::kStandard).acu_seconds = 3600;
  if (reader) u.aurora_serverless_for("reader-1", "db", cost::AuroraStorage::kStandard).acu_seconds = 2 * 3600;
  u.aurora_cluster_for("db", cost::AuroraStorage::kStandard);
  r.usage = u;
  return r;
}

}  // namespace

TEST_CASE("RunOutput: usages of different shapes merge by name and divide by the replications") {
  std::vector<RunOutput> runs = {replication(1000, 0, 10, false), replication(1000, 0, 10, true),
                                 replication(1000, 0, 10, false)};
  REQUIRE(mean_usage(runs).has_value());
  const cost::Usage u = *mean_usage(runs);
  CHECK(u.metered_seconds == Approx(3600));
  REQUIRE(u.aurora_serverless.size() == 2);
  CHECK(u.aurora_serverless[0].instance == "writer");
  CHECK(u.aurora_serverless[0].acu_seconds == Approx(3600));
  CHECK(u.aurora_serverless[1].instance == "reader-1");
  CHECK(u.aurora_serverless[1].acu_seconds == Approx(2.0 * 3600 / 3));
  // The reader exists in the second replication only: an element-wise mean would have dropped it
  // (replication 0's array) or averaged the writer with it.
}

TEST_CASE("RunOutput: one replication's usage is kept as it is, and a model without meters has none") {
  std::vector<RunOutput> single = {replication(1000, 0, 10, true)};
  REQUIRE(mean_usage(single).has_value());
  CHECK(cost::usage_to_section(*mean_usage(single)).dump() == cost::usage_to_section(*single[0].usage).dump());
  std::vector<RunOutput> stations_only(2);
  CHECK_FALSE(mean_usage(stations_only).has_value());
}

TEST_CASE("RunOutput: components add their meters to one usage, metered over the whole run") {
  RunOutput out;
  CHECK_FALSE(out.usage.has_value());
  out.metered_usage(2 * sim::kHour).sqs_for("q", true).add_call(100);
  out.metered_usage(2 * sim::kHour).alb_for("alb").seconds = 7200;
  REQUIRE(out.usage.has_value());
  CHECK(out.usage->metered_seconds == 7200.0);
  CHECK(out.usage->sqs.size() == 1);
  CHECK(out.usage->albs.size() == 1);
}

TEST_CASE("RunOutput: replications give intervals for latency, errors, throughput, classes and cost") {
  std::vector<RunOutput> runs = {replication(1000, 10, 10, false), replication(1100, 30, 12, true),
                                 replication(900, 20, 11, false)};
  MergeInfo info{"m", 1, 0, {}};
  info.monthly_cost = [](const cost::Usage& usage) -> std::optional<double> {
    double acu_seconds = 0;
    for (const auto& a : usage.aurora_serverless) acu_seconds += a.acu_seconds;
    return acu_seconds / 3600.0 * 0.2 * 730.0;
  };
  const reports::Result r = merge_replications(runs, info);
  for (const char* m : {"latency_ms.mean", "latency_ms.p50", "latency_ms.p95", "latency_ms.p99", "requests.error_rate",
                        "throughput_rps", "classes.list.latency_ms.p50", "classes.list.latency_ms.p95",
                        "classes.list.latency_ms.p99", "classes.list.requests.error_rate", "classes.list.throughput_rps",
                        "cost.monthly_usd.total"}) {
    INFO(m);
    REQUIRE(r.ci95.count(m) == 1);
    CHECK(r.ci95.at(m).low < r.ci95.at(m).high);
  }
  // Student-t with 2 degrees of freedom around the three error rates 10/1010, 30/1130, 20/920.
  const auto& er = r.ci95.at("requests.error_rate");
  const double mean = (10.0 / 1010 + 30.0 / 1130 + 20.0 / 920) / 3;
  CHECK((er.low + er.high) / 2 == Approx(mean));
  // Cost: 146, 438, 146 -> mean 243.33, s = 168.586, t(0.975, 2) = 4.3027: half width 418.79.
  const auto& cost = r.ci95.at("cost.monthly_usd.total");
  CHECK((cost.low + cost.high) / 2 == Approx(730.0 * 0.2 * 5.0 / 3.0));
  CHECK((cost.high - cost.low) / 2 == Approx(418.7916).epsilon(1e-4));
  // The latency intervals keep their old keys too.
  CHECK(r.latency_ms_ci95.at("p95").low == r.ci95.at("latency_ms.p95").low);
  // One replication: no intervals at all.
  std::vector<RunOutput> single = {replication(1000, 10, 10, false)};
  CHECK(merge_replications(single, info).ci95.empty());
}
