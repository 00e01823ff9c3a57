// Response headers as every native engine judges them, and ResponseParser: an HTTP/1.1
// response parser on Beast's basic_parser that keeps the status and counts the body without
// storing it (Beast's own parsers would copy bodies and apply an 8 MB limit). One policy for the
// engines: `header_limit` (EngineOptions, 64 KiB) bounds a response's header — HTTP/1.1 counts
// the bytes as received, HTTP/2 each field as name + value + 32 (http2_field_bytes, RFC 9113
// section 6.5.2) — and a header that breaks its protocol's syntax is a malformed_response;
// nothing is repaired, bodies are never limited. 1xx: HTTP/1.1 reports an interim response's
// status, HTTP/2 the final one (docs/load-generator.md#limits). One parser per response:
// construct a fresh one (cheap, no allocation) for each request. Not thread safe.
// Failure causes: docs/load-generator.md#accounting-and-failures
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
