// End-to-end: `loadcast import` exit codes (0 complete, 3 partial, 2 invalid input or usage) and
// `loadcast import … && loadcast check` / `loadcast sim` on what it wrote.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/support/run_command.hpp"

using namespace loadcast::testing;

namespace {

std::string source(const std::string& rel) { return std::string(LOADCAST_SOURCE_DIR) + "/" + rel; }

CommandResult run_loadcast(const std::string& args) { return run_command(loadcast_binary() + " " + args); }

}  // namespace

TEST_CASE("ImportCli: a complete import exits 0, and loadcast sim runs what it wrote at once") {
  const std::string dir = temp_dir("import-cli");
  const std::string out = dir + "/shop.yaml";
  const auto r = run_command("(" + loadcast_binary() + " import terraform " + source("tests/scenarios/import/terraform-shop-state/state.json") +
                             " --out " + out + " && " + loadcast_binary() + " sim " + out + " --duration 20m --out " + dir + "/run --quiet)");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("fill in (written as assumptions"));
  CHECK(std::filesystem::exists(dir + "/run/result.json"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("ImportCli: a partial import exits 3, lists what it left out, and check accepts the scenario") {
  const std::string dir = temp_dir("import-cli-partial");
  const std::string out = dir + "/pos.yaml";
  const auto r = run_loadcast("import copilot " + source("tests/scenarios/import/copilot-pos") + " --env production --region ap-northeast-1 --out " + out);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.out, Catch::Contains("not imported (loadcast cannot model these; exit 3: the import is partial):"));
  CHECK_THAT(r.out, Catch::Contains("copilot/pos-web-app/manifest.yml:31:1: sidecars:"));
  CHECK(run_loadcast("check " + out).exit_code == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("ImportCli: without --out the scenario goes to stdout and the report to stderr") {
  const auto r = run_loadcast("import terraform " + source("tests/scenarios/import/terraform-bookmark/plan.json") + " --name bookmark-prod");
  CHECK(r.exit_code == 3);
  CHECK(r.out.rfind("# bookmark-prod: imported by `loadcast import terraform", 0) == 0);
  CHECK_THAT(r.err, Catch::Contains("module.network.aws_instance.bastion: aws_instance: loadcast does not model it"));
  CHECK_THAT(r.out, Catch::Contains("  waf: { rules: 4 }") && Catch::Contains("# module.security.aws_wafv2_web_acl.main"));
  CHECK_THAT(r.out, Catch::Contains("    - { name: nat_gateway, price: nat_gateway.hour, count: 1, note: "));
}

TEST_CASE("ImportCli: invalid input and wrong usage exit 2 with a located message") {
  const std::string dir = temp_dir("import-cli-bad");
  write_file(dir + "/plan.json", "{\n  \"planned_values\": [\n");
  const auto bad = run_loadcast("import terraform " + dir + "/plan.json");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::StartsWith(dir + "/plan.json:3:1: not valid JSON"));
  const auto env = run_loadcast("import copilot " + source("tests/scenarios/import/copilot-pos"));
  CHECK(env.exit_code == 2);
  CHECK_THAT(env.err, Catch::Contains("choose one with --env NAME"));
  CHECK(run_loadcast("import cdk app.ts").exit_code == 2);
  CHECK(run_loadcast("import terraform").exit_code == 2);
  CHECK(run_loadcast("import --help").exit_code == 0);
  std::filesystem::remove_all(dir);
}

namespace {

// An ALB access log entry of `method path` arriving at 2026-12-05T10:00:SS.
std::string alb_line(int second, const std::string& method, const std::string& path, const std::string& target_time = "0.012") {
  char at[32];
  std::snprintf(at, sizeof at, "2026-12-05T10:%02d:%02d.000000Z", second / 60, second % 60);
  return "https " + std::string(at) + " app/shop/1 203.0.113.9:5000 10.0.0.1:8080 0.000 " + target_time + " 0.000 200 200 120 3000 \"" + method +
         " https://shop.example.com:443" + path + " HTTP/1.1\" \"curl/8.0\" - - - \"-\" \"-\" \"-\" 0 " + at +
         " \"forward\" \"-\" \"-\" \"10.0.0.1:8080\" \"200\" \"-\" \"-\" -\n";
}

}  // namespace

TEST_CASE("ImportCli: alb-logs writes a scenario that loadcast sim runs, prints what it read, and writes the observations") {
  const std::string dir = temp_dir("import-alb");
  std::string log;
  for (int s = 0; s < 120; ++s) log += alb_line(s, s % 3 ? "GET" : "POST", s % 3 ? "/api/items/" + std::to_string(s) : "/api/orders?x=1");
  write_file(dir + "/access.log", log);
  const auto r = run_command("(" + loadcast_binary() + " import alb-logs " + dir + "/access.log --class items=GET:^/api/items/ --observed " + dir +
                             "/observed.json --out " + dir + "/day.yaml && " + loadcast_binary() + " sim " + dir + "/day.yaml --out " + dir +
                             "/run --quiet)");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("read 120 lines: 120 entries, 0 skipped, 0 without a request line (left out)"));
  CHECK_THAT(r.out, Catch::Contains("span: 119 s of arrivals in 2 intervals of 1m"));
  CHECK_THAT(r.out, Catch::Contains("items                                80      12.0      12.0      12.0"));
  CHECK_THAT(r.out, Catch::Contains("other                                40"));
  CHECK(std::filesystem::exists(dir + "/run/result.json"));
  const std::string observed = read_file(dir + "/observed.json");
  CHECK_THAT(observed, Catch::Contains("\"schema\": \"loadcast.alb_observed/v1\""));
  CHECK_THAT(observed, Catch::Contains("\"requests_per_interval\": [\n    60,\n    60\n  ]"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("ImportCli: alb-logs refuses a bad line with its file, line and field, and --skip-bad lets it through as a partial import") {
  const std::string dir = temp_dir("import-alb-bad");
  write_file(dir + "/access.log", alb_line(0, "GET", "/a") + alb_line(1, "GET", "/a", "fast") + alb_line(2, "GET", "/a"));
  const auto bad = run_loadcast("import alb-logs " + dir + "/access.log --out " + dir + "/day.yaml");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::StartsWith(dir + "/access.log:2: field 7 (target_processing_time) 'fast' is not a time in seconds (or -1)\n"));
  CHECK_THAT(bad.err, Catch::Contains("nothing imported (--skip-bad N allows up to N bad lines, each reported)"));
  CHECK_FALSE(std::filesystem::exists(dir + "/day.yaml"));
  const auto skipped = run_loadcast("import alb-logs " + dir + "/access.log --skip-bad 1 --out " + dir + "/day.yaml");
  CHECK(skipped.exit_code == 3);
  CHECK_THAT(skipped.out, Catch::Contains("read 3 lines: 2 entries, 1 skipped"));
  CHECK_THAT(skipped.out, Catch::Contains("  skipped " + dir + "/access.log:2: field 7 (target_processing_time)"));
  CHECK(run_loadcast("check " + dir + "/day.yaml").exit_code == 0);
  CHECK(run_loadcast("import alb-logs").exit_code == 2);
  CHECK(run_loadcast("import alb-logs " + dir + "/access.log --class nonsense").exit_code == 2);
  CHECK(run_loadcast("import terraform " + dir + "/access.log --interval 5m").exit_code == 2);
  std::filesystem::remove_all(dir);
}
