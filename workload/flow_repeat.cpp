#include "workload/flow_repeat.hpp"

#include <algorithm>
#include <cmath>

namespace loadcast::workload {

std::string repeat_problem(const sim::Distribution& d) {
  const std::string max = std::to_string(kMaxRepeat);
  switch (d.kind()) {
    case sim::DistKind::kConst: {
      const double v = d.mean();
      if (v != std::floor(v) || v < 1.0 || v > static_cast<double>(kMaxRepeat)) {
        return "repeat must be a whole number from 1 to " + max + ", found " + d.describe();
      }
      return {};
    }
    case sim::DistKind::kUniformInt: {
      // uniform_int(low, high) has mean (low + high) / 2 and variance ((high - low + 1)^2 - 1) / 12.
      const double width = std::sqrt(12.0 * d.variance() + 1.0) - 1.0;
      const double low = std::round(d.mean() - width / 2.0);
      const double high = std::round(d.mean() + width / 2.0);
      if (low < 0.0) return "repeat draws must be >= 0 (0 skips the step), found " + d.describe();
      if (high < 1.0) return "repeat never sends the step's request, found " + d.describe() + ": leave the step out";
      if (high > static_cast<double>(kMaxRepeat)) return "repeat draws must be at most " + max + ", found " + d.describe();
      return {};
    }
    case sim::DistKind::kZipf: {
      // zipf draws 1..n.
      if (d.mean() > static_cast<double>(kMaxRepeat)) return "repeat draws must be at most " + max + ", found " + d.describe();
      return {};
    }
    default:
      return "repeat must be a count (e.g. 3) or a distribution of whole numbers (uniform_int(1, 5) or zipf(s=1.2, n=10)), found " +
             d.describe();
  }
}

std::int64_t draw_repeat_of(const sim::Distribution& repeat, sim::Rng& rng) {
  const double v = std::round(repeat.sample(rng));
  return static_cast<std::int64_t>(std::clamp(v, 0.0, static_cast<double>(kMaxRepeat)));
}

}  // namespace loadcast::workload
