// Server-Timing: the durations a server reports about its own work in the W3C `Server-Timing`
// response header, read by the native HTTP/1.1 engine and summed per request class.
//
//   Server-Timing: db;dur=53, app;dur=47.2;desc="render", cache;desc="hit"
//
// A header value is a comma-separated list of metrics; a metric is a name (an HTTP token) and
// parameters `;name=value` (a token or a quoted string). `dur` is the duration in milliseconds and
// the only parameter loadcast keeps (the first `dur` of a metric, as the specification's parsing
// does); a metric without one is no duration and is not counted. A response may carry several
// headers, each parsed on its own. A metric that breaks the grammar (a name that is no token, a
// parameter without `=`, an unterminated quoted string, text after a value, a `dur` that is not
// a non-negative number) is skipped, and its header counted once as malformed — never fatal:
// the rest of the header and the response are used.
// [spec] https://www.w3.org/TR/server-timing/#the-server-timing-header-field
// [spec] https://www.rfc-editor.org/rfc/rfc9110#name-tokens (token, quoted-string)
// ServerTimingRecord is one response's (its strings reused from response to response: no
// allocation once they have grown; at most kMaxServerTimingEntries durations); ServerTimingStats is a class's over a run, per metric name
// the count and the sum of the durations, at most kMaxServerTimingNames names (later ones are
// counted in `unlisted`). Not thread safe: one record per connection, stats per worker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loadcast::loadgen {

inline constexpr std::size_t kMaxServerTimingNames = 32;    // per class
inline constexpr std::size_t kMaxServerTimingEntries = 64;  // per response

struct ServerTimingEntry {
  std::string name;
  double dur_ms = 0.0;
};

struct ServerTimingRecord {
  std::vector<ServerTimingEntry> entries;  // the first `count` are this response's
  std::size_t count = 0;
  std::uint32_t headers = 0;    // Server-Timing header fields in the response
  std::uint32_t malformed = 0;  // of which broke the grammar somewhere

  void clear() {
    count = 0;
    headers = 0;
    malformed = 0;
  }
  // Parses one header field's value into the record.
  void add_header(std::string_view value);
};

// Whether a header field's name is Server-Timing (case-insensitive).
bool is_server_timing(std::string_view name);

struct ServerTimingMetric {
  std::string name;
  std::uint64_t count = 0;
  double sum_ms = 0.0;
};

struct ServerTimingStats {
  std::uint64_t responses = 0;  // responses with at least one Server-Timing header
  std::uint64_t malformed = 0;  // Server-Timing headers with a malformed metric
  std::uint64_t unlisted = 0;   // durations of names beyond kMaxServerTimingNames
  std::vector<ServerTimingMetric> metrics;  // in order of first appearance

  bool empty() const { return responses == 0 && malformed == 0; }
  void add(const ServerTimingRecord& r);
  void add_metric(std::string_view name, std::uint64_t count, double sum_ms);
  void merge(const ServerTimingStats& o);
  const ServerTimingMetric* find(std::string_view name) const;
};

}  // namespace loadcast::loadgen
