// The end-of-run text a wrk/wrk2 user expects, and the files a run writes.
//
// format_summary(): wrk's layout (threads and connections, latency line and distribution,
// "N requests in Ts, X read", Requests/sec, Transfer/sec) plus the full percentile line, the
// error taxonomy, the accounting identity and, for the open model, target vs achieved rate,
// timer lag and the uncorrected (actual-send) latency. Warnings (generator saturated, target
// missed, drops) come last. write_outputs() writes DIR/result.json and DIR/timeseries.csv
// (one row per second: t_s and every series; empty cells where a value is undefined).
// Pure formatting; thread safe.
#pragma once

#include <string>

#include "loadgen/runner.hpp"
#include "reports/result.hpp"

namespace loadcast::loadgen {

// "512.00us", "1.23ms", "2.50s" — wrk's unit style.
std::string format_latency_ms(double ms);
std::string format_bytes(double bytes);

std::string format_summary(const reports::Result& result, const LoadInfo& info);

// Throws std::runtime_error naming the file on failure; creates DIR if missing.
void write_outputs(const reports::Result& result, const std::string& dir);
void write_timeseries_csv(const reports::Result& result, const std::string& path);

}  // namespace loadcast::loadgen
