// Session state of a user journey (workload.flows) in the load generator: the variables of a
// virtual user's session, what a step extracts from a response into them, the checks it counts,
// and the cookies a session keeps.
//
// Extraction (workload::ExtractSpec): an RFC 6901 JSON pointer into a JSON body (a string value
// as it is, any other value as its JSON text), a response header (first one, case-insensitive
// name), the first capture group of an ECMAScript regular expression searched in the body (the
// whole match when it has no group), or the status code. A body that is not JSON, a pointer or
// header that is not there, a regex without a match: an ExtractFailure, which fails the session.
// Checks (workload::CheckSpec) never fail a session: they are counted, passes and fails, like
// k6's checks. The JSON body is parsed at most once per response (ResponseView), and only when a
// pointer asks for it. Cookies: `Set-Cookie: name=value; attributes` keeps name=value (the
// attributes are ignored: one target, one session); they are sent back as one Cookie header.
// Compiling (compile_extract, compile_check) throws std::invalid_argument with a sentence;
// evaluation never throws. Plain values; one worker thread each.
// Behaviour: docs/load-generator.md#flows
#pragma once

#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "loadgen/outcome.hpp"
#include "workload/flow_spec.hpp"

namespace loadcast::loadgen {

// The session's variables, indexed like the plan's variable names; `set` says which have a value.
struct SessionVars {
  std::vector<std::string> values;
  std::vector<char> set;

  explicit SessionVars(std::size_t count = 0) : values(count), set(count, 0) {}
  void assign(std::size_t i, std::string v) {
    values[i] = std::move(v);
    set[i] = 1;
  }
};

enum class ExtractFailure : std::uint8_t {
  kNone,
  kNotJson,   // a JSON pointer on a body that is not JSON
  kMissing,   // the pointer or header is not in the response
  kNoMatch,   // the regex does not match the body
};

// The stable key counted under sessions.<flow>.failed_by_cause.
constexpr const char* extract_failure_name(ExtractFailure f) {
  switch (f) {
    case ExtractFailure::kNotJson: return "extract_not_json";
    case ExtractFailure::kMissing: return "extract_missing";
    case ExtractFailure::kNoMatch: return "extract_no_match";
    case ExtractFailure::kNone: break;
  }
  return "ok";
}

struct CompiledExtract {
  std::size_t variable = 0;
  workload::ExtractSource source = workload::ExtractSource::kJsonPointer;
  nlohmann::json::json_pointer pointer;
  std::string header;
  std::optional<std::regex> regex;
};

struct CompiledCheck {
  std::string name;
  workload::CheckKind kind = workload::CheckKind::kStatus;
  nlohmann::json::json_pointer pointer;
  std::string expected;
  int expected_status = 0;
  bool exists = true;
};

// Throws std::invalid_argument naming `where` (e.g. "flow 'buyer' step 'create'") for an
// invalid JSON pointer or regular expression.
CompiledExtract compile_extract(const workload::ExtractSpec& spec, std::size_t variable, const std::string& where);
CompiledCheck compile_check(const workload::CheckSpec& spec, const std::string& where);

// One response as extraction and checks read it; the body's JSON is parsed on first use.
class ResponseView {
 public:
  ResponseView(int status, const CapturedResponse* response) : status_(status), response_(response) {}
  int status() const { return status_; }
  std::string_view body() const { return response_ ? std::string_view(response_->body) : std::string_view(); }
  // The first header field of that name (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
  // The parsed body; nullptr when it is not JSON.
  const nlohmann::json* json();

 private:
  int status_;
  const CapturedResponse* response_;
  bool parsed_ = false;
  nlohmann::json json_;
};

// Sets the extract's variable in `vars`, or says why it could not.
ExtractFailure extract(const CompiledExtract& e, ResponseView& response, SessionVars& vars);
// Whether the check passes on `response`.
bool check(const CompiledCheck& c, ResponseView& response);

// A session's cookies, in the order first set.
using CookieJar = std::vector<std::pair<std::string, std::string>>;
// Keeps every Set-Cookie of `response` (a later value of a name replaces the earlier one).
void keep_cookies(const CapturedResponse& response, CookieJar& jar);
// "Cookie: a=1; b=2\r\n" into `out` (cleared first); nothing for an empty jar.
void cookie_header(const CookieJar& jar, std::string& out);

}  // namespace loadcast::loadgen
