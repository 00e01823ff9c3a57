// The workload section of a scenario, as both engines read it.
//
// Open model: arrivals by a Poisson or uniform process at a piecewise-linear rate (global
// total, requests per second). Closed model: a piecewise-linear number of users, each looping
// request → response → think time. Request classes are picked by weight; each class has an HTTP
// side (used by the load generator) and, in models/, a demand side (steps, used by the
// simulator). Plain data, validated by the scenario loader.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/distribution.hpp"
#include "sim/rng.hpp"
#include "sim/schedule.hpp"

namespace loadcast::sim {

enum class ArrivalProcess { kPoisson, kUniform };

struct OpenWorkload {
  ArrivalProcess process = ArrivalProcess::kPoisson;
  RateSchedule rate;
};

struct ClosedWorkload {
  UserSchedule users;
  Distribution think_time = Distribution::constant(0.0);
};

// A value substituted into a path template: `{id}` in `/api/items/{id}`.
struct TemplateParam {
  std::string name;
  std::optional<Distribution> distribution;  // e.g. uniform_int(1, 10000)
  std::vector<std::string> values;           // or values from a CSV column
  bool sequential = false;                   // walk values in order instead of at random
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

  bool is_open() const { return std::holds_alternative<OpenWorkload>(model); }
};

// Picks an index with probability proportional to its weight (cumulative table, linear or binary
// search). Deterministic given the Rng.
class WeightedChoice {
 public:
  WeightedChoice() = default;
  explicit WeightedChoice(const std::vector<double>& weights) {
    double acc = 0.0;
    for (double w : weights) {
      acc += w;
      cumulative_.push_back(acc);
    }
    total_ = acc;
  }
  std::size_t pick(Rng& rng) const {
    if (cumulative_.size() <= 1) return 0;
    const double u = rng.uniform() * total_;
    std::size_t i = 0;
    while (i + 1 < cumulative_.size() && u >= cumulative_[i]) ++i;
    return i;
  }
  std::size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;
  double total_ = 0.0;
};

}  // namespace loadcast::sim
