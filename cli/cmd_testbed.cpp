// loadcast testbed: a real HTTP/1.1 service with known queueing behaviour (loadgen/testbed.hpp).
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/load_options.hpp"
#include "loadgen/testbed.hpp"
#include "sim/distribution_text.hpp"

namespace loadcast::cli {

ExitCode run_testbed(int argc, char** argv) {
  Args args("testbed", {
                           {"listen", "l", true, false, "HOST:PORT  address to listen on (port 0: any free port; default 127.0.0.1:8080)"},
                           {"workers", "w", true, false, "C  worker slots; requests beyond C wait in FIFO order (default 1)"},
                           {"service", "s", true, false, "DIST  service time per request, e.g. exp(20ms), const(5ms) (required)"},
                           {"mode", "", true, false, "sleep|cpu  hold the slot sleeping or burning CPU (default sleep)"},
                           {"fail-rate", "", true, false, "P  answer this fraction of requests 500 (default 0)"},
                           {"stall", "", true, false, "DURATION@AT  freeze the server for DURATION, AT after start-up"},
                           {"seed", "", true, false, "N  seed of the service-time stream (default 1)"},
                           {"stream", "", true, false, "NAME  random stream of service times (default testbed.service; "
                                                       "class.<name>.step.0 reproduces a scenario's draws)"},
                           {"header-timeout", "", true, false, "D  close a connection that sends no complete request header within D "
                                                               "(default 10s; also idle keep-alive connections)"},
                           {"orders-kept", "", true, false, "N  the stateful API keeps the last N orders (default 100000)"},
                           {"help", "h", false, false, "show this help"},
                       });
  args.parse(argc, argv, 0);
  if (args.has("help")) {
    std::printf("usage: loadcast testbed --listen 127.0.0.1:PORT --workers C --service DIST [options]\n\n"
                "An HTTP/1.1 server whose requests take a service time drawn from DIST on one of C worker\n"
                "slots (an M/G/c FCFS station), for tests and for validating the simulator. GET /health\n"
                "answers at once. A small stateful API (POST /login, POST /orders, GET /orders/{id}) serves\n"
                "user-journey tests. Stops on SIGINT/SIGTERM and prints what it served.\n\n%s",
                args.help().c_str());
    return ExitCode::kOk;
  }
  if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals()[0] + "'");
  loadgen::TestbedConfig config;
  const std::string listen = args.get("listen").value_or("127.0.0.1:8080");
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw UsageError("--listen must be HOST:PORT, got '" + listen + "'");
  config.host = listen.substr(0, colon);
  if (config.host.size() > 2 && config.host.front() == '[' && config.host.back() == ']') {
    config.host = config.host.substr(1, config.host.size() - 2);
  }
  const std::string port = listen.substr(colon + 1);
  char* end = nullptr;
  const unsigned long p = std::strtoul(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p > 65535) throw UsageError("--listen port must be 0-65535, got '" + port + "'");
  config.port = static_cast<std::uint16_t>(p);
  if (auto w = args.get_u64("workers")) config.workers = *w;
  const auto service = args.get("service");
  if (!service) throw UsageError("--service DIST is required, e.g. --service 'exp(20ms)'");
  auto dist = sim::parse_distribution(*service);
  if (!dist.value) throw UsageError("--service: " + dist.error);
  if (dist.value->value_kind() != sim::ValueKind::kDuration) throw UsageError("--service needs durations with units, e.g. exp(20ms)");
  config.service = *dist.value;
  const std::string mode = args.get("mode").value_or("sleep");
  if (mode == "sleep") config.mode = loadgen::ServiceMode::kSleep;
  else if (mode == "cpu") config.mode = loadgen::ServiceMode::kCpu;
  else throw UsageError("--mode must be sleep or cpu, got '" + mode + "'");
  if (auto f = args.get_double("fail-rate")) config.fail_rate = *f;
  if (auto s = args.get("stall")) {
    const auto stall = loadgen::parse_stall(*s);
    if (!stall.error.empty()) throw UsageError(stall.error);
    config.stall_for = stall.duration;
    config.stall_at = stall.at;
  }
  if (auto s = args.get_u64("seed")) config.seed = *s;
  if (auto s = args.get("stream")) config.stream = *s;
  if (auto t = args.get_duration_ns("header-timeout")) config.header_timeout = *t;
  if (auto n = args.get_u64("orders-kept")) config.orders_kept = *n;
  if (const auto problems = config.validate(); !problems.empty()) throw UsageError(problems.front());

  install_stop_handlers();
  std::unique_ptr<loadgen::Testbed> made;
  try {
    made = std::make_unique<loadgen::Testbed>(config);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  loadgen::Testbed& testbed = *made;
  std::printf("loadcast testbed listening on %s:%u (%llu workers, service %s, %s)\n", config.host.c_str(),
              static_cast<unsigned>(testbed.port()), static_cast<unsigned long long>(config.workers),
              config.service.describe().c_str(), mode.c_str());
  std::fflush(stdout);
  testbed.run(&stop_flag());
  const auto st = testbed.stats();
  std::printf("served %llu requests (%llu failed on purpose, %llu health checks, %llu bad) on %llu connections; max queue %llu\n",
              static_cast<unsigned long long>(st.requests), static_cast<unsigned long long>(st.failed),
              static_cast<unsigned long long>(st.health), static_cast<unsigned long long>(st.bad_requests),
              static_cast<unsigned long long>(st.connections), static_cast<unsigned long long>(st.max_queue));
  if (st.header_timeouts > 0 || st.accept_errors > 0) {
    std::printf("closed %llu connections without a complete request header within %s; accept failed %llu times "
                "(%llu out of descriptors), each followed by a 10-100 ms pause\n",
                static_cast<unsigned long long>(st.header_timeouts), sim::format_duration(config.header_timeout).c_str(),
                static_cast<unsigned long long>(st.accept_errors), static_cast<unsigned long long>(st.accept_emfile));
  }
  if (config.mode == loadgen::ServiceMode::kSleep && st.requests > 0) {
    std::printf("service timers fired late by p99 %.3f ms, max %.3f ms\n", st.wakeup_lag_p99_ns * 1e-6,
                static_cast<double>(st.wakeup_lag_max_ns) * 1e-6);
  }
  return ExitCode::kOk;
}

}  // namespace loadcast::cli
