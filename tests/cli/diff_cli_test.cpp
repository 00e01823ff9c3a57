// End-to-end: `loadcast diff` on two runs of a shipped scenario that differ by one --set, and the
// exit codes a CI step relies on (0, 99 when a --fail-on condition holds, 2 bad condition/file).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/run_command.hpp"

using namespace loadcast::testing;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("DiffCli: two runs of pos-production differing by the web ACL's rules differ by exactly their price") {
  const std::string dir = temp_dir("diff");
  const std::string sim =
      loadcast_binary() + " sim " + LOADCAST_SOURCE_DIR + "/scenarios/pos-production.yaml --duration 2h -q --out " + dir;
  REQUIRE(run_command(sim + "/base").exit_code == 0);
  REQUIRE(run_command(sim + "/pr --set load_balancer.waf.rules=10").exit_code == 0);
  const std::string diff = loadcast_binary() + " diff " + dir + "/base/result.json " + dir + "/pr/result.json";

  // 5 more rules at $1.00 per rule-month (AWS WAF pricing): the waf line and the total move by
  // $5.00; WAF does not change the simulation, so latency, errors and scaling do not move.
  auto r = run_command(diff + " --markdown " + dir + "/diff.md --json " + dir + "/diff.json");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("### loadcast diff: 2 changes"));
  CHECK_THAT(r.out, Catch::Matches("[\\s\\S]*\\| waf \\| \\$[0-9.,]+ \\| \\$[0-9.,]+ \\| \\+\\$5\\.00 \\| \\+[0-9.]+ % \\|[\\s\\S]*"));
  CHECK_THAT(r.out, Catch::Contains("| **total** |") && Catch::Contains("| +$5.00 |"));
  CHECK_THAT(r.out, Catch::Contains("**Latency and errors**\n\nNo change."));
  CHECK_THAT(r.out, Catch::Contains("**Capacity and scaling**\n\nNo change."));
  CHECK(read(dir + "/diff.md") == r.out);
  CHECK_THAT(read(dir + "/diff.json"), Catch::Contains("\"change\": 5.0"));

  // --fail-on: exit 99 when a condition holds, 0 when none does.
  r = run_command(diff + " -q --fail-on 'cost.total.change > 4.99' --fail-on 'latency_ms.p95.change_pct > 5'");
  CHECK(r.exit_code == 99);
  CHECK_THAT(r.err, Catch::Contains("condition holds: cost.total.change > 4.99 (value 5)"));
  CHECK_THAT(r.err, !Catch::Contains("latency_ms.p95"));
  r = run_command(diff + " -q --fail-on 'cost.total.change > 5.01' --fail-on 'cost.items.waf.change_pct > 100'");
  CHECK(r.exit_code == 0);

  // A condition that cannot be judged is a usage error.
  r = run_command(diff + " --fail-on 'cost.items.dynamodb.change > 0'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("'cost.items' has no key 'dynamodb'"));
  r = run_command(diff + " --fail-on 'cost.total.change >> 0'");
  CHECK(r.exit_code == 2);
  CHECK(run_command(loadcast_binary() + " diff " + dir + "/base/result.json").exit_code == 2);
  CHECK(run_command(loadcast_binary() + " diff " + dir + "/base/result.json " + dir + "/missing.json").exit_code == 2);
  std::filesystem::remove_all(dir);
}
