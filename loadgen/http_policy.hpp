// The one leniency policy every engine applies to a response's header (HTTP/1.1 native, plain
// and TLS; libcurl; HTTP/2 native, h2 and h2c), written once here; docs/load-generator.md
// ("How responses are judged") has it as a table.
//
// - Header limit (kHeaderLimit, EngineOptions::header_limit): the header bytes of one request's
//   responses, interim 1xx ones included. HTTP/1.1 counts status lines and fields as received,
//   line endings and the blank line included (what libcurl's CURLINFO_HEADER_SIZE counts);
//   HTTP/2 counts each field as name + value + 32 (http2_field_bytes, the size RFC 9113 section
//   6.5.2 gives SETTINGS_MAX_HEADER_LIST_SIZE). Over it: malformed_response. 64 KiB is loadcast's
//   choice (RFC 9110 section 5.4 leaves the limit to the recipient): eight times nginx's default
//   proxy_buffer_size of 4-8 KiB, so a header this large is a server bug worth seeing.
// - Interim responses (1xx other than 101) are skipped and the final response judged, at most
//   kMaxInterimResponses of them per request (RFC 9110 section 15.2: a client must accept one or
//   more before the final response; it sets no bound, so a server sending 1xx forever would hold
//   the request until its timeout — libcurl does so — while its bytes already say it is broken).
// - 101 Switching Protocols is only valid in answer to Upgrade, which loadcast never sends
//   (RFC 9110 section 15.2.2): malformed_response. HTTP/2 forbids it (RFC 9113 section 8.6).
// - A status outside 100-599 (000, 600, 999) is malformed_response: RFC 9110 section 15 defines
//   the three-digit codes 100-599 only; counting 600 as a 5xx or 000 as ok invented a class.
// - HTTP/1.1 status line: version HTTP/1.x, or HTTP/2.0 (curl 7.88 and nginx 1.22 accept that
//   from a server on an HTTP/1 connection and count its status; loadcast does the same), any
//   other version malformed; the reason phrase optional with or without its space (RFC 9112
//   section 4: a client should ignore it; curl and nginx accept "HTTP/1.1 200"); a bare LF
//   accepted as a line ending (RFC 9112 section 2.2 allows it; curl and nginx accept it).
// - Content-Length: repeated identical values are one value (RFC 9112 section 6.3 item 5);
//   differing values, or Content-Length together with Transfer-Encoding, are malformed_response
//   (RFC 9112 section 6.3 says the latter "ought to be handled as an error"; nginx refuses it
//   from an upstream) — never a wait for a body length the server contradicted.
// Pure functions and constants: thread safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace loadcast::loadgen {

inline constexpr std::uint32_t kHeaderLimit = 64 * 1024;
inline constexpr int kMaxInterimResponses = 16;

// The bytes an HTTP/2 header field counts towards the header limit (RFC 9113 section 6.5.2).
constexpr std::uint64_t http2_field_bytes(std::size_t name, std::size_t value) { return name + value + 32; }

// A status code any engine accepts as a response's (final or interim).
constexpr bool status_in_range(int status) { return status >= 100 && status <= 599; }

// An interim response the engines skip (101 is not one: it is refused).
constexpr bool interim_status(int status) { return status >= 100 && status <= 199 && status != 101; }

// An HTTP/1 status line's version (Beast's encoding: 10 * major + minor) that is accepted.
constexpr bool http1_version_accepted(int version) { return version / 10 == 1 || version == 20; }

// The status of an HTTP/1 status line under this policy ("HTTP/1.x SP DDD [SP reason]" or
// HTTP/2.0 in place of HTTP/1.x, its
// line ending CRLF, LF or already removed), or nullopt when the line is not one. The status is
// returned whatever its value: status_in_range() judges it.
constexpr std::optional<int> parse_http1_status_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || !digit(line[5]) || line[6] != '.' || !digit(line[7])) {
    return std::nullopt;
  }
  if (!http1_version_accepted((line[5] - '0') * 10 + (line[7] - '0')) || line[8] != ' ') return std::nullopt;
  if (!digit(line[9]) || !digit(line[10]) || !digit(line[11])) return std::nullopt;
  if (line.size() > 12 && line[12] != ' ') return std::nullopt;
  return (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
}

}  // namespace loadcast::loadgen
