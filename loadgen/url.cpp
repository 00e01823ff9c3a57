#include "loadgen/url.hpp"

#include <charconv>

namespace loadcast::loadgen {

std::string Url::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string a = v6 ? "[" + host + "]" : host;
  if (!default_port()) a += ":" + std::to_string(port);
  return a;
}

std::string Url::origin() const { return scheme + "://" + authority(); }

UrlParse parse_url(std::string_view text) {
  UrlParse out;
  const auto fail = [&](const std::string& why) {
    out.error = "invalid URL '" + std::string(text) + "': " + why;
    return out;
  };
  Url url;
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return fail("expected http://host[:port]/path or https://...");
  url.scheme = std::string(text.substr(0, sep));
  for (auto& c : url.scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (url.scheme != "http" && url.scheme != "https") return fail("scheme must be http or https");
  url.port = url.tls() ? 443 : 80;
  std::string_view rest = text.substr(sep + 3);
  const auto path_at = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_at);
  std::string_view target = path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at);
  if (authority.find('@') != std::string_view::npos) return fail("user info is not supported");
  if (authority.empty()) return fail("missing host");
  std::string_view port_text;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 literal");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after IPv6 literal");
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    // A second colon outside brackets: an IPv6 address without them, or two ports.
    if (colon != std::string_view::npos && authority.substr(0, colon).find(':') != std::string_view::npos) {
      return fail("more than one ':' in host:port (write an IPv6 address in brackets: http://[::1]:8080/)");
    }
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return fail("missing host");
  for (char c : url.host) {
    if (c == ' ' || c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x21) return fail("bad character in host");
  }
  if (authority.find(':') != std::string_view::npos && authority.front() != '[' && port_text.empty()) {
    return fail("empty port");
  }
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      return fail("port must be 1-65535");
    }
    url.port = static_cast<std::uint16_t>(value);
  }
  if (const auto hash = target.find('#'); hash != std::string_view::npos) return fail("fragments (#...) are not sent");
  if (target.empty()) target = "/";
  if (target.front() == '?') url.target = "/" + std::string(target);
  else url.target = std::string(target);
  for (char c : url.target) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) return fail("spaces and control characters must be percent-encoded");
  }
  out.value = std::move(url);
  return out;
}

}  // namespace loadcast::loadgen
