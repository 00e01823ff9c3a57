// The text form of distributions and quantities, as scenarios and the command line write them:
//
//   const(5ms)  exp(1ms)  uniform(1ms, 5ms)  normal(mean=10ms, sd=2ms)
//   lognormal(mean=20ms, sigma=0.6)  lognormal(mean=20ms, p99=120ms)
//   erlang(k=4, mean=2ms)  gamma(shape=0.5, mean=2ms)  pareto(alpha=1.5, min=1ms, max=10s)
//   empirical(file.csv)  uniform_int(1, 10000)  zipf(s=1.1, n=1000)
//
// Arguments are positional or named (not positional after named); a duration carries its unit
// ("ms", "s", ...), a plain value is a bare number. Parsing is strict: an unknown distribution
// or argument, or an impossible value, gives a sentence naming the problem. An empirical file
// holds one value per line (first column of a CSV; bare numbers in a duration file are
// milliseconds; one header line allowed) and is resolved against the scenario's directory.
// Distribution::describe() prints the canonical text back. Pure functions, thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sim/distribution.hpp"

namespace loadcast::sim {

struct DistributionParseOptions {
  ValueKind value_kind = ValueKind::kDuration;
  std::string base_dir;  // empirical(file) is resolved against this directory
};

struct DistributionParse {
  std::optional<Distribution> value;
  std::string error;  // a sentence, set when value is empty
};

DistributionParse parse_distribution(std::string_view text, const DistributionParseOptions& options = {});

// A value with an optional unit: "2ms" -> 0.002 (duration), "12" -> 12 (plain).
std::optional<double> parse_quantity(std::string_view text, ValueKind kind);

}  // namespace loadcast::sim
