#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/ring.hpp"

using namespace loadcast::sim;

TEST_CASE("Ring: first in, first out across growth and wrap-around") {
  Ring<int> ring;
  CHECK(ring.empty());
  CHECK(ring.capacity() == 0);
  std::vector<int> out;
  int next = 0;
  // Interleave pushes and pops so the head wraps before and after each growth.
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 7; ++i) ring.push_back(next++);
    for (int i = 0; i < 5; ++i) out.push_back(ring.pop_front());
  }
  while (!ring.empty()) out.push_back(ring.pop_front());
  REQUIRE(out.size() == static_cast<std::size_t>(next));
  for (int i = 0; i < next; ++i) CHECK(out[static_cast<std::size_t>(i)] == i);
  CHECK(ring.capacity() == 128);  // 100 held at most: doubled from 16 to 128, never shrunk
}

TEST_CASE("Ring: indexing counts from the oldest element") {
  Ring<std::string> ring(3);
  CHECK(ring.capacity() == 4);  // rounded up to a power of two
  for (const char* s : {"a", "b", "c", "d"}) ring.push_back(s);
  ring.pop_front();
  ring.push_back("e");  // wraps
  CHECK(ring.front() == "b");
  CHECK(ring[0] == "b");
  CHECK(ring[3] == "e");
  CHECK(ring.size() == 4);
  CHECK(ring.capacity() == 4);
  ring.clear();
  CHECK(ring.empty());
  CHECK(ring.capacity() == 4);
}
