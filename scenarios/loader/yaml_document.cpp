#include "scenarios/loader/yaml_document.hpp"

#include <cstdio>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/eventhandler.h>

#include "scenarios/loader/scenario.hpp"
#include "sim/text.hpp"

namespace loadcast::scenario {

namespace {

// Ends the scan at the first problem that makes building the nodes unsafe.
struct Unsafe {
  YAML::Mark mark;
  std::string path;
  std::string message;
};

// One open mapping or sequence. In a mapping, nodes alternate key, value: `items` counts the
// nodes finished so far, so an even count means the next node is a key.
struct Frame {
  bool map = false;
  YAML::anchor_t anchor = YAML::NullAnchor;
  std::string path;
  std::size_t items = 0;
  std::string key;       // the last key (its value's path), when it was a scalar
  bool quiet = false;    // inside the value of a repeated key: reported once, at the key
  bool repeated = false; // the current key is a repeat
  std::unordered_map<std::string, int> lines;  // key -> line it first appears on
};

class StructureScan final : public YAML::EventHandler {
 public:
  explicit StructureScan(Context& ctx) : ctx_(ctx) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnAnchor(const YAML::Mark& mark, const std::string& name) override {
    pending_name_ = name;
    pending_line_ = mark.line + 1;
  }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, nullptr); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    leaf(mark, anchor, &value);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    for (const Frame& f : stack_) {
      if (f.anchor == anchor) {
        const auto& [name, line] = anchors_[anchor];
        throw Unsafe{mark, child_path(),
                     "the alias *" + name + " refers to the node anchored &" + name + " at line " + std::to_string(line) +
                         " that contains it: a YAML alias must not form a cycle"};
      }
    }
    leaf(mark, YAML::NullAnchor, nullptr);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }

 private:
  // The path of the node about to start.
  std::string child_path() const {
    if (stack_.empty()) return "";
    const Frame& f = stack_.back();
    if (!f.map) return index_path(f.path, f.items);
    return f.items % 2 == 0 ? f.path : join_path(f.path, f.key);
  }

  void name_anchor(YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {pending_name_, pending_line_};
    pending_name_.clear();
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, const std::string* scalar) {
    name_anchor(anchor);
    if (scalar != nullptr) check_utf8(mark, *scalar);
    if (!stack_.empty()) {
      Frame& f = stack_.back();
      if (f.map && f.items % 2 == 0) key(f, mark, scalar);
      ++f.items;
    }
  }

  // Names become JSON strings in result.json, which holds only valid UTF-8.
  void check_utf8(const YAML::Mark& mark, const std::string& scalar) {
    const std::size_t ok = sim::valid_utf8_prefix(scalar);
    if (ok == scalar.size()) return;
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(scalar[ok])));
    const bool is_key = !stack_.empty() && stack_.back().map && stack_.back().items % 2 == 0;
    const std::string path = is_key ? join_path(stack_.back().path, scalar) : child_path();
    ctx_.error_at(mark, sim::to_valid_utf8(path),
                  std::string(is_key ? "this key" : "this value") + " is not valid UTF-8 (byte " + byte + " at position " +
                      std::to_string(ok + 1) + "); save the file as UTF-8");
  }

  void key(Frame& f, const YAML::Mark& mark, const std::string* scalar) {
    f.repeated = false;
    f.key = scalar != nullptr ? *scalar : std::string();
    if (scalar == nullptr) return;
    const auto [it, fresh] = f.lines.emplace(*scalar, mark.line + 1);
    if (fresh) return;
    f.repeated = true;
    if (!f.quiet) {
      ctx_.error_at(mark, join_path(f.path, *scalar),
                    "key '" + *scalar + "' appears twice in this mapping (first at line " + std::to_string(it->second) + "); keep one");
    }
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool map) {
    name_anchor(anchor);
    if (stack_.size() >= static_cast<std::size_t>(kMaxYamlDepth)) {
      throw Unsafe{mark, child_path(), "nests deeper than " + std::to_string(kMaxYamlDepth) + " levels"};
    }
    Frame child;
    child.map = map;
    child.anchor = anchor;
    child.path = child_path();
    if (!stack_.empty()) {
      const Frame& parent = stack_.back();
      child.quiet = parent.quiet || (parent.map && parent.items % 2 == 1 && parent.repeated);
      // A mapping or sequence used as a key: not a key any scenario reads, no name to compare.
      if (parent.map && parent.items % 2 == 0) stack_.back().key.clear();
    }
    stack_.push_back(std::move(child));
  }

  void close() {
    stack_.pop_back();
    if (!stack_.empty()) ++stack_.back().items;
  }

  Context& ctx_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, std::pair<std::string, int>> anchors_;
  std::string pending_name_;
  int pending_line_ = 0;
};

std::string location(const std::string& file, const YAML::Mark& mark) {
  if (mark.line < 0) return file;
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

}  // namespace

YAML::Node parse_document(Context& ctx, const std::string& text) {
  if (text.size() > kMaxYamlBytes) {
    throw LoadError({ctx.file() + ": " + std::to_string(text.size()) + " bytes; a scenario or price table may hold at most " +
                     std::to_string(kMaxYamlBytes >> 20) + " MiB"});
  }
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    StructureScan scan(ctx);
    parser.HandleNextDocument(scan);
  } catch (const Unsafe& u) {
    throw LoadError({location(ctx.file(), u.mark) + ": " + (u.path.empty() ? std::string("(top level)") : u.path) + ": " +
                     u.message});
  } catch (const YAML::ParserException& e) {
    throw LoadError({location(ctx.file(), e.mark) + ": not valid YAML: " + e.msg});
  }
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw LoadError({location(ctx.file(), e.mark) + ": not valid YAML: " + e.msg});
  }
}

}  // namespace loadcast::scenario
