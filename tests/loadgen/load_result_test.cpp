#include <catch2/catch.hpp>

#include <cmath>

#include "loadgen/load_result.hpp"
#include "loadgen/merge.hpp"

using namespace loadcast;
using loadgen::Cause;
using loadgen::Completion;
using loadgen::WorkerMetrics;

namespace {

constexpr sim::Time kT0 = 1000 * sim::kSecond;

// A worker that saw `n` requests, one every 10 ms, with some failures.
WorkerMetrics worker(int n, int offset) {
  WorkerMetrics w(2);
  w.start(kT0, kT0, kT0 + 10 * sim::kSecond);
  for (int i = 0; i < n; ++i) {
    const std::size_t cls = static_cast<std::size_t>(i % 2);
    const sim::Time intended = kT0 + (i + offset) * 10 * sim::kMillisecond;
    w.on_scheduled(cls, intended);
    w.on_sent(intended, intended + 1000);
    Completion c;
    c.sent = intended + 1000;
    c.done = intended + (1 + i % 7) * sim::kMillisecond;
    c.bytes = 100;
    if (i % 10 == 3) {
      c.cause = Cause::kReadTimeout;
    } else if (i % 10 == 5) {
      c.status = 503;
      c.cause = Cause::kHttp5xx;
    } else {
      c.status = 200;
    }
    w.on_completed(cls, c, intended);
  }
  w.on_scheduled(0, kT0 + 5 * sim::kSecond);
  w.on_dropped(0, Cause::kBacklogFull, kT0 + 5 * sim::kSecond, kT0 + 5 * sim::kSecond);
  w.on_lag(20 * sim::kMicrosecond);
  w.finish();
  return w;
}

loadgen::LoadInfo info() {
  loadgen::LoadInfo i;
  i.target = "http://127.0.0.1:1/";
  i.model = "open";
  i.engine = "http1";
  i.duration_s = 10.0;
  i.target_rps = 100.0;
  i.threads = 1;
  i.connections = 4;
  return i;
}

}  // namespace

TEST_CASE("LoadResult: accounting and keys match the simulator's") {
  loadgen::LoadTotals t({"a", "b"});
  t.add_worker(worker(300, 0), {0, 0});
  const auto r = loadgen::build_result(t, info());
  CHECK(r.kind == "load");
  CHECK(r.requests.total == 301);
  CHECK(r.requests.timeouts == 30);
  CHECK(r.requests.errors == 30);
  CHECK(r.requests.dropped == 1);
  CHECK(r.requests.in_flight == 0);
  CHECK(r.requests.ok == 240);
  CHECK(r.requests.balanced());
  CHECK(r.requests.by_status.at("503") == 30);
  CHECK(r.requests.by_cause.at("read_timeout") == 30);
  CHECK(r.requests.by_cause.at("backlog_full") == 1);
  CHECK(r.latency_histogram.count() == 240);  // successful requests only, as the simulator
  const auto j = r.to_json();
  for (const char* key : {"requests_per_s", "errors_per_s", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms"}) {
    CHECK(j["timeseries"]["series"].contains(key));
  }
  CHECK(j["timeseries"]["series"]["requests_per_s"][0].get<double>() == 100.0);
  CHECK(j["timeseries"]["series"]["errors_per_s"][0].get<double>() == 20.0);
  CHECK(j["timeseries"]["series"]["errors_per_s"][5].get<double>() == 1.0);
  CHECK(j["load"]["accounting"]["scheduled"] == 301);
  CHECK(j["load"]["generator_saturated"] == false);
}

TEST_CASE("LoadResult: merging shard results equals measuring them together") {
  const auto a = worker(250, 0);
  const auto b = worker(250, 1);
  loadgen::LoadTotals together({"a", "b"});
  together.add_worker(a, {0, 0});
  together.add_worker(b, {0, 0});
  loadgen::LoadTotals ta({"a", "b"});
  ta.add_worker(a, {0, 0});
  loadgen::LoadTotals tb({"a", "b"});
  tb.add_worker(b, {0, 0});
  // Through JSON and back, as `loadcast merge` does.
  const auto ra = reports::Result::from_json(loadgen::build_result(ta, info()).to_json());
  const auto rb = reports::Result::from_json(loadgen::build_result(tb, info()).to_json());
  auto merged = loadgen::totals_from_result(ra);
  merged.add(loadgen::totals_from_result(rb));
  auto i = info();
  const auto whole = loadgen::build_result(together, i).to_json();
  const auto from_merge = loadgen::build_result(merged, i).to_json();
  CHECK(from_merge["requests"] == whole["requests"]);
  CHECK(from_merge["histograms"] == whole["histograms"]);
  CHECK(from_merge["timeseries"] == whole["timeseries"]);
  CHECK(from_merge["load"]["per_second"] == whole["load"]["per_second"]);
  CHECK(from_merge["latency_ms"] == whole["latency_ms"]);
}

TEST_CASE("LoadResult: requests before the warm-up are not counted") {
  WorkerMetrics w(1);
  w.start(kT0, kT0 + sim::kSecond, kT0 + 2 * sim::kSecond);
  Completion c;
  c.status = 200;
  c.sent = kT0 + 1;
  c.done = kT0 + 100;
  w.on_scheduled(0, kT0);
  w.on_completed(0, c, kT0);
  CHECK(w.classes()[0].scheduled == 0);
  CHECK(w.classes()[0].latency.count() == 0);
  c.done = kT0 + sim::kSecond + 100;
  w.on_scheduled(0, kT0 + sim::kSecond);
  w.on_completed(0, c, kT0 + sim::kSecond);
  CHECK(w.classes()[0].scheduled == 1);
  CHECK(w.classes()[0].latency.count() == 1);
}

TEST_CASE("LoadResult: the per-second series never outgrows warm-up + duration + drain") {
  // A second far in the future (what a start epoch that overflowed recorded) must not become
  // billions of rows: the series stops at ceil(warm-up + duration + drain).
  loadgen::LoadTotals t({"a", "b"});
  t.add_worker(worker(300, 0), {0, 0});
  t.seconds[9'000'000'000].completions = 1;
  auto i = info();
  i.warmup_s = 1.0;
  i.duration_s = 10.0;
  i.drain_s = 2.5;
  const auto r = loadgen::build_result(t, i);
  CHECK(r.timeseries.t_s.size() == 14);
  CHECK(r.timeseries.series.at("requests_per_s").size() == 14);
  CHECK(r.sections.at("load")["per_second"]["t_s"].size() <= 14);
  // Without data past the schedule the series covers the schedule only.
  loadgen::LoadTotals plain({"a", "b"});
  plain.add_worker(worker(300, 0), {0, 0});
  CHECK(loadgen::build_result(plain, i).timeseries.t_s.size() == 11);
}

namespace {

// An open-model run of `scheduled` requests in a 1 s window, all sent on time unless told.
loadgen::LoadTotals open_run(int scheduled, int backlogged = 0, int late = 0, int dropped = 0) {
  WorkerMetrics w(1);
  w.start(kT0, kT0, kT0 + sim::kSecond);
  for (int k = 0; k < scheduled; ++k) {
    const sim::Time intended = kT0 + k * sim::kSecond / scheduled;
    w.on_scheduled(0, intended);
    if (k < dropped) {
      w.on_dropped(0, Cause::kBacklogFull, intended, intended);
      continue;
    }
    const bool waited = k >= dropped && k < dropped + backlogged;
    const bool is_late = !waited && k >= dropped + backlogged && k < dropped + backlogged + late;
    if (waited) w.on_backlogged(intended);
    const sim::Time sent = intended + (waited ? 200 * sim::kMillisecond : is_late ? 50 * sim::kMillisecond : 1000);
    w.on_sent(intended, sent, waited);
    Completion c;
    c.status = 200;
    c.sent = sent;
    c.done = sent + sim::kMillisecond;
    w.on_completed(0, c, intended);
  }
  w.finish();
  loadgen::LoadTotals t({"a"});
  t.add_worker(w, {0});
  return t;
}

loadgen::LoadInfo open_info(double target_rps) {
  auto i = info();
  i.duration_s = 1.0;
  i.target_rps = target_rps;
  i.connections = 4;
  i.max_backlog = 100;
  return i;
}

bool warns(const loadgen::LoadInfo& i, const std::string& text) {
  for (const auto& w : i.warnings) {
    if (w.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("LoadResult: the rate is judged against the arrivals scheduled in the window") {
  SECTION("a uniform schedule's R*d - 1 arrivals, all sent on time, are no shortfall") {
    // 50/s for 1 s schedules 49 arrivals (k/50 s for k = 1..49); 49 < 0.99 x 50 warned before.
    auto t = open_run(49);
    auto i = open_info(50.0);
    loadgen::assess(t, i);
    INFO(i.warnings.size());
    CHECK(i.warnings.empty());
  }
  SECTION("a Poisson schedule that drew fewer arrivals than its mean is no shortfall") {
    auto t = open_run(940);
    auto i = open_info(1000.0);
    loadgen::assess(t, i);
    CHECK(i.warnings.empty());
  }
  SECTION("requests that waited for a connection are named, and so is the missed rate") {
    auto t = open_run(100, 40);
    auto i = open_info(100.0);
    loadgen::assess(t, i);
    // They waited 200 ms but still went out inside the window: the rate held, the timing did not.
    REQUIRE(i.warnings.size() == 1);
    CHECK(t.sent_in_window == 100);
    CHECK(warns(i, "the rate was met, but not every request was sent on time: 40 waited for a free connection "
                   "(all 4 were busy: raise -c, or the target is saturated)"));
  }
  SECTION("requests sent late with a connection free blame the generator") {
    auto t = open_run(100, 0, 30);
    auto i = open_info(100.0);
    loadgen::assess(t, i);
    CHECK(warns(i, "30 sent more than 10 ms late with a connection free (the generator fell behind)"));
  }
  SECTION("drops are told once, with the policy") {
    auto t = open_run(100, 0, 0, 20);
    auto i = open_info(100.0);
    i.overload = "drop";
    loadgen::assess(t, i);
    REQUIRE(i.warnings.size() == 1);
    CHECK(warns(i, "target rate not met: 80 of 100 scheduled requests sent in the window"));
    CHECK(warns(i, "20 dropped without being sent (--on-overload drop)"));
  }
}

TEST_CASE("LoadResult: generator_saturated when a thread was busy or send timers ran late") {
  auto t = open_run(100);
  auto i = open_info(100.0);
  CHECK_FALSE(loadgen::assess(t, i));
  CHECK(loadgen::build_result(t, i).sections.at("load")["generator_saturated"] == false);
  i.max_thread_utilization = 0.97;
  auto busy = i;
  CHECK(loadgen::assess(t, busy));
  CHECK(warns(busy, "busy 97% of the time"));
  const auto r = loadgen::build_result(t, i);
  CHECK(r.sections.at("load")["generator_saturated"] == true);
  // Timer lag p99 over 10 ms marks the run too, whatever the CPU.
  auto lagging = open_run(100);
  for (int k = 0; k < 100; ++k) lagging.timer_lag.record(25 * sim::kMillisecond);
  auto j = open_info(100.0);
  CHECK(loadgen::assess(lagging, j));
  CHECK(warns(j, "send timers ran late (p99 25"));
  CHECK(loadgen::build_result(lagging, open_info(100.0)).sections.at("load")["generator_saturated"] == true);
}

TEST_CASE("LoadResult: shards of different runs do not merge") {
  const auto shard = [](std::uint64_t index, std::uint64_t seed) {
    loadgen::LoadTotals t({"a", "b"});
    t.add_worker(worker(100, static_cast<int>(index)), {0, 0});
    auto i = info();
    i.shards = 2;
    i.shard_indices = {index};
    i.fingerprint = {{"seed", seed}, {"model", "open"}, {"arrivals", "poisson"}, {"schedule", "0123"},
                     {"duration_s", 10.0}, {"warmup_s", 0.0}, {"classes", {"a", "b"}}, {"classes_hash", "ab"}};
    return reports::Result::from_json(loadgen::build_result(t, i).to_json());
  };
  CHECK_NOTHROW(loadgen::merge_results({{"s0.json", shard(0, 7)}, {"s1.json", shard(1, 7)}}));
  CHECK_THROWS_WITH(loadgen::merge_results({{"s0.json", shard(0, 7)}, {"s1.json", shard(1, 8)}}),
                    Catch::Contains("s1.json: a shard of a different run: load.fingerprint.seed 8 differs from 7 in s0.json"));
  auto other_mix = shard(1, 7);
  other_mix.sections["load"]["fingerprint"]["classes_hash"] = "cd";
  CHECK_THROWS_WITH(loadgen::merge_results({{"s0.json", shard(0, 7)}, {"s1.json", other_mix}}),
                    Catch::Contains("load.fingerprint.classes_hash"));
}

TEST_CASE("LoadResult: a run in which nothing succeeded has null latency, not 0") {
  // Issue #21 item 6: every connection refused (`load --url http://127.0.0.1:1/`).
  WorkerMetrics w(1);
  w.start(kT0, kT0, kT0 + sim::kSecond);
  for (int i = 0; i < 50; ++i) {
    const sim::Time intended = kT0 + i * 10 * sim::kMillisecond;
    w.on_scheduled(0, intended);
    Completion c;
    c.sent = intended;
    c.done = intended + 100 * sim::kMicrosecond;
    c.cause = Cause::kConnectRefused;
    w.on_completed(0, c, intended);
  }
  w.finish();
  loadgen::LoadTotals t({"default"});
  t.add_worker(w, {0, 0});
  auto i = info();
  i.duration_s = 1.0;
  const auto j = loadgen::build_result(t, i).to_json();
  CHECK(j["requests"]["errors"] == 50);
  CHECK(j["requests"]["ok"] == 0);
  for (const char* k : {"mean", "p50", "p90", "p95", "p99", "p999", "max"}) {
    INFO(k);
    CHECK(j["latency_ms"][k].is_null());
    CHECK(j["classes"]["default"]["latency_ms"][k].is_null());
    CHECK(j["load"]["latency_uncorrected_ms"][k].is_null());
  }
  // Read back (merge, gate, report read results): still no samples.
  const auto back = reports::Result::from_json(reports::Json::parse(j.dump()));
  CHECK(std::isnan(back.latency_ms.p95));
}

TEST_CASE("LoadResult: a merge refuses a shard index at or above the shard count and names the shards missing") {
  const auto shard = [](std::uint64_t index, std::uint64_t count) {
    loadgen::LoadTotals t({"a", "b"});
    t.add_worker(worker(100, static_cast<int>(index)), {0, 0});
    auto i = info();
    i.shards = count;
    i.shard_indices = {index};
    return reports::Result::from_json(loadgen::build_result(t, i).to_json());
  };
  CHECK_THROWS_WITH(loadgen::merge_results({{"s0.json", shard(0, 4)}, {"s9.json", shard(5, 4)}}),
                    "s9.json: load.shard.indices has shard 5 but load.shard.count is 4 (indices run 0..3): not a shard of this run");
  CHECK_THROWS_WITH(loadgen::merge_results({{"s4.json", shard(4, 4)}}), Catch::StartsWith("s4.json: load.shard.indices has shard 4"));
  const auto part = loadgen::merge_results({{"s0.json", shard(0, 4)}, {"s2.json", shard(2, 4)}});
  REQUIRE(part.warnings.size() == 1);
  CHECK(part.warnings[0] == "merged 2 of 4 shards: shards 1, 3 missing; the result covers part of the schedule");
  const auto j = part.result.to_json();
  CHECK(j["load"]["shard"]["missing"] == reports::Json::array({1, 3}));
  CHECK(j["load"]["shard"]["indices"] == reports::Json::array({0, 2}));
  CHECK(j["load"]["merge_warnings"][0] == part.warnings[0]);
  const auto one = loadgen::merge_results({{"s0.json", shard(0, 2)}});
  CHECK(one.warnings == std::vector<std::string>{"merged 1 of 2 shards: shard 1 missing; the result covers part of the schedule"});
  const auto all = loadgen::merge_results({{"s0.json", shard(0, 2)}, {"s1.json", shard(1, 2)}});
  CHECK(all.warnings.empty());
  CHECK(all.result.to_json()["load"]["shard"]["missing"] == reports::Json::array());
  CHECK_FALSE(all.result.to_json()["load"].contains("merge_warnings"));
}

TEST_CASE("LoadResult: completions per class per second, as the simulator's classes.<name>.requests_per_s") {
  loadgen::LoadTotals t({"a", "b"});
  t.add_worker(worker(300, 0), {0, 0});
  const auto r = loadgen::build_result(t, info());
  const auto& s = r.timeseries.series;
  REQUIRE(s.count("classes.a.requests_per_s") == 1);
  REQUIRE(s.count("classes.b.requests_per_s") == 1);
  const auto& a = s.at("classes.a.requests_per_s");
  const auto& b = s.at("classes.b.requests_per_s");
  const auto& all = s.at("requests_per_s");
  REQUIRE(a.size() == all.size());
  // Classes alternate: 50 of each in each of the first three seconds; the one drop at 5 s is a's.
  CHECK(a[0] == 50.0);
  CHECK(b[0] == 50.0);
  CHECK(a[5] == 1.0);
  CHECK(b[5] == 0.0);
  for (std::size_t k = 0; k < all.size(); ++k) CHECK(a[k] + b[k] == all[k]);

  SECTION("a result written before the per-class series still merges, without them") {
    auto j = r.to_json();
    j["load"]["per_second"].erase("class_completions");
    const auto old = loadgen::totals_from_result(reports::Result::from_json(j));
    const auto again = loadgen::build_result(old, info());
    CHECK(again.timeseries.series.at("classes.a.requests_per_s")[0] == 0.0);
    CHECK(again.timeseries.series.at("requests_per_s")[0] == 100.0);
  }
  SECTION("a class series naming no class of the result is refused") {
    auto j = r.to_json();
    j["load"]["per_second"]["class_completions"]["zzz"] = j["load"]["per_second"]["class_completions"]["a"];
    CHECK_THROWS_WITH(loadgen::totals_from_result(reports::Result::from_json(j)),
                      Catch::Contains("load.per_second.class_completions.zzz names no class of the result"));
  }
}

TEST_CASE("LoadResult: the schedule's wall-clock start is recorded, read back, and the earliest shard's after a merge") {
  const auto shard = [](std::uint64_t index, double started) {
    loadgen::LoadTotals t({"a", "b"});
    t.add_worker(worker(100, static_cast<int>(index)), {0, 0});
    auto i = info();
    i.shards = 2;
    i.shard_indices = {index};
    i.started_epoch = started;
    return reports::Result::from_json(loadgen::build_result(t, i).to_json());
  };
  const auto s0 = shard(0, 1796457600.25);
  CHECK(s0.sections.at("load").at("started_epoch").get<double>() == 1796457600.25);
  CHECK(loadgen::info_from_result(s0).started_epoch == 1796457600.25);
  const auto merged = loadgen::merge_results({{"s1.json", shard(1, 1796457601.5)}, {"s0.json", s0}});
  CHECK(merged.info.started_epoch == 1796457600.25);
  CHECK(merged.result.sections.at("load").at("started_epoch").get<double>() == 1796457600.25);
  // A result from before the field: none, and calibrate asks for --start.
  auto old = s0.to_json();
  old["load"].erase("started_epoch");
  CHECK_FALSE(loadgen::info_from_result(reports::Result::from_json(old)).started_epoch);
}
