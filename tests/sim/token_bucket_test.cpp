#include <catch2/catch.hpp>

#include "sim/token_bucket.hpp"

using namespace loadcast::sim;

TEST_CASE("TokenBucket: starts full, refills at its rate, never beyond its depth") {
  TokenBucket b(10.0, 5.0);
  for (int i = 0; i < 5; ++i) CHECK(b.try_take(0));
  CHECK_FALSE(b.try_take(0));
  CHECK(b.time_until(1.0) == 100 * kMillisecond);
  CHECK_FALSE(b.try_take(50 * kMillisecond));  // half a token
  CHECK(b.try_take(100 * kMillisecond));
  // A long idle time refills to the depth only.
  for (int i = 0; i < 5; ++i) CHECK(b.try_take(10 * kSecond));
  CHECK_FALSE(b.try_take(10 * kSecond));
}

TEST_CASE("TokenBucket: can_take checks without taking, take takes") {
  TokenBucket b(1.0, 2.0);
  CHECK(b.can_take(0, 2.0));
  CHECK(b.can_take(0, 2.0));
  b.take(2.0);
  CHECK_FALSE(b.can_take(0));
  CHECK(b.time_until(2.0) == 2 * kSecond);
}

TEST_CASE("TokenBucket: the rounding tolerance decides a hair's shortfall") {
  // 0.3 tokens/s: one token takes 3.33... s, no whole number of nanoseconds.
  TokenBucket tolerant(0.3, 1.0);
  TokenBucket exact(0.3, 1.0, 0.0);
  CHECK(tolerant.try_take(0));
  CHECK(exact.try_take(0));
  const Time almost = 3'333'333'333;  // 1e-10 of a token short
  CHECK(tolerant.try_take(almost));
  CHECK_FALSE(exact.try_take(almost));
  CHECK(exact.time_until(1.0) == 1);  // the remainder, rounded up to a nanosecond
  CHECK(exact.try_take(almost + 1));
}

TEST_CASE("TokenBucket: a rate of zero is unlimited") {
  TokenBucket b;
  CHECK(b.unlimited());
  for (int i = 0; i < 1000; ++i) CHECK(b.try_take(0));
  CHECK(b.time_until(5.0) == 0);
}
