// End-to-end tests of `loadcast load`, `loadcast merge` and `loadcast testbed` as processes:
// distributed shards, signals, files and exit codes.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>

#include "loadgen/clock.hpp"
#include "reports/result.hpp"
#include "tests/loadgen/servers.hpp"

using namespace loadcast;

namespace {

const std::string kBinary = LOADCAST_BINARY;

loadgen::TestbedConfig fast_testbed() {
  loadgen::TestbedConfig c;
  c.workers = 8;
  c.service = sim::Distribution::constant(0.001);
  return c;
}

}  // namespace

TEST_CASE("LoadCli: three shard processes merge to the counts of the whole schedule") {
  test::TestbedThread tb(fast_testbed());
  const std::string dir = test::temp_dir("loadcast-shards");
  const double epoch = loadgen::wall_now_s() + 1.5;
  char epoch_text[64];
  std::snprintf(epoch_text, sizeof epoch_text, "%.3f", epoch);
  std::string cmd;
  for (int i = 0; i < 3; ++i) {
    cmd += kBinary + " load --url " + tb.url() + " --rate 300 -c 4 -t 1 -d 3s --shard " + std::to_string(i) +
           "/3 --start-at " + epoch_text + " --out " + dir + "/s" + std::to_string(i) + " -q & ";
  }
  cmd += "wait";
  REQUIRE(test::shell(cmd) == 0);
  std::string out;
  const int rc = test::shell(kBinary + " merge " + dir + "/s0/result.json " + dir + "/s1/result.json " + dir +
                                 "/s2/result.json --out " + dir + "/merged.json 2>&1",
                             &out);
  INFO(out);
  REQUIRE(rc == 0);
  const auto merged = reports::load_result(dir + "/merged.json");
  std::uint64_t shard_sum = 0;
  std::uint64_t hist_sum = 0;
  for (int i = 0; i < 3; ++i) {
    const auto r = reports::load_result(dir + "/s" + std::to_string(i) + "/result.json");
    CHECK(r.requests.total >= 299);
    CHECK(r.requests.total <= 300);
    shard_sum += r.requests.total;
    hist_sum += r.latency_histogram.count();
  }
  // 300 req/s for 3 s: arrivals k/300 s for k = 1..899, interleaved over the shards.
  CHECK(shard_sum == 899);
  CHECK(merged.requests.total == 899);
  CHECK(merged.requests.ok == 899);
  CHECK(merged.requests.balanced());
  CHECK(merged.latency_histogram.count() == hist_sum);
  CHECK(merged.sections["load"]["shard"]["indices"] == reports::Json::array({0, 1, 2}));
  CHECK(merged.sections["load"]["target_rps"].get<double>() == Approx(300.0).epsilon(0.01));
  double per_second = 0.0;
  for (double v : merged.timeseries.series.at("requests_per_s")) per_second += v;
  CHECK(per_second == 899.0);
  // Merging a shard twice would double count: refused.
  CHECK(test::shell(kBinary + " merge " + dir + "/s0/result.json " + dir + "/s0/result.json --out " + dir +
                    "/bad.json 2>/dev/null") == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("LoadCli: SIGINT stops the run and writes a balanced partial result") {
  test::TestbedThread tb(fast_testbed());
  const std::string dir = test::temp_dir("loadcast-sigint");
  std::string out;
  const int rc = test::shell(kBinary + " load --url " + tb.url() + " --rate 200 -c 4 -d 60s --out " + dir +
                                 " > " + dir + "/stdout.txt & pid=$!; sleep 1; kill -INT $pid; wait $pid",
                             &out);
  CHECK(rc == 0);
  const auto r = reports::load_result(dir + "/result.json");
  CHECK(r.sections["load"]["stopped_early"] == true);
  CHECK(r.duration_s < 10.0);
  CHECK(r.requests.ok > 50);
  CHECK(r.requests.balanced());
  CHECK(std::filesystem::exists(dir + "/timeseries.csv"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("LoadCli: prints a wrk-like summary and writes result files") {
  test::TestbedThread tb(fast_testbed());
  const std::string dir = test::temp_dir("loadcast-quick");
  std::string out;
  REQUIRE(test::shell(kBinary + " load --url " + tb.url("/x?y=1") + " -c 4 -d 500ms -t 2 --out " + dir, &out) == 0);
  CHECK(out.find("Running 500ms test @ " + tb.url("/x?y=1")) == 0);
  CHECK(out.find("2 threads and 4 connections") != std::string::npos);
  CHECK(std::regex_search(out, std::regex("Requests/sec: +[0-9]+\\.[0-9]{2}")));
  CHECK(out.find("Percentiles: p50=") != std::string::npos);
  CHECK(out.find("(balanced)") != std::string::npos);
  std::ifstream csv(dir + "/timeseries.csv");
  std::string header;
  std::getline(csv, header);
  CHECK(header == "t_s,errors_per_s,latency_p50_ms,latency_p95_ms,latency_p99_ms,requests_per_s");
  const auto r = reports::load_result(dir + "/result.json");
  CHECK(r.kind == "load");
  CHECK(r.requests.ok > 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("LoadCli: thresholds fail the run with exit 99") {
  test::TestbedThread tb(fast_testbed());
  CHECK(test::shell(kBinary + " load --url " + tb.url() + " -c 2 -d 300ms -q --threshold 'latency_ms.p99 < 0.001'") == 99);
  CHECK(test::shell(kBinary + " load --url " + tb.url() + " -c 2 -d 300ms -q --threshold 'latency_ms.p99 < 5000'") == 0);
}

TEST_CASE("LoadCli: bad usage exits 2 with a one-line reason") {
  for (const std::string args : {"load", "load --url ftp://x/", "load --url http://127.0.0.1:1/ --shard 3/3",
                                 "load --url http://127.0.0.1:1/ --rate -5", "load --url http://127.0.0.1:1/ -d 0s",
                                 "load --url http://127.0.0.1:1/ --on-overload maybe --rate 5",
                                 "load --url http://127.0.0.1:1/ --insecure", "load --url http://x/ -H novalue",
                                 "merge --out x.json", "merge /nonexistent.json --out x.json",
                                 "testbed --service 'exp(1)'", "testbed --service 'exp(1ms)' --stall 5s",
                                 "testbed --service 'exp(1ms)' --listen nowhere"}) {
    std::string out;
    const int rc = test::shell(kBinary + " " + args + " 2>&1", &out);
    INFO(args << " -> " << out);
    CHECK(rc == 2);
    CHECK(std::count(out.begin(), out.end(), '\n') == 1);
    CHECK(out.rfind("loadcast ", 0) == 0);
  }
}

TEST_CASE("TestbedCli: serves on a free port and reports on SIGTERM") {
  const std::string dir = test::temp_dir("loadcast-testbed");
  std::string out;
  const std::string script =
      kBinary + " testbed --listen 127.0.0.1:0 --workers 2 --service 'const(1ms)' > " + dir +
      "/tb.txt & tb=$!; for i in $(seq 50); do grep -q listening " + dir + "/tb.txt && break; sleep 0.1; done; " +
      "port=$(sed -n 's/.*127.0.0.1:\\([0-9]*\\).*/\\1/p' " + dir + "/tb.txt | head -1); " + kBinary +
      " load --url http://127.0.0.1:$port/ -c 2 -d 300ms -q; kill -TERM $tb; wait $tb; cat " + dir + "/tb.txt";
  REQUIRE(test::shell(script, &out) == 0);
  INFO(out);
  CHECK(std::regex_search(out, std::regex("listening on 127.0.0.1:[0-9]+ \\(2 workers, service const\\(1ms\\), sleep\\)")));
  CHECK(std::regex_search(out, std::regex("served [1-9][0-9]* requests")));
  std::filesystem::remove_all(dir);
}

TEST_CASE("LoadCli: scenario mode drives the scenario's workload") {
  test::TestbedThread tb(fast_testbed());
  const std::string dir = test::temp_dir("loadcast-scenario");
  std::string out;
  const std::string scenario = std::string(LOADCAST_SOURCE_DIR) + "/tests/loadgen/mm4-validate.yaml";
  REQUIRE(test::shell(kBinary + " load " + scenario + " --target " + tb.url() +
                          " --set duration=2s --set warmup=0s --set workload.arrivals.rate=200 -q --out " + dir,
                      &out) == 0);
  const auto r = reports::load_result(dir + "/result.json");
  CHECK(r.scenario == "validate-mm4");
  CHECK(r.seed == 11);
  CHECK(r.requests.total > 300);
  CHECK(r.requests.total < 500);
  CHECK(r.requests.ok == r.requests.total);
  CHECK(r.classes.count("api") == 1);
  CHECK(r.sections["load"]["model"] == "open");
  // --rate belongs to quick mode.
  CHECK(test::shell(kBinary + " load " + scenario + " --target " + tb.url() + " --rate 5 2>/dev/null") == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("ValidateCli: writes predicted against measured") {
  test::TestbedThread tb(fast_testbed());
  const std::string dir = test::temp_dir("loadcast-validate");
  std::string out;
  const std::string scenario = std::string(LOADCAST_SOURCE_DIR) + "/tests/loadgen/mm4-validate.yaml";
  const int rc = test::shell(kBinary + " validate " + scenario + " --target " + tb.url() +
                                 " --set duration=2s --set warmup=0s --out " + dir,
                             &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("predicted (simulation, 1 replication) vs measured (load):") != std::string::npos);
  std::ifstream in(dir + "/validation.json");
  const auto j = reports::Json::parse(in);
  CHECK(j["metrics"][0]["metric"] == "throughput_rps");
  CHECK(j["metrics"][0]["predicted"].get<double>() > 50.0);
  CHECK(std::filesystem::exists(dir + "/load/result.json"));
  CHECK(std::filesystem::exists(dir + "/sim/result.json"));
  // The fast testbed (1 ms) is far from the scenario's 20 ms model: a tolerance fails it.
  CHECK(test::shell(kBinary + " validate " + scenario + " --target " + tb.url() +
                    " --set duration=2s --set warmup=0s -q --max-error 10 --out " + dir) == 99);
  std::filesystem::remove_all(dir);
}
