// How the native engines classify transport failures (outcome.hpp's Causes), one rule for all.
//
// connect_cause(): a failed connect or TLS handshake — refused, timed out, no descriptor for
// the socket (EMFILE/ENFILE), a TLS failure (any error of tls_category(), tls_stream.hpp), or
// any other connect error. is_reset(): the peer
// closed or reset the connection (eof included), the failure that on a reused connection may
// be the keep-alive race rather than an answer. Pure functions, thread safe.
#pragma once

#include <cerrno>

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include "loadgen/outcome.hpp"
#include "loadgen/tls_stream.hpp"

namespace loadcast::loadgen {

inline Cause connect_cause(const boost::system::error_code& ec) {
  if (is_tls_error(ec)) return Cause::kTlsError;
  if (ec == boost::asio::error::connection_refused) return Cause::kConnectRefused;
  if (ec == boost::asio::error::timed_out) return Cause::kConnectTimeout;
  // socket() found no free descriptor: the process's limit (EMFILE) or the system's (ENFILE).
  if (ec == boost::asio::error::no_descriptors || ec == boost::system::error_code(ENFILE, boost::system::system_category())) {
    return Cause::kFdLimit;
  }
  return Cause::kConnectError;
}

inline bool is_reset(const boost::system::error_code& ec) {
  namespace error = boost::asio::error;
  return ec == error::eof || ec == error::connection_reset || ec == error::broken_pipe ||
         ec == error::connection_aborted;
}

}  // namespace loadcast::loadgen
