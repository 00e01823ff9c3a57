// WorkloadSpec: the workload section of a scenario, as both engines read it.
//
// Open model: arrivals by a Poisson or uniform process at a piecewise-linear rate (global
// total, requests per second), walked by ArrivalSequence. Closed model: a piecewise-linear
// number of users, each looping request → response → think time. Request classes are picked by
// weight; each class has an HTTP side (used by the load generator) and, in models/, a demand
// side (steps, used by the simulator). Plain data, validated by the scenario loader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/distribution.hpp"
#include "workload/flow_spec.hpp"
#include "workload/schedule.hpp"

namespace loadcast::workload {

enum class ArrivalProcess { kPoisson, kUniform };

// Batches: with batch = b > 1, arrivals come b at a time — b requests at one instant, the
// instants by `process` at rate / b — so the mean rate is the same and only its burstiness
// changes (a batch Poisson process). Calibration uses it to load a server at the same low
// utilisation with requests that find it busy.
inline constexpr std::uint32_t kMaxBatch = 1000;

struct OpenWorkload {
  ArrivalProcess process = ArrivalProcess::kPoisson;
  std::uint32_t batch = 1;
  RateSchedule rate;
};

struct ClosedWorkload {
  UserSchedule users;
  sim::Distribution think_time = sim::Distribution::constant(0.0);
};

// A value substituted into a path template: `{id}` in `/api/items/{id}`.
struct TemplateParam {
  std::string name;
  std::optional<sim::Distribution> distribution;  // e.g. uniform_int(1, 10000)
  std::vector<std::string> values;                // or values from a CSV column
  bool sequential = false;                        // walk values in order instead of at random
};

struct HttpSpec {
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<TemplateParam> params;
  std::optional<int> expect_status;  // a response with another status counts as an error
};

struct RequestClass {
  std::string name;
  double weight = 1.0;
  HttpSpec http;
};

struct WorkloadSpec {
  std::variant<OpenWorkload, ClosedWorkload> model;
  std::vector<RequestClass> classes;
  // Empty: requests are independent picks by weight (today's model, the one-step flow).
  // Otherwise arrivals (or users) start sessions of these flows, picked by flow weight.
  std::vector<FlowSpec> flows;

  bool is_open() const { return std::holds_alternative<OpenWorkload>(model); }
};

}  // namespace loadcast::workload
