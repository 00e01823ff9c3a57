#include "loadgen/testbed_api.hpp"

#include <charconv>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "sim/rng.hpp"

namespace loadcast::loadgen {

namespace {

constexpr std::string_view kTokenPrefix = "tb";

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

// The query flag drop=1, as a whole parameter.
bool drop_flag(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    if (query.substr(0, amp) == "drop=1") return true;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::uint64_t mac(std::uint64_t secret, std::uint64_t n) {
  std::uint64_t state = secret ^ (n * 0x9E3779B97F4A7C15ull);
  return sim::splitmix64(state);
}

// The session cookie's value in a Cookie header ("a=1; session=tok; b=2").
std::string_view session_cookie(std::string_view cookie) {
  while (!cookie.empty()) {
    while (!cookie.empty() && (cookie.front() == ' ' || cookie.front() == ';')) cookie.remove_prefix(1);
    const auto semi = cookie.find(';');
    const std::string_view pair = cookie.substr(0, semi);
    if (pair.substr(0, 8) == "session=") return pair.substr(8);
    if (semi == std::string_view::npos) break;
    cookie.remove_prefix(semi);
  }
  return {};
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    default: return "Status";
  }
}

ApiReply json_reply(int status, std::string body, std::string extra = {}) {
  ApiReply r;
  r.status = status;
  r.body = std::move(body);
  r.extra_headers = std::move(extra);
  return r;
}

std::string order_json(std::uint64_t id) { return "{\"id\":" + std::to_string(id) + ",\"state\":\"open\"}"; }

}  // namespace

TestbedApi::TestbedApi(std::uint64_t seed, std::uint64_t orders_kept)
    : secret_(sim::Rng::stream(seed, 0, "testbed.api").next()), orders_kept_(orders_kept == 0 ? 1 : orders_kept) {}

bool TestbedApi::handles(std::string_view target) {
  const auto path = path_of(target);
  return path == "/login" || path == "/orders" || path.substr(0, 8) == "/orders/";
}

std::string TestbedApi::token_for(std::uint64_t n) const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*s%llu.%016llx", static_cast<int>(kTokenPrefix.size()), kTokenPrefix.data(),
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(mac(secret_, n)));
  return buf;
}

bool TestbedApi::valid_token(std::string_view token) const {
  if (token.substr(0, kTokenPrefix.size()) != kTokenPrefix) return false;
  token.remove_prefix(kTokenPrefix.size());
  const auto dot = token.find('.');
  std::uint64_t n = 0;
  if (dot == std::string_view::npos || !parse_u64(token.substr(0, dot), n)) return false;
  if (n == 0 || n > stats_.logins) return false;
  return token_for(n).substr(kTokenPrefix.size()) == token;
}

bool TestbedApi::authorized(const ApiRequest& request) const {
  constexpr std::string_view kBearer = "Bearer ";
  if (request.authorization.substr(0, kBearer.size()) == kBearer) {
    return valid_token(request.authorization.substr(kBearer.size()));
  }
  const auto cookie = session_cookie(request.cookie);
  return !cookie.empty() && valid_token(cookie);
}

ApiReply TestbedApi::handle(const ApiRequest& request) {
  const auto path = path_of(request.target);
  ApiReply reply;
  if (path == "/login") {
    if (request.method != "POST") {
      reply = json_reply(405, "{\"error\":\"POST /login\"}");
    } else {
      const auto body = nlohmann::json::parse(request.body, nullptr, false);
      const bool ok = body.is_object() && body.contains("user") && body["user"].is_string() &&
                      !body["user"].get<std::string>().empty() && body.contains("password") &&
                      body["password"].is_string();
      if (!ok) {
        reply = json_reply(400, "{\"error\":\"body must be {\\\"user\\\":...,\\\"password\\\":...}\"}");
      } else {
        const std::string token = token_for(++stats_.logins);
        reply = json_reply(200, "{\"token\":\"" + token + "\"}", "Set-Cookie: session=" + token + "; Path=/\r\n");
      }
    }
  } else if (!authorized(request)) {
    ++stats_.unauthorized;
    reply = json_reply(401, "{\"error\":\"unauthorized\"}", "WWW-Authenticate: Bearer\r\n");
  } else if (path == "/orders") {
    if (request.method != "POST") {
      reply = json_reply(405, "{\"error\":\"POST /orders\"}");
    } else {
      const std::uint64_t id = ++stats_.orders_created;
      reply = json_reply(201, order_json(id), "Location: /orders/" + std::to_string(id) + "\r\n");
    }
  } else {
    std::uint64_t id = 0;
    const bool exists = parse_u64(path.substr(8), id) && id >= 1 && id <= stats_.orders_created &&
                        stats_.orders_created - id < orders_kept_;
    if (request.method != "GET") {
      reply = json_reply(405, "{\"error\":\"GET /orders/{id}\"}");
    } else if (!exists) {
      ++stats_.not_found;
      reply = json_reply(404, "{\"error\":\"no such order\"}");
    } else {
      reply = json_reply(200, order_json(id));
    }
  }
  if (drop_flag(request.target)) {
    reply.drop = true;
    ++stats_.dropped;
  }
  return reply;
}

void TestbedApi::serialize(const ApiReply& reply, bool keep_alive, std::string& out) {
  out.clear();
  out += "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
  out += "Content-Type: application/json\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\n";
  out += reply.extra_headers;
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  out += reply.body;
}

}  // namespace loadcast::loadgen
