// Request: one simulated HTTP request, or one message a worker processes, moving through its
// steps; and RequestSink, where the component holding it hands it back when a step ends.
//
// Requests are pooled: the pool hands out stable pointers from fixed-size chunks and takes them
// back on completion, so steady-state simulation allocates nothing per request. A request is
// held by exactly one place at a time (a station queue, a task's CPU or connection pool, a
// database instance, a pending event or API call); whoever finishes a step hands it back
// through the RequestSink of its owner (System for requests, WorkerService for messages).
// Not thread safe: one pool per replication.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace loadcast::models {

class Task;
struct DbStepConfig;

// Where a request's db step stands on its task (models/web/task.cpp): the step, the queries
// still to run, and where the running one is (its instance; the writer's pool for a write).
struct DbProgress {
  const DbStepConfig* step = nullptr;
  std::uint16_t reads_left = 0;   // the loader allows at most 1000 reads and 1000 writes a step
  std::uint16_t writes_left = 0;
  std::uint16_t instance = 0;     // index in the cluster of the instance running the query
  bool write = false;             // the query is a write, on a connection of the writer pool
};

struct Request {
  std::uint32_t index = 0;           // position in the pool, stable for the request's life
  std::uint32_t cls = 0;             // request class
  std::uint32_t step = 0;            // next step to run
  std::uint32_t user = UINT32_MAX;   // who waits for it: a closed-model user, or a worker's poller
  std::uint32_t session = UINT32_MAX;  // the flow session it belongs to (models/core/session_runner.hpp)
  sim::Time arrival = 0;             // when the client sent it
  sim::Time step_start = 0;          // when the current step began (waits, timeouts)
  Task* task = nullptr;              // the task serving it, when a service model is present
  DbProgress db;                     // its db step, while it runs on the task
  // Behind RDS Proxy, how its running query holds a database connection (0: borrowed for the
  // query; else a pinned session of its task: models/data/cluster_control.cpp).
  std::uint32_t db_session = 0;
  bool counted = false;              // arrived after the warm-up: part of the statistics
  // The client already got its answer (e.g. 504 from the ALB's idle timeout, 502 when the task
  // died) while the work goes on where the request is; when that step ends it is discarded.
  bool abandoned = false;
  // It waits in its task's listen backlog for a worker of the app server's pool (task.hpp).
  bool waiting = false;
  Request* prev = nullptr;           // the serving task's list of requests awaiting a response
  Request* next = nullptr;
};

class RequestPool {
 public:
  static constexpr std::size_t kChunk = 4096;

  Request* acquire() {
    if (free_.empty()) grow();
    Request* r = free_.back();
    free_.pop_back();
    reset(*r);
    ++live_;
    return r;
  }

  void release(Request* r) {
    free_.push_back(r);
    --live_;
  }

  std::size_t live() const { return live_; }

 private:
  void grow() {
    chunks_.push_back(std::make_unique<Request[]>(kChunk));
    Request* base = chunks_.back().get();
    const auto first = static_cast<std::uint32_t>((chunks_.size() - 1) * kChunk);
    free_.reserve(free_.size() + kChunk);
    for (std::size_t i = kChunk; i-- > 0;) {
      base[i].index = first + static_cast<std::uint32_t>(i);
      free_.push_back(&base[i]);
    }
  }

  // Every field but the index back to its initial value, field by field: `*r = Request{}` became
  // a `rep stos` of 88 bytes, whose start-up cost was half of System::enter's time.
  static void reset(Request& r) {
    static_assert(sizeof(Request) == 88, "a field added to Request must be reset here too");
    r.cls = 0;
    r.step = 0;
    r.user = UINT32_MAX;
    r.session = UINT32_MAX;
    r.arrival = 0;
    r.step_start = 0;
    r.task = nullptr;
    r.db = DbProgress{};
    r.db_session = 0;
    r.counted = false;
    r.abandoned = false;
    r.waiting = false;
    r.prev = nullptr;
    r.next = nullptr;
  }

  std::vector<std::unique_ptr<Request[]>> chunks_;
  std::vector<Request*> free_;
  std::size_t live_ = 0;
};

// How a request ended, when it did not end well.
struct Failure {
  enum class Kind { kError, kTimeout, kDropped };
  Kind kind = Kind::kError;
  int status = 0;                 // HTTP status the client saw (0: no response)
  const std::string* cause = nullptr;  // interned by the component, e.g. "rejected:s1"
};

// Where components hand requests back when a step finishes or fails.
class RequestSink {
 public:
  virtual ~RequestSink() = default;
  virtual void step_done(Request* r) = 0;
  virtual void step_failed(Request* r, const Failure& f) = 0;
  // The client gets failure `f` now, but the request stays where it is (its work continues
  // there): it is counted now and marked abandoned, and whoever holds it still hands it back
  // with step_done, after which it is discarded.
  virtual void respond_early(Request* r, const Failure& f) = 0;
};

}  // namespace loadcast::models
