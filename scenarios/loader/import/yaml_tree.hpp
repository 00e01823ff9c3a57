// YamlTree: a YAML document read into an owned tree that keeps, for every node, its location,
// its tag and whether an importer has used it — what the importers need and yaml-cpp's nodes do
// not give: CloudFormation's intrinsic tags (`!Ref`, `!Sub`, `!GetAtt`, `!FindInMap`...) stay as
// tags on plain nodes, Copilot's `environments.<env>` overrides merge into a copy that keeps the
// file's line numbers, and after the mapping every key nobody used is found and reported by its
// location (never dropped silently). Internal to scenarios/loader: this header names no yaml-cpp
// type, the .cpp is the only file that includes yaml-cpp. Not thread safe (used() marks a node).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/loader/import/import.hpp"

namespace loadcast::scenario {

struct YamlEntry;

class YamlTree {
 public:
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  std::string tag;      // "!Ref", "!Sub"...; empty when the node has none
  std::string scalar;   // kScalar only
  bool quoted = false;  // the scalar was written in quotes (never a number or a boolean then)
  int line = 0;         // 1-based; 0 when the node was built, not read
  int column = 0;
  std::vector<YamlEntry> entries;  // kMap, in file order
  std::vector<YamlTree> items;     // kSequence

  bool is_map() const { return kind == Kind::kMap; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_null() const { return kind == Kind::kNull; }

  // The value under `key` of a mapping (nullptr when absent or not a mapping).
  const YamlTree* find(const std::string& key) const;
  YamlTree* find(const std::string& key);
  const YamlEntry* entry(const std::string& key) const;

  // Marks this node and everything under it as used by the importer.
  void use() const;
  // Marks only this node (its children are judged on their own).
  void touch() const { used_ = true; }
  bool used() const { return used_; }
  // True when this node or any node under it is used.
  bool any_used() const;

  static YamlTree make_scalar(std::string text, std::string tag = {});
  static YamlTree make_map();
  static YamlTree make_sequence();
  void set(const std::string& key, YamlTree value);

 private:
  mutable bool used_ = false;
};

struct YamlEntry {
  std::string key;
  int line = 0;    // of the key
  int column = 0;
  YamlTree value;
};

// Parses `text` (one document). Throws ImportError "file:line:col: not valid YAML: ..." and
// reports a key given twice in one mapping with both locations.
YamlTree parse_yaml(const std::string& text, const std::string& file);
// Reads and parses a file; throws ImportError when it cannot be read.
YamlTree read_yaml_file(const std::string& path, const std::string& shown_as);

// "file:line:col" of a node or of a mapping entry's key.
std::string location(const std::string& file, const YamlTree& node);
std::string location(const std::string& file, const YamlEntry& entry);

// Deep merge for Copilot's environment overrides: a mapping merges key by key, anything else
// replaces what `base` has.
YamlTree merge_override(const YamlTree& base, const YamlTree& over);

// Calls fn(path, entry) for every mapping entry no part of which was used, without descending
// into it (its whole subtree is one finding) unless descend(path) asks to: then each of its own
// entries is judged. Sequence items show as "key[i]".
void for_each_unused(const YamlTree& root, const std::function<void(const std::string& path, const YamlEntry& entry)>& fn,
                     const std::function<bool(const std::string& path)>& descend = {});

// Scalar conversions (nullopt when the node is not a scalar of that type). A quoted scalar is a
// string in a Copilot manifest; CloudFormation converts it (`quoted_too`).
std::optional<double> as_number(const YamlTree& node, bool quoted_too = false);
std::optional<long long> as_integer(const YamlTree& node, bool quoted_too = false);
std::optional<bool> as_bool(const YamlTree& node, bool quoted_too = false);

}  // namespace loadcast::scenario
