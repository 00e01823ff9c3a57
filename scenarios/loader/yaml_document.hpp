// Parsing a YAML text into nodes, safe against hostile input.
//
// yaml-cpp builds aliases as shared nodes, so an alias that refers to the node containing it
// (`x: &a [ *a ]`, or `<<: *m` inside the block anchored `&m`) makes a cyclic graph, and a few
// hundred bytes of aliases of aliases ("billion laughs") make a graph that a recursive walk
// expands exponentially. parse_document() therefore reads the document's events once, before
// building any node: every node is seen once where it is written, never again through an
// alias, so the scan is linear in the text. It refuses (LoadError, located) an alias cycle,
// nesting deeper than kMaxYamlDepth and text larger than kMaxYamlBytes, and records in the
// Context every mapping key written twice (YAML forbids it; yaml-cpp keeps the first silently).
// Only then does yaml-cpp build the nodes, which the loader reads one known key at a time.
// Internal to the loader; thread safe (no shared state).
#pragma once

#include <cstddef>
#include <string>

#include <yaml-cpp/yaml.h>

#include "scenarios/loader/yaml_reader.hpp"

namespace loadcast::scenario {

// Deeper than any scenario needs (a step-scaling step is 7 levels down), far below the depth
// at which a recursive parser's stack would matter.
inline constexpr int kMaxYamlDepth = 64;
// A scenario or price table is a few kilobytes; 4 MiB leaves room for generated ones.
inline constexpr std::size_t kMaxYamlBytes = std::size_t{4} << 20;

// The first document of `text`, named `ctx.file()` in messages. Throws LoadError for text that
// is not YAML or cannot be loaded safely; duplicate keys are recorded in `ctx`, and loading goes on.
YAML::Node parse_document(Context& ctx, const std::string& text);

}  // namespace loadcast::scenario
