// The options several commands share: --set overrides and --shard slices, parsed once.
#include <catch2/catch.hpp>

#include "app/command_options.hpp"
#include "app/exit_code.hpp"

using namespace loadcast;

TEST_CASE("CommandOptions: --set texts become overrides in order") {
  const auto o = app::parse_set({"services.web.autoscaling.min=2", "workload.arrivals.rate=[1, 2]"});
  REQUIRE(o.size() == 2);
  CHECK(o[0].path == "services.web.autoscaling.min");
  CHECK(o[0].value == "2");
  CHECK(o[1].path == "workload.arrivals.rate");
  CHECK(o[1].value == "[1, 2]");
  CHECK(app::parse_set({}).empty());
}

TEST_CASE("CommandOptions: a malformed --set is a usage error naming the option") {
  CHECK_THROWS_AS(app::parse_set({"a=1", "no-equals-sign"}), app::UsageError);
  CHECK_THROWS_WITH(app::parse_set({"no-equals-sign"}), Catch::StartsWith("--set "));
}

TEST_CASE("CommandOptions: --shard i/N needs whole numbers with 0 <= i < N") {
  const auto s = app::parse_shard("2/3", "0/3");
  CHECK(s.index == 2);
  CHECK(s.count == 3);
  CHECK_THROWS_WITH(app::parse_shard("2-3", "0/4"),
                    "--shard must be i/N with whole numbers, e.g. 0/4, got '2-3'");
  CHECK_THROWS_WITH(app::parse_shard("/3", "0/3"), Catch::Contains("whole numbers"));
  CHECK_THROWS_WITH(app::parse_shard("1/", "0/3"), Catch::Contains("whole numbers"));
  CHECK_THROWS_WITH(app::parse_shard("99999999999999999999/3", "0/3"), Catch::Contains("whole numbers"));
  CHECK_THROWS_WITH(app::parse_shard("3/3", "0/3"), "--shard i/N needs 0 <= i < N, got '3/3'");
  CHECK_THROWS_AS(app::parse_shard("0/0", "0/3"), app::UsageError);
}
