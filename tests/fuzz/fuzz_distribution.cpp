// libFuzzer harness: the distribution parser (`exp(10ms)`, `lognormal(mean=…, p99=…)`, …) on
// arbitrary text, as a duration and as a plain number; a parsed distribution is sampled too, so a
// parameter the parser lets through but the sampler cannot take is found. Seed corpus: the
// distributions written in scenarios/*.yaml and docs/.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/distribution_text.hpp"
#include "sim/rng.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto kind : {loadcast::sim::ValueKind::kDuration, loadcast::sim::ValueKind::kPlain}) {
    loadcast::sim::DistributionParseOptions options;
    options.value_kind = kind;
    options.base_dir = "/nonexistent";
    const auto parsed = loadcast::sim::parse_distribution(text, options);
    if (!parsed.value) continue;
    loadcast::sim::Rng rng = loadcast::sim::Rng::stream(1, 0, "fuzz");
    for (int i = 0; i < 16; ++i) {
      const double x = parsed.value->sample(rng);
      // A sample is a number: never NaN (negative values are the caller's to refuse).
      if (std::isnan(x)) __builtin_trap();
      if (kind == loadcast::sim::ValueKind::kDuration) (void)parsed.value->sample_time(rng);
    }
  }
  return 0;
}
