#include "models/data/rds_proxy.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "cost/billing.hpp"

namespace loadcast::models {

RdsProxy::RdsProxy(sim::Simulation& sim, const RdsProxyConfig& config, ProxyBilling billing)
    : sim_(sim), config_(config), billing_(billing) {}

std::size_t RdsProxy::add_target(std::string name, int max_connections, double vcpus) {
  account_vcpus();
  Target t;
  t.name = std::move(name);
  t.limit = std::max(1, static_cast<int>(std::floor(max_connections * config_.max_connections_percent / 100.0)));
  const double idle_percent = config_.max_idle_connections_percent.value_or(config_.max_connections_percent / 2.0);
  t.idle_limit = static_cast<int>(std::floor(max_connections * idle_percent / 100.0));
  t.vcpus = vcpus;
  targets_.push_back(std::move(t));
  return targets_.size() - 1;
}

void RdsProxy::remove_target(std::size_t i) {
  account_vcpus();
  Target& t = targets_[i];
  t.removed = true;
  t.available = false;
  t.open = t.in_use;
  while (t.head != sim::kNoIndex) {
    const std::uint32_t w = t.head;
    ProxyClient* client = waiters_[w].client;
    const std::uint64_t token = waiters_[w].token;
    sim_.cancel(waiters_[w].timer);
    unlink(w);
    ++timeouts_;
    client->on_borrowed(token, false);
  }
}

void RdsProxy::set_available(std::size_t i, bool available) {
  Target& t = targets_[i];
  if (t.removed) return;
  t.available = available;
  if (!available) t.open = t.in_use;  // the idle connections to the old writer are gone
  if (available) serve(i);
}

bool RdsProxy::borrow(std::size_t i, ProxyClient* client, std::uint64_t token) {
  Target& t = targets_[i];
  ++borrows_;
  if (t.available && t.in_use < t.limit && t.head == sim::kNoIndex) {
    grant(t);
    return true;
  }
  if (t.removed) {
    ++timeouts_;
    const std::uint32_t w = waiters_.acquire();
    waiters_[w] = Waiter{client, token, i, sim_.now(), sim::kNoIndex, sim::kNoIndex, {}};
    // Fail asynchronously, as promised: never inside borrow().
    waiters_[w].timer = sim_.schedule(0, [this, w] {
      ProxyClient* c = waiters_[w].client;
      const std::uint64_t tok = waiters_[w].token;
      waiters_.release(w);
      c->on_borrowed(tok, false);
    });
    return false;
  }
  const std::uint32_t w = waiters_.acquire();
  waiters_[w] = Waiter{client, token, i, sim_.now(), t.tail, sim::kNoIndex, {}};
  if (t.tail != sim::kNoIndex) waiters_[t.tail].next = w;
  else t.head = w;
  t.tail = w;
  ++t.waiting;
  if (config_.borrow_timeout > 0) waiters_[w].timer = sim_.schedule(config_.borrow_timeout, [this, w] { on_timeout(w); });
  return false;
}

void RdsProxy::release(std::size_t i) {
  Target& t = targets_[i];
  assert(t.in_use > 0 && "release without a borrow");
  --t.in_use;
  if (t.open - t.in_use > t.idle_limit) t.open = t.in_use + t.idle_limit;
  serve(i);
}

void RdsProxy::pin(std::size_t i) {
  ++targets_[i].pinned;
  ++pins_;
}

void RdsProxy::unpin(std::size_t i) {
  Target& t = targets_[i];
  assert(t.pinned > 0 && "unpin without a pinned session");
  --t.pinned;
  release(i);
}

int RdsProxy::pinned_connections() const {
  int n = 0;
  for (const auto& t : targets_) n += t.pinned;
  return n;
}

void RdsProxy::grant(Target& t) {
  ++t.in_use;
  if (t.in_use > t.open) t.open = t.in_use;  // no idle connection: the pool opens one
}

void RdsProxy::serve(std::size_t i) {
  Target& t = targets_[i];
  while (t.available && t.in_use < t.limit && t.head != sim::kNoIndex) {
    const std::uint32_t w = t.head;
    ProxyClient* client = waiters_[w].client;
    const std::uint64_t token = waiters_[w].token;
    wait_sum_ms_ += sim::to_millis(sim_.now() - waiters_[w].since);
    ++waits_;
    sim_.cancel(waiters_[w].timer);
    unlink(w);
    grant(t);
    client->on_borrowed(token, true);
  }
}

void RdsProxy::unlink(std::uint32_t w) {
  Waiter& x = waiters_[w];
  Target& t = targets_[x.target];
  if (x.prev != sim::kNoIndex) waiters_[x.prev].next = x.next;
  else t.head = x.next;
  if (x.next != sim::kNoIndex) waiters_[x.next].prev = x.prev;
  else t.tail = x.prev;
  --t.waiting;
  waiters_.release(w);
}

void RdsProxy::on_timeout(std::uint32_t w) {
  ProxyClient* client = waiters_[w].client;
  const std::uint64_t token = waiters_[w].token;
  unlink(w);
  ++timeouts_;
  client->on_borrowed(token, false);
}

int RdsProxy::database_connections() const {
  int n = 0;
  for (const auto& t : targets_) n += t.open;
  return n;
}

int RdsProxy::database_connections_borrowed() const {
  int n = 0;
  for (const auto& t : targets_) n += t.in_use;
  return n;
}

void RdsProxy::account_vcpus() {
  if (billing_ != ProxyBilling::kVcpu) return;
  double vcpus = 0.0;
  for (const auto& t : targets_) {
    if (!t.removed) vcpus += t.vcpus;
  }
  const sim::Time now = sim_.now();
  if (!targets_.empty()) vcpu_seconds_ += cost::rds_proxy_billed_vcpus(vcpus) * sim::to_seconds(now - vcpu_since_);
  vcpu_since_ = now;
}

double RdsProxy::billed_vcpu_seconds() const {
  if (billing_ != ProxyBilling::kVcpu) return 0.0;
  double vcpus = 0.0;
  for (const auto& t : targets_) {
    if (!t.removed) vcpus += t.vcpus;
  }
  const double open = targets_.empty() ? 0.0 : cost::rds_proxy_billed_vcpus(vcpus) * sim::to_seconds(sim_.now() - vcpu_since_);
  return vcpu_seconds_ + open;
}

void RdsProxy::set_target_acus(double acus) {
  const sim::Time now = sim_.now();
  acu_seconds_ += cost::rds_proxy_billed_acus(acus_) * sim::to_seconds(now - acu_since_);
  acus_ = acus;
  acu_since_ = now;
}

double RdsProxy::billed_acu_seconds() const {
  if (billing_ != ProxyBilling::kAcu) return 0.0;
  return acu_seconds_ + cost::rds_proxy_billed_acus(acus_) * sim::to_seconds(sim_.now() - acu_since_);
}

}  // namespace loadcast::models
