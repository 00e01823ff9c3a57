// The region price tables compiled into the binary. pricing_embedded.cpp is generated at build
// time by embed_pricing.cmake from cost/prices/*.yaml (one entry per file, region = file
// name without .yaml, text NUL-terminated); pricing_loader.cpp is its only reader.
#pragma once

#include <cstddef>

namespace loadcast::scenario::embedded {

struct PricingFile {
  const char* region;
  const unsigned char* text;
  std::size_t size;  // bytes, without the terminating NUL
};

extern const PricingFile kPricingFiles[];
extern const std::size_t kPricingFileCount;

}  // namespace loadcast::scenario::embedded
