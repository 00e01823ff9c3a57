// Reading `aws cloudwatch get-metric-data` output: ISO-8601 periods in any order, and every
// malformed part named with the file and its JSON location.
#include <catch2/catch.hpp>

#include "app/cloudwatch.hpp"

using namespace loadcast;

TEST_CASE("CloudWatch: ISO-8601 times with Z, offsets and fractions are seconds since the epoch") {
  CHECK(app::parse_iso8601("1970-01-01T00:00:00Z") == 0.0);
  CHECK(app::parse_iso8601("2026-12-05T08:01:00Z") == 1796457660.0);
  CHECK(app::parse_iso8601("2026-12-05T08:01:00+00:00") == 1796457660.0);
  CHECK(app::parse_iso8601("2026-12-05T09:01:00+01:00") == 1796457660.0);
  CHECK(app::parse_iso8601("2026-12-05T08:01:00.500Z") == 1796457660.5);
  CHECK(app::parse_iso8601("2024-02-29T00:00:00Z") == 1709164800.0);
  CHECK_FALSE(app::parse_iso8601("2026-12-05T08:01:00"));  // no zone
  CHECK_FALSE(app::parse_iso8601("2026-13-05T08:01:00Z"));
  CHECK_FALSE(app::parse_iso8601("yesterday"));
}

TEST_CASE("CloudWatch: results newest first are sorted into periods") {
  const auto d = app::parse_cloudwatch(
      R"({"MetricDataResults": [{"Id": "cpu", "Label": "CPUUtilization", "Timestamps": ["2026-12-05T08:02:00Z", "2026-12-05T08:01:00Z"],
          "Values": [40.5, 20], "StatusCode": "Complete"}], "Messages": []})",
      "cw.json");
  const auto& cpu = d.need("cpu", "--cpu");
  CHECK(cpu.label == "CPUUtilization");
  CHECK(cpu.t_epoch == std::vector<double>{1796457660.0, 1796457720.0});
  CHECK(cpu.values == std::vector<double>{20.0, 40.5});
  CHECK(cpu.at(1796457720.0) == 40.5);
  CHECK_FALSE(cpu.at(1796457690.0));
}

TEST_CASE("CloudWatch: each malformed part is named with the file and its JSON location") {
  const auto error = [](const std::string& text) {
    try {
      app::parse_cloudwatch(text, "cw.json");
    } catch (const app::InputError& e) {
      return std::string(e.what());
    }
    FAIL("expected an InputError for " << text);
    return std::string();
  };
  CHECK_THAT(error("{"), Catch::StartsWith("cw.json: not JSON"));
  CHECK_THAT(error(R"({"Messages": []})"), Catch::StartsWith("cw.json: MetricDataResults: missing or not an array"));
  CHECK_THAT(error(R"({"MetricDataResults": [{"Id": "a", "Timestamps": []}]})"),
             Catch::Contains("cw.json: MetricDataResults[0]: missing Values"));
  CHECK_THAT(error(R"({"MetricDataResults": [{"Id": "a", "Timestamps": ["2026-12-05T08:01:00Z"], "Values": [1, 2]}]})"),
             Catch::Contains("cw.json: MetricDataResults[0]: 1 Timestamps but 2 Values; they must pair up"));
  CHECK_THAT(error(R"({"MetricDataResults": [{"Id": "a", "Timestamps": ["2026-12-05T08:01:00Z", "2026-12-05T08:02:00Z"], "Values": [1, "x"]}]})"),
             Catch::Contains("cw.json: MetricDataResults[0].Values[1]: \"x\" is not a number"));
  CHECK_THAT(error(R"({"MetricDataResults": [{"Id": "a", "Timestamps": ["08:01"], "Values": [1]}]})"),
             Catch::Contains("cw.json: MetricDataResults[0].Timestamps[0]: '08:01' is not an ISO-8601 time"));
  CHECK_THAT(error(R"({"MetricDataResults": [{"Id": "a", "Timestamps": [], "Values": []}, {"Id": "a", "Timestamps": [], "Values": []}]})"),
             Catch::Contains("cw.json: MetricDataResults[1].Id: 'a' appears twice"));
  const auto d = app::parse_cloudwatch(R"({"MetricDataResults": [{"Id": "cpu", "Timestamps": [], "Values": []}]})", "cw.json");
  CHECK_THROWS_WITH(d.need("tasks", "--tasks"), "cw.json: MetricDataResults has no Id 'tasks' (given to --tasks); its ids: cpu");
}
