#include "loadgen/summary.hpp"

#include <cmath>
#include <cstdio>

namespace loadcast::loadgen {

namespace {

std::string printf_string(const char* format, double a) {
  char buf[128];
  std::snprintf(buf, sizeof buf, format, a);
  return buf;
}

// A statistic of result.json in ms; NaN when it is null (no samples).
double ms_or_nan(const reports::Json& v) { return v.is_number() ? v.get<double>() : std::nan(""); }

}  // namespace

std::string format_latency_ms(double ms) {
  if (!std::isfinite(ms)) return "n/a";
  if (ms < 1.0) return printf_string("%.2fus", ms * 1000.0);
  if (ms < 1000.0) return printf_string("%.2fms", ms);
  return printf_string("%.2fs", ms / 1000.0);
}

std::string format_bytes(double bytes) {
  if (bytes < 1024.0) return printf_string("%.2fB", bytes);
  if (bytes < 1024.0 * 1024.0) return printf_string("%.2fKB", bytes / 1024.0);
  if (bytes < 1024.0 * 1024.0 * 1024.0) return printf_string("%.2fMB", bytes / (1024.0 * 1024.0));
  return printf_string("%.2fGB", bytes / (1024.0 * 1024.0 * 1024.0));
}

std::string format_connection_events(const ConnectionEvents& e) {
  std::string out;
  const auto add = [&](std::uint64_t n, const std::string& what) {
    if (n == 0) return;
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  };
  add(e.connects, "opened");
  add(e.tls_handshakes, "TLS handshakes");
  add(e.tls_resumed, "resumed");
  add(e.goaways, "GOAWAY");
  add(e.streams_unprocessed, "streams unprocessed (above GOAWAY's last stream)");
  add(e.streams_refused, "streams refused");
  add(e.retries, "requests retried");
  return out;
}

// With flows: one line per flow (its session accounting and failures), and the checks.
std::string format_sessions(const reports::Result& result) {
  if (!result.sections.contains("flows")) return {};
  std::string out;
  const auto n = [](const reports::Json& j, const char* key) { return std::to_string(j.at(key).get<std::uint64_t>()); };
  for (const auto& [name, f] : result.sections.at("flows").items()) {
    out += "  Sessions " + name + ": started " + n(f, "started") + " = completed " + n(f, "completed") + " + failed " +
           n(f, "failed") + " + in flight " + n(f, "in_flight") + " + dropped " + n(f, "dropped") +
           (f.at("balanced").get<bool>() ? " (balanced)" : " (NOT BALANCED)");
    std::string causes;
    for (const auto& [cause, k] : f.at("failed_by_cause").items()) causes += (causes.empty() ? "" : ", ") + cause + " " + std::to_string(k.get<std::uint64_t>());
    if (!causes.empty()) out += "; failed: " + causes;
    out += "\n";
  }
  const auto& checks = result.sections.at("checks");
  const std::uint64_t passes = checks.at("passes").get<std::uint64_t>();
  const std::uint64_t fails = checks.at("fails").get<std::uint64_t>();
  if (passes + fails > 0) {
    out += printf_string("  Checks: %.2f%% passed", 100.0 * static_cast<double>(passes) / static_cast<double>(passes + fails)) +
           " (" + std::to_string(passes) + " of " + std::to_string(passes + fails) + ")";
    std::string failing;
    for (const auto& [name, c] : checks.at("by_check").items()) {
      if (c.at("fails").get<std::uint64_t>() > 0) failing += (failing.empty() ? "" : ", ") + name + " " + std::to_string(c.at("fails").get<std::uint64_t>());
    }
    if (!failing.empty()) out += "; failed: " + failing;
    out += "\n";
  }
  return out;
}

std::string format_summary(const reports::Result& result, const LoadInfo& info) {
  std::string out;
  const auto& load = result.sections.at("load");
  const auto& h = result.latency_histogram;
  const auto& c = result.requests;
  const double span = result.duration_s > 0.0 ? result.duration_s : 1.0;
  // A statistic of nothing is n/a, never 0.
  const auto at = [&h](double p) { return h.empty() ? std::nan("") : h.percentile(p) * 1e-6; };
  const double mean = h.empty() ? std::nan("") : h.mean() * 1e-6;
  const double max = h.empty() ? std::nan("") : static_cast<double>(h.max()) * 1e-6;
  const sim::Time span_ms = sim::from_seconds(result.duration_s) / sim::kMillisecond * sim::kMillisecond;
  out += "Running " + sim::format_duration(span_ms) + " test @ " + info.target + "\n";
  out += "  " + std::to_string(info.threads) + " threads and " + std::to_string(info.connections) +
         (info.model == "open" ? " connections, open model"
                               : " connections, closed model with " + std::to_string(info.users) + " users") +
         " (" + info.engine + ")";
  if (info.shards > 1) out += ", shard " + std::to_string(info.shard_indices.front()) + "/" + std::to_string(info.shards);
  out += "\n";
  const std::string latency_kind = info.model == "open" ? "  Latency of successful requests, from the intended send time\n"
                                                         : "  Latency of successful requests\n";
  out += latency_kind;
  out += "  Latency   mean " + format_latency_ms(mean) + "   p50 " + format_latency_ms(at(50)) + "   p99 " +
         format_latency_ms(at(99)) + "   max " + format_latency_ms(max) + (h.empty() ? "   (no successful request)" : "") + "\n";
  out += "  Latency Distribution\n";
  for (double p : {50.0, 75.0, 90.0, 99.0}) out += printf_string("     %2.0f%%", p) + "  " + format_latency_ms(at(p)) + "\n";
  out += "  Percentiles:";
  const std::vector<double> ps = {50, 75, 90, 95, 99, 99.9, 99.99};
  const std::vector<std::string> names = {"p50", "p75", "p90", "p95", "p99", "p99.9", "p99.99"};
  for (std::size_t i = 0; i < ps.size(); ++i) out += " " + names[i] + "=" + format_latency_ms(at(ps[i]));
  out += " max=" + format_latency_ms(max) + "\n";
  // wrk counts every response, whatever its status.
  std::uint64_t responses = 0;
  for (const auto& [status, n] : c.by_status) responses += n;
  if (info.model == "open") {
    const bool sent_any = load.at("sent").get<std::uint64_t>() > 0;
    const auto& u = load.at("latency_uncorrected_ms");
    const auto uncorrected = [&](const char* k) { return sent_any && !h.empty() ? ms_or_nan(u.at(k)) : std::nan(""); };
    out += "  Latency from actual send (uncorrected): mean " + format_latency_ms(uncorrected("mean")) + "   p50 " +
           format_latency_ms(uncorrected("p50")) + "   p99 " + format_latency_ms(uncorrected("p99")) + "   max " +
           format_latency_ms(uncorrected("max")) + "\n";
    const auto& lag = load.at("timer_lag_ms");
    out += printf_string("  Target %.1f req/s", info.target_rps) +
           printf_string(" (%.1f scheduled in the window)", load.at("scheduled_rps").get<double>()) + "; timer lag p50 " +
           format_latency_ms(ms_or_nan(lag.at("p50"))) + " p99 " + format_latency_ms(ms_or_nan(lag.at("p99"))) +
           " max " + format_latency_ms(ms_or_nan(lag.at("max"))) + "\n";
  }
  // Every rate over the same measured span, each saying what it counts.
  out += "  Rates over " + printf_string("%.2fs", span) + ":";
  if (info.model == "open") out += printf_string(" issued %.1f req/s in the window ·", load.at("achieved_rps").get<double>());
  out += printf_string(" responses %.1f req/s ·", static_cast<double>(responses) / span) +
         printf_string(" succeeded %.1f req/s", static_cast<double>(c.ok) / span) + "\n";
  out += "  " + std::to_string(responses) + " requests in " + printf_string("%.2fs", span) + ", " +
         format_bytes(static_cast<double>(load.at("bytes").get<std::uint64_t>())) + " read\n";
  std::uint64_t non_ok = 0;
  for (const auto& [status, n] : c.by_status) {
    if (status.empty() || status[0] < '2' || status[0] > '3') non_ok += n;
  }
  if (non_ok > 0) out += "  Non-2xx or 3xx responses: " + std::to_string(non_ok) + "\n";
  // Statuses that counted as failures, per class: which code came, and what the class expected.
  if (load.contains("unexpected_statuses")) {
    for (const auto& [cls, u] : load.at("unexpected_statuses").items()) {
      std::string got;
      for (const auto& [code, n] : u.at("got").items()) got += (got.empty() ? "" : ", ") + code + " x " + std::to_string(n.get<std::uint64_t>());
      const auto& expected = u.at("expected");
      out += "  Unexpected status: " + cls + " expected " +
             (expected.is_number() ? std::to_string(expected.get<int>()) : std::string("2xx/3xx")) + ", got " + got + "\n";
    }
  }
  if (!c.by_cause.empty()) {
    out += "  Failures:";
    for (const auto& [cause, n] : c.by_cause) out += " " + cause + " " + std::to_string(n);
    out += "\n";
  }
  out += "  Accounting: scheduled " + std::to_string(c.total) + " = ok " + std::to_string(c.ok) + " + errors " +
         std::to_string(c.errors) + " + timeouts " + std::to_string(c.timeouts) + " + dropped " +
         std::to_string(c.dropped) + " + in flight " + std::to_string(c.in_flight) +
         (c.balanced() ? " (balanced)" : " (NOT BALANCED)") + "\n";
  out += format_sessions(result);
  const auto& gen = load.at("generator");
  out += printf_string("  Generator: %.2f CPU cores", gen.at("cpu_cores").get<double>()) +
         printf_string(", busiest thread %.0f%%", gen.at("max_thread_utilization").get<double>() * 100.0) +
         ", peak RSS " + format_bytes(static_cast<double>(gen.at("rss_peak_kib").get<std::uint64_t>()) * 1024.0) + "\n";
  if (info.fd_limit_raised_from > 0) {
    out += "  Open files: raised the limit (RLIMIT_NOFILE) from " + std::to_string(info.fd_limit_raised_from) + " to " +
           std::to_string(info.fd_limit) + "; the run needs " + std::to_string(info.fds_needed) + "\n";
  }
  if (const std::string events = format_connection_events(info.connection_events); !events.empty()) {
    out += "  Connections: " + events + "\n";
  }
  out += printf_string("Requests/sec: %10.2f\n", static_cast<double>(responses) / span);
  out += "Transfer/sec: " + format_bytes(static_cast<double>(load.at("bytes").get<std::uint64_t>()) / span) + "\n";
  if (info.stopped_early) out += "warning: stopped early by a signal; the result covers the run so far\n";
  for (const auto& w : load.at("warnings")) out += "warning: " + w.get<std::string>() + "\n";
  return out;
}

}  // namespace loadcast::loadgen
