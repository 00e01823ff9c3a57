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
