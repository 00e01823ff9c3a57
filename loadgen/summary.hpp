// The end-of-run text a wrk/wrk2 user expects, and the files a run writes.
//
// format_summary(): wrk's layout (threads and connections, latency line and distribution,
// "N requests in Ts, X read", Requests/sec, Transfer/sec) plus the full percentile line, the
// error taxonomy, the accounting identity and, for the open model, target vs achieved rate,
// timer lag and the uncorrected (actual-send) latency, and the connection events (connects,
// TLS handshakes and resumptions, HTTP/2 GOAWAYs, refused streams, retries), and with flows
// each flow's session accounting and the checks' pass rate (format_sessions()). Warnings (generator saturated, target
// missed, drops) come last. The files a run writes are reports::write_run_outputs()'s
// (result.json, timeseries.csv, report.html, report.md), as for every command that runs.
// Pure formatting; thread safe.
#pragma once

#include <string>

#include "loadgen/runner.hpp"
#include "reports/result.hpp"

namespace loadcast::loadgen {

// "512.00us", "1.23ms", "2.50s" — wrk's unit style.
std::string format_latency_ms(double ms);
std::string format_bytes(double bytes);

// "10 opened, 10 TLS handshakes, 9 resumed, ..." — the non-zero counts only; empty when none.
std::string format_connection_events(const ConnectionEvents& e);

std::string format_summary(const reports::Result& result, const LoadInfo& info);
// With flows: "Sessions <flow>: started N = completed … (balanced); failed: <cause> n" per flow
// and "Checks: P% passed (n of m); failed: <flow>.<check> n"; empty without flows.
std::string format_sessions(const reports::Result& result);

}  // namespace loadcast::loadgen
