#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "loadgen/testbed_api.hpp"
#include "tests/loadgen/servers.hpp"

using namespace loadcast;

namespace {

std::string token_of(const loadgen::ApiReply& r) { return nlohmann::json::parse(r.body).at("token").get<std::string>(); }

loadgen::ApiReply login(loadgen::TestbedApi& api, std::string_view body = R"({"user":"ann","password":"pw"})") {
  return api.handle({"POST", "/login", "", "", body});
}

// One request on a fresh blocking connection; returns the raw response (empty when the server
// closed without answering).
std::string exchange(std::uint16_t port, const std::string& request) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(request));
  std::string out;
  boost::system::error_code ec;
  char buf[4096];
  while (true) {
    const std::size_t n = socket.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec || out.find("\r\n\r\n") != std::string::npos) {
      const auto head_end = out.find("\r\n\r\n");
      if (ec || head_end == std::string::npos) break;
      const auto cl = out.find("Content-Length: ");
      const std::size_t len = std::stoul(out.substr(cl + 16));
      if (out.size() >= head_end + 4 + len) break;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("TestbedApi: a login returns a fresh token that authorizes orders") {
  loadgen::TestbedApi api(7);
  const auto first = login(api);
  const auto second = login(api);
  REQUIRE(first.status == 200);
  REQUIRE(second.status == 200);
  const std::string token = token_of(first);
  CHECK(token != token_of(second));
  CHECK(first.extra_headers == "Set-Cookie: session=" + token + "; Path=/\r\n");

  const std::string bearer = "Bearer " + token;
  const auto created = api.handle({"POST", "/orders", bearer, "", ""});
  CHECK(created.status == 201);
  CHECK(created.body == R"({"id":1,"state":"open"})");
  CHECK(created.extra_headers == "Location: /orders/1\r\n");
  const auto read = api.handle({"GET", "/orders/1", bearer, "", ""});
  CHECK(read.status == 200);
  CHECK(read.body == R"({"id":1,"state":"open"})");
  SECTION("the session cookie authorizes as the bearer token does") {
    CHECK(api.handle({"GET", "/orders/1", "", "a=b; session=" + token, ""}).status == 200);
  }
  SECTION("an order never created is 404") {
    CHECK(api.handle({"GET", "/orders/2", bearer, "", ""}).status == 404);
    CHECK(api.handle({"GET", "/orders/x", bearer, "", ""}).status == 404);
    CHECK(api.stats().not_found == 2);
  }
}

TEST_CASE("TestbedApi: a missing, forged or foreign token is 401") {
  loadgen::TestbedApi api(7);
  const std::string token = token_of(login(api));
  api.handle({"POST", "/orders", "Bearer " + token, "", ""});
  CHECK(api.handle({"GET", "/orders/1", "", "", ""}).status == 401);
  CHECK(api.handle({"GET", "/orders/1", "Bearer wrong", "", ""}).status == 401);
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  CHECK(api.handle({"GET", "/orders/1", "Bearer " + forged, "", ""}).status == 401);
  CHECK(api.handle({"POST", "/orders", "Bearer tb2.0000000000000000", "", ""}).status == 401);  // not issued yet
  loadgen::TestbedApi other(8);  // another server's tokens
  CHECK(other.handle({"POST", "/orders", "Bearer " + token, "", ""}).status == 401);
  CHECK(api.stats().unauthorized == 4);
}

TEST_CASE("TestbedApi: a login body without user and password is 400") {
  loadgen::TestbedApi api(1);
  CHECK(login(api, "not json").status == 400);
  CHECK(login(api, R"({"user":"","password":"x"})").status == 400);
  CHECK(login(api, R"({"user":"ann"})").status == 400);
  CHECK(api.handle({"GET", "/login", "", "", ""}).status == 405);
  CHECK(api.stats().logins == 0);
}

TEST_CASE("TestbedApi: only the last orders_kept orders exist") {
  loadgen::TestbedApi api(1, 3);
  const std::string bearer = "Bearer " + token_of(login(api));
  for (int i = 0; i < 5; ++i) REQUIRE(api.handle({"POST", "/orders", bearer, "", ""}).status == 201);
  CHECK(api.handle({"GET", "/orders/2", bearer, "", ""}).status == 404);
  CHECK(api.handle({"GET", "/orders/3", bearer, "", ""}).status == 200);
  CHECK(api.handle({"GET", "/orders/5", bearer, "", ""}).status == 200);
}

TEST_CASE("TestbedApi: drop=1 serves the request and drops the answer") {
  loadgen::TestbedApi api(1);
  const std::string bearer = "Bearer " + token_of(login(api));
  api.handle({"POST", "/orders", bearer, "", ""});
  CHECK(api.handle({"GET", "/orders/1?drop=1", bearer, "", ""}).drop);
  CHECK(api.handle({"GET", "/orders/1?x=1&drop=1", bearer, "", ""}).drop);
  CHECK_FALSE(api.handle({"GET", "/orders/1?drop=10", bearer, "", ""}).drop);
  CHECK(api.stats().dropped == 2);
  CHECK(loadgen::TestbedApi::handles("/orders/1?drop=1"));
  CHECK_FALSE(loadgen::TestbedApi::handles("/ordersx"));
}

TEST_CASE("Testbed: serves the stateful API over HTTP and drops on request") {
  loadgen::TestbedConfig tc;
  tc.service = sim::Distribution::constant(0.001);
  test::TestbedThread tb(tc);
  const std::string body = R"({"user":"ann","password":"pw"})";
  const std::string login_response =
      exchange(tb.port(), "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  REQUIRE(login_response.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  const auto token = nlohmann::json::parse(login_response.substr(login_response.find("\r\n\r\n") + 4)).at("token").get<std::string>();
  const std::string auth = "Authorization: Bearer " + token + "\r\n";
  const std::string created = exchange(tb.port(), "POST /orders HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 0\r\n\r\n");
  CHECK(created.rfind("HTTP/1.1 201 Created\r\n", 0) == 0);
  CHECK(created.find("Location: /orders/1\r\n") != std::string::npos);
  const std::string read = exchange(tb.port(), "GET /orders/1 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
  CHECK(read.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(read.substr(read.find("\r\n\r\n") + 4) == R"({"id":1,"state":"open"})");
  CHECK(exchange(tb.port(), "GET /orders/1 HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 401 Unauthorized\r\n", 0) == 0);
  CHECK(exchange(tb.port(), "GET /orders/1?drop=1 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n").empty());
  const auto st = tb.stats();
  CHECK(st.api.logins == 1);
  CHECK(st.api.orders_created == 1);
  CHECK(st.api.dropped == 1);
  CHECK(st.requests == 5);
}
