// TopicConfig and PublishConfig: validate() on plain structs.
#include <catch2/catch.hpp>

#include "models/messaging/publish_config.hpp"
#include "models/messaging/topic_config.hpp"
#include "tests/models/config_problems.hpp"

using namespace loadcast;
using namespace loadcast::models;
using testing::Lines;
using testing::lines;

TEST_CASE("TopicConfig: publish limits, burst and subscriptions") {
  TopicConfig t;
  CHECK(t.validate().empty());
  t.subscriptions.assign(101, "q");
  t.messages_per_s = 0;
  t.bytes_per_s = -1;
  t.api_burst = 2 * sim::kMinute;
  CHECK(lines(t.validate()) == Lines{"subscriptions: at most 100 subscriptions per topic", "messages_per_s: must be > 0, found 0",
                                     "bytes_per_s: must be > 0, found -1", "api_burst: must be between 1ms and 1m, found 2m"});
}

TEST_CASE("PublishConfig: groups and message size") {
  PublishConfig p;
  CHECK(p.validate().empty());
  p.groups = 0;
  p.bytes = 0;
  CHECK(lines(p.validate()) == Lines{"groups: must be between 1 and 1000000, found 0", "bytes: must be between 1 and 1048576, found 0"});
}
