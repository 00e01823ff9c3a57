#include "loadgen/session.hpp"

#include <stdexcept>

namespace loadcast::loadgen {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

nlohmann::json::json_pointer pointer_of(const std::string& text, const std::string& where) {
  try {
    return nlohmann::json::json_pointer(text);
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(where + ": '" + text + "' is not a JSON pointer (RFC 6901: empty, or /key/0/...)");
  }
}

// A value as extraction gives it: a string as it is, anything else as its JSON text.
std::string value_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// The value at `p`, or nullptr (no exceptions: a missing key is an ordinary outcome).
const nlohmann::json* at_pointer(const nlohmann::json& doc, const nlohmann::json::json_pointer& p) {
  try {
    return doc.contains(p) ? &doc.at(p) : nullptr;
  } catch (const nlohmann::json::exception&) {
    return nullptr;  // e.g. a key where the value is an array: not there
  }
}

}  // namespace

CompiledExtract compile_extract(const workload::ExtractSpec& spec, std::size_t variable, const std::string& where) {
  CompiledExtract e;
  e.variable = variable;
  e.source = spec.source;
  const std::string here = where + " extract '" + spec.variable + "'";
  switch (spec.source) {
    case workload::ExtractSource::kJsonPointer: e.pointer = pointer_of(spec.expression, here); break;
    case workload::ExtractSource::kHeader:
      if (spec.expression.empty()) throw std::invalid_argument(here + ": the header name is empty");
      e.header = spec.expression;
      break;
    case workload::ExtractSource::kRegex:
      try {
        e.regex.emplace(spec.expression, std::regex::ECMAScript);
      } catch (const std::regex_error& err) {
        throw std::invalid_argument(here + ": '" + spec.expression + "' is not a regular expression: " + err.what());
      }
      break;
    case workload::ExtractSource::kStatus: break;
  }
  return e;
}

CompiledCheck compile_check(const workload::CheckSpec& spec, const std::string& where) {
  CompiledCheck c;
  c.name = spec.name;
  c.kind = spec.kind;
  c.expected = spec.expected;
  c.expected_status = spec.expected_status;
  c.exists = spec.exists;
  if (spec.kind == workload::CheckKind::kJsonExists || spec.kind == workload::CheckKind::kJsonEquals) {
    c.pointer = pointer_of(spec.expression, where + " check '" + spec.name + "'");
  }
  return c;
}

std::optional<std::string_view> ResponseView::header(std::string_view name) const {
  if (response_ == nullptr) return std::nullopt;
  for (std::size_t i = 0; i < response_->header_count; ++i) {
    const auto& [n, v] = response_->headers[i];
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

const nlohmann::json* ResponseView::json() {
  if (!parsed_) {
    parsed_ = true;
    json_ = nlohmann::json::parse(body(), nullptr, false);
  }
  return json_.is_discarded() ? nullptr : &json_;
}

ExtractFailure extract(const CompiledExtract& e, ResponseView& response, SessionVars& vars) {
  switch (e.source) {
    case workload::ExtractSource::kJsonPointer: {
      const nlohmann::json* doc = response.json();
      if (doc == nullptr) return ExtractFailure::kNotJson;
      const nlohmann::json* v = at_pointer(*doc, e.pointer);
      if (v == nullptr) return ExtractFailure::kMissing;
      vars.assign(e.variable, value_text(*v));
      return ExtractFailure::kNone;
    }
    case workload::ExtractSource::kHeader: {
      const auto v = response.header(e.header);
      if (!v) return ExtractFailure::kMissing;
      vars.assign(e.variable, std::string(trim(*v)));
      return ExtractFailure::kNone;
    }
    case workload::ExtractSource::kRegex: {
      const std::string_view body = response.body();
      std::match_results<std::string_view::const_iterator> m;
      if (!std::regex_search(body.begin(), body.end(), m, *e.regex)) return ExtractFailure::kNoMatch;
      vars.assign(e.variable, m.size() > 1 ? m[1].str() : m[0].str());
      return ExtractFailure::kNone;
    }
    case workload::ExtractSource::kStatus: vars.assign(e.variable, std::to_string(response.status())); return ExtractFailure::kNone;
  }
  return ExtractFailure::kMissing;
}

bool check(const CompiledCheck& c, ResponseView& response) {
  switch (c.kind) {
    case workload::CheckKind::kStatus: return response.status() == c.expected_status;
    case workload::CheckKind::kJsonExists: {
      const nlohmann::json* doc = response.json();
      const bool there = doc != nullptr && at_pointer(*doc, c.pointer) != nullptr;
      return there == c.exists;
    }
    case workload::CheckKind::kJsonEquals: {
      const nlohmann::json* doc = response.json();
      const nlohmann::json* v = doc == nullptr ? nullptr : at_pointer(*doc, c.pointer);
      return v != nullptr && value_text(*v) == c.expected;
    }
    case workload::CheckKind::kBodyContains: return response.body().find(c.expected) != std::string_view::npos;
  }
  return false;
}

void keep_cookies(const CapturedResponse& response, CookieJar& jar) {
  for (std::size_t i = 0; i < response.header_count; ++i) {
    const auto& [name, value] = response.headers[i];
    if (!iequals(name, "set-cookie")) continue;
    const std::string_view pair = trim(std::string_view(value).substr(0, value.find(';')));
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    const std::string n(trim(pair.substr(0, eq)));
    std::string v(trim(pair.substr(eq + 1)));
    bool replaced = false;
    for (auto& [jn, jv] : jar) {
      if (jn == n) {
        jv = v;
        replaced = true;
      }
    }
    if (!replaced) jar.emplace_back(n, std::move(v));
  }
}

void cookie_header(const CookieJar& jar, std::string& out) {
  out.clear();
  if (jar.empty()) return;
  out += "Cookie: ";
  for (std::size_t i = 0; i < jar.size(); ++i) {
    if (i > 0) out += "; ";
    out += jar[i].first;
    out += '=';
    out += jar[i].second;
  }
  out += "\r\n";
}

}  // namespace loadcast::loadgen
