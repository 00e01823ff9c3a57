#include "loadgen/http2_engine.hpp"

#include <algorithm>
#include <stdexcept>

#include <nghttp2/nghttp2.h>

#include "loadgen/http2_callbacks.hpp"
#include "loadgen/http2_connection.hpp"

namespace loadcast::loadgen {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

template <typename Stream>
BasicHttp2Engine<Stream>::BasicHttp2Engine(asio::io_context& io, EngineListener& listener, RequestSource source,
                                           EngineOptions options, std::vector<tcp::endpoint> endpoints,
                                           const StreamSetup& setup, std::size_t slots)
    : io_(io),
      listener_(listener),
      source_(source),
      options_(std::move(options)),
      endpoints_(std::move(endpoints)),
      context_(options_, setup),
      slot_count_(slots),
      streams_(std::max<std::size_t>(1, options_.streams)) {
  if (Stream::kReadsOnDemand) shared_read_ = std::make_unique<char[]>(http2_detail::kReadBuffer);
  if (nghttp2_session_callbacks_new(&callbacks_) != 0 || nghttp2_option_new(&option_) != 0) {
    throw std::runtime_error("nghttp2: out of memory");
  }
  nghttp2_session_callbacks_set_on_header_callback(callbacks_, &Connection::Callbacks::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks_, &Connection::Callbacks::on_data);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks_, &Connection::Callbacks::on_frame_recv);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks_, &Connection::Callbacks::on_frame_send);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks_, &Connection::Callbacks::on_stream_close);
  nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks_, &Connection::Callbacks::on_invalid_frame);
  const auto& plan = *source_.plan;
  for (std::size_t c = 0; c < plan.size(); ++c) {
    if (plan.at(c).templated) {
      fixed_.push_back(nullptr);
      continue;
    }
    auto p = std::make_unique<Prepared>();
    plan.http2(c, *source_.cursor, *source_.rng, p->request);
    p->build(plan.at(c), Stream::kTls, NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE);
    fixed_.push_back(std::move(p));
  }
  for (std::size_t first = 0; first < slots; first += streams_) {
    connections_.push_back(std::make_unique<Connection>(*this, first, std::min(streams_, slots - first)));
  }
}

template <typename Stream>
BasicHttp2Engine<Stream>::~BasicHttp2Engine() {
  shutdown();
  connections_.clear();
  nghttp2_option_del(option_);
  nghttp2_session_callbacks_del(callbacks_);
}

template <typename Stream>
void BasicHttp2Engine<Stream>::preconnect() {
  for (auto& c : connections_) c->preconnect();
}

template <typename Stream>
std::size_t BasicHttp2Engine<Stream>::open_connections() const {
  std::size_t n = 0;
  for (const auto& c : connections_) {
    if (c->open()) ++n;
  }
  return n;
}

template <typename Stream>
void BasicHttp2Engine<Stream>::start(std::size_t slot, std::size_t cls, sim::Time intended) {
  connections_[slot / streams_]->start(slot % streams_, cls, intended);
}

template <typename Stream>
bool BasicHttp2Engine<Stream>::written(std::size_t slot) const {
  return connections_[slot / streams_]->written(slot % streams_);
}

template <typename Stream>
void BasicHttp2Engine<Stream>::shutdown() {
  context_.stop();
  for (auto& c : connections_) c->shutdown();
}

template <typename Stream>
ConnectionEvents BasicHttp2Engine<Stream>::events() const {
  ConnectionEvents e = events_;
  e.tls_handshakes = context_.handshakes();
  e.tls_resumed = context_.resumed();
  return e;
}

template class BasicHttp2Engine<TlsStream>;
template class BasicHttp2Engine<PlainStream>;

}  // namespace loadcast::loadgen
