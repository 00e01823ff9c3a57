// libFuzzer harness: the HTTP/1 response parser of the native engine on arbitrary bytes, fed as
// one buffer and again split at a point the input chooses (a response arrives in pieces). It
// must end in a status, a body count or a Beast error; never read out of bounds or loop.
// Seed corpus: tests/fuzz/http1_corpus/ (responses of the hostile-server modes).
#include <cstddef>
#include <cstdint>

#include <boost/asio/buffer.hpp>

#include "loadgen/response_parser.hpp"

namespace {

// The end of the stream, as the engine handles it: only a body read until close ends there.
void eof(loadcast::loadgen::ResponseParser& parser) {
  if (!parser.is_header_done() || !parser.need_eof()) return;
  boost::beast::error_code ec;
  parser.put_eof(ec);
}

void feed(const char* data, std::size_t size, std::size_t split, bool head) {
  loadcast::loadgen::ResponseParser parser(64 * 1024, head);
  boost::beast::error_code ec;
  std::size_t at = 0;
  // Bytes offered so far: the first piece, then the rest (as a socket would deliver them).
  std::size_t offered = split < size ? split : size;
  for (int rounds = 0; rounds < 1 << 16 && !parser.is_done(); ++rounds) {
    const std::size_t used = parser.put(boost::asio::buffer(data + at, offered - at), ec);
    at += used;
    if (ec == boost::beast::http::error::need_more) {
      ec = {};
      if (offered == size) {
        eof(parser);
        break;
      }
      offered = size;
      continue;
    }
    if (ec) break;
    if (used == 0 && offered == size) {
      eof(parser);
      break;
    }
  }
  (void)parser.status();
  (void)parser.body_bytes();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto* text = reinterpret_cast<const char*>(data + 1);
  const std::size_t n = size - 1;
  const std::size_t split = n == 0 ? 0 : data[0] % (n + 1);
  feed(text, n, n, false);
  feed(text, n, split, data[0] & 1);
  return 0;
}
