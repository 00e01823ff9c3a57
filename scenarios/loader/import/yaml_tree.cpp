#include "scenarios/loader/import/yaml_tree.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace loadcast::scenario {

namespace {

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

std::string at(const std::string& file, const YAML::Mark& m) {
  return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// yaml-cpp reports "?" for a plain node without a tag and "!" for a quoted one.
std::string tag_of(const YAML::Node& n) {
  const std::string& t = n.Tag();
  return t == "?" || t == "!" ? std::string() : t;
}

YamlTree convert(const YAML::Node& n, const std::string& file, std::vector<std::string>& errors) {
  YamlTree t;
  t.tag = tag_of(n);
  t.line = n.Mark().line + 1;
  t.column = n.Mark().column + 1;
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      t.kind = YamlTree::Kind::kScalar;
      t.scalar = n.Scalar();
      t.quoted = n.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      t.kind = YamlTree::Kind::kSequence;
      for (const auto& item : n) t.items.push_back(convert(item, file, errors));
      break;
    case YAML::NodeType::Map: {
      t.kind = YamlTree::Kind::kMap;
      std::map<std::string, YAML::Mark> seen;
      for (const auto& kv : n) {
        YamlEntry e;
        e.key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
        e.line = kv.first.Mark().line + 1;
        e.column = kv.first.Mark().column + 1;
        const auto [it, fresh] = seen.emplace(e.key, kv.first.Mark());
        if (!fresh) {
          errors.push_back(at(file, kv.first.Mark()) + ": key '" + e.key + "' appears twice in this mapping (first at line " +
                           std::to_string(it->second.line + 1) + ")");
          continue;
        }
        e.value = convert(kv.second, file, errors);
        t.entries.push_back(std::move(e));
      }
      break;
    }
    default:
      t.kind = YamlTree::Kind::kNull;
      break;
  }
  return t;
}

void use_all(const YamlTree& t) {
  t.touch();
  for (const auto& e : t.entries) use_all(e.value);
  for (const auto& i : t.items) use_all(i);
}

void walk_unused(const YamlTree& node, const std::string& path, const std::function<void(const std::string&, const YamlEntry&)>& fn,
                 const std::function<bool(const std::string&)>& descend) {
  if (node.is_map()) {
    for (const auto& e : node.entries) {
      const std::string p = path.empty() ? e.key : path + "." + e.key;
      const bool container = e.value.is_map() || e.value.is_sequence();
      if (e.value.any_used() || (container && descend && descend(p))) walk_unused(e.value, p, fn, descend);
      else fn(p, e);
    }
  } else if (node.is_sequence()) {
    for (std::size_t i = 0; i < node.items.size(); ++i) walk_unused(node.items[i], path + "[" + std::to_string(i) + "]", fn, descend);
  }
}

}  // namespace

ImportError::ImportError(std::vector<std::string> errors) : std::runtime_error(join(errors)), errors_(std::move(errors)) {}

const YamlTree* YamlTree::find(const std::string& key) const {
  const YamlEntry* e = entry(key);
  return e ? &e->value : nullptr;
}

YamlTree* YamlTree::find(const std::string& key) {
  for (auto& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

const YamlEntry* YamlTree::entry(const std::string& key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

void YamlTree::use() const { use_all(*this); }

bool YamlTree::any_used() const {
  if (used_) return true;
  for (const auto& e : entries) {
    if (e.value.any_used()) return true;
  }
  for (const auto& i : items) {
    if (i.any_used()) return true;
  }
  return false;
}

YamlTree YamlTree::make_scalar(std::string text, std::string tag) {
  YamlTree t;
  t.kind = Kind::kScalar;
  t.scalar = std::move(text);
  t.tag = std::move(tag);
  return t;
}

YamlTree YamlTree::make_map() {
  YamlTree t;
  t.kind = Kind::kMap;
  return t;
}

YamlTree YamlTree::make_sequence() {
  YamlTree t;
  t.kind = Kind::kSequence;
  return t;
}

void YamlTree::set(const std::string& key, YamlTree value) {
  if (YamlTree* v = find(key)) {
    *v = std::move(value);
    return;
  }
  YamlEntry e;
  e.key = key;
  e.line = value.line;
  e.column = value.column;
  e.value = std::move(value);
  entries.push_back(std::move(e));
}

YamlTree parse_yaml(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ImportError({at(file, e.mark) + ": not valid YAML: " + e.msg});
  }
  std::vector<std::string> errors;
  YamlTree t = convert(root, file, errors);
  if (!errors.empty()) throw ImportError(errors);
  return t;
}

YamlTree read_yaml_file(const std::string& path, const std::string& shown_as) {
  std::ifstream in(path);
  if (!in) throw ImportError({shown_as + ": cannot be read"});
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_yaml(buffer.str(), shown_as);
}

std::string location(const std::string& file, const YamlTree& node) {
  if (node.line <= 0) return file;
  return file + ":" + std::to_string(node.line) + ":" + std::to_string(node.column);
}

std::string location(const std::string& file, const YamlEntry& entry) {
  if (entry.line <= 0) return file;
  return file + ":" + std::to_string(entry.line) + ":" + std::to_string(entry.column);
}

YamlTree merge_override(const YamlTree& base, const YamlTree& over) {
  if (!base.is_map() || !over.is_map()) return over;
  YamlTree out = base;
  for (const auto& e : over.entries) {
    YamlTree* mine = out.find(e.key);
    if (mine != nullptr) {
      *mine = merge_override(*mine, e.value);
      for (auto& oe : out.entries) {
        if (oe.key == e.key) {
          oe.line = e.line;
          oe.column = e.column;
        }
      }
    } else {
      out.entries.push_back(e);
    }
  }
  return out;
}

void for_each_unused(const YamlTree& root, const std::function<void(const std::string&, const YamlEntry&)>& fn,
                     const std::function<bool(const std::string&)>& descend) {
  walk_unused(root, "", fn, descend);
}

std::optional<double> as_number(const YamlTree& node, bool quoted_too) {
  if (!node.is_scalar() || (node.quoted && !quoted_too) || node.scalar.empty()) return std::nullopt;
  double v = 0;
  const char* b = node.scalar.data();
  const char* e = b + node.scalar.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<long long> as_integer(const YamlTree& node, bool quoted_too) {
  const auto v = as_number(node, quoted_too);
  if (!v || *v != std::floor(*v) || std::fabs(*v) > 9e15) return std::nullopt;
  return static_cast<long long>(*v);
}

std::optional<bool> as_bool(const YamlTree& node, bool quoted_too) {
  if (!node.is_scalar() || (node.quoted && !quoted_too)) return std::nullopt;
  const std::string& s = node.scalar;
  if (s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "False" || s == "FALSE" || s == "no" || s == "off") return false;
  return std::nullopt;
}

}  // namespace loadcast::scenario
