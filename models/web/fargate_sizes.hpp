// The valid Fargate task sizes: CPU units and the memory allowed with each.
//
// [doc] https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html
//   256 (.25 vCPU): 512, 1024, 2048 MiB          512 (.5 vCPU): 1-4 GB in 1 GB steps
//   1024 (1 vCPU): 2-8 GB in 1 GB steps          2048 (2 vCPU): 4-16 GB in 1 GB steps
//   4096 (4 vCPU): 8-30 GB in 1 GB steps         8192 (8 vCPU): 16-60 GB in 4 GB steps
//   16384 (16 vCPU): 32-120 GB in 8 GB steps     (8 and 16 vCPU: Linux platform 1.4.0+)
// Pure functions, thread safe.
#pragma once

#include <string>

namespace loadcast::models {

// Empty when (cpu_units, memory_mib) is a valid Fargate size; otherwise a sentence naming the
// memory values allowed with that CPU, or the CPU values allowed at all.
std::string check_fargate_size(int cpu_units, int memory_mib);

}  // namespace loadcast::models
