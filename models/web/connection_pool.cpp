#include "models/web/connection_pool.hpp"

namespace loadcast::models {

ConnectionPool::ConnectionPool(sim::Simulation& sim, DbCluster& cluster, bool reader, const DbPoolConfig& config,
                               PoolOwner& owner)
    : sim_(sim), cluster_(cluster), reader_(reader), config_(config), owner_(owner) {}

DbInstance* ConnectionPool::acquire(Request* r) {
  if (!idle_.empty()) {
    DbInstance* inst = idle_.back().first;
    idle_.pop_back();
    ++in_use_;
    return inst;
  }
  if (waiting_.empty() && open_ < config_.size) {
    DbInstance& inst = cluster_.endpoint(reader_);
    switch (inst.connect(this)) {
      case ConnectResult::kOk:
        ++open_;
        ++in_use_;
        return &inst;
      case ConnectResult::kWait:
        ++open_;
        break;
      case ConnectResult::kRefused:
        break;
    }
  }
  r->step_start = sim_.now();
  waiting_.push_back(r);
  arm_wait_timer();
  return nullptr;
}

void ConnectionPool::release(DbInstance& instance) {
  if (closed_) {
    instance.disconnect();
    --open_;
    --in_use_;
    return;
  }
  while (!waiting_.empty()) {
    Request* r = waiting_.pop_front();
    if (r->abandoned) {
      owner_.connection_timeout(r);
      continue;
    }
    owner_.connection_ready(r, instance);
    return;
  }
  --in_use_;
  idle_.emplace_back(&instance, sim_.now());
  arm_idle_timer();
}

void ConnectionPool::connect_result(DbInstance* instance, bool ok) {
  if (!ok) {
    --open_;
    return;
  }
  ++in_use_;
  release(*instance);
}

void ConnectionPool::arm_wait_timer() {
  if (waiting_.empty() || wait_armed_) return;
  wait_armed_ = true;
  wait_timer_ = sim_.schedule_at(waiting_.front()->step_start + config_.timeout, [this] { on_wait_timer(); });
}

void ConnectionPool::on_wait_timer() {
  wait_timer_ = {};
  wait_armed_ = false;
  const sim::Time now = sim_.now();
  while (!waiting_.empty() && waiting_.front()->step_start + config_.timeout <= now) {
    owner_.connection_timeout(waiting_.pop_front());
  }
  arm_wait_timer();
}

void ConnectionPool::arm_idle_timer() {
  if (idle_.empty() || idle_armed_) return;
  idle_armed_ = true;
  idle_timer_ = sim_.schedule_at(idle_.front().second + config_.idle_timeout, [this] { on_idle_timer(); });
}

void ConnectionPool::on_idle_timer() {
  idle_timer_ = {};
  idle_armed_ = false;
  const sim::Time now = sim_.now();
  std::size_t expired = 0;
  while (expired < idle_.size() && idle_[expired].second + config_.idle_timeout <= now) {
    idle_[expired].first->disconnect();
    --open_;
    ++expired;
  }
  idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(expired));
  arm_idle_timer();
}

}  // namespace loadcast::models
