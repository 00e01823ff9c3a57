// Response headers as every native engine judges them, and ResponseParser: an HTTP/1.1
// response parser on Beast's basic_parser that keeps the status and counts the body without
// storing it.
//
// One header limit and leniency policy for the engines (HTTP/1.1 plain and TLS, HTTP/2):
// - `header_limit` (EngineOptions, 64 KiB) bounds a response's header. HTTP/1.1 counts the
//   bytes of the status line and fields as received (Beast's count); HTTP/2 counts every field,
//   :status included, as name + value + 32 (http2_field_bytes: the size RFC 9113 section
//   6.5.2 gives SETTINGS_MAX_HEADER_LIST_SIZE), trailers included. Over it: malformed_response.
// - No leniency: a header that breaks its protocol's syntax (a bad status line or field for
//   Beast; for HTTP/2 whatever nghttp2's HTTP messaging checks reject — upper-case or
//   connection-specific field names, a missing or repeated :status, a Content-Length the body
//   contradicts) is a malformed_response; nothing is repaired.
// - Bodies are counted, never stored, and never limited.
// - 1xx: HTTP/2 skips interim responses and reports the final status; the HTTP/1.1 parser ends
//   at an interim response's header (Beast treats 1xx as body-less), so a 1xx there is the
//   status reported. (To be unified with one 1xx rule for both.)
//
// ResponseParser: Content-Length, chunked and read-until-close bodies are handled by
// basic_parser (Beast's own parsers would copy bodies into a body object and apply an 8 MB
// limit). One parser per response: construct a fresh one (cheap, no allocation) for each
// request. Not thread safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include <boost/beast/http/basic_parser.hpp>

namespace loadcast::loadgen {

// The bytes an HTTP/2 header field counts towards the header limit (RFC 9113 section 6.5.2).
constexpr std::uint64_t http2_field_bytes(std::size_t name, std::size_t value) { return name + value + 32; }

class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  ResponseParser(std::uint32_t header_limit, bool head_request) {
    header_limit_value(header_limit);
    body_limit(boost::none);
    eager(true);
    if (head_request) skip(true);
  }

  int status() const { return status_; }
  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void header_limit_value(std::uint32_t v) { header_limit(v); }

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code&) override {}
  void on_response_impl(int code, string_view, int, error_code&) override { status_ = code; }
  void on_field_impl(boost::beast::http::field, string_view, string_view, error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(boost::optional<std::uint64_t> const&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code&) override {
    body_bytes_ += body.size();
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
    body_bytes_ += body.size();
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  int status_ = 0;
  std::uint64_t body_bytes_ = 0;
};

}  // namespace loadcast::loadgen
