// RequestPlan: the requests a run sends, prepared once and expanded per request, from the
// workload's request classes (workload::RequestClass) and the target origin (a target path other
// than "/" prefixes every class path). `{name}` in a path, header value or body is a value of the
// class's parameter `name`, all drawn once per request; other braces are literal text. A class
// without parameters is serialized once; a templated one is rendered into a per-connection
// scratch string, path values percent-encoded, header values checked by build(), Content-Length
// computed. Immutable after build() and shared read-only by the workers; each worker owns a
// PlanCursor (sequential parameter positions) and its Rng.
// Templates and parameters: docs/load-generator.md#scenario-mode
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loadgen/url.hpp"
#include "sim/rng.hpp"
#include "sim/weighted_choice.hpp"
#include "workload/workload_spec.hpp"

namespace loadcast::loadgen {

// How a parameter's value is written into its place.
enum class Substitution {
  kRaw,      // as it is (bodies; header values, whose values are checked at build time)
  kPercent,  // percent-encoded except RFC 3986 unreserved characters (paths and queries)
};

// Literal pieces and parameter references; expanded by appending to a string.
class TemplateText {
 public:
  TemplateText() = default;
  static TemplateText compile(std::string_view text, const std::vector<std::string>& param_names,
                              Substitution how = Substitution::kRaw);
  bool literal() const { return pieces_.size() <= 1 && (pieces_.empty() || pieces_[0].param < 0); }
  bool uses(std::size_t param) const;
  void append_to(std::string& out, const std::vector<std::string>& values) const;
  // `values` are the parameters' (exactly as many as compile() was given names before the
  // session variables), `session` the session variables' that follow them.
  void append_to(std::string& out, const std::vector<std::string>& values, const std::vector<std::string>& session) const;
  std::string render(const std::vector<std::string>& values) const;

 private:
  struct Piece {
    std::string text;
    int param = -1;  // >= 0: index of the parameter substituted here
  };
  std::vector<Piece> pieces_;
  Substitution how_ = Substitution::kRaw;
};

// Appends `value` percent-encoded: everything but A-Z a-z 0-9 - . _ ~ becomes %XX (RFC 3986
// section 2.3), so a value with spaces, '/', '?', '&' or '#' stays one path segment or query value.
void append_percent_encoded(std::string& out, std::string_view value);

// Why `value` cannot be written into a header field value (a line break, a control character);
// nullptr when it can.
const char* field_value_problem(std::string_view value);

struct ClassPlan {
  std::string name;
  double weight = 1.0;
  std::string method;
  bool head = false;  // HEAD: the response carries no body
  int expect_status = 0;
  TemplateText path;  // includes the target's base path
  std::vector<std::pair<std::string, TemplateText>> headers;
  TemplateText body;
  bool has_body = false;
  std::vector<workload::TemplateParam> params;
  std::string prebuilt;  // complete HTTP/1.1 request when nothing is templated
  bool templated = false;
  // Flows: the session variables (indices into build()'s `session_variables`) this class's
  // path, headers or body use, and those of them in header values (a value with a line break
  // there would break the request: session_value_problem()).
  std::vector<std::size_t> session_vars;
  std::vector<std::size_t> session_vars_in_headers;
};

// Sequential-parameter positions of one worker.
struct PlanCursor {
  std::vector<std::vector<std::uint64_t>> position;  // [class][param]
  std::uint64_t stride = 1;
  std::vector<std::string> values;  // scratch: the current request's parameter values
};

// One request as HTTP/2 fields (the method and scheme come from the class and the target):
// field names lower-cased (RFC 9113 section 8.2), Host carried as :authority, and the
// connection-specific fields HTTP/2 forbids (Connection, Keep-Alive, Proxy-Connection,
// Transfer-Encoding, Upgrade; section 8.2.2) left out; content-length is computed.
struct Http2Request {
  std::string authority;
  std::string path;
  std::vector<std::pair<std::string, std::string>> fields;
  std::string body;
};

// One request rendered for libcurl.
struct RenderedParts {
  std::string url;
  std::vector<std::string> header_lines;  // "Name: value"
  std::string body;
};

class RequestPlan {
 public:
  // Throws std::invalid_argument with a sentence naming the class and field at fault.
  // `session_variables`: flows' variable names, substituted as `{name}` after the parameters
  // (a parameter of the same name wins).
  static RequestPlan build(const Url& target, const std::vector<workload::RequestClass>& classes,
                           const std::vector<std::string>& session_variables = {});

  std::size_t size() const { return classes_.size(); }
  const ClassPlan& at(std::size_t i) const { return classes_[i]; }
  const Url& target() const { return target_; }
  std::size_t pick(sim::Rng& rng) const { return choice_.pick(rng); }
  const sim::WeightedChoice& choice() const { return choice_; }

  // Worker `index` of `count`: sequential parameters start at `index` and step by `count`.
  PlanCursor make_cursor(std::size_t index, std::size_t count) const;

  // The HTTP/1.1 bytes of one request of class `cls`: the prebuilt string, or `scratch` filled.
  std::string_view http1(std::size_t cls, PlanCursor& cursor, sim::Rng& rng, std::string& scratch) const;
  // Flows: the request with the session's variable values (indexed like build()'s
  // `session_variables`) and `extra_headers` (complete "Name: value\r\n" lines, e.g. Cookie).
  std::string_view http1_session(std::size_t cls, PlanCursor& cursor, sim::Rng& rng,
                                 const std::vector<std::string>& session, std::string_view extra_headers,
                                 std::string& scratch) const;
  // The same request as HTTP/2 fields; a class without parameters draws nothing (as http1()).
  void http2(std::size_t cls, PlanCursor& cursor, sim::Rng& rng, Http2Request& out) const;
  // The same request as URL, header lines and body, for libcurl.
  void parts(std::size_t cls, PlanCursor& cursor, sim::Rng& rng, RenderedParts& out) const;

 private:
  void draw(std::size_t cls, PlanCursor& cursor, sim::Rng& rng) const;
  void serialize_http1(const ClassPlan& c, const std::vector<std::string>& values, std::string& out,
                       const std::vector<std::string>& session = {}, std::string_view extra_headers = {}) const;
  void render_http2(const ClassPlan& c, const std::vector<std::string>& values, Http2Request& out) const;

  Url target_;
  std::vector<ClassPlan> classes_;
  sim::WeightedChoice choice_;
};

}  // namespace loadcast::loadgen
