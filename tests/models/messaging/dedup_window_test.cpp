// DedupWindow: the SQS/SNS FIFO deduplication interval. An id accepted at t is a duplicate until
// t + 5 minutes exactly, duplicates do not extend that, ids are independent, and the table and
// its ring keep every id of the window however many there are and however often they turn over.
#include <catch2/catch.hpp>

#include <cstdint>

#include "models/messaging/dedup_window.hpp"
#include "sim/time.hpp"

using namespace loadcast;
using models::DedupWindow;

TEST_CASE("DedupWindow: an id is a duplicate for five minutes after it was accepted, and new again after") {
  DedupWindow w;
  CHECK(w.window() == 5 * sim::kMinute);
  CHECK_FALSE(w.check_and_insert(7, 0));  // accepted at 0
  CHECK(w.check_and_insert(7, sim::kSecond));
  CHECK(w.check_and_insert(7, 5 * sim::kMinute - 1));  // the last nanosecond of the interval
  CHECK_FALSE(w.check_and_insert(7, 5 * sim::kMinute));  // accepted again: a new interval
  CHECK(w.check_and_insert(7, 9 * sim::kMinute));
  CHECK_FALSE(w.check_and_insert(7, 10 * sim::kMinute));
  CHECK(w.size() == 1);
}

TEST_CASE("DedupWindow: a duplicate does not extend the interval") {
  DedupWindow w;
  CHECK_FALSE(w.check_and_insert(1, 0));
  CHECK(w.check_and_insert(1, 4 * sim::kMinute));  // dropped: the interval still ends at 5 min
  CHECK_FALSE(w.check_and_insert(1, 5 * sim::kMinute));
}

TEST_CASE("DedupWindow: each id has its own interval") {
  DedupWindow w;
  CHECK_FALSE(w.check_and_insert(1, 0));
  CHECK_FALSE(w.check_and_insert(2, 2 * sim::kMinute));
  CHECK(w.size() == 2);
  CHECK_FALSE(w.check_and_insert(1, 5 * sim::kMinute));  // 1 expired at 5 min
  CHECK(w.check_and_insert(2, 5 * sim::kMinute));        // 2 is kept until 7 min
  CHECK(w.check_and_insert(2, 7 * sim::kMinute - 1));
  CHECK_FALSE(w.check_and_insert(2, 7 * sim::kMinute));
}

TEST_CASE("DedupWindow: a shorter window, as a queue configures it, is honoured") {
  DedupWindow w(10 * sim::kSecond);
  CHECK(w.window() == 10 * sim::kSecond);
  CHECK_FALSE(w.check_and_insert(3, sim::kSecond));
  CHECK(w.check_and_insert(3, 11 * sim::kSecond - 1));
  CHECK_FALSE(w.check_and_insert(3, 11 * sim::kSecond));
}

TEST_CASE("DedupWindow: ten thousand ids in one window are all remembered and leave in acceptance order") {
  // Ids far apart (so they collide in the table in every pattern) accepted one a millisecond for
  // 10 s with a 10 s window: the table and the ring grow from 64 to hold them all.
  DedupWindow w(10 * sim::kSecond);
  auto id = [](std::uint64_t i) { return i * 1000003u + 17u; };
  for (std::uint64_t i = 0; i < 10000; ++i) REQUIRE_FALSE(w.check_and_insert(id(i), static_cast<sim::Time>(i) * sim::kMillisecond));
  CHECK(w.size() == 10000);
  // At 12 s the ids accepted up to 2 s (0..2000) have left; every later one is still a duplicate.
  const sim::Time t = 12 * sim::kSecond;
  int duplicates = 0;
  for (std::uint64_t i = 2001; i < 10000; ++i) duplicates += w.check_and_insert(id(i), t) ? 1 : 0;
  CHECK(duplicates == 7999);
  CHECK(w.size() == 7999);
  int accepted = 0;
  for (std::uint64_t i = 0; i <= 2000; ++i) accepted += w.check_and_insert(id(i), t) ? 0 : 1;
  CHECK(accepted == 2001);
  CHECK(w.size() == 10000);
}

TEST_CASE("DedupWindow: with ids turning over for many windows exactly the last window's ids are kept") {
  // One new id a millisecond, a 100 ms window, for 10,000 ms: the ring wraps a hundred times and
  // the table deletes behind every insertion.
  DedupWindow w(100 * sim::kMillisecond);
  bool size_ok = true, kept = true;
  for (std::uint64_t i = 0; i < 10000; ++i) {
    const sim::Time now = static_cast<sim::Time>(i) * sim::kMillisecond;
    REQUIRE_FALSE(w.check_and_insert(i, now));
    if (i >= 100) {
      size_ok = size_ok && w.size() == 100;             // the ids accepted in (now - 100 ms, now]
      kept = kept && w.check_and_insert(i - 99, now);  // accepted 99 ms ago: still a duplicate
    }
  }
  CHECK(size_ok);
  CHECK(kept);
  const sim::Time end = 9999 * sim::kMillisecond;
  CHECK_FALSE(w.check_and_insert(9899, end));  // accepted 100 ms ago: new again
  CHECK(w.check_and_insert(9900, end));
}
