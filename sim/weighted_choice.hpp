// WeightedChoice: picks an index with probability proportional to its weight (the request class
// of each arrival or user request, in both engines).
//
// A cumulative table searched linearly (the tables are short); one uniform draw per pick, none
// when there is a single choice. Deterministic given the Rng. Immutable after construction;
// pick() is const, so one table may serve several threads with their own Rngs.
#pragma once

#include <cstddef>
#include <vector>

#include "sim/rng.hpp"

namespace loadcast::sim {

class WeightedChoice {
 public:
  WeightedChoice() = default;
  explicit WeightedChoice(const std::vector<double>& weights) {
    double acc = 0.0;
    for (double w : weights) {
      acc += w;
      cumulative_.push_back(acc);
    }
    total_ = acc;
  }
  std::size_t pick(Rng& rng) const {
    if (cumulative_.size() <= 1) return 0;
    const double u = rng.uniform() * total_;
    std::size_t i = 0;
    while (i + 1 < cumulative_.size() && u >= cumulative_[i]) ++i;
    return i;
  }
  std::size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;
  double total_ = 0.0;
};

}  // namespace loadcast::sim
