#include <catch2/catch.hpp>

#include "loadgen/url.hpp"

using loadcast::loadgen::parse_url;

TEST_CASE("Url: parses scheme host port and target") {
  const auto u = parse_url("http://127.0.0.1:8080/api/items?id=3");
  REQUIRE(u.value);
  CHECK(u.value->scheme == "http");
  CHECK(u.value->host == "127.0.0.1");
  CHECK(u.value->port == 8080);
  CHECK(u.value->target == "/api/items?id=3");
  CHECK(u.value->authority() == "127.0.0.1:8080");
}

TEST_CASE("Url: defaults the port and path by scheme") {
  const auto a = parse_url("https://example.com");
  REQUIRE(a.value);
  CHECK(a.value->port == 443);
  CHECK(a.value->target == "/");
  CHECK(a.value->authority() == "example.com");
  const auto b = parse_url("HTTP://example.com?q=1");
  REQUIRE(b.value);
  CHECK(b.value->port == 80);
  CHECK(b.value->target == "/?q=1");
}

TEST_CASE("Url: accepts bracketed IPv6 literals") {
  const auto u = parse_url("http://[::1]:9000/x");
  REQUIRE(u.value);
  CHECK(u.value->host == "::1");
  CHECK(u.value->port == 9000);
  CHECK(u.value->authority() == "[::1]:9000");
}

TEST_CASE("Url: rejects what it cannot send faithfully") {
  for (const char* bad : {"127.0.0.1:8080/", "ftp://host/", "http://", "http://host:0/", "http://host:70000/",
                          "http://user@host/", "http://host/a b", "http://host/#frag", "http://host:/",
                          "http://127.0.0.1:1:2/", "http://::1/"}) {
    const auto u = parse_url(bad);
    INFO(bad);
    CHECK_FALSE(u.value);
    CHECK(u.error.find("invalid URL") == 0);
  }
}
