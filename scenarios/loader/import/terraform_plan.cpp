#include "scenarios/loader/import/terraform_plan.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace loadcast::scenario {

namespace {

const Json& empty_object() {
  static const Json e = Json::object();
  return e;
}

// "module.a[0].module.b" -> "module.a.module.b": configuration is per module, not per instance.
std::string strip_instance_keys(const std::string& module) {
  std::string out;
  int depth = 0;
  for (char c : module) {
    if (c == '[') ++depth;
    else if (c == ']') --depth;
    else if (depth == 0) out += c;
  }
  return out;
}

std::string line_col(const std::string& text, std::size_t byte) {
  long line = 1, col = 1;
  for (std::size_t i = 0; i < text.size() && i + 1 < byte; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

void collect_config(const Json& module, const std::string& prefix, std::map<std::string, const Json*>& out) {
  if (!module.is_object()) return;
  if (auto r = module.find("resources"); r != module.end() && r->is_array()) {
    for (const auto& res : *r) {
      if (!res.is_object() || !res.contains("address") || !res["address"].is_string()) continue;
      auto e = res.find("expressions");
      if (e != res.end() && e->is_object()) out[prefix + "|" + res["address"].get<std::string>()] = &*e;
    }
  }
  if (auto calls = module.find("module_calls"); calls != module.end() && calls->is_object()) {
    for (auto it = calls->begin(); it != calls->end(); ++it) {
      if (!it.value().is_object() || !it.value().contains("module")) continue;
      collect_config(it.value()["module"], (prefix.empty() ? "" : prefix + ".") + "module." + it.key(), out);
    }
  }
}

// Every "references" string under an expression (attribute or nested block).
void collect_refs(const Json& e, std::vector<std::string>& out) {
  if (e.is_object()) {
    if (auto r = e.find("references"); r != e.end() && r->is_array()) {
      for (const auto& s : *r) {
        if (s.is_string()) out.push_back(s.get<std::string>());
      }
    }
    for (const auto& [k, v] : e.items()) {
      if (k != "references" && k != "constant_value") collect_refs(v, out);
    }
  } else if (e.is_array()) {
    for (const auto& v : e) collect_refs(v, out);
  }
}

// The expressions at `path`: objects and every element of block lists.
void expressions_at(const Json& e, const std::vector<std::string>& path, std::size_t i, std::vector<const Json*>& out) {
  if (i == path.size()) {
    out.push_back(&e);
    return;
  }
  if (e.is_array()) {
    for (const auto& el : e) expressions_at(el, path, i, out);
    return;
  }
  if (!e.is_object()) return;
  auto it = e.find(path[i]);
  if (it != e.end()) expressions_at(*it, path, i + 1, out);
}

void values_at(const Json& v, const std::vector<std::string>& path, std::size_t i, std::vector<const Json*>& out) {
  if (i == path.size()) {
    if (v.is_array()) {
      for (const auto& el : v) out.push_back(&el);
    } else if (!v.is_null()) {
      out.push_back(&v);
    }
    return;
  }
  if (v.is_array()) {
    for (const auto& el : v) values_at(el, path, i, out);
    return;
  }
  if (!v.is_object()) return;
  auto it = v.find(path[i]);
  if (it != v.end()) values_at(*it, path, i + 1, out);
}

// The strings a resource is known by: its ARN, id, name, URL (queues), family (task definitions).
bool known_as(const TfResource& r, const std::string& s) {
  if (s.empty()) return false;
  for (const char* k : {"arn", "id", "name", "url", "arn_suffix", "cluster_identifier", "identifier", "family"}) {
    auto it = r.values->find(k);
    if (it != r.values->end() && it->is_string() && it->get<std::string>() == s) return true;
  }
  // A task definition ARN names family:revision.
  if (r.type == "aws_ecs_task_definition") {
    if (auto fam = tf_string(*r.values, {"family"})) {
      const std::string tail = s.substr(s.rfind('/') == std::string::npos ? 0 : s.rfind('/') + 1);
      if (tail == *fam || tail.rfind(*fam + ":", 0) == 0) return true;
    }
  }
  return false;
}

}  // namespace

void TerraformPlan::add_file(const std::string& path, const std::string& shown) {
  std::ifstream in(path);
  if (!in) throw ImportError({shown + ": cannot be read"});
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  Doc doc;
  doc.shown = shown;
  try {
    doc.json = Json::parse(text);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    if (const auto p = what.find("parse error"); p != std::string::npos) what = what.substr(p);
    throw ImportError({shown + ":" + line_col(text, e.byte) + ": not valid JSON: " + what});
  }
  if (!doc.json.is_object()) throw ImportError({shown + ": not the output of terraform show -json (a JSON object with planned_values or values)"});
  if (auto fv = doc.json.find("format_version"); fv != doc.json.end() && fv->is_string() && !fv->get<std::string>().empty() &&
                                                 fv->get<std::string>().front() != '1' && fv->get<std::string>().front() != '0') {
    throw ImportError({shown + ": format_version " + fv->get<std::string>() + ": loadcast reads the JSON output format 1.x"});
  }
  const Json* values = nullptr;
  if (auto pv = doc.json.find("planned_values"); pv != doc.json.end() && pv->is_object()) values = &*pv;
  else if (auto v = doc.json.find("values"); v != doc.json.end() && v->is_object()) values = &*v;
  if (values == nullptr) throw ImportError({shown + ": neither planned_values (a plan) nor values (a state): not the output of terraform show -json"});
  docs_.push_back(std::move(doc));
  const Doc& stored = docs_.back();
  // Re-find in the stored copy: the pointers must point into it.
  const Json& root = stored.json.contains("planned_values") ? stored.json["planned_values"] : stored.json["values"];
  std::map<std::string, const Json*> config;
  if (auto c = stored.json.find("configuration"); c != stored.json.end() && c->is_object()) {
    if (auto rm = c->find("root_module"); rm != c->end()) collect_config(*rm, "", config);
  }
  if (auto rm = root.find("root_module"); rm != root.end()) add_module(*rm, stored, config);
}

void TerraformPlan::add_module(const Json& module, const Doc& doc, const std::map<std::string, const Json*>& config) {
  if (!module.is_object()) throw ImportError({doc.shown + ": a module of the values is not an object"});
  const std::string module_address = module.contains("address") && module["address"].is_string() ? module["address"].get<std::string>() : "";
  if (auto rs = module.find("resources"); rs != module.end()) {
    if (!rs->is_array()) throw ImportError({doc.shown + ": " + (module_address.empty() ? "root_module" : module_address) + ".resources is not a list"});
    for (const auto& r : *rs) {
      if (!r.is_object() || !r.contains("address") || !r.contains("type") || !r["address"].is_string() || !r["type"].is_string()) {
        throw ImportError({doc.shown + ": " + (module_address.empty() ? "root_module" : module_address) + ": a resource without address and type"});
      }
      TfResource t;
      t.address = r["address"].get<std::string>();
      t.type = r["type"].get<std::string>();
      t.name = r.contains("name") && r["name"].is_string() ? r["name"].get<std::string>() : "";
      t.module = module_address;
      t.data = r.contains("mode") && r["mode"] == "data";
      if (auto idx = r.find("index"); idx != r.end() && !idx->is_null()) t.index = idx->is_string() ? "\"" + idx->get<std::string>() + "\"" : idx->dump();
      auto v = r.find("values");
      t.values = v != r.end() && v->is_object() ? &*v : &empty_object();
      const std::string rel = (t.data ? "data." : "") + t.type + "." + t.name;
      auto c = config.find(strip_instance_keys(module_address) + "|" + rel);
      t.config = c != config.end() ? c->second : nullptr;
      t.file = doc.shown;
      resources_.push_back(std::move(t));
    }
  }
  if (auto cm = module.find("child_modules"); cm != module.end() && cm->is_array()) {
    for (const auto& child : *cm) add_module(child, doc, config);
  }
}

std::vector<const TfResource*> TerraformPlan::of_type(const std::string& type) const { return of_types({type}); }

std::vector<const TfResource*> TerraformPlan::of_types(const std::vector<std::string>& types) const {
  std::vector<const TfResource*> out;
  for (const auto& r : resources_) {
    if (!r.data && std::find(types.begin(), types.end(), r.type) != types.end()) out.push_back(&r);
  }
  return out;
}

const TfResource* TerraformPlan::resolve_reference(const TfResource& from, const std::string& ref) const {
  // "aws_lb_target_group.api.arn", "aws_lb_target_group.api[0]", "module.x.y" (not a resource here).
  if (ref.rfind("var.", 0) == 0 || ref.rfind("local.", 0) == 0 || ref.rfind("module.", 0) == 0 || ref.rfind("each.", 0) == 0 ||
      ref.rfind("count.", 0) == 0 || ref.rfind("path.", 0) == 0 || ref.rfind("self.", 0) == 0 || ref.rfind("data.", 0) == 0 ||
      ref.rfind("terraform.", 0) == 0) {
    return nullptr;
  }
  const auto dot = ref.find('.');
  if (dot == std::string::npos) return nullptr;
  const std::string type = ref.substr(0, dot);
  std::size_t end = dot + 1;
  while (end < ref.size() && ref[end] != '.' && ref[end] != '[') ++end;
  const std::string name = ref.substr(dot + 1, end - dot - 1);
  std::string key;
  if (end < ref.size() && ref[end] == '[') {
    const auto close = ref.find(']', end);
    if (close != std::string::npos) key = ref.substr(end + 1, close - end - 1);
  }
  std::vector<const TfResource*> candidates;
  for (const auto& r : resources_) {
    if (r.data || r.type != type || r.name != name || r.file != from.file) continue;
    if (strip_instance_keys(r.module) != strip_instance_keys(from.module)) continue;
    candidates.push_back(&r);
  }
  if (candidates.empty()) {
    throw ImportError({from.file + ": " + from.address + " refers to " + type + "." + name + ", which the plan does not hold"});
  }
  auto pick = [&](const std::string& k) -> const TfResource* {
    for (const auto* c : candidates) {
      if (c->index == k && c->module == from.module) return c;
    }
    for (const auto* c : candidates) {
      if (c->index == k) return c;
    }
    return nullptr;
  };
  if (!key.empty() && key.find('.') == std::string::npos) {
    if (const auto* c = pick(key)) return c;
  }
  if (const auto* c = pick(from.index)) return c;
  return candidates.front();
}

std::vector<const TfResource*> TerraformPlan::links(const TfResource& from, const std::vector<std::string>& path,
                                                    const std::vector<std::string>& types) const {
  std::vector<const TfResource*> out;
  auto add = [&](const TfResource* r) {
    if (r != nullptr && std::find(types.begin(), types.end(), r->type) != types.end() && std::find(out.begin(), out.end(), r) == out.end()) {
      out.push_back(r);
    }
  };
  std::vector<const Json*> vals;
  values_at(*from.values, path, 0, vals);
  for (const Json* v : vals) {
    if (!v->is_string()) continue;
    const std::string s = v->get<std::string>();
    for (const auto* r : of_types(types)) {
      if (known_as(*r, s)) add(r);
    }
  }
  if (!out.empty() || from.config == nullptr) return out;
  std::vector<const Json*> exprs;
  expressions_at(*from.config, path, 0, exprs);
  std::vector<std::string> refs;
  for (const Json* e : exprs) collect_refs(*e, refs);
  for (const auto& ref : refs) {
    const auto dot = ref.find('.');
    if (dot == std::string::npos || std::find(types.begin(), types.end(), ref.substr(0, dot)) == types.end()) continue;
    add(resolve_reference(from, ref));
  }
  return out;
}

const TfResource* TerraformPlan::link(const TfResource& from, const std::vector<std::string>& path, const std::vector<std::string>& types) const {
  const auto all = links(from, path, types);
  return all.empty() ? nullptr : all.front();
}

bool TerraformPlan::config_refers(const TfResource& from, const TfResource& to) const {
  if (from.config == nullptr) return false;
  std::vector<std::string> refs;
  collect_refs(*from.config, refs);
  for (const auto& ref : refs) {
    if (ref.rfind(to.type + "." + to.name, 0) != 0) continue;
    const std::size_t n = to.type.size() + to.name.size() + 1;
    if (ref.size() > n && ref[n] != '.' && ref[n] != '[') continue;
    if (resolve_reference(from, ref) == &to) return true;
  }
  return false;
}

std::optional<std::string> TerraformPlan::region(std::string& from) const {
  for (const auto& doc : docs_) {
    const Json* providers = nullptr;
    if (auto c = doc.json.find("configuration"); c != doc.json.end() && c->is_object()) {
      if (auto p = c->find("provider_config"); p != c->end() && p->is_object()) providers = &*p;
    }
    if (providers == nullptr) continue;
    for (const auto& [key, p] : providers->items()) {
      if (!p.is_object() || p.value("name", "") != "aws" || p.contains("alias")) continue;
      const Json* region = tf_at(p, {"expressions", "region"});
      if (region == nullptr) continue;
      if (auto cv = region->find("constant_value"); cv != region->end() && cv->is_string()) {
        from = doc.shown + " provider \"aws\" region";
        return cv->get<std::string>();
      }
      std::vector<std::string> refs;
      collect_refs(*region, refs);
      for (const auto& ref : refs) {
        if (ref.rfind("var.", 0) != 0) continue;
        const Json* v = tf_at(doc.json, {"variables", ref.substr(4), "value"});
        if (v != nullptr && v->is_string()) {
          from = doc.shown + " provider \"aws\" region (" + ref + ")";
          return v->get<std::string>();
        }
      }
    }
  }
  for (const auto& r : resources_) {
    auto a = tf_string(*r.values, {"arn"});
    if (!a || a->rfind("arn:aws", 0) != 0) continue;
    // arn:partition:service:region:account:resource
    std::size_t p = 0;
    for (int i = 0; i < 3 && p != std::string::npos; ++i) p = a->find(':', p + 1);
    if (p == std::string::npos) continue;
    const auto q = a->find(':', p + 1);
    const std::string region = a->substr(p + 1, q - p - 1);
    if (region.empty()) continue;
    from = r.address + " arn";
    return region;
  }
  return std::nullopt;
}

const Json* tf_at(const Json& v, const std::vector<std::string>& path) {
  const Json* cur = &v;
  for (const auto& k : path) {
    if (cur->is_array()) {
      if (cur->empty()) return nullptr;
      cur = &(*cur)[0];
    }
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(k);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  if (cur->is_array() && cur->size() == 1 && (*cur)[0].is_object()) cur = &(*cur)[0];
  if (cur->is_array() && cur->empty()) return nullptr;  // an absent nested block
  return cur->is_null() ? nullptr : cur;
}

std::optional<std::string> tf_string(const Json& v, const std::vector<std::string>& path) {
  const Json* j = tf_at(v, path);
  if (j == nullptr || !j->is_string()) return std::nullopt;
  return j->get<std::string>();
}

std::optional<double> tf_number(const Json& v, const std::vector<std::string>& path) {
  const Json* j = tf_at(v, path);
  if (j == nullptr) return std::nullopt;
  if (j->is_number()) return j->get<double>();
  if (j->is_string()) {
    try {
      std::size_t used = 0;
      const double d = std::stod(j->get<std::string>(), &used);
      if (used == j->get<std::string>().size()) return d;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

std::optional<bool> tf_bool(const Json& v, const std::vector<std::string>& path) {
  const Json* j = tf_at(v, path);
  if (j == nullptr) return std::nullopt;
  if (j->is_boolean()) return j->get<bool>();
  if (j->is_string()) {
    if (*j == "true") return true;
    if (*j == "false") return false;
  }
  return std::nullopt;
}

std::vector<const Json*> tf_blocks(const Json& v, const std::vector<std::string>& path) {
  std::vector<const Json*> out;
  values_at(v, path, 0, out);
  return out;
}

sim::Time tf_seconds(double s) { return static_cast<sim::Time>(std::llround(s * 1e9)); }

}  // namespace loadcast::scenario
