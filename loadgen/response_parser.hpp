// ResponseParser: an HTTP/1.1 response parser on Beast's basic_parser that keeps the status and
// counts the body without storing it, and HeaderScanner: what the native HTTP/1.1 engine does
// before Beast sees a header, so that Beast's strict grammar applies the leniency policy of
// loadgen/http_policy.hpp (the one every engine follows).
//
// HeaderScanner finds the end of a response header in the raw bytes (the first empty line, its
// line endings CRLF or a bare LF) and counts those raw bytes against the header limit; then
// normalise_header() rewrites the complete header as Beast takes it: a bare LF becomes CRLF, a
// status line without reason phrase ("HTTP/1.1 200") gets the space before its empty reason, and
// an accepted "HTTP/2.0" status line reads "HTTP/1.1" (Beast parses HTTP/1 versions only).
// The engine feeds the rewritten header, then the body bytes as they come, to one parser; an
// interim 1xx response (body-less for Beast) is followed by a fresh parser for the next one.
//
// ResponseParser refuses, as a Beast error (a malformed_response to the engine), a status outside
// 100-599, 101 (never requested) and a version other than HTTP/1.x and HTTP/2.0. Content-Length, chunked and
// read-until-close bodies are handled by basic_parser (Beast's own parsers would copy bodies into
// a body object and apply an 8 MB limit); its header limit is left to HeaderScanner. One parser
// per response: construct a fresh one (cheap, no allocation) for each. Given a CapturedResponse
// (a flow step that reads its response), it also keeps the header fields and the body there;
// given a ServerTimingRecord, it parses the `Server-Timing` fields into it (loadgen/
// server_timing.hpp; a response without one costs a length comparison per unknown field).
// Not thread safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include <string>

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include "loadgen/http_policy.hpp"
#include "loadgen/outcome.hpp"
#include "loadgen/server_timing.hpp"

namespace loadcast::loadgen {

// Finds where a response header ends in raw bytes, one header at a time.
class HeaderScanner {
 public:
  // `data` holds the header's first `size` bytes (the same bytes as at the previous call, and
  // maybe more); returns the header's raw length once its empty line is in them, else 0.
  std::size_t scan(const char* data, std::size_t size) {
    for (; pos_ < size; ++pos_) {
      const char c = data[pos_];
      if (c == '\n') {
        if (line_start_) return ++pos_;
        line_start_ = true;
      } else if (c != '\r') {
        line_start_ = false;  // a CR before the LF does not end a line's emptiness
      }
    }
    return 0;
  }
  void reset() { *this = HeaderScanner(); }

 private:
  std::size_t pos_ = 0;
  bool line_start_ = false;  // the bytes since the last LF are CRs only (false before the status line)
};

// `raw` (a complete header, as HeaderScanner delimits it) rewritten into `out` as Beast's grammar
// wants it: every bare LF preceded by CR, a status line without reason phrase given its space,
// HTTP/2.0 in a status line read as HTTP/1.1.
inline void normalise_header(std::string_view raw, std::string& out) {
  out.clear();
  out.reserve(raw.size() + 64);
  bool first_line = true;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\n') {
      out += c;
      continue;
    }
    if (i == 0 || raw[i - 1] != '\r') out += '\r';
    if (first_line) {
      first_line = false;
      const std::size_t cr = out.size() - 1;
      const std::string_view line(out.data(), cr);
      if (parse_http1_status_line(line)) {
        if (line.size() == 12) out.insert(cr, 1, ' ');
        // Beast knows HTTP/1 only; an accepted HTTP/2.0 status line is read as HTTP/1.1's.
        if (out[5] == '2') out.replace(5, 3, "1.1");
      }
    }
    out += '\n';
  }
}

class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  ResponseParser(std::uint32_t header_limit, bool head_request, CapturedResponse* capture = nullptr,
                 ServerTimingRecord* timing = nullptr)
      : capture_(capture), timing_(timing) {
    if (capture_ != nullptr) capture_->clear();
    if (timing_ != nullptr) timing_->clear();
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
  void on_response_impl(int code, string_view, int version, error_code& ec) override {
    status_ = code;
    if (!http1_version_accepted(version)) ec = boost::beast::http::error::bad_version;
    else if (!status_in_range(code) || code == 101) ec = boost::beast::http::error::bad_status;
  }
  void on_field_impl(boost::beast::http::field f, string_view name, string_view value, error_code&) override {
    // Beast knows no Server-Timing field: it comes as an unknown one.
    if (timing_ != nullptr && f == boost::beast::http::field::unknown && is_server_timing(std::string_view(name.data(), name.size()))) {
      timing_->add_header(std::string_view(value.data(), value.size()));
    }
    if (capture_ != nullptr) capture_->add_header(std::string_view(name.data(), name.size()), std::string_view(value.data(), value.size()));
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(boost::optional<std::uint64_t> const&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code&) override {
    body_bytes_ += body.size();
    if (capture_ != nullptr) capture_->append_body(std::string_view(body.data(), body.size()));
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
    body_bytes_ += body.size();
    if (capture_ != nullptr) capture_->append_body(std::string_view(body.data(), body.size()));
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  int status_ = 0;
  std::uint64_t body_bytes_ = 0;
  CapturedResponse* capture_ = nullptr;
  ServerTimingRecord* timing_ = nullptr;
};

}  // namespace loadcast::loadgen
