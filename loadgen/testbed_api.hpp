// TestbedApi: the testbed's small stateful API, the target of user-journey (flow) tests. A
// client logs in, creates orders and reads them back with the token it was given:
//   POST /login         JSON body {"user": non-empty string, "password": string} → 200
//                       {"token":"..."} and `Set-Cookie: session=<token>; Path=/`; a fresh token
//                       per login; another body → 400.
//   POST /orders        needs the token → 201 {"id":N,"state":"open"}, `Location: /orders/N`.
//   GET /orders/{id}    needs the token → 200 {"id":N,"state":"open"}; 404 when no such order is
//                       kept (never created, or older than the last `orders_kept`).
// The token is taken from `Authorization: Bearer <token>` or the `session` cookie; a missing or
// unknown token → 401. Any API path with the query flag `drop=1` (e.g. GET /orders/3?drop=1) is
// served and then the connection is closed without a response: a server failing mid-flow.
// Memory is bounded by construction: tokens carry their own keyed check (a login counter and a
// hash of it with a secret drawn from the seed), and order ids are a counter of which only the
// last `orders_kept` exist, so nothing grows with the number of requests.
// Not thread safe: the testbed calls it from its one event-loop thread.
// Behaviour: docs/load-generator.md#the-testbed
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace loadcast::loadgen {

struct ApiRequest {
  std::string_view method;
  std::string_view target;         // path and query
  std::string_view authorization;  // the Authorization header's value, or empty
  std::string_view cookie;         // the Cookie header's value, or empty
  std::string_view body;
};

struct ApiReply {
  int status = 200;
  std::string body;
  std::string extra_headers;  // complete "Name: value\r\n" lines
  bool drop = false;          // close the connection without answering
};

struct ApiStats {
  std::uint64_t logins = 0;
  std::uint64_t orders_created = 0;
  std::uint64_t unauthorized = 0;  // 401s
  std::uint64_t not_found = 0;     // 404s
  std::uint64_t dropped = 0;       // connections closed by drop=1
};

class TestbedApi {
 public:
  static constexpr std::uint64_t kDefaultOrdersKept = 100000;

  explicit TestbedApi(std::uint64_t seed, std::uint64_t orders_kept = kDefaultOrdersKept);

  // Whether `target` is an API path (/login, /orders, /orders/...), with or without a query.
  static bool handles(std::string_view target);
  ApiReply handle(const ApiRequest& request);
  // The HTTP/1.1 bytes of `reply` (keep_alive false: with Connection: close).
  static void serialize(const ApiReply& reply, bool keep_alive, std::string& out);

  const ApiStats& stats() const { return stats_; }

 private:
  std::string token_for(std::uint64_t n) const;
  bool valid_token(std::string_view token) const;
  bool authorized(const ApiRequest& request) const;

  std::uint64_t secret_;
  std::uint64_t orders_kept_;
  ApiStats stats_;
};

}  // namespace loadcast::loadgen
