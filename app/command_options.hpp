// Values of the options several commands share, parsed in one place: the `--set PATH=VALUE`
// scenario overrides (sim, check, load, validate, sweep), the `--window FROM..TO` span (sim,
// sweep) and the `--shard i/N` slice (load, sweep). Each throws UsageError with a sentence naming the option. Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/loader/scenario.hpp"
#include "sim/time.hpp"

namespace loadcast::app {

// Every `--set` text in order; throws UsageError("--set <reason>") at the first malformed one.
std::vector<scenario::Override> parse_set(const std::vector<std::string>& texts);

struct Shard {
  std::uint64_t index = 0;  // 0-based
  std::uint64_t count = 1;
};

// A span of simulated time `FROM..TO` (`--window 12h..13h`): durations with units, FROM < TO.
struct Window {
  sim::Time from = 0;
  sim::Time to = 0;
};
Window parse_window(const std::string& text);

// "i/N" with whole numbers and 0 <= i < N. `example` is the valid value the message suggests
// ("0/3").
Shard parse_shard(const std::string& text, std::string_view example);

}  // namespace loadcast::app
