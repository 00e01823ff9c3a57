#include "scenarios/loader/import/cloudformation.hpp"

#include <algorithm>

namespace loadcast::scenario {

namespace {

constexpr const char* kRef = "!Ref";
constexpr const char* kGetAtt = "!GetAtt";
constexpr const char* kUnresolved = "!Unresolved";
constexpr const char* kNoValue = "!NoValue";

YamlTree unresolved(const std::string& why) { return YamlTree::make_scalar(why, kUnresolved); }

bool is_no_value(const YamlTree& v) { return v.is_scalar() && v.tag == kNoValue; }

// "!Ref" -> "Ref", "!GetAtt" -> "Fn::GetAtt"; empty when the tag is not an intrinsic function.
std::string function_of_tag(const std::string& tag) {
  static const char* kShort[] = {"Sub", "Join", "Select", "Split", "FindInMap", "If", "Equals", "Not", "And", "Or",
                                 "GetAtt", "ImportValue", "GetAZs", "Base64", "Cidr", "Transform", "Length", "ToJsonString"};
  if (tag == "!Ref") return "Ref";
  if (tag == "!Condition") return "Condition";
  for (const char* s : kShort) {
    if (tag == std::string("!") + s) return std::string("Fn::") + s;
  }
  return {};
}

}  // namespace

CfnTemplate::CfnTemplate(YamlTree doc, std::string file, std::map<std::string, YamlTree> parameters, std::string region)
    : doc_(std::move(doc)), file_(std::move(file)), parameters_(std::move(parameters)), region_(std::move(region)) {
  if (!doc_.is_map()) fail(doc_, "a CloudFormation template must be a mapping with Resources");
  doc_.touch();
  for (const char* key : {"AWSTemplateFormatVersion", "Description", "Metadata", "Outputs", "Transform", "Rules"}) {
    if (const YamlTree* n = doc_.find(key)) n->use();
  }
  if (const YamlTree* params = doc_.find("Parameters")) {
    params->use();
    if (params->is_map()) {
      for (const auto& e : params->entries) {
        if (parameters_.count(e.key)) continue;
        const YamlTree* def = e.value.find("Default");
        if (def != nullptr) parameters_[e.key] = *def;
      }
    }
  }
  if (const YamlTree* m = doc_.find("Mappings")) m->use();
  if (const YamlTree* c = doc_.find("Conditions")) c->use();
  const YamlTree* res = doc_.find("Resources");
  if (res == nullptr || !res->is_map()) fail(res ? *res : doc_, "a CloudFormation template needs a Resources mapping");
  res->touch();
  for (const auto& e : res->entries) {
    if (!e.value.is_map()) fail(e.value, "resource " + e.key + " must be a mapping with Type and Properties");
    e.value.touch();
    const YamlTree* type = e.value.find("Type");
    if (type == nullptr || !type->is_scalar()) fail(e.value, "resource " + e.key + " has no Type");
    type->use();
    for (const char* key : {"DependsOn", "Metadata", "DeletionPolicy", "UpdateReplacePolicy", "UpdatePolicy", "CreationPolicy"}) {
      if (const YamlTree* n = e.value.find(key)) n->use();
    }
    if (const YamlTree* cond = e.value.find("Condition")) {
      cond->use();
      const auto holds = condition(cond->scalar, *cond);
      if (holds && !*holds) {
        skipped_.emplace_back(e.key, cond->scalar);
        e.value.use();
        continue;
      }
    }
    CfnResource r;
    r.id = e.key;
    r.type = type->scalar;
    r.node = &e.value;
    r.properties = e.value.find("Properties");
    if (r.properties) r.properties->touch();
    r.line = e.line;
    r.column = e.column;
    resources_.push_back(r);
  }
}

const CfnResource* CfnTemplate::resource(const std::string& id) const {
  for (const auto& r : resources_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string CfnTemplate::where(const CfnResource& r) const {
  return file_ + ":" + std::to_string(r.line) + ":" + std::to_string(r.column) + " " + r.id;
}

void CfnTemplate::fail(const YamlTree& at, const std::string& message) const { throw ImportError({location(file_, at) + ": " + message}); }

std::optional<YamlTree> CfnTemplate::property(const CfnResource& r, const std::string& key) const {
  if (r.properties == nullptr) return std::nullopt;
  const YamlTree* n = r.properties->find(key);
  if (n == nullptr) return std::nullopt;
  n->use();
  YamlTree v = eval(*n);
  if (is_no_value(v)) return std::nullopt;
  return v;
}

YamlTree CfnTemplate::ref(const std::string& name, const YamlTree& at) const {
  if (name == "AWS::Region") return region_.empty() ? unresolved("AWS::Region (the region is not known)") : YamlTree::make_scalar(region_);
  if (name == "AWS::NoValue") return YamlTree::make_scalar("", kNoValue);
  if (name.rfind("AWS::", 0) == 0) return unresolved(name + " is only known once deployed");
  auto p = parameters_.find(name);
  if (p != parameters_.end()) return eval(p->second);
  if (doc_.find("Resources") && doc_.find("Resources")->find(name)) return YamlTree::make_scalar(name, kRef);
  const YamlTree* params = doc_.find("Parameters");
  if (params && params->find(name)) return unresolved("parameter " + name + " has no value and no Default");
  fail(at, "Ref " + name + ": no parameter or resource of that name in this template");
}

std::string CfnTemplate::sub(const std::string& text, const std::map<std::string, YamlTree>& vars, const YamlTree& at) const {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      out += text[i];
      continue;
    }
    const auto end = text.find('}', i);
    if (end == std::string::npos) fail(at, "Fn::Sub: '${' without a closing '}'");
    const std::string name = text.substr(i + 2, end - i - 2);
    i = end;
    if (!name.empty() && name.front() == '!') {
      out += "${" + name.substr(1) + "}";
      continue;
    }
    YamlTree v;
    auto var = vars.find(name);
    if (var != vars.end()) v = eval(var->second);
    else if (name.find('.') != std::string::npos) v = YamlTree::make_scalar(name, kGetAtt);
    else v = ref(name, at);
    if (v.is_scalar() && v.tag.empty()) out += v.scalar;
    else out += "${" + name + "}";
  }
  return out;
}

std::optional<bool> CfnTemplate::condition(const std::string& name, const YamlTree& at) const {
  auto cached = conditions_.find(name);
  if (cached != conditions_.end()) return cached->second;
  const YamlTree* all = doc_.find("Conditions");
  const YamlTree* def = all ? all->find(name) : nullptr;
  if (def == nullptr) fail(at, "condition " + name + " is not defined in Conditions");
  if (std::find(evaluating_.begin(), evaluating_.end(), name) != evaluating_.end()) fail(at, "condition " + name + " refers to itself");
  evaluating_.push_back(name);
  const auto v = eval_condition(*def);
  evaluating_.pop_back();
  conditions_[name] = v;
  return v;
}

std::optional<bool> CfnTemplate::eval_condition(const YamlTree& node) const {
  const YamlTree v = eval(node);
  if (v.is_scalar() && v.tag.empty()) {
    if (v.scalar == "true") return true;
    if (v.scalar == "false") return false;
  }
  return std::nullopt;
}

YamlTree CfnTemplate::eval_function(const std::string& fn, const YamlTree& arg, const YamlTree& at) const {
  auto items = [&](std::size_t n) -> const std::vector<YamlTree>& {
    if (!arg.is_sequence() || (n > 0 && arg.items.size() != n)) fail(at, fn + " takes a list of " + std::to_string(n) + " arguments");
    return arg.items;
  };
  auto text = [&](const YamlTree& n) -> std::optional<std::string> {
    const YamlTree v = eval(n);
    if (v.is_scalar() && v.tag.empty()) return v.scalar;
    return std::nullopt;
  };
  auto boolean = [](bool b) { return YamlTree::make_scalar(b ? "true" : "false"); };
  if (fn == "Ref") {
    const auto name = text(arg);
    if (!name) fail(at, "Ref takes a name");
    return ref(*name, at);
  }
  if (fn == "Condition") {
    const auto name = text(arg);
    if (!name) fail(at, "Condition takes a condition name");
    const auto v = condition(*name, at);
    return v ? boolean(*v) : unresolved("condition " + *name + " cannot be decided before deployment");
  }
  if (fn == "Fn::GetAtt") {
    std::string id, attribute;
    if (arg.is_scalar()) {
      const auto dot = arg.scalar.find('.');
      if (dot == std::string::npos) fail(at, "Fn::GetAtt takes Resource.Attribute");
      id = arg.scalar.substr(0, dot);
      attribute = arg.scalar.substr(dot + 1);
    } else {
      const auto& l = items(2);
      id = text(l[0]).value_or("");
      attribute = text(l[1]).value_or("");
    }
    const YamlTree* all = doc_.find("Resources");
    if (all == nullptr || all->find(id) == nullptr) fail(at, "Fn::GetAtt " + id + "." + attribute + ": no resource " + id + " in this template");
    return YamlTree::make_scalar(id + "." + attribute, kGetAtt);
  }
  if (fn == "Fn::Sub") {
    if (arg.is_scalar()) return YamlTree::make_scalar(sub(arg.scalar, {}, at));
    const auto& l = items(2);
    std::map<std::string, YamlTree> vars;
    if (l[1].is_map()) {
      for (const auto& e : l[1].entries) vars[e.key] = e.value;
    }
    const auto t = text(l[0]);
    if (!t) fail(at, "Fn::Sub takes a string");
    return YamlTree::make_scalar(sub(*t, vars, at));
  }
  if (fn == "Fn::Join") {
    const auto& l = items(2);
    const auto delim = text(l[0]).value_or("");
    const YamlTree list = eval(l[1]);
    if (!list.is_sequence()) return unresolved("Fn::Join of a list known only once deployed");
    std::string out;
    for (std::size_t i = 0; i < list.items.size(); ++i) {
      const auto& v = list.items[i];
      if (!v.is_scalar() || !v.tag.empty()) return unresolved("Fn::Join of a value known only once deployed");
      out += (i ? delim : "") + v.scalar;
    }
    return YamlTree::make_scalar(out);
  }
  if (fn == "Fn::Select") {
    const auto& l = items(2);
    const YamlTree index = eval(l[0]);
    const YamlTree list = eval(l[1]);
    const auto i = as_integer(index, true);
    if (!i || !list.is_sequence()) return unresolved("Fn::Select from a list known only once deployed");
    if (*i < 0 || static_cast<std::size_t>(*i) >= list.items.size()) fail(at, "Fn::Select: index " + index.scalar + " is beyond the list");
    return list.items[static_cast<std::size_t>(*i)];
  }
  if (fn == "Fn::Split") {
    const auto& l = items(2);
    const auto delim = text(l[0]);
    const auto s = text(l[1]);
    if (!delim || !s || delim->empty()) return unresolved("Fn::Split of a value known only once deployed");
    YamlTree out = YamlTree::make_sequence();
    std::size_t from = 0;
    while (true) {
      const auto p = s->find(*delim, from);
      out.items.push_back(YamlTree::make_scalar(s->substr(from, p == std::string::npos ? std::string::npos : p - from)));
      if (p == std::string::npos) break;
      from = p + delim->size();
    }
    return out;
  }
  if (fn == "Fn::FindInMap") {
    if (!arg.is_sequence() || arg.items.size() < 3) fail(at, "Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]");
    const auto map = text(arg.items[0]);
    const auto top = text(arg.items[1]);
    const auto second = text(arg.items[2]);
    if (!map || !top || !second) return unresolved("Fn::FindInMap with a key known only once deployed");
    const YamlTree* mappings = doc_.find("Mappings");
    const YamlTree* m = mappings ? mappings->find(*map) : nullptr;
    if (m == nullptr) fail(at, "Fn::FindInMap: no mapping " + *map + " in Mappings");
    const YamlTree* t = m->find(*top);
    if (t == nullptr) fail(at, "Fn::FindInMap: mapping " + *map + " has no key " + *top);
    const YamlTree* v = t->find(*second);
    if (v == nullptr) fail(at, "Fn::FindInMap: mapping " + *map + "." + *top + " has no key " + *second);
    v->use();
    return eval(*v);
  }
  if (fn == "Fn::If") {
    const auto& l = items(3);
    const auto name = text(l[0]);
    if (!name) fail(at, "Fn::If takes a condition name first");
    const auto v = condition(*name, l[0]);
    if (!v) return unresolved("Fn::If on condition " + *name + ", which cannot be decided before deployment");
    return eval(*v ? l[1] : l[2]);
  }
  if (fn == "Fn::Equals") {
    const auto& l = items(2);
    const YamlTree a = eval(l[0]);
    const YamlTree b = eval(l[1]);
    if (!a.is_scalar() || !b.is_scalar() || !a.tag.empty() || !b.tag.empty()) return unresolved("Fn::Equals of values known only once deployed");
    return boolean(a.scalar == b.scalar);
  }
  if (fn == "Fn::Not") {
    const auto& l = items(1);
    const auto v = eval_condition(l[0]);
    return v ? boolean(!*v) : unresolved("Fn::Not of an undecided condition");
  }
  if (fn == "Fn::And" || fn == "Fn::Or") {
    const auto& l = items(0);
    bool any_unknown = false;
    for (const auto& c : l) {
      const auto v = eval_condition(c);
      if (!v) any_unknown = true;
      else if (fn == "Fn::And" && !*v) return boolean(false);
      else if (fn == "Fn::Or" && *v) return boolean(true);
    }
    if (any_unknown) return unresolved(fn + " of an undecided condition");
    return boolean(fn == "Fn::And");
  }
  return unresolved(fn + " is evaluated only by CloudFormation");
}

YamlTree CfnTemplate::eval(const YamlTree& node) const {
  node.touch();
  const std::string short_fn = function_of_tag(node.tag);
  if (!short_fn.empty()) {
    YamlTree arg = node;
    arg.tag.clear();
    return eval_function(short_fn, arg, node);
  }
  if (node.is_map() && node.entries.size() == 1) {
    const std::string& k = node.entries[0].key;
    if (k == "Ref" || k == "Condition" || k.rfind("Fn::", 0) == 0) {
      node.entries[0].value.touch();
      return eval_function(k, node.entries[0].value, node);
    }
  }
  if (node.is_map()) {
    YamlTree out = YamlTree::make_map();
    out.line = node.line;
    out.column = node.column;
    for (const auto& e : node.entries) {
      YamlTree v = eval(e.value);
      if (is_no_value(v)) continue;
      YamlEntry ne;
      ne.key = e.key;
      ne.line = e.line;
      ne.column = e.column;
      ne.value = std::move(v);
      out.entries.push_back(std::move(ne));
    }
    return out;
  }
  if (node.is_sequence()) {
    YamlTree out = YamlTree::make_sequence();
    out.line = node.line;
    out.column = node.column;
    for (const auto& i : node.items) {
      YamlTree v = eval(i);
      if (!is_no_value(v)) out.items.push_back(std::move(v));
    }
    return out;
  }
  // A standard tag (!!str) is no tag; others (the importer's own markers) stay for the caller.
  YamlTree out = node;
  if (out.tag.rfind("!!", 0) == 0) out.tag.clear();
  return out;
}

std::optional<std::string> cfn_string(const YamlTree& value) {
  if (!value.is_scalar() || !value.tag.empty()) return std::nullopt;
  return value.scalar;
}

std::optional<double> cfn_number(const YamlTree& value) {
  if (!value.tag.empty()) return std::nullopt;
  return as_number(value, true);
}

std::optional<bool> cfn_bool(const YamlTree& value) {
  if (!value.tag.empty()) return std::nullopt;
  return as_bool(value, true);
}

std::optional<std::string> cfn_referenced_id(const YamlTree& value) {
  if (!value.is_scalar()) return std::nullopt;
  if (value.tag == kRef) return value.scalar;
  if (value.tag == kGetAtt) return value.scalar.substr(0, value.scalar.find('.'));
  return std::nullopt;
}

}  // namespace loadcast::scenario
