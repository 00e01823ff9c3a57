#include "cli/load_options.hpp"
#include "sim/time.hpp"

#include <csignal>
#include <cstring>

#include "app/command_options.hpp"

namespace loadcast::cli {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) { g_stop.store(true); }

}  // namespace

std::vector<OptionSpec> load_option_specs() {
  return {
      {"threads", "t", true, false, "T  worker threads, each with its own event loop (default 2)"},
      {"connections", "c", true, false, "N  connections of this process (open model: the pool; quick closed mode: looping users; default 10)"},
      {"duration", "d", true, false, "D  how long to send, e.g. 30s (quick mode default 10s)"},
      {"timeout", "", true, false, "T  per-request deadline incl. connect (default 10s)"},
      {"warmup", "", true, false, "D  requests intended before D are sent but not measured (scenario default: its warm-up)"},
      {"drain", "", true, false, "D  after the schedule, wait this long for in-flight requests (default: --timeout)"},
      {"on-overload", "", true, false, "queue|drop  open model, no free connection: wait in the backlog or drop (default queue)"},
      {"max-backlog", "", true, false, "N  open model: most requests waiting for a connection (default 100000)"},
      {"http2", "", false, false, "use HTTP/2: ALPN h2 over https://, prior knowledge (h2c) over http://"},
      {"engine", "", true, false, "native|curl  which engine sends (default native; curl: libcurl, e.g. for proxies)"},
      {"streams", "", true, false, "M  HTTP/2: concurrent streams per connection, like h2load -m (default 1)"},
      {"insecure", "k", false, false, "HTTPS: do not verify the server certificate"},
      {"cacert", "", true, false, "FILE  HTTPS: trust the CA certificates in this PEM file"},
      {"shard", "", true, false, "i/N  run slice i (0-based) of N interleaved slices of the schedule"},
      {"start-at", "", true, false, "EPOCH  Unix time in seconds (at most a day ahead) at which the schedule starts; shards share it"},
      {"seed", "", true, false, "N  seed of the arrival stream (default: the scenario's, quick mode 1)"},
      {"set", "", true, true, "PATH=VALUE  scenario mode: override a scenario key (repeatable), as in loadcast sim"},
      {"threshold", "", true, true, "EXPR  k6-like pass/fail check, e.g. 'latency_ms.p99 < 250' (repeatable)"},
      {"out", "o", true, false, "DIR  write DIR/result.json, timeseries.csv, report.html and report.md"},
      {"quiet", "q", false, false, "print nothing but warnings and errors"},
      {"help", "h", false, false, "show this help"},
  };
}

void apply_load_options(const Args& args, loadgen::LoadConfig& config) {
  if (auto t = args.get_u64("threads")) {
    if (*t < 1 || *t > 256) throw UsageError("--threads must be between 1 and 256, got " + std::to_string(*t));
    config.threads = *t;
  }
  if (auto c = args.get_u64("connections")) {
    if (*c < 1 || *c > 1000000) throw UsageError("--connections must be between 1 and 1000000, got " + std::to_string(*c));
    config.connections = *c;
  }
  if (auto d = args.get_duration_ns("duration")) {
    if (*d <= 0) throw UsageError("--duration must be longer than 0s, got " + sim::format_duration(*d));
    config.duration = *d;
  }
  if (auto t = args.get_duration_ns("timeout")) {
    if (*t <= 0) throw UsageError("--timeout must be longer than 0s, got " + sim::format_duration(*t));
    config.engine.timeout = *t;
  }
  if (auto d = args.get_duration_ns("drain")) config.drain = *d;
  if (auto w = args.get_duration_ns("warmup")) config.warmup = *w;
  if (auto p = args.get("on-overload")) {
    if (*p == "queue") config.overload = loadgen::OverloadPolicy::kQueue;
    else if (*p == "drop") config.overload = loadgen::OverloadPolicy::kDrop;
    else throw UsageError("--on-overload must be queue or drop, got '" + *p + "'");
  }
  if (auto b = args.get_u64("max-backlog")) config.max_backlog = *b;
  config.engine.http2 = args.has("http2");
  if (auto s = args.get_u64("streams")) {
    if (*s < 1 || *s > 1000) throw UsageError("--streams must be between 1 and 1000, got " + std::to_string(*s));
    if (!config.engine.http2) throw UsageError("--streams needs --http2");
    config.engine.streams = *s;
  }
  if (auto e = args.get("engine")) {
    // auto, http1 and libcurl are the names of earlier versions, kept working.
    if (*e == "native" || *e == "auto" || *e == "http1") config.engine_choice = loadgen::EngineChoice::kNative;
    else if (*e == "curl" || *e == "libcurl") config.engine_choice = loadgen::EngineChoice::kCurl;
    else throw UsageError("--engine must be native or curl, got '" + *e + "'");
  }
  config.engine.insecure = args.has("insecure");
  if (auto f = args.get("cacert")) config.engine.cacert = *f;
  if (auto s = args.get("shard")) {
    const auto shard = app::parse_shard(*s, "0/3");
    config.shard = shard.index;
    config.shards = shard.count;
  }
  if (auto e = args.get_double("start-at")) {
    if (!(*e > 0.0)) throw UsageError("--start-at must be a Unix time in seconds, got " + args.get("start-at").value_or(""));
    config.start_at = *e;
  }
  if (auto s = args.get_u64("seed")) config.seed = *s;
  if (!config.target.tls() && (config.engine.insecure || !config.engine.cacert.empty())) {
    throw UsageError("--insecure and --cacert apply to https:// targets only");
  }
}

void install_stop_handlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = static_cast<int>(SA_RESETHAND);  // a second signal gets the default action
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // A peer closing a socket must not kill the process (writes also use MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
}

const std::atomic<bool>& stop_flag() { return g_stop; }

}  // namespace loadcast::cli
