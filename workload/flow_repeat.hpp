// How many times a flow step sends its request (`repeat`), shared by both engines: absent means
// once; a count is a constant; a distribution of whole numbers (uniform_int, zipf) is drawn at
// each entry into the step, and a draw of 0 skips the step (its think time too). The loader
// refuses a repeat that is not a whole-number distribution (repeat_problem). Pure functions,
// thread safe given a per-thread Rng.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/distribution.hpp"

namespace loadcast::workload {

// Beyond this, a single step would be the whole run.
inline constexpr std::int64_t kMaxRepeat = 1000000;

// Why `d` cannot be a repeat count; empty when it can.
std::string repeat_problem(const sim::Distribution& d);

// The count drawn for one entry into a step: 1 without a repeat, otherwise a draw of `repeat`
// (a constant draws nothing from `rng`).
std::int64_t draw_repeat_of(const sim::Distribution& repeat, sim::Rng& rng);
inline std::int64_t draw_repeat(const std::optional<sim::Distribution>& repeat, sim::Rng& rng) {
  return repeat ? draw_repeat_of(*repeat, rng) : 1;
}

}  // namespace loadcast::workload
