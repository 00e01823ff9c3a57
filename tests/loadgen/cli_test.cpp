// End-to-end tests of `loadcast load`, `loadcast merge` and `loadcast testbed` as processes:
// distributed shards, signals, files, CSV feeders, thresholds and exit codes.
#include <catch2/catch.hpp>

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "loadgen/clock.hpp"
#include "reports/result.hpp"
#include "tests/loadgen/h2_server.hpp"
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

namespace {

// A 60 s run stopped after 1 s by `signal`: a balanced partial result and every file are written,
// and the exit code says the run was interrupted (105).
void stops_cleanly_on(const std::string& signal) {
  test::TestbedThread tb(fast_testbed());
  const std::string dir = test::temp_dir("loadcast-" + signal);
  const int rc = test::shell(kBinary + " load --url " + tb.url() + " --rate 200 -c 4 -d 60s --out " + dir + " > " + dir +
                             "/stdout.txt & pid=$!; sleep 1; kill -" + signal + " $pid; wait $pid");
  CHECK(rc == 105);
  const auto r = reports::load_result(dir + "/result.json");
  CHECK(r.sections["load"]["stopped_early"] == true);
  CHECK(r.duration_s < 10.0);
  CHECK(r.requests.ok > 50);
  CHECK(r.requests.balanced());
  for (const char* f : {"/timeseries.csv", "/report.html", "/report.md"}) CHECK(std::filesystem::exists(dir + f));
  std::filesystem::remove_all(dir);
}

}  // namespace

TEST_CASE("LoadCli: SIGINT stops the run and writes a balanced partial result") { stops_cleanly_on("INT"); }

TEST_CASE("LoadCli: SIGTERM stops the run and writes a balanced partial result") { stops_cleanly_on("TERM"); }

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
  CHECK(header == "t_s,errors_per_s,latency_mean_ms,latency_p50_ms,latency_p95_ms,latency_p99_ms,requests_per_s");
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

namespace {

std::string write_text(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

// A small scenario file against the load generator alone (its steps only matter to `sim`).
std::string scenario_file(const std::string& dir, const std::string& name, const std::string& workload,
                          const std::string& extra = "") {
  return write_text(dir + "/" + name + ".yaml", "name: " + name + "\nseed: 3\nduration: 1s\nworkload:\n" + workload +
                                                    "stations:\n  s1: { servers: 1 }\n" + extra);
}

#if defined(LOADCAST_SANITIZE)
const std::string kAddressSpaceLimit;
#else
const std::string kAddressSpaceLimit = "ulimit -v 4000000; ";
#endif

const std::string kOpenWorkload =
    "  arrivals: { process: uniform, rate: 20 }\n  requests:\n    - name: api\n      path: /\n"
    "      steps:\n        - { station: s1, service: const(1ms) }\n";

}  // namespace

TEST_CASE("LoadCli: mistakes in the request, options or thresholds exit 2 before any load is sent") {
  const std::string dir = test::temp_dir("loadcast-usage");
  const std::string open = scenario_file(dir, "open", kOpenWorkload);
  const std::string closed = scenario_file(
      dir, "closed",
      "  users: { count: 2 }\n  requests:\n    - name: api\n      path: /\n"
      "      steps:\n        - { station: s1, service: const(1ms) }\n");
  char ms_epoch[64];
  std::snprintf(ms_epoch, sizeof ms_epoch, "%.0f", loadgen::wall_now_s() * 1000.0);
  char past_epoch[64];
  std::snprintf(past_epoch, sizeof past_epoch, "%.0f", loadgen::wall_now_s() - 60.0);
  const std::string url = " --url http://127.0.0.1:1/ -d 5s";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"load" + url + " -H 'Bad Name: v'", "not an HTTP token"},
      {"load" + url + " --method 'GE T'", "is not an HTTP token"},
      {"load" + url + " -H 'Content-Length: 5'", "set by the load generator"},
      {"load" + url + " -H 'X-A: b' -H 'Transfer-Encoding: chunked'", "set by the load generator"},
      {"load --url https://127.0.0.1:1/ -d 5s --cacert /nonexistent/ca.pem", "--cacert: cannot read '/nonexistent/ca.pem'"},
      {"load --url https://127.0.0.1:1/ -d 5s --cacert " + open, "holds no PEM certificate"},
      {"load " + open + " --target 'http://127.0.0.1:1/?q=1'", "must not have a query"},
      {"load " + closed + " --target http://127.0.0.1:1/ -c 5", "closed model gives every user its own connection"},
      {"load" + url + " --engine bogus", "--engine must be native or curl"},
      {"load" + url + " --streams 4", "--streams needs --http2"},
      {"load" + url + " --threshold 'latncy_ms.p99 < 5'", "has no key 'latncy_ms'"},
      {"load" + url + " --threshold 'cost.monthly_usd.total < 5'", "exists only in simulated results"},
      {"load" + url + " --threshold 'latency_ms.p99 <'", "threshold 'latency_ms.p99 <'"},
      {"load" + url + " --start-at " + ms_epoch, "looks like milliseconds"},
      {"load" + url + " --start-at " + past_epoch, "s in the past"},
      {"testbed --service 'const(1ms)' --listen no-such-host.invalid:0", "--listen: cannot resolve 'no-such-host.invalid'"},
  };
  for (const auto& [args, reason] : cases) {
    std::string out;
    const auto t0 = std::chrono::steady_clock::now();
    // Under a 4 GiB address-space limit: a run that started anyway (the millisecond epoch once
    // sized a 24 GB time series) fails to allocate instead of exhausting the machine.
    // (AddressSanitizer reserves terabytes of shadow memory, so not in the sanitizer build.)
    const int rc = test::shell(kAddressSpaceLimit + kBinary + " " + args + " 2>&1", &out);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    INFO(args << " -> " << out);
    CHECK(rc == 2);
    CHECK(std::count(out.begin(), out.end(), '\n') == 1);
    CHECK(out.rfind("loadcast ", 0) == 0);
    CHECK(out.find(reason) != std::string::npos);
    CHECK(took < 3.0);  // refused up front, not after the 5 s run
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("LoadCli: --http2 over http:// is h2c natively, through --engine curl it needs libcurl 8.0.0") {
  test::H2Server server({});
  std::string out;
  int rc = test::shell(kBinary + " load --url " + server.url() + " --http2 --streams 2 -c 1 -d 300ms 2>&1", &out);
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("(h2c)") != std::string::npos);
  CHECK(out.find("Failures") == std::string::npos);
  const curl_version_info_data* v = curl_version_info(CURLVERSION_NOW);
  rc = test::shell(kBinary + " load --url " + server.url() + " --http2 --engine curl -c 1 -d 300ms -q 2>&1", &out);
  INFO(out);
  if (v->version_num < 0x080000) {
    CHECK(rc == 2);
    CHECK(out.find("(h2c) needs libcurl 8.0.0 or later; this libcurl is " + std::string(v->version)) != std::string::npos);
  } else {
    CHECK(rc == 0);
  }
}

TEST_CASE("LoadCli: waiting for --start-at is announced, and the run starts then") {
  test::TestbedThread tb(fast_testbed());
  char epoch[64];
  std::snprintf(epoch, sizeof epoch, "%.3f", loadgen::wall_now_s() + 2.0);
  std::string out;
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = test::shell(kBinary + " load --url " + tb.url() + " -c 1 -d 300ms --start-at " + epoch + " 2>&1 >/dev/null", &out);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(out);
  CHECK(rc == 0);
  CHECK(std::regex_search(out, std::regex("^waiting [12] s for --start-at ")));
  CHECK(took > 1.8);
}

TEST_CASE("LoadCli: CSV feeder values reach the target in order, percent-encoded in the path") {
  test::BadServer server(test::Misbehaviour::kRecord);
  const std::string dir = test::temp_dir("loadcast-csv");
  write_text(dir + "/skus.csv", "sku,name\nA 1,first\nb/c,second\nd?e=f,third\nplain,fourth\n");
  const std::string scenario = scenario_file(
      dir, "feed",
      "  arrivals: { process: uniform, rate: 20 }\n  requests:\n    - name: item\n      path: /items/{sku}\n"
      "      params: { sku: { csv: skus.csv, column: sku, order: sequential } }\n"
      "      headers: { X-Sku: '{sku}' }\n"
      "      steps:\n        - { station: s1, service: const(1ms) }\n");
  std::string out;
  const int rc = test::shell(kBinary + " load " + scenario + " --target " + server.url() + " -c 1 -t 1 -q --out " + dir +
                                 "/out 2>&1",
                             &out);
  INFO(out);
  REQUIRE(rc == 0);
  const auto lines = server.request_lines();
  REQUIRE(lines.size() == 19);  // 20/s for 1 s: arrivals k/20 s for k = 1..19
  const std::vector<std::string> expect = {"GET /items/A%201 HTTP/1.1", "GET /items/b%2Fc HTTP/1.1",
                                           "GET /items/d%3Fe%3Df HTTP/1.1", "GET /items/plain HTTP/1.1"};
  for (std::size_t i = 0; i < lines.size(); ++i) CHECK(lines[i] == expect[i % expect.size()]);
  const auto r = reports::load_result(dir + "/out/result.json");
  CHECK(r.requests.ok == 19);
  std::filesystem::remove_all(dir);
}

TEST_CASE("LoadCli: every run writes the reports, and scenario thresholds on cost are n/a, not failures") {
  test::TestbedThread tb(fast_testbed());
  const std::string dir = test::temp_dir("loadcast-reports");
  const std::string scenario = scenario_file(dir, "gated", kOpenWorkload,
                                             "thresholds:\n  - 'latency_ms.p99 < 5000'\n  - 'cost.monthly_usd.total < 1'\n");
  std::string out;
  int rc = test::shell(kBinary + " load " + scenario + " --target " + tb.url() + " --out " + dir + "/a", &out);
  INFO(out);
  CHECK(rc == 0);
  for (const char* f : {"/a/result.json", "/a/timeseries.csv", "/a/report.html", "/a/report.md"}) {
    CHECK(std::filesystem::exists(dir + f));
  }
  CHECK(std::regex_search(out, std::regex("threshold cost.monthly_usd.total < 1 +n/a \\(simulator only\\)")));
  CHECK(std::regex_search(out, std::regex("threshold latency_ms.p99 < 5000 +ok")));
  auto r = reports::load_result(dir + "/a/result.json");
  REQUIRE(r.thresholds.size() == 1);
  CHECK(r.thresholds[0].ok);
  CHECK(r.sections["load"]["thresholds_not_applicable"][0]["expr"] == "cost.monthly_usd.total < 1");
  // A threshold only the real result can judge (no 418 ever came): exit 2, but after the
  // run's files are written.
  rc = test::shell(kBinary + " load " + scenario + " --target " + tb.url() +
                       " -q --threshold 'requests.by_status.418 > 0' --out " + dir + "/b 2>&1",
                   &out);
  CHECK(rc == 2);
  CHECK(out.find("by_status") != std::string::npos);
  CHECK(std::filesystem::exists(dir + "/b/result.json"));
  CHECK(std::filesystem::exists(dir + "/b/report.html"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("TestbedCli: --listen takes a host name") {
  const std::string dir = test::temp_dir("loadcast-testbed-name");
  std::string out;
  const std::string script = kBinary + " testbed --listen localhost:0 --service 'const(1ms)' > " + dir +
                             "/tb.txt & tb=$!; for i in $(seq 50); do grep -q listening " + dir +
                             "/tb.txt && break; sleep 0.1; done; kill -TERM $tb; wait $tb; cat " + dir + "/tb.txt";
  CHECK(test::shell(script, &out) == 0);
  INFO(out);
  CHECK(out.find("listening on localhost:") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("LoadCli: a run in which nothing succeeded exits 1, says why, and prints n/a for its latency") {
  // A port nothing listens on: every connection is refused (wrk exits 1 here too).
  const std::string dir = test::temp_dir("loadcast-dead");
  std::string out;
  const int rc = test::shell(kBinary + " load --url http://127.0.0.1:9/ --rate 200 -d 1s -c 2 -t 1 --out " + dir + " 2>&1", &out);
  INFO(out);
  CHECK(rc == 1);
  CHECK(out.find("warning: no request succeeded (connect_refused ") != std::string::npos);
  CHECK(out.find("the target is unreachable") != std::string::npos);
  CHECK(out.find("Latency   mean n/a   p50 n/a   p99 n/a   max n/a") != std::string::npos);
  // Every rate is over the same span and says what it counts.
  CHECK(std::regex_search(out, std::regex("Rates over 1\\.00s: issued [0-9.]+ req/s in the window · responses 0\\.0 req/s · succeeded 0\\.0 req/s")));
  CHECK(std::filesystem::exists(dir + "/result.json"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("LoadCli: statuses a class did not expect are listed by class and code") {
  test::TestbedThread tb(fast_testbed());
  const std::string dir = test::temp_dir("loadcast-expect");
  const std::string scenario =
      scenario_file(dir, "created",
                    "  arrivals: { process: uniform, rate: 20 }\n  requests:\n"
                    "    - { name: create-order, method: POST, path: /carts, expect_status: 201, steps: [ { station: s1, service: const(1ms) } ] }\n");
  std::string out;
  const int rc = test::shell(kBinary + " load " + scenario + " --target " + tb.url() + " -c 1 -t 1 --out " + dir + "/out 2>&1", &out);
  INFO(out);
  CHECK(rc == 1);  // the testbed answers 200 outside its API (/login, /orders): nothing succeeded
  CHECK(out.find("Unexpected status: create-order expected 201, got 200 x 19") != std::string::npos);
  const auto r = reports::load_result(dir + "/out/result.json");
  CHECK(r.sections["load"]["unexpected_statuses"]["create-order"]["expected"] == 201);
  CHECK(r.sections["load"]["unexpected_statuses"]["create-order"]["got"]["200"] == 19);
  std::filesystem::remove_all(dir);
}

TEST_CASE("LoadCli: a scenario's flows log in, create and read against the testbed, and engines without flows exit 2") {
  test::TestbedThread tb(fast_testbed());
  const std::string dir = test::temp_dir("loadcast-flows");
  write_text(dir + "/users.csv", "username,password\nann,pw1\nbob,pw2\n");
  const std::string scenario = scenario_file(
      dir, "journey",
      "  users: { count: 2 }\n"
      "  requests:\n"
      "    - name: login\n      method: POST\n      path: /login\n"
      "      body: '{\"user\":\"{username}\",\"password\":\"{password}\"}'\n"
      "      steps: [ { station: s1, service: const(1ms) } ]\n"
      "    - name: create-order\n      method: POST\n      path: /orders\n"
      "      headers: { Authorization: 'Bearer {token}' }\n"
      "      steps: [ { station: s1, service: const(1ms) } ]\n"
      "    - name: get-order\n      path: /orders/{order_id}\n"
      "      headers: { Authorization: 'Bearer {token}' }\n"
      "      steps: [ { station: s1, service: const(1ms) } ]\n"
      "  flows:\n"
      "    - name: buyer\n      credentials: { csv: users.csv }\n"
      "      setup:\n        - request: login\n          extract: { token: { json: /token } }\n"
      "      steps:\n"
      "        - request: create-order\n          extract: { order_id: { json: /id } }\n"
      "          checks: [ { name: created, status: 201 } ]\n"
      "        - request: get-order\n          checks: [ { name: open, json: /state, equals: open } ]\n",
      "thresholds: [ 'checks.rate > 0.99', 'flows.buyer.failed == 0' ]\n");
  std::string out;
  const int rc = test::shell(kBinary + " load " + scenario + " --target " + tb.url() + " -q --out " + dir + "/out 2>&1", &out);
  INFO(out);
  REQUIRE(rc == 0);
  const auto r = reports::load_result(dir + "/out/result.json");
  const auto& s = r.sections.at("flows").at("buyer");
  CHECK(s.at("completed").get<std::uint64_t>() > 10);
  CHECK(s.at("balanced") == true);
  CHECK(r.classes.at("login").requests.total == 2);
  CHECK(r.sections.at("checks").at("fails") == 0);
  REQUIRE(r.thresholds.size() == 2);
  CHECK(r.thresholds[0].ok);
  std::string refused;
  CHECK(test::shell(kBinary + " load " + scenario + " --target " + tb.url() + " --http2 -q 2>&1", &refused) == 2);
  CHECK_THAT(refused, Catch::Contains("does not run flows"));
  CHECK(tb.stats().api.logins == 2);
  std::filesystem::remove_all(dir);
}
