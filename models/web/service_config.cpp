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

double ServiceConfig::cores() const { return std::min(static_cast<double>(threads), std::ceil(vcpu())); }

ConfigProblems ServiceConfig::validate() const {
  ConfigProblems out;
  if (auto size = check_fargate_size(cpu_units, memory_mib); !size.empty()) out.push_back({"memory", size});
  if (threads < 1) out.push_back({"threads", "must be at least 1"});
  // cpu.cfs_period_us accepts 1 ms to 1 s.
  if (cpu_period < sim::kMillisecond || cpu_period > sim::kSecond) out.push_back({"cpu_period", "must be between 1ms and 1s"});
  if (desired < 0) out.push_back({"desired", "must be >= 0"});
  if (memory_per_request_mib < 0) out.push_back({"app_memory.per_request", "must be >= 0"});
  if (memory_base_mib && (*memory_base_mib < 0 || *memory_base_mib >= memory_mib)) {
    out.push_back({"app_memory.base", "must be >= 0 and below the task memory (" + std::to_string(memory_mib) + " MiB)"});
  }
  add_problems(out, "", lifecycle.validate());
  add_problems(out, "db_pool", db_pool.validate());
  add_problems(out, "metrics", metrics.validate());
  if (autoscaling) add_problems(out, "autoscaling", autoscaling->validate());
  add_problems(out, "target_group", target_group.validate());
  return out;
}

}  // namespace loadcast::models
