// Test helpers: targets for the load generator on 127.0.0.1 — the in-process testbed on its
// own thread, a tiny misbehaving HTTP server (one behaviour per instance), nginx started from a
// temporary prefix, a self-signed certificate made with the openssl CLI, and running the
// loadcast binary. Everything binds free ports chosen at runtime and stops in its destructor.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loadgen/load_config.hpp"
#include "loadgen/runner.hpp"
#include "loadgen/testbed.hpp"
#include "sim/distribution_text.hpp"

namespace loadcast::test {

inline std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline std::string temp_dir(const std::string& prefix) {
  std::string templ = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return templ;
}

// The testbed on a background thread.
class TestbedThread {
 public:
  explicit TestbedThread(loadgen::TestbedConfig config) : testbed_(std::move(config)) {
    thread_ = std::thread([this] { testbed_.run(); });
  }
  ~TestbedThread() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    testbed_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return testbed_.port(); }
  std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + std::to_string(port()) + path; }
  // Stops the server first: its statistics belong to its thread while it runs.
  loadgen::TestbedStats stats() {
    stop();
    return testbed_.stats();
  }

 private:
  loadgen::Testbed testbed_;
  std::thread thread_;
};

// A deliberately broken HTTP server: reads each request header, then misbehaves as told.
enum class Misbehaviour {
  kCloseMidResponse,   // promises 100 body bytes, sends 3, closes
  kMalformedStatus,    // "HTTX/1.1 200 OK"
  kMalformedClose,     // "HTTX/1.1 200 OK", then closes (behind nginx: passed on as HTTP/0.9 bytes)
  kOversizedHeaders,   // a 100 KiB header field
  kSilent,             // never answers (the client's timeout fires)
  kReset,              // answers with a TCP reset
  kChunked,            // a valid chunked response
  kCloseAfterEach,     // a valid response, then closes without "Connection: close"
  kBodyUntilClose,     // no Content-Length: body delimited by closing
  kNoAccept,           // listens with backlog 0 and never accepts
  kRecord,             // a valid keep-alive response; the request lines are kept (request_lines())
  kScripted,           // the bytes of a Script (BadServer(Script)): the hostile-server suite
};

// What a kScripted server sends for each request: `response`, then `repeat` again and again
// (every millisecond, at most 5,000 times, until the client goes away), then closes if `close`
// or `repeat` is set; otherwise it waits for the next request on the connection.
struct Script {
  std::string response;
  std::string repeat;
  bool close = false;
};

class BadServer {
 public:
  explicit BadServer(Script script) : BadServer(Misbehaviour::kScripted, std::move(script)) {}
  explicit BadServer(Misbehaviour how, Script script = {}) : how_(how), script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind failed");
    ::listen(fd_, how == Misbehaviour::kNoAccept ? 0 : 128);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    if (how != Misbehaviour::kNoAccept) accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~BadServer() {
    stop_ = true;
    if (accept_thread_.joinable()) accept_thread_.join();
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& t : conns_) t.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  // kRecord: the request lines received so far, in arrival order.
  std::vector<std::string> request_lines() {
    std::lock_guard<std::mutex> lock(lines_mu_);
    return lines_;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::lock_guard<std::mutex> lock(mu_);
      conns_.emplace_back([this, c] { serve(c); });
    }
  }

  // Reads until the end of a request header; false on EOF, error or stop.
  bool read_request(int c, std::string& pending) {
    char buf[4096];
    while (!stop_) {
      const auto end = pending.find("\r\n\r\n");
      if (end != std::string::npos) {
        if (how_ == Misbehaviour::kRecord) {
          std::lock_guard<std::mutex> lock(lines_mu_);
          lines_.push_back(pending.substr(0, pending.find("\r\n")));
        }
        pending.erase(0, end + 4);
        return true;
      }
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) return false;
      pending.append(buf, static_cast<std::size_t>(n));
    }
    return false;
  }

  static bool send_all(int c, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = ::send(c, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  void serve(int c) {
    std::string pending;
    while (read_request(c, pending)) {
      switch (how_) {
        case Misbehaviour::kCloseMidResponse:
          send_all(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
          ::close(c);
          return;
        case Misbehaviour::kMalformedStatus:
          send_all(c, "HTTX/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
          break;
        case Misbehaviour::kMalformedClose:
          send_all(c, "HTTX/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
          ::close(c);
          return;
        case Misbehaviour::kOversizedHeaders:
          send_all(c, "HTTP/1.1 200 OK\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\nContent-Length: 2\r\n\r\nok");
          break;
        case Misbehaviour::kSilent:
          while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
          ::close(c);
          return;
        case Misbehaviour::kReset: {
          linger l{1, 0};
          ::setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
          ::close(c);
          return;
        }
        case Misbehaviour::kChunked:
          send_all(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n");
          break;
        case Misbehaviour::kCloseAfterEach:
          send_all(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
          ::close(c);
          return;
        case Misbehaviour::kBodyUntilClose:
          send_all(c, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody until close");
          ::close(c);
          return;
        case Misbehaviour::kRecord:
          send_all(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
          break;
        case Misbehaviour::kScripted: {
          const Script& sc = script_;
          bool alive = send_all(c, sc.response);
          for (int i = 0; alive && !sc.repeat.empty() && i < 5000 && !stop_; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            alive = send_all(c, sc.repeat);
          }
          if (sc.close || !sc.repeat.empty()) {
            ::close(c);
            return;
          }
          break;
        }
        case Misbehaviour::kNoAccept: break;
      }
    }
    ::close(c);
  }

  Misbehaviour how_;
  Script script_;  // kScripted
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<std::thread> conns_;
  std::mutex lines_mu_;  // not mu_: the destructor holds mu_ while joining the serving threads
  std::vector<std::string> lines_;
};

// A self-signed certificate for 127.0.0.1, made with the openssl command-line tool.
struct SelfSignedCert {
  std::string dir;
  std::string cert;
  std::string key;
  SelfSignedCert() : dir(temp_dir("loadcast-cert")), cert(dir + "/cert.pem"), key(dir + "/key.pem") {
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key + " -out " + cert +
                            " -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl could not make a certificate");
  }
  ~SelfSignedCert() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// A test certificate authority (`ca`) and two server certificates it signed: `cert`/`key` for
// 127.0.0.1 and `other_cert`/`other_key` for the name other.invalid only (a name mismatch for
// a 127.0.0.1 target). ECDSA P-256: quick to make and to handshake with.
struct TestCa {
  std::string dir;
  std::string ca;
  std::string cert;
  std::string key;
  std::string other_cert;
  std::string other_key;
  TestCa()
      : dir(temp_dir("loadcast-ca")),
        ca(dir + "/ca.pem"),
        cert(dir + "/server.pem"),
        key(dir + "/server.key"),
        other_cert(dir + "/other.pem"),
        other_key(dir + "/other.key") {
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
    std::ofstream(dir + "/ip.ext") << "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n";
    std::ofstream(dir + "/other.ext") << "subjectAltName=DNS:other.invalid\nbasicConstraints=CA:FALSE\n";
    const std::string cmd =
        "cd " + dir + " && openssl req -x509" + ec + "-keyout ca.key -out ca.pem -days 1 -subj /CN=loadcast-test-ca" +
        " && openssl req" + ec + "-keyout server.key -out server.csr -subj /CN=127.0.0.1" +
        " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1"
        " -extfile ip.ext" +
        " && openssl req" + ec + "-keyout other.key -out other.csr -subj /CN=other.invalid" +
        " && openssl x509 -req -in other.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out other.pem -days 1"
        " -extfile other.ext";
    if (std::system(("(" + cmd + ") >/dev/null 2>&1").c_str()) != 0) {
      throw std::runtime_error("openssl could not make the test CA");
    }
  }
  ~TestCa() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

struct NginxOptions {
  const SelfSignedCert* tls = nullptr;  // serve HTTPS (and HTTP/2 over TLS) with this certificate
  int keepalive_requests = 0;           // requests per connection before nginx closes it (0: nginx's 1000)
  std::string locations;                // extra `location` blocks, verbatim
  std::string cert;                     // serve HTTPS with this certificate and key (instead of `tls`)
  std::string key;
  bool h2c = false;                     // plain port speaks HTTP/2 with prior knowledge (h2c)
  std::string upstream;                 // host:port: every request not matched otherwise is proxied there
  bool http1_only = false;              // TLS without http2 (ALPN offers http/1.1 only)
  std::string tls_protocols;            // nginx's ssl_protocols (empty: nginx's default, TLS 1.2 on Debian 12)
};

// nginx from a temporary prefix: a static file at /index.html, 503s at /fail, optional TLS+h2
// (or h2c), an optional upstream for everything else, and the extra `location` blocks of
// NginxOptions::locations.
class Nginx {
 public:
  explicit Nginx(const SelfSignedCert* tls = nullptr) : Nginx(with_tls(tls)) {}
  explicit Nginx(const NginxOptions& options) : dir_(temp_dir("loadcast-nginx")), port_(free_port()) {
    std::string cert = options.cert;
    std::string key = options.key;
    if (options.tls != nullptr) {
      cert = options.tls->cert;
      key = options.tls->key;
    }
    std::filesystem::create_directories(dir_ + "/html");
    std::filesystem::create_directories(dir_ + "/logs");
    // Started as root, nginx's workers run as an unprivileged user: they must be able to read.
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                           std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                           std::filesystem::perms::others_exec);
    std::ofstream(dir_ + "/html/index.html") << std::string(256, 'x');
    std::string listen = "listen 127.0.0.1:" + std::to_string(port_);
    std::string extra;
    if (!cert.empty()) {
      listen += options.http1_only ? " ssl" : " ssl http2";
      extra = "ssl_certificate " + cert + "; ssl_certificate_key " + key + ";";
      if (!options.tls_protocols.empty()) extra += " ssl_protocols " + options.tls_protocols + ";";
    } else if (options.h2c) {
      listen += " http2";
    }
    if (options.keepalive_requests > 0) extra += " keepalive_requests " + std::to_string(options.keepalive_requests) + ";";
    std::string upstream;
    std::string proxy;
    if (!options.upstream.empty()) {
      upstream = " upstream backend { server " + options.upstream + "; keepalive 64; }\n";
      proxy = "  location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\"; }\n";
    }
    std::ofstream conf(dir_ + "/nginx.conf");
    conf << "worker_processes 1;\nerror_log " << dir_ << "/logs/error.log warn;\npid " << dir_ << "/logs/nginx.pid;\n"
         << "events { worker_connections 1024; }\nhttp {\n access_log off;\n"
         << " client_body_temp_path " << dir_ << "/tmp; proxy_temp_path " << dir_ << "/tmp; fastcgi_temp_path " << dir_
         << "/tmp; uwsgi_temp_path " << dir_ << "/tmp; scgi_temp_path " << dir_ << "/tmp;\n" << upstream
         << " server { " << listen << "; " << extra << " root " << dir_ << "/html;\n"
         << "  location /fail { return 503; }\n  location = /index.html { }\n" << proxy << options.locations << " }\n}\n";
    conf.close();
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string c = dir_ + "/nginx.conf";
      ::execlp("nginx", "nginx", "-p", dir_.c_str(), "-c", c.c_str(), "-g", "daemon off;", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    wait_ready();
  }
  ~Nginx() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path, bool tls = false) const {
    return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  static NginxOptions with_tls(const SelfSignedCert* tls) {
    NginxOptions o;
    o.tls = tls;
    return o;
  }

  void wait_ready() {
    for (int i = 0; i < 200; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(port_);
      const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(fd);
      if (ok) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("nginx exited at start-up (is it installed?)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    throw std::runtime_error("nginx did not start listening");
  }

  std::string dir_;
  std::uint16_t port_;
  pid_t pid_ = -1;
};

// A quick-mode LoadConfig for `url`: closed model with `conns` connections unless rate > 0.
inline loadgen::LoadConfig quick(const std::string& url, std::uint64_t conns, sim::Time duration, double rate = 0.0) {
  loadgen::LoadConfig c;
  const auto parsed = loadgen::parse_url(url);
  if (!parsed.value) throw std::runtime_error(parsed.error);
  c.target = *parsed.value;
  workload::RequestClass rc;
  rc.name = "default";
  rc.http.path = c.target.target;
  c.target.target = "/";
  c.workload.classes.push_back(rc);
  c.connections = conns;
  c.duration = duration;
  c.threads = 2;
  if (rate > 0.0) {
    workload::OpenWorkload open;
    open.process = workload::ArrivalProcess::kUniform;
    open.rate = workload::RateSchedule({{0, rate}});
    c.workload.model = open;
  } else {
    workload::ClosedWorkload closed;
    closed.users = workload::UserSchedule({{0, static_cast<double>(conns)}});
    c.workload.model = closed;
  }
  return c;
}

inline loadgen::RunOutput run(const loadgen::LoadConfig& c) {
  static const std::atomic<bool> never{false};
  return loadgen::run_load(c, never);
}

// Timing assertions on loopback (latency under N ms) measure the machine when a thread of the
// test was held up — CI runs two tests at once on two cores. run_unheld() runs the load against
// a fresh testbed and repeats it, twice at most, while the generator's event loop or the
// testbed's timers report being late by more than `slack`, as the validation tests do; the last
// attempt is returned whatever it shows, so a real regression still fails. `run_for` runs the
// load given the testbed's URL (and may put a proxy in front of it).
inline loadgen::RunOutput run_unheld(const loadgen::TestbedConfig& tc,
                                     const std::function<loadgen::RunOutput(const std::string& url)>& run_for,
                                     sim::Time slack = 20 * sim::kMillisecond) {
  loadgen::RunOutput out;
  for (int attempt = 0; attempt < 3; ++attempt) {
    TestbedThread tb(tc);
    out = run_for(tb.url());
    const auto stats = tb.stats();
    const auto& load = out.result.sections["load"];
    const double slack_ms = sim::to_millis(slack);
    const bool held = load["generator_saturated"].get<bool>() || load["loop_lag_ms"]["max"].get<double>() > slack_ms ||
                      static_cast<double>(stats.wakeup_lag_max_ns) * 1e-6 > slack_ms;
    if (!held) break;
    WARN("attempt " << attempt + 1 << " held up by the machine (loop lag max " << load["loop_lag_ms"]["max"].get<double>()
                    << " ms, testbed timer lag max " << static_cast<double>(stats.wakeup_lag_max_ns) * 1e-6 << " ms): repeated");
  }
  return out;
}

inline loadgen::RunOutput run_unheld(const loadgen::TestbedConfig& tc,
                                     const std::function<loadgen::LoadConfig(const std::string& url)>& config_for,
                                     sim::Time slack = 20 * sim::kMillisecond) {
  return run_unheld(tc, std::function<loadgen::RunOutput(const std::string&)>(
                            [&](const std::string& url) { return run(config_for(url)); }),
                    slack);
}

inline std::uint64_t cause(const loadgen::RunOutput& r, const std::string& name) {
  const auto& m = r.result.requests.by_cause;
  const auto it = m.find(name);
  return it == m.end() ? 0 : it->second;
}

enum class Bucket { kErrors, kTimeouts };

// Every request failed for `cause` (or was still in flight at the end) and is counted in
// `bucket`; failures have no latency; the accounting identity holds.
inline void only(const loadgen::RunOutput& r, const std::string& cause, Bucket bucket) {
  const auto& q = r.result.requests;
  INFO("engine " << r.info.engine << ", causes " << r.result.to_json()["requests"]["by_cause"].dump());
  CHECK(q.total > 0);
  CHECK(q.ok == 0);
  CHECK(test::cause(r, cause) > 0);
  CHECK(test::cause(r, cause) + q.in_flight == q.total);
  CHECK((bucket == Bucket::kErrors ? q.errors : q.timeouts) == test::cause(r, cause));
  CHECK(q.balanced());
  CHECK(r.result.sections["load"]["accounting"]["balanced"] == true);
  CHECK(r.result.latency_histogram.count() == 0);
}

// Runs `command` through the shell; returns its exit status and captures stdout.
inline int shell(const std::string& command, std::string* out = nullptr) {
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  std::string text;
  while (std::fgets(buf, sizeof buf, p) != nullptr) text += buf;
  const int status = ::pclose(p);
  if (out != nullptr) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace loadcast::test
