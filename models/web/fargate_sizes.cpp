#include "models/web/fargate_sizes.hpp"

#include <array>

namespace loadcast::models {

namespace {

struct SizeRange {
  int cpu_units;
  int min_mib;
  int max_mib;
  int step_mib;
};

constexpr std::array<SizeRange, 7> kSizes{{
    {256, 512, 2048, 0},  // 512, 1024, 2048: listed, not a regular step
    {512, 1024, 4096, 1024},
    {1024, 2048, 8192, 1024},
    {2048, 4096, 16384, 1024},
    {4096, 8192, 30720, 1024},
    {8192, 16384, 61440, 4096},
    {16384, 32768, 122880, 8192},
}};

std::string gb(int mib) {
  if (mib % 1024 == 0) return std::to_string(mib / 1024) + " GB";
  return std::to_string(mib) + " MiB";
}

}  // namespace

std::string check_fargate_size(int cpu_units, int memory_mib) {
  for (const auto& s : kSizes) {
    if (s.cpu_units != cpu_units) continue;
    if (s.step_mib == 0) {
      if (memory_mib == 512 || memory_mib == 1024 || memory_mib == 2048) return {};
      return "memory " + std::to_string(memory_mib) + " MiB is not valid with cpu 256 on Fargate (allowed: 512, 1024, 2048)";
    }
    if (memory_mib >= s.min_mib && memory_mib <= s.max_mib && (memory_mib - s.min_mib) % s.step_mib == 0) return {};
    return "memory " + std::to_string(memory_mib) + " MiB is not valid with cpu " + std::to_string(cpu_units) +
           " on Fargate (allowed: " + gb(s.min_mib) + " to " + gb(s.max_mib) + " in " + gb(s.step_mib) + " steps, in MiB " +
           std::to_string(s.min_mib) + ".." + std::to_string(s.max_mib) + ")";
  }
  return "cpu " + std::to_string(cpu_units) + " is not a Fargate task size (allowed: 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units)";
}

}  // namespace loadcast::models
