// What nghttp2 calls back into a connection of the HTTP/2 engines (http2_connection.hpp): the
// response's fields (header limit, :status, interim 1xx skipped), its data, frames received
// (END_STREAM, RST_STREAM, the server's SETTINGS, GOAWAY) and sent (the request's HEADERS and
// END_STREAM, a GOAWAY of ours for a protocol error), and stream closure — where each request is
// completed once, or re-sent when the server did not process it. Internal to
// loadgen/http2_engine.cpp. Single-threaded (the worker's thread).
#pragma once

#include "loadgen/http2_connection.hpp"

namespace loadcast::loadgen {

template <typename Stream>
struct BasicHttp2Engine<Stream>::Connection::Callbacks {
  using Phase = typename Connection::Phase;
  using Slot = typename Connection::Slot;

  static ssize_t read_body(nghttp2_session*, std::int32_t stream_id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source* source, void*) {
    auto* s = static_cast<Slot*>(source->ptr);
    if (s->stream_id != stream_id) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const std::string& body = s->request->request.body;
    const std::size_t n = std::min(length, body.size() - s->body_offset);
    std::memcpy(buf, body.data() + s->body_offset, n);
    s->body_offset += n;
    if (s->body_offset == body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  static int on_header(nghttp2_session* session, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user) {
    Connection* live_self = live(session, user);
    if (live_self == nullptr) return NGHTTP2_ERR_CALLBACK_FAILURE;
    auto& self = *live_self;
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    Slot* s = self.slot_of(session, frame->hd.stream_id);
    if (s == nullptr) return 0;
    s->got_some = true;
    s->header_bytes += http2_field_bytes(namelen, valuelen);
    if (s->header_bytes > self.engine_.options_.header_limit) {
      s->malformed = true;
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    if (namelen == 7 && std::memcmp(name, ":status", 7) == 0) {
      // The policy of http_policy.hpp: three digits in 100-599; interim ones skipped, up to the cap.
      const auto digit = [](std::uint8_t c) { return c >= '0' && c <= '9'; };
      const int status = valuelen == 3 && digit(value[0]) && digit(value[1]) && digit(value[2])
                             ? (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0')
                             : 0;
      const bool interim = interim_status(status);
      if (!status_in_range(status) || status == 101 || (interim && ++s->interim > kMaxInterimResponses)) {
        s->malformed = true;
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
      }
      if (!interim) s->status = status;
    }
    return 0;
  }

  static int on_data(nghttp2_session* session, std::uint8_t, std::int32_t stream_id, const std::uint8_t*,
                     std::size_t len, void* user) {
    Connection* self = live(session, user);
    if (self == nullptr) return NGHTTP2_ERR_CALLBACK_FAILURE;
    if (Slot* s = self->slot_of(session, stream_id)) {
      s->got_some = true;
      s->bytes += len;
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    Connection* live_self = live(session, user);
    if (live_self == nullptr) return NGHTTP2_ERR_CALLBACK_FAILURE;
    auto& self = *live_self;
    switch (frame->hd.type) {
      case NGHTTP2_HEADERS:
      case NGHTTP2_DATA:
        if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
          if (Slot* s = self.slot_of(session, frame->hd.stream_id)) s->complete = true;
        }
        break;
      case NGHTTP2_RST_STREAM:
        if (Slot* s = self.slot_of(session, frame->hd.stream_id)) s->reset_by_peer = true;
        break;
      case NGHTTP2_SETTINGS:
        if ((frame->hd.flags & NGHTTP2_FLAG_ACK) == 0 && self.phase_ == Phase::kSettings) self.on_ready();
        break;
      case NGHTTP2_GOAWAY:
        ++self.engine_.events_.goaways;
        self.goaway_ = true;
        self.goaway_last_ = frame->goaway.last_stream_id;
        if (self.phase_ != Phase::kClosed) self.set_phase(Phase::kGoingAway);
        break;
      default: break;
    }
    return 0;
  }

  static int on_frame_send(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    Connection* live_self = live(session, user);
    if (live_self == nullptr) return NGHTTP2_ERR_CALLBACK_FAILURE;
    auto& self = *live_self;
    const bool end = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
    switch (frame->hd.type) {
      case NGHTTP2_HEADERS:
        if (Slot* s = self.slot_of(session, frame->hd.stream_id)) {
          s->headers_sent = true;
          s->sent = steady_now();
          s->request_sent = end;
        }
        break;
      case NGHTTP2_DATA:
        if (end) {
          if (Slot* s = self.slot_of(session, frame->hd.stream_id)) s->request_sent = true;
        }
        break;
      case NGHTTP2_GOAWAY:
        if (frame->goaway.error_code != NGHTTP2_NO_ERROR) self.local_error_ = true;
        break;
      default: break;
    }
    return 0;
  }

  static int on_stream_close(nghttp2_session* session, std::int32_t stream_id, std::uint32_t error_code, void* user) {
    Connection* live_self = live(session, user);
    if (live_self == nullptr) return NGHTTP2_ERR_CALLBACK_FAILURE;
    auto& self = *live_self;
    Slot* s = self.slot_of(session, stream_id);
    if (s == nullptr) return 0;
    s->stream_id = -1;
    --self.active_;
    const std::size_t local = self.local_of(s);
    if (s->complete && s->status > 0 && !s->malformed) {
      self.finish_response(local);
      return 0;
    }
    if (error_code == NGHTTP2_REFUSED_STREAM) {
      auto& events = self.engine_.events_;
      if (s->reset_by_peer) ++events.streams_refused;
      else if (s->headers_sent) ++events.streams_unprocessed;
      // Never sent (still queued at GOAWAY): it costs no retry.
      if (!s->headers_sent || s->retries < kMaxRetries) {
        if (s->headers_sent) {
          ++s->retries;
          ++events.retries;
        }
        s->reset_response();
        if (self.phase_ == Phase::kReady) self.submit(local);
        else self.pending_.push_back(local);
        return 0;
      }
      self.finish_failure(local, Cause::kReset);
      return 0;
    }
    // Reset by us (over the header limit, or nghttp2's checks of the response): malformed.
    const bool ours = s->malformed || (!s->reset_by_peer && error_code != NGHTTP2_NO_ERROR);
    self.finish_failure(local, ours ? Cause::kMalformedResponse : Cause::kReset);
    return 0;
  }

  static int on_invalid_frame(nghttp2_session* session, const nghttp2_frame*, int lib_error, void* user) {
    Connection* self = live(session, user);
    if (self == nullptr) return NGHTTP2_ERR_CALLBACK_FAILURE;
    // A connection-level problem terminates the session (nghttp2 sends GOAWAY); stream-level
    // ones reset the stream and arrive in on_stream_close.
    if (lib_error == NGHTTP2_ERR_PROTO || lib_error == NGHTTP2_ERR_FLOW_CONTROL ||
        lib_error == NGHTTP2_ERR_FRAME_SIZE_ERROR) {
      self->local_error_ = true;
    }
    return 0;
  }

};

}  // namespace loadcast::loadgen
