// ProblemReport: a configuration's problems located by looking their keys up again in the YAML.
#include <catch2/catch.hpp>

#include <string>

#include "scenarios/loader/problem_report.hpp"

using namespace loadcast;
using namespace loadcast::scenario;

namespace {

const char* kYaml = R"(services:
  api:
    cpu: 512
    autoscaling:
      max: 0
      policies:
        - oops
        - { type: target_tracking, target: -1 }
)";

}  // namespace

TEST_CASE("ProblemReport: a key is located at its node, an absent key by its path alone") {
  const YAML::Node root = YAML::Load(kYaml);
  Context ctx("s.yaml", ".");
  ProblemReport report(ctx, root["services"]["api"], "services.api");
  report.add({{"autoscaling.max", "max (0) must be >= min (1)"}, {"threads", "must be at least 1"}, {"", "the service"}});
  REQUIRE(ctx.errors().size() == 3);
  CHECK(ctx.errors()[0] == "s.yaml:5:12: services.api.autoscaling.max: max (0) must be >= min (1)");
  CHECK(ctx.errors()[1] == "s.yaml: services.api.threads: must be at least 1");
  CHECK(ctx.errors()[2] == "s.yaml:3:5: services.api: the service");
}

TEST_CASE("ProblemReport: renamed list elements, placed and dropped keys") {
  const YAML::Node root = YAML::Load(kYaml);
  Context ctx("s.yaml", ".");
  ProblemReport report(ctx, root["services"]["api"], "services.api");
  // The loader skipped the first policy (not a mapping): policy 0 of the configuration is item 1.
  report.rename("services.api.autoscaling.policies[0]", "services.api.autoscaling.policies[1]");
  report.place("services.api.memory", root["services"]["api"], "services.api");
  report.drop("services.api.autoscaling.policies[1].steps");
  report.add({{"autoscaling.policies[0].target", "must be > 0"},
              {"memory", "memory 2048 MiB is not valid with cpu 512"},
              {"autoscaling.policies[0].steps", "needs at least one step"}});
  REQUIRE(ctx.errors().size() == 2);
  CHECK(ctx.errors()[0] == "s.yaml:8:44: services.api.autoscaling.policies[1].target: must be > 0");
  CHECK(ctx.errors()[1] == "s.yaml:3:5: services.api: memory 2048 MiB is not valid with cpu 512");
}

TEST_CASE("ProblemReport: a path through a scalar or past a list's end finds nothing") {
  const YAML::Node root = YAML::Load(kYaml);
  Context ctx("s.yaml", ".");
  const ProblemReport report(ctx, root, "");
  CHECK(report.find("services.api.cpu").IsDefined());
  CHECK(!report.find("services.api.cpu.x").IsDefined());
  CHECK(!report.find("services.api.autoscaling.policies[2]").IsDefined());
  CHECK(!report.find("services.api.autoscaling.max[0]").IsDefined());
  CHECK(report.find("services.api.autoscaling.policies[1].type").Scalar() == "target_tracking");
}
