#include "loadgen/request_plan.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace loadcast::loadgen {

namespace {

bool token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  for (char t : std::string_view("!#$%&'*+-.^_`|~")) {
    if (c == t) return true;
  }
  return false;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string format_value(double v) {
  char buf[48];
  if (std::fabs(v) < 9e15 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  return buf;
}

}  // namespace

// A header field value may hold visible characters, spaces and tabs (RFC 9110 section 5.5).
const char* field_value_problem(std::string_view value) {
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\r' || c == '\n') return "a line break";
    if ((c < 0x20 && c != '\t') || c == 0x7f) return "a control character";
  }
  return nullptr;
}

void append_percent_encoded(std::string& out, std::string_view value) {
  constexpr const char* kHex = "0123456789ABCDEF";
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
}

TemplateText TemplateText::compile(std::string_view text, const std::vector<std::string>& param_names,
                                   Substitution how) {
  TemplateText t;
  t.how_ = how;
  std::string literal;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      const auto close = text.find('}', i + 1);
      if (close != std::string_view::npos) {
        const std::string_view name = text.substr(i + 1, close - i - 1);
        int index = -1;
        for (std::size_t p = 0; p < param_names.size(); ++p) {
          if (param_names[p] == name) index = static_cast<int>(p);
        }
        if (index >= 0) {
          if (!literal.empty()) t.pieces_.push_back({std::move(literal), -1});
          literal.clear();
          t.pieces_.push_back({{}, index});
          i = close + 1;
          continue;
        }
      }
    }
    literal.push_back(text[i]);
    ++i;
  }
  if (!literal.empty() || t.pieces_.empty()) t.pieces_.push_back({std::move(literal), -1});
  return t;
}

bool TemplateText::uses(std::size_t param) const {
  for (const auto& p : pieces_) {
    if (p.param >= 0 && static_cast<std::size_t>(p.param) == param) return true;
  }
  return false;
}

void TemplateText::append_to(std::string& out, const std::vector<std::string>& values) const {
  for (const auto& p : pieces_) {
    if (p.param < 0) out += p.text;
    else if (how_ == Substitution::kPercent) append_percent_encoded(out, values[static_cast<std::size_t>(p.param)]);
    else out += values[static_cast<std::size_t>(p.param)];
  }
}

void TemplateText::append_to(std::string& out, const std::vector<std::string>& values,
                             const std::vector<std::string>& session) const {
  for (const auto& p : pieces_) {
    if (p.param < 0) {
      out += p.text;
      continue;
    }
    const auto i = static_cast<std::size_t>(p.param);
    const std::string& v = i < values.size() ? values[i] : session[i - values.size()];
    if (how_ == Substitution::kPercent) append_percent_encoded(out, v);
    else out += v;
  }
}

std::string TemplateText::render(const std::vector<std::string>& values) const {
  std::string out;
  append_to(out, values);
  return out;
}

RequestPlan RequestPlan::build(const Url& target, const std::vector<workload::RequestClass>& classes,
                               const std::vector<std::string>& session_variables) {
  if (classes.empty()) throw std::invalid_argument("the workload has no request classes");
  RequestPlan plan;
  plan.target_ = target;
  std::string base = target.target;
  if (const auto q = base.find('?'); q != std::string::npos) {
    throw std::invalid_argument("the target URL '" + target.text() + "' must not have a query when request classes supply paths");
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::vector<double> weights;
  for (const auto& rc : classes) {
    const std::string where = "request class '" + rc.name + "'";
    ClassPlan c;
    c.name = rc.name;
    c.weight = rc.weight;
    if (!(rc.weight > 0.0) || !std::isfinite(rc.weight)) throw std::invalid_argument(where + ": weight must be > 0");
    c.method = rc.http.method.empty() ? "GET" : rc.http.method;
    for (char ch : c.method) {
      if (!token_char(ch)) throw std::invalid_argument(where + ": method '" + c.method + "' is not an HTTP token");
    }
    c.head = c.method == "HEAD";
    c.expect_status = rc.http.expect_status.value_or(0);
    c.params = rc.http.params;
    std::vector<std::string> names;
    for (const auto& p : c.params) {
      if (!p.distribution && p.values.empty()) {
        throw std::invalid_argument(where + ": parameter '" + p.name + "' needs a distribution or values");
      }
      names.push_back(p.name);
    }
    const std::size_t param_count = names.size();
    names.insert(names.end(), session_variables.begin(), session_variables.end());
    const std::string& path = rc.http.path.empty() ? std::string("/") : rc.http.path;
    if (path.front() != '/') throw std::invalid_argument(where + ": path '" + path + "' must start with '/'");
    for (char ch : path) {
      if (static_cast<unsigned char>(ch) < 0x21 || ch == 0x7f) {
        throw std::invalid_argument(where + ": path '" + path + "' has a space or control character");
      }
    }
    c.path = TemplateText::compile(base + path, names, Substitution::kPercent);
    bool has_host = false;
    for (const auto& [name, value] : rc.http.headers) {
      if (name.empty()) throw std::invalid_argument(where + ": empty header name");
      for (char ch : name) {
        if (!token_char(ch)) throw std::invalid_argument(where + ": header name '" + name + "' is not an HTTP token");
      }
      if (const char* bad = field_value_problem(value)) {
        throw std::invalid_argument(where + ": header '" + name + "' has " + bad + " in its value");
      }
      if (iequals(name, "content-length") || iequals(name, "transfer-encoding")) {
        throw std::invalid_argument(where + ": header '" + name + "' is set by the load generator");
      }
      has_host = has_host || iequals(name, "host");
      c.headers.emplace_back(name, TemplateText::compile(value, names));
      // Listed values (a CSV column) are known now: one that would break the header is refused
      // here rather than sent as a malformed request.
      for (std::size_t p = 0; p < c.params.size(); ++p) {
        if (!c.headers.back().second.uses(p)) continue;
        for (std::size_t row = 0; row < c.params[p].values.size(); ++row) {
          if (const char* bad = field_value_problem(c.params[p].values[row])) {
            throw std::invalid_argument(where + ": header '" + name + "' takes parameter '" + c.params[p].name +
                                        "', whose value " + std::to_string(row + 1) + " has " + bad);
          }
        }
      }
    }
    if (!has_host) c.headers.insert(c.headers.begin(), {"Host", TemplateText::compile(target.authority(), {})});
    c.has_body = !rc.http.body.empty() || c.method == "POST" || c.method == "PUT" || c.method == "PATCH";
    c.body = TemplateText::compile(rc.http.body, names);
    c.templated = !c.path.literal() || !c.body.literal();
    for (const auto& h : c.headers) c.templated = c.templated || !h.second.literal();
    for (std::size_t v = 0; v < session_variables.size(); ++v) {
      const std::size_t p = param_count + v;
      bool in_headers = false;
      for (const auto& h : c.headers) in_headers = in_headers || h.second.uses(p);
      if (in_headers) c.session_vars_in_headers.push_back(v);
      if (in_headers || c.path.uses(p) || c.body.uses(p)) c.session_vars.push_back(v);
    }
    if (!c.templated) plan.serialize_http1(c, {}, c.prebuilt);
    weights.push_back(c.weight);
    plan.classes_.push_back(std::move(c));
  }
  plan.choice_ = sim::WeightedChoice(weights);
  return plan;
}

PlanCursor RequestPlan::make_cursor(std::size_t index, std::size_t count) const {
  PlanCursor cursor;
  cursor.stride = count == 0 ? 1 : count;
  cursor.position.resize(classes_.size());
  for (std::size_t c = 0; c < classes_.size(); ++c) cursor.position[c].assign(classes_[c].params.size(), index);
  return cursor;
}

void RequestPlan::draw(std::size_t cls, PlanCursor& cursor, sim::Rng& rng) const {
  const auto& c = classes_[cls];
  cursor.values.resize(c.params.size());
  for (std::size_t p = 0; p < c.params.size(); ++p) {
    const auto& param = c.params[p];
    if (!param.values.empty()) {
      std::uint64_t i = 0;
      if (param.sequential) {
        auto& pos = cursor.position[cls][p];
        i = pos % param.values.size();
        pos += cursor.stride;
      } else {
        i = rng.below(param.values.size());
      }
      cursor.values[p] = param.values[i];
    } else {
      cursor.values[p] = format_value(param.distribution->sample(rng));
    }
  }
}

void RequestPlan::serialize_http1(const ClassPlan& c, const std::vector<std::string>& values, std::string& out,
                                  const std::vector<std::string>& session, std::string_view extra_headers) const {
  out.clear();
  out += c.method;
  out += ' ';
  c.path.append_to(out, values, session);
  out += " HTTP/1.1\r\n";
  for (const auto& [name, value] : c.headers) {
    out += name;
    out += ": ";
    value.append_to(out, values, session);
    out += "\r\n";
  }
  out += extra_headers;
  if (c.has_body) {
    const std::size_t head_end = out.size();
    out += "\r\n";
    c.body.append_to(out, values, session);
    const std::size_t body_size = out.size() - head_end - 2;
    out.insert(head_end, "Content-Length: " + std::to_string(body_size) + "\r\n");
  } else {
    out += "\r\n";
  }
}

std::string_view RequestPlan::http1(std::size_t cls, PlanCursor& cursor, sim::Rng& rng, std::string& scratch) const {
  const auto& c = classes_[cls];
  if (!c.templated) return c.prebuilt;
  draw(cls, cursor, rng);
  serialize_http1(c, cursor.values, scratch);
  return scratch;
}

std::string_view RequestPlan::http1_session(std::size_t cls, PlanCursor& cursor, sim::Rng& rng,
                                            const std::vector<std::string>& session, std::string_view extra_headers,
                                            std::string& scratch) const {
  const auto& c = classes_[cls];
  if (!c.templated && extra_headers.empty()) return c.prebuilt;
  if (c.templated) {
    draw(cls, cursor, rng);
  } else {
    cursor.values.clear();
  }
  serialize_http1(c, cursor.values, scratch, session, extra_headers);
  return scratch;
}

void RequestPlan::render_http2(const ClassPlan& c, const std::vector<std::string>& values, Http2Request& out) const {
  out.path.clear();
  c.path.append_to(out.path, values);
  out.authority.clear();
  out.fields.clear();
  for (const auto& [name, value] : c.headers) {
    std::string lower = name;
    for (char& ch : lower) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    if (lower == "host") {
      out.authority = value.render(values);
      continue;
    }
    if (lower == "connection" || lower == "keep-alive" || lower == "proxy-connection" || lower == "upgrade") continue;
    out.fields.emplace_back(std::move(lower), value.render(values));
  }
  if (out.authority.empty()) out.authority = target_.authority();
  out.body.clear();
  c.body.append_to(out.body, values);
  if (c.has_body) out.fields.emplace_back("content-length", std::to_string(out.body.size()));
}

void RequestPlan::http2(std::size_t cls, PlanCursor& cursor, sim::Rng& rng, Http2Request& out) const {
  const auto& c = classes_[cls];
  if (!c.templated) return render_http2(c, {}, out);
  draw(cls, cursor, rng);
  render_http2(c, cursor.values, out);
}

void RequestPlan::parts(std::size_t cls, PlanCursor& cursor, sim::Rng& rng, RenderedParts& out) const {
  const auto& c = classes_[cls];
  draw(cls, cursor, rng);
  out.url = target_.origin();
  c.path.append_to(out.url, cursor.values);
  out.header_lines.clear();
  for (const auto& [name, value] : c.headers) out.header_lines.push_back(name + ": " + value.render(cursor.values));
  out.body.clear();
  c.body.append_to(out.body, cursor.values);
}

}  // namespace loadcast::loadgen
