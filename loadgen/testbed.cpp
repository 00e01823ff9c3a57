#include "loadgen/testbed.hpp"

#include <time.h>

#include <cerrno>

#include <chrono>
#include <cmath>
#include <algorithm>
#include <deque>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "loadgen/clock.hpp"
#include "loadgen/testbed_api.hpp"
#include "reports/histogram.hpp"
#include "sim/rng.hpp"

namespace loadcast::loadgen {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t kBodyLimit = 1024 * 1024;
constexpr sim::Time kAcceptBackoffMin = 10 * sim::kMillisecond;
constexpr sim::Time kAcceptBackoffMax = 100 * sim::kMillisecond;
constexpr std::string_view kOk = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n";
constexpr std::string_view kOkClose =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
constexpr std::string_view kFail =
    "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nerror\n";
constexpr std::string_view kFailClose =
    "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\nerror\n";
constexpr std::string_view kBad =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nbad request\n";

void burn_cpu(sim::Time amount) {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  const sim::Time start = ts.tv_sec * sim::kSecond + ts.tv_nsec;
  sim::Time now = start;
  while (now - start < amount) {
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    now = ts.tv_sec * sim::kSecond + ts.tv_nsec;
  }
}

asio::steady_timer::time_point at(sim::Time t) { return asio::steady_timer::time_point(std::chrono::nanoseconds(t)); }

}  // namespace

StallParse parse_stall(const std::string& text) {
  StallParse out;
  const auto sep = text.find('@');
  if (sep == std::string::npos) {
    out.error = "--stall must be DURATION@AT, e.g. 500ms@3s, got '" + text + "'";
    return out;
  }
  const auto d = sim::parse_duration(text.substr(0, sep));
  const auto a = sim::parse_duration(text.substr(sep + 1));
  if (!d || !a || *d <= 0) {
    out.error = "--stall must be DURATION@AT with units and DURATION > 0, e.g. 500ms@3s, got '" + text + "'";
    return out;
  }
  out.duration = *d;
  out.at = *a;
  return out;
}

std::vector<std::string> TestbedConfig::validate() const {
  std::vector<std::string> errors;
  if (workers == 0 || workers > 100000) errors.push_back("--workers must be between 1 and 100000");
  if (orders_kept == 0) errors.push_back("--orders-kept must be at least 1");
  if (!(fail_rate >= 0.0 && fail_rate <= 1.0)) errors.push_back("--fail-rate must be between 0 and 1");
  if (header_timeout <= 0) errors.push_back("--header-timeout must be longer than 0s");
  if (mode == ServiceMode::kCpu && workers > 1024) errors.push_back("--mode cpu runs one thread per worker: at most 1024");
  return errors;
}

class Testbed::Impl {
 public:
  class Session;

  explicit Impl(TestbedConfig config)
      : config_(std::move(config)),
        io_(1),
        api_(config_.seed, config_.orders_kept),
        acceptor_(io_),
        stall_timer_(io_),
        poll_timer_(io_),
        accept_timer_(io_),
        service_rng_(sim::Rng::stream(config_.seed, 0, config_.stream)),
        fail_rng_(sim::Rng::stream(config_.seed, 0, "testbed.fail")) {
    error_code ec;
    const tcp::endpoint ep = listen_endpoint(ec);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen on " + config_.host + ":" + std::to_string(config_.port) + ": " + ec.message());
    }
    if (config_.mode == ServiceMode::kCpu) burners_ = std::make_unique<asio::thread_pool>(config_.workers);
    start_ = steady_now();
  }

  ~Impl() {
    if (burners_) {
      burners_->stop();
      burners_->join();
    }
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void run(const std::atomic<bool>* stop_flag) {
    start_ = steady_now();
    accept();
    if (stop_flag != nullptr) poll(stop_flag);
    io_.run();
  }

  void stop() { io_.stop(); }

  TestbedStats stats() const {
    TestbedStats s = stats_;
    s.wakeup_lag_p99_ns = wakeup_lag_.percentile(99.0);
    s.wakeup_lag_max_ns = wakeup_lag_.max();
    s.api = api_.stats();
    return s;
  }

  TestbedStats stats_;
  reports::Histogram wakeup_lag_;
  TestbedConfig config_;
  asio::io_context io_;
  TestbedApi api_;

 private:
  friend class Session;

  // The address to bind: an IP literal, or the first address a host name resolves to
  // ("localhost" -> 127.0.0.1 or ::1). Throws std::invalid_argument when it resolves to none.
  tcp::endpoint listen_endpoint(error_code& ec) {
    const auto address = asio::ip::make_address(config_.host, ec);
    if (!ec) return tcp::endpoint(address, config_.port);
    tcp::resolver resolver(io_);
    const auto results = resolver.resolve(config_.host, std::to_string(config_.port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      throw std::invalid_argument("--listen: cannot resolve '" + config_.host +
                                  "': " + (ec ? ec.message() : std::string("no addresses")));
    }
    ec.clear();
    return results.begin()->endpoint();
  }

  void accept();
  void poll(const std::atomic<bool>* flag) {
    poll_timer_.expires_after(std::chrono::milliseconds(100));
    poll_timer_.async_wait([this, flag](const error_code& ec) {
      if (ec) return;
      if (flag->load()) return stop();
      poll(flag);
    });
  }

  bool stalled(sim::Time now) const {
    return config_.stall_for > 0 && now >= start_ + config_.stall_at && now < stall_end();
  }
  sim::Time stall_end() const { return start_ + config_.stall_at + config_.stall_for; }

  void enqueue(std::shared_ptr<Session> s);
  void try_start(sim::Time free_from);
  void start_service(const std::shared_ptr<Session>& s, sim::Time start);
  void service_done(const std::shared_ptr<Session>& s);

  tcp::acceptor acceptor_;
  asio::steady_timer stall_timer_;
  asio::steady_timer poll_timer_;
  asio::steady_timer accept_timer_;
  sim::Time accept_backoff_ = 0;  // 0: the last accept succeeded
  std::unique_ptr<asio::thread_pool> burners_;
  sim::Rng service_rng_;
  sim::Rng fail_rng_;
  sim::Time start_ = 0;
  std::deque<std::shared_ptr<Session>> queue_;
  std::uint64_t busy_ = 0;
  bool stall_timer_armed_ = false;
};

class Testbed::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl& tb, tcp::socket socket) : tb_(tb), socket_(std::move(socket)), timer_(tb.io_) {}

  // Waits for the next request; its header must be complete within the header timeout.
  void read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    const std::uint32_t gen = ++read_gen_;
    header_pending_ = true;
    timer_.expires_after(std::chrono::nanoseconds(tb_.config_.header_timeout));
    timer_.async_wait([self = shared_from_this(), gen](const error_code& ec) {
      if (ec || gen != self->read_gen_ || !self->header_pending_) return;
      ++self->tb_.stats_.header_timeouts;
      error_code ignored;
      self->socket_.close(ignored);  // the pending read ends with operation_aborted
    });
    http::async_read_header(socket_, buffer_, *parser_, [self = shared_from_this()](const error_code& ec, std::size_t) {
      self->on_header(ec);
    });
  }

  void respond(std::string_view bytes, bool keep_alive) {
    asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                      [self = shared_from_this(), keep_alive](const error_code& ec, std::size_t) {
                        if (ec) return;
                        if (keep_alive) {
                          self->read();
                        } else {
                          error_code ignored;
                          self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                        }
                      });
  }

  void finish(bool fail) {
    if (fail) return respond(keep_alive_ ? kFail : kFailClose, keep_alive_);
    if (!api_) return respond(keep_alive_ ? kOk : kOkClose, keep_alive_);
    const auto& req = parser_->get();
    const auto header = [&req](http::field f) {
      const auto it = req.find(f);
      return it == req.end() ? std::string_view() : std::string_view(it->value().data(), it->value().size());
    };
    const ApiReply reply = tb_.api_.handle({std::string_view(req.method_string().data(), req.method_string().size()),
                                            std::string_view(req.target().data(), req.target().size()),
                                            header(http::field::authorization), header(http::field::cookie),
                                            req.body()});
    if (reply.drop) {
      error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_both, ignored);
      socket_.close(ignored);
      return;
    }
    TestbedApi::serialize(reply, keep_alive_, reply_);
    respond(reply_, keep_alive_);
  }

  asio::steady_timer& timer() { return timer_; }
  sim::Time service = 0;  // drawn on arrival
  sim::Time arrived = 0;
  sim::Time end_at = 0;   // sleep mode: when the service is due to end

 private:
  void on_header(const error_code& ec) {
    header_pending_ = false;
    timer_.cancel();  // the same timer later holds the service time (sleep mode)
    if (ec) return on_read(ec);
    if (parser_->is_done()) return on_read(ec);
    http::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](const error_code& rec, std::size_t) {
      self->on_read(rec);
    });
  }

  void on_read(const error_code& ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) {
      return;
    }
    if (ec) {
      ++tb_.stats_.bad_requests;
      respond(kBad, false);
      return;
    }
    keep_alive_ = parser_->keep_alive();
    const auto target = parser_->get().target();
    if (target == "/health") {
      ++tb_.stats_.health;
      finish(false);
      return;
    }
    api_ = TestbedApi::handles(std::string_view(target.data(), target.size()));
    tb_.enqueue(shared_from_this());
  }

  Impl& tb_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  bool api_ = false;    // the current request is one of the stateful API's (testbed_api.hpp)
  std::string reply_;   // its response, alive until written
  bool header_pending_ = false;
  std::uint32_t read_gen_ = 0;
};

void Testbed::Impl::accept() {
  acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors (or another failure): the connection stays in the listen queue and
      // the socket stays readable, so retrying now would spin. Wait, then try again.
      ++stats_.accept_errors;
      if (ec == asio::error::no_descriptors || ec == error_code(ENFILE, boost::system::system_category())) {
        ++stats_.accept_emfile;
      }
      accept_backoff_ = accept_backoff_ == 0 ? kAcceptBackoffMin : std::min(2 * accept_backoff_, kAcceptBackoffMax);
      accept_timer_.expires_after(std::chrono::nanoseconds(accept_backoff_));
      accept_timer_.async_wait([this](const error_code& tec) {
        if (!tec) accept();
      });
      return;
    }
    accept_backoff_ = 0;
    ++stats_.connections;
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Session>(*this, std::move(socket))->read();
    accept();
  });
}

void Testbed::Impl::enqueue(std::shared_ptr<Session> s) {
  s->service = config_.service.sample_time(service_rng_);
  s->arrived = steady_now();
  queue_.push_back(std::move(s));
  if (queue_.size() > stats_.max_queue) stats_.max_queue = queue_.size();
  try_start(steady_now());
}

// `free_from`: when the slot that just freed up became free. In sleep mode that is the previous
// request's scheduled end, not the (later) moment its timer fired, so timer wake-up latency is
// not added to the next request's service: lateness never accumulates in the queue.
void Testbed::Impl::try_start(sim::Time free_from) {
  const sim::Time now = steady_now();
  if (stalled(now)) {
    if (!stall_timer_armed_) {
      stall_timer_armed_ = true;
      stall_timer_.expires_at(at(stall_end()));
      stall_timer_.async_wait([this](const error_code& ec) {
        stall_timer_armed_ = false;
        if (!ec) try_start(stall_end());
      });
    }
    return;
  }
  while (busy_ < config_.workers && !queue_.empty()) {
    auto s = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    start_service(s, std::max(free_from, s->arrived));
  }
}

void Testbed::Impl::start_service(const std::shared_ptr<Session>& s, sim::Time start) {
  const sim::Time service = s->service;
  if (config_.mode == ServiceMode::kSleep) {
    s->end_at = start + service;
    s->timer().expires_at(at(s->end_at));
    s->timer().async_wait([this, s](const error_code& ec) {
      if (!ec) service_done(s);
    });
    return;
  }
  asio::post(*burners_, [this, s, service] {
    burn_cpu(service);
    asio::post(io_, [this, s] { service_done(s); });
  });
}

void Testbed::Impl::service_done(const std::shared_ptr<Session>& s) {
  const sim::Time now = steady_now();
  if (stalled(now)) {
    // A frozen server finishes nothing: hold the response until the stall ends.
    s->end_at = stall_end();
    s->timer().expires_at(at(stall_end()));
    s->timer().async_wait([this, s](const error_code& ec) {
      if (!ec) service_done(s);
    });
    return;
  }
  if (config_.mode == ServiceMode::kSleep) wakeup_lag_.record(std::max<sim::Time>(0, now - s->end_at));
  --busy_;
  ++stats_.requests;
  const bool fail = config_.fail_rate > 0.0 && fail_rng_.uniform() < config_.fail_rate;
  if (fail) ++stats_.failed;
  s->finish(fail);
  try_start(config_.mode == ServiceMode::kSleep ? std::max(s->end_at, start_) : now);
}

Testbed::Testbed(TestbedConfig config) {
  const auto problems = config.validate();
  if (!problems.empty()) throw std::invalid_argument(problems.front());
  impl_ = std::make_unique<Impl>(std::move(config));
}

Testbed::~Testbed() = default;

std::uint16_t Testbed::port() const { return impl_->port(); }

void Testbed::run(const std::atomic<bool>* stop_flag) { impl_->run(stop_flag); }

void Testbed::stop() { impl_->stop(); }

TestbedStats Testbed::stats() const { return impl_->stats(); }

}  // namespace loadcast::loadgen
