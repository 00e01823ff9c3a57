#include "models/web/service_config.hpp"

#include <algorithm>
#include <cmath>

#include "models/web/fargate_sizes.hpp"

namespace loadcast::models {

ConfigProblems TaskLifecycleConfig::validate() const {
  if (stop_timeout >= 2 * sim::kSecond && stop_timeout <= 120 * sim::kSecond) return {};
  return {{"stop_timeout", "must be between 2s and 120s on Fargate"}};
}

ConfigProblems DbPoolConfig::validate() const {
  ConfigProblems out;
  if (size < 1) out.push_back({"size", "must be at least 1"});
  if (idle_timeout <= 0) out.push_back({"idle_timeout", "must be longer than 0s"});
  return out;
}

const char* to_string(Concurrency c) {
  switch (c) {
    case Concurrency::kThreadPool: return "thread_pool";
    case Concurrency::kProcessPool: return "process_pool";
    case Concurrency::kEventLoop: break;
  }
  return "event_loop";
}

ConfigProblems ConcurrencyConfig::validate(int threads) const {
  ConfigProblems out;
  if (!pool()) {
    if (backlog) out.push_back({"concurrency.backlog", "applies to a thread_pool or process_pool only (an event loop takes every request at once)"});
    return out;
  }
  const std::string key = std::string("concurrency.") + to_string(model);
  if (workers < 1) out.push_back({key, "must be at least 1 (workers per task)"});
  // The kernel caps listen(2)'s backlog at net.core.somaxconn (65535 at most).
  if (backlog && (*backlog < 0 || *backlog > 65535)) out.push_back({"concurrency.backlog", "must be between 0 and 65535"});
  if (workers >= 1 && threads != workers) {
    out.push_back({"threads", "must equal " + key + " (" + std::to_string(workers) + "): each worker of the pool is one runnable thread (leave threads out)"});
  }
  return out;
}

double ServiceConfig::cores() const { return std::min(static_cast<double>(threads), std::ceil(vcpu())); }

const char* to_string(CapacityProvider p) { return p == CapacityProvider::kFargateSpot ? "FARGATE_SPOT" : "FARGATE"; }

bool ServiceConfig::uses_spot() const {
  for (const auto& item : capacity_providers) {
    if (item.provider == CapacityProvider::kFargateSpot && (item.weight > 0 || item.base > 0)) return true;
  }
  return false;
}

namespace {

ConfigProblems strategy_problems(const std::vector<CapacityProviderItem>& items) {
  ConfigProblems out;
  const std::string key = "capacity_provider_strategy";
  if (items.empty()) out.push_back({key, "needs at least one capacity provider (FARGATE or FARGATE_SPOT)"});
  int with_base = 0, weighted = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& it = items[i];
    if (it.base < 0 || it.base > 100000) out.push_back({item_key(key, i) + ".base", "must be between 0 and 100000"});
    if (it.weight < 0 || it.weight > 1000) out.push_back({item_key(key, i) + ".weight", "must be between 0 and 1000"});
    if (it.base > 0) ++with_base;
    if (it.weight > 0) ++weighted;
    for (std::size_t j = 0; j < i; ++j) {
      if (items[j].provider == it.provider) out.push_back({item_key(key, i), std::string(to_string(it.provider)) + " is listed twice"});
    }
  }
  if (with_base > 1) out.push_back({key, "only one capacity provider may have a base"});
  if (!items.empty() && weighted == 0) out.push_back({key, "at least one capacity provider needs a weight above 0"});
  return out;
}

}  // namespace

ConfigProblems ServiceConfig::validate() const {
  ConfigProblems out;
  if (auto size = check_fargate_size(cpu_units, memory_mib); !size.empty()) out.push_back({"memory", size});
  if (threads < 1) out.push_back({"threads", "must be at least 1"});
  add_problems(out, "", concurrency.validate(threads));
  // cpu.cfs_period_us accepts 1 ms to 1 s.
  if (cpu_period < sim::kMillisecond || cpu_period > sim::kSecond) out.push_back({"cpu_period", "must be between 1ms and 1s"});
  if (desired < 0) out.push_back({"desired", "must be >= 0"});
  // loadcast's bounds: AWS's default 200 % lets every task be replaced first.
  if (maximum_percent < 100 || maximum_percent > 1000) out.push_back({"maximum_percent", "must be between 100 and 1000"});
  if (minimum_healthy_percent < 0 || minimum_healthy_percent > 100) out.push_back({"minimum_healthy_percent", "must be between 0 and 100"});
  add_problems(out, "", strategy_problems(capacity_providers));
  if (spot_interruptions_per_hour < 0) out.push_back({"spot_interruptions_per_hour", "must be >= 0"});
  if (!(cpu_demand_sd >= 0.0 && cpu_demand_sd <= kMaxCpuDemandSd)) {
    out.push_back({"cpu_demand_sd", "must be between 0 and 1 (a relative standard deviation: 0.05 is 5 %)"});
  }
  if (memory_per_request_mib < 0) out.push_back({"app_memory.per_request", "must be >= 0"});
  if (memory_base_mib && (*memory_base_mib < 0 || *memory_base_mib >= memory_mib)) {
    out.push_back({"app_memory.base", "must be >= 0 and below the task memory (" + std::to_string(memory_mib) + " MiB)"});
  }
  if (!(background_vcpu >= 0.0) || background_vcpu >= vcpu()) {
    out.push_back({"background.cpu", "must be >= 0 and below the task's vCPU (" + std::to_string(vcpu()) + ")"});
  }
  if (wakeup_cpu < 0 || wakeup_cpu > sim::kSecond) out.push_back({"wakeup_cpu", "must be between 0 and 1s"});
  if (wakeup_cpu > 0 && concurrency.model != Concurrency::kEventLoop) {
    out.push_back({"wakeup_cpu", "applies to concurrency: event_loop only (a pool's worker wakes for every request: that cost is part of its CPU demand)"});
  }
  if (wakeup_cold_after < 0 || wakeup_cold_after > 60 * sim::kSecond) out.push_back({"wakeup_cold_after", "must be between 0 and 60s"});
  if (wakeup_cold_after > 0 && concurrency.model != Concurrency::kEventLoop) {
    out.push_back({"wakeup_cold_after", "applies to concurrency: event_loop only (as wakeup_cpu does)"});
  }
  if (background_interval < sim::kMillisecond || background_interval > 60 * sim::kSecond) {
    out.push_back({"background.interval", "must be between 1ms and 60s"});
  }
  add_problems(out, "", lifecycle.validate());
  add_problems(out, "db_pool", db_pool.validate());
  add_problems(out, "metrics", metrics.validate());
  const sim::Time period_in_force = metrics.validate().empty() ? metrics.period : MetricsConfig{}.period;
  if (autoscaling) add_problems(out, "autoscaling", autoscaling->validate(period_in_force));
  add_problems(out, "target_group", target_group.validate());
  return out;
}

}  // namespace loadcast::models
