// The Fargate task sizes: the documented CPU and memory combinations.
#include <catch2/catch.hpp>

#include "models/web/fargate_sizes.hpp"

using namespace loadcast::models;

TEST_CASE("FargateSizes: the documented CPU and memory combinations") {
  CHECK(check_fargate_size(256, 512).empty());
  CHECK(check_fargate_size(256, 2048).empty());
  CHECK_FALSE(check_fargate_size(256, 3072).empty());
  CHECK(check_fargate_size(1024, 2048).empty());
  CHECK(check_fargate_size(1024, 8192).empty());
  CHECK_FALSE(check_fargate_size(1024, 1024).empty());
  CHECK_FALSE(check_fargate_size(2048, 2048).empty());
  CHECK(check_fargate_size(4096, 30720).empty());
  CHECK(check_fargate_size(8192, 20480).empty());
  CHECK_FALSE(check_fargate_size(8192, 18432).empty());  // 8 vCPU: 4 GB steps
  CHECK(check_fargate_size(16384, 122880).empty());
  CHECK_FALSE(check_fargate_size(3000, 4096).empty());
  CHECK(check_fargate_size(1024, 1024).find("2 GB to 8 GB") != std::string::npos);
}
