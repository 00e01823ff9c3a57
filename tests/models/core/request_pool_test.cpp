// RequestPool: a request handed out again after its release is as fresh as a new one, at the same
// address and index (the pool resets it field by field, not by assignment).
#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <vector>

#include "models/core/request.hpp"

using namespace loadcast::models;

TEST_CASE("RequestPool: a reused request has every field reset but its index") {
  RequestPool pool;
  Request* r = pool.acquire();
  const std::uint32_t index = r->index;
  const Request fresh{};
  r->cls = 3;
  r->step = 2;
  r->user = 7;
  r->session = 9;
  r->arrival = 11;
  r->step_start = 13;
  r->task = reinterpret_cast<Task*>(r);
  r->db.step = reinterpret_cast<const DbStepConfig*>(r);
  r->db.reads_left = 5;
  r->db.writes_left = 6;
  r->db.instance = 2;
  r->db.write = true;
  r->db_session = 4;
  r->counted = true;
  r->abandoned = true;
  r->waiting = true;
  r->prev = r;
  r->next = r;
  pool.release(r);
  CHECK(pool.live() == 0);
  Request* again = pool.acquire();
  REQUIRE(again == r);
  CHECK(pool.live() == 1);
  CHECK(again->index == index);
  CHECK(again->cls == fresh.cls);
  CHECK(again->step == fresh.step);
  CHECK(again->user == fresh.user);
  CHECK(again->session == fresh.session);
  CHECK(again->arrival == fresh.arrival);
  CHECK(again->step_start == fresh.step_start);
  CHECK(again->task == fresh.task);
  CHECK(again->db.step == fresh.db.step);
  CHECK(again->db.reads_left == fresh.db.reads_left);
  CHECK(again->db.writes_left == fresh.db.writes_left);
  CHECK(again->db.instance == fresh.db.instance);
  CHECK(again->db.write == fresh.db.write);
  CHECK(again->db_session == fresh.db_session);
  CHECK(again->counted == fresh.counted);
  CHECK(again->abandoned == fresh.abandoned);
  CHECK(again->waiting == fresh.waiting);
  CHECK(again->prev == fresh.prev);
  CHECK(again->next == fresh.next);
}

TEST_CASE("RequestPool: indices are unique and stable across chunks") {
  RequestPool pool;
  std::vector<Request*> held;
  std::set<std::uint32_t> indices;
  for (std::size_t i = 0; i < RequestPool::kChunk + 10; ++i) {
    held.push_back(pool.acquire());
    indices.insert(held.back()->index);
  }
  CHECK(indices.size() == held.size());
  CHECK(*indices.rbegin() == held.size() - 1);
  for (Request* r : held) pool.release(r);
  CHECK(pool.live() == 0);
}
