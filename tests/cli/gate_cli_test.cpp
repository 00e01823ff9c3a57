// End-to-end: `loadcast gate` and `loadcast report` on stored results; the exit codes are the
// contract CI relies on (0 pass, 99 a check failed, 2 bad expression / unknown metric / file).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "reports/result.hpp"
#include "tests/support/run_command.hpp"

using namespace loadcast::testing;
using loadcast::reports::Result;

namespace {

Result make_result(double p95, double p99) {
  Result r;
  r.scenario = "gate-cli";
  r.requests.total = 1000;
  r.requests.ok = 1000;
  r.throughput_rps = 50;
  r.latency_ms.p50 = 10;
  r.latency_ms.p95 = p95;
  r.latency_ms.p99 = p99;
  r.sections["cost"] = loadcast::reports::Json{{"monthly_usd", {{"total", 304.43}, {"items", {{"fargate", 89.97}}}}}};
  return r;
}

struct Files {
  std::string dir = temp_dir("gate");
  std::string write(const std::string& name, const Result& r) {
    const std::string path = dir + "/" + name;
    loadcast::reports::save_result(r, path);
    return path;
  }
  ~Files() { std::filesystem::remove_all(dir); }
};

CommandResult gate(const std::string& args) { return run_command(loadcast_binary() + " gate " + args); }

}  // namespace

TEST_CASE("GateCli: passing thresholds exit 0 and print each measured value") {
  Files f;
  const auto cur = f.write("cur.json", make_result(120, 250));
  const auto r = gate(cur + " --threshold 'latency_ms.p95 < 300' --threshold 'cost.monthly_usd.total < 500'");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("ok    latency_ms.p95 < 300   measured 120"));
  CHECK_THAT(r.out, Catch::Contains("ok    cost.monthly_usd.total < 500   measured 304.43"));
  CHECK_THAT(r.out, Catch::Contains("gate: PASSED"));
}

TEST_CASE("GateCli: a failed threshold exits 99 and writes JUnit and Markdown") {
  Files f;
  Result res = make_result(412.5, 800);
  res.thresholds.push_back({"latency_ms.p99 < 1000", 800, true, ""});
  const auto cur = f.write("cur.json", res);
  const std::string junit = f.dir + "/gate.xml", md = f.dir + "/gate.md";
  const auto r = gate(cur + " -t 'latency_ms.p95 < 300' --junit " + junit + " --markdown " + md);
  CHECK(r.exit_code == 99);
  CHECK_THAT(r.out, Catch::Contains("ok    latency_ms.p99 < 1000   measured 800"));  // the result's own threshold
  CHECK_THAT(r.out, Catch::Contains("FAIL  latency_ms.p95 < 300   measured 412.5"));
  CHECK_THAT(r.out, Catch::Contains("gate: FAILED (1 of 2 checks failed)"));
  const std::string xml = read_file(junit);
  CHECK_THAT(xml, Catch::Contains("<testsuites name=\"loadcast gate\" tests=\"2\" failures=\"1\""));
  CHECK_THAT(xml, Catch::Contains("<failure type=\"threshold\" message=\"measured 412.5\">"));
  CHECK_THAT(read_file(md), Catch::Contains("| ❌ | `latency_ms.p95 < 300` | 412.5 |"));
}

TEST_CASE("GateCli: a regression against the baseline exits 99 and the tolerance is respected") {
  Files f;
  const auto base = f.write("base.json", make_result(100, 200));
  const auto worse = f.write("worse.json", make_result(130, 210));  // p95 +30 %
  const auto r = gate(worse + " --baseline " + base);
  CHECK(r.exit_code == 99);
  CHECK_THAT(r.out, Catch::Contains("FAIL  latency_ms.p95   130 vs baseline 100  +30 %"));
  CHECK(gate(worse + " --baseline " + base + " --max-regression 50").exit_code == 0);
  CHECK(gate(base + " --baseline " + base).exit_code == 0);
}

TEST_CASE("GateCli: with replications overlapping intervals do not fail the gate") {
  Files f;
  Result base = make_result(100, 200);
  base.replications = 5;
  base.latency_ms_ci95["p95"] = {90, 110};
  base.latency_ms_ci95["p99"] = {180, 220};
  Result cur = base;
  cur.latency_ms.p95 = 120;
  cur.latency_ms_ci95["p95"] = {105, 135};
  const auto b = f.write("base.json", base);
  const auto overlapping = f.write("cur.json", cur);
  const auto r = gate(overlapping + " --baseline " + b);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("overlap: not significant"));
  cur.latency_ms_ci95["p95"] = {115, 125};
  CHECK(gate(f.write("sep.json", cur) + " --baseline " + b).exit_code == 99);
}

TEST_CASE("GateCli: simulated replications: another seed is not significant, a slower handler is a regression") {
  Files f;
  const std::string sim = loadcast_binary() + " sim " + LOADCAST_SOURCE_DIR +
                          "/scenarios/step-load.yaml --duration 9m --replications 3 --threads 2 -q ";
  REQUIRE(run_command(sim + "--seed 1 --out " + f.dir + "/seed1").exit_code == 0);
  REQUIRE(run_command(sim + "--seed 2 --out " + f.dir + "/seed2").exit_code == 0);
  const std::string one = f.dir + "/seed1/result.json", two = f.dir + "/seed2/result.json";
  // Same configuration, another seed: p95 and throughput differ by more than 0.1 %, but their
  // 95 % intervals over the replications overlap, so nothing regresses.
  auto r = gate(one + " --baseline " + two + " --max-regression 0.1");
  CHECK(r.exit_code == 0);
  // (With these seeds: p95 57.39 vs 55.36 ms, +3.7 %; throughput 19.81 vs 20.01 req/s, -1 %.)
  CHECK_THAT(r.out, Catch::Contains("overlap: not significant"));
  CHECK_THAT(r.out, Catch::Contains("ok    throughput_rps") && Catch::Contains("ok    latency_ms.p95"));
  CHECK_THAT(r.out, Catch::Contains("gate: PASSED (0 of 6 checks failed)"));
  // A handler 40 % slower: the latency intervals separate.
  REQUIRE(run_command(sim + "--seed 2 --set 'workload.requests[0].steps[0].cpu=exp(14ms)' --out " + f.dir + "/slow").exit_code == 0);
  r = gate(f.dir + "/slow/result.json --baseline " + one + " --max-regression 0.1");
  CHECK(r.exit_code == 99);
  CHECK_THAT(r.out, Catch::Contains("FAIL  latency_ms.p95") && Catch::Contains("FAIL  latency_ms.p99"));
  CHECK_THAT(r.out, Catch::Contains("do not overlap"));
}

TEST_CASE("GateCli: a malformed expression or unknown metric exits 2 with a pointed sentence") {
  Files f;
  const auto cur = f.write("cur.json", make_result(100, 200));
  auto r = gate(cur + " --threshold 'latency_ms.p95 < 300ms'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("expected a number at column 18, found '300ms'"));
  r = gate(cur + " --threshold 'latency_ms.p95 =< 300'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("'=' at column 16 is not an operator"));
  r = gate(cur + " --threshold 'latency_ms.p96 < 300'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown metric 'latency_ms.p96': 'latency_ms' has no key 'p96'"));
  r = gate(cur + " --threshold 'p99 < 300'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("did you mean 'latency_ms.p99'?"));
  r = gate(cur + " --threshold 'classes.checkout.latency_ms.p99 < 3'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("'classes' has no key 'checkout'"));
}

TEST_CASE("GateCli: unreadable files and nothing to check exit 2") {
  Files f;
  auto r = gate(f.dir + "/missing.json --threshold 'latency_ms.p95 < 3'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("missing.json: cannot open result file"));
  const auto cur = f.write("cur.json", make_result(100, 200));
  r = gate(cur);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("nothing to check"));
  r = gate(cur + " --max-regression -5 --baseline " + cur);
  CHECK(r.exit_code == 2);
}

TEST_CASE("ReportCli: a stored result renders as text Markdown and HTML") {
  Files f;
  const auto cur = f.write("cur.json", make_result(100, 200));
  auto r = run_command(loadcast_binary() + " report " + cur);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("cost       $304.43 per month · fargate $89.97"));
  r = run_command(loadcast_binary() + " report " + cur + " --format md");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("## loadcast: gate-cli"));
  const std::string html = f.dir + "/r.html";
  r = run_command(loadcast_binary() + " report " + cur + " --format html --out " + html);
  CHECK(r.exit_code == 0);
  CHECK_THAT(read_file(html), Catch::StartsWith("<!DOCTYPE html>") && Catch::Contains("$304.43 per month"));
  r = run_command(loadcast_binary() + " report " + cur + " --format pdf");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--format must be html, md or text, got 'pdf'"));
  r = run_command(loadcast_binary() + " report " + f.dir + "/nope.json");
  CHECK(r.exit_code == 2);
}

TEST_CASE("SimCli: --infracost-usage writes what the run metered as an Infracost usage file") {
  Files f;
  const std::string usage = f.dir + "/infracost-usage.yml";
  const auto r = run_command(loadcast_binary() + " sim " + LOADCAST_SOURCE_DIR + "/scenarios/bookmark-prod.yaml --duration 20m -q --out " +
                             f.dir + "/out --infracost-usage " + usage);
  REQUIRE(r.exit_code == 0);
  const std::string text = read_file(usage);
  CHECK_THAT(text, Catch::Contains("version: 0.1\nresource_usage:\n"));
  CHECK_THAT(text, Catch::Contains("  \"aws_lb.alb\":\n    new_connections: "));
  CHECK_THAT(text, Catch::Contains("aws_ecs_service.web: Infracost prices desired_count"));
  // Serverless v2: each db.serverless instance's average ACU under the key Infracost prices.
  CHECK_THAT(text, Catch::Contains("  \"aws_rds_cluster_instance.writer\":\n    capacity_units_per_hr: "));
  CHECK_THAT(text, Catch::Contains("  \"aws_rds_cluster_instance.reader-1\":\n    capacity_units_per_hr: "));
  // The web ACL on the load balancer: the requests it inspected.
  CHECK_THAT(text, Catch::Contains("  \"aws_wafv2_web_acl.alb\":\n    monthly_requests: "));
  // bookmark-prod declares cost.period 24h: the projection text says so.
  CHECK_THAT(text, Catch::Contains("shorter than the 24h workload period"));
  // Its fixed NAT gateway hours have no usage key and appear as a comment.
  CHECK_THAT(text, Catch::Contains("fixed cost 'nat_gateway' (nat_gateway.hour x 1)"));
}
