// Target URLs: `http://host[:port][/path][?query]` and `https://…`.
//
// The target of a run is one origin; a scenario's request classes supply the paths. IPv6
// literals are written in brackets (`http://[::1]:8080/`). User info and fragments are rejected
// rather than silently dropped. Pure functions, thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loadcast::loadgen {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets
  std::uint16_t port = 80;
  std::string target = "/";  // path and query, always starting with '/'

  bool tls() const { return scheme == "https"; }
  bool default_port() const { return port == (tls() ? 443 : 80); }
  // The Host header value: host, with the port unless it is the scheme's default.
  std::string authority() const;
  // scheme://authority
  std::string origin() const;
  std::string text() const { return origin() + target; }
};

struct UrlParse {
  std::optional<Url> value;
  std::string error;  // a sentence, set when value is empty
};

UrlParse parse_url(std::string_view text);

}  // namespace loadcast::loadgen
