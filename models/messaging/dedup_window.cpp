#include "models/messaging/dedup_window.hpp"

#include <cassert>

namespace loadcast::models {

DedupWindow::DedupWindow(sim::Time window) : window_(window), table_(64), ring_(64) {}

std::size_t DedupWindow::home(std::uint64_t id) const {
  // Fibonacci hashing spreads sequential ids over the table.
  std::uint64_t h = id * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  return static_cast<std::size_t>(h) & (table_.size() - 1);
}

bool DedupWindow::check_and_insert(std::uint64_t id, sim::Time now) {
  expire(now);
  if (find(id) != table_.size()) return true;
  insert(id);
  ring_.push_back(Entry{now + window_, id});
  return false;
}

void DedupWindow::expire(sim::Time now) {
  while (!ring_.empty() && ring_.front().expiry <= now) erase(ring_.pop_front().id);
}

std::size_t DedupWindow::find(std::uint64_t id) const {
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = home(id);; i = (i + 1) & mask) {
    if (!table_[i].used) return table_.size();
    if (table_[i].id == id) return i;
  }
}

void DedupWindow::insert(std::uint64_t id) {
  if ((used_ + 1) * 2 > table_.size()) grow_table();
  const std::size_t mask = table_.size() - 1;
  std::size_t i = home(id);
  while (table_[i].used) i = (i + 1) & mask;
  table_[i] = Slot{id, true};
  ++used_;
}

void DedupWindow::erase(std::uint64_t id) {
  const std::size_t mask = table_.size() - 1;
  std::size_t i = find(id);
  assert(i != table_.size() && "dedup ring and table disagree");
  if (i == table_.size()) return;
  // Backward-shift deletion: pull later members of the probe run into the hole so that every
  // lookup still finds its id before an empty slot.
  std::size_t j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (!table_[j].used) break;
    const std::size_t k = home(table_[j].id);
    const bool between = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (!between) {
      table_[i] = table_[j];
      i = j;
    }
  }
  table_[i].used = false;
  --used_;
}

void DedupWindow::grow_table() {
  std::vector<Slot> old(table_.size() * 2);
  old.swap(table_);
  used_ = 0;
  for (const Slot& s : old) {
    if (s.used) insert(s.id);
  }
}

}  // namespace loadcast::models
