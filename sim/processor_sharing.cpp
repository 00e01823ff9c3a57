#include "sim/processor_sharing.hpp"

#include <algorithm>
#include <cmath>

namespace loadcast::sim {

namespace {
// Two tags closer than this (seconds of work) finish in the same event: rounding of the
// completion time to whole nanoseconds must not leave a job a hair short of its tag.
constexpr double kEpsilon = 1e-10;
}  // namespace

void ProcessorSharing::advance() {
  const sim::Time now = sim_.now();
  if (now > last_ && !heap_.empty()) virtual_ += rate() * sim::to_seconds(now - last_);
  last_ = now;
}

void ProcessorSharing::push(Entry e) {
  heap_.push_back(e);
  std::push_heap(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) { return before(b, a); });
}

void ProcessorSharing::pop_top() {
  std::pop_heap(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) { return before(b, a); });
  heap_.pop_back();
}

void ProcessorSharing::add(void* token, double work_s) {
  advance();
  if (heap_.empty()) virtual_ = 0.0;
  push(Entry{virtual_ + (work_s > 0.0 ? work_s : 0.0), seq_++, token});
  reschedule();
}

bool ProcessorSharing::remove(void* token) {
  advance();
  auto it = std::find_if(heap_.begin(), heap_.end(), [token](const Entry& e) { return e.token == token; });
  if (it == heap_.end()) return false;
  heap_.erase(it);
  std::make_heap(heap_.begin(), heap_.end(), [](const Entry& a, const Entry& b) { return before(b, a); });
  reschedule();
  return true;
}

void ProcessorSharing::set_capacity(double capacity) {
  advance();
  capacity_ = capacity;
  reschedule();
}

void ProcessorSharing::reschedule() {
  if (pending_.valid()) sim_.cancel(pending_);
  pending_ = {};
  if (heap_.empty()) return;
  const double r = rate();
  if (r <= 0.0) return;  // zero capacity: jobs wait until capacity returns
  const double left = heap_.front().finish - virtual_;
  const double delay_ns = left <= 0.0 ? 0.0 : std::ceil(left / r * 1e9);
  pending_ = sim_.schedule(static_cast<sim::Time>(delay_ns), [this] { on_event(); });
}

void ProcessorSharing::on_event() {
  pending_ = {};
  advance();
  // Collect every job whose tag has been reached, then notify: listeners may add jobs.
  done_.clear();
  while (!heap_.empty() && heap_.front().finish <= virtual_ + kEpsilon) {
    done_.push_back(heap_.front().token);
    pop_top();
  }
  if (heap_.empty()) virtual_ = 0.0;
  reschedule();
  for (std::size_t i = 0; i < done_.size(); ++i) on_done_(owner_, done_[i]);
}

}  // namespace loadcast::sim
