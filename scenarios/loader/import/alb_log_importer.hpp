// A workload from Application Load Balancer access logs (alb_log.hpp): the day the logs hold,
// replayed in the simulator. Each entry is counted at its arrival (request_creation_time) in
// intervals of `interval` aligned on the epoch; the scenario's `workload.arrivals.stages` hold
// each interval's rate (count ÷ interval), as steps, so the expected count of every interval is
// the logged count. Entries are put in request classes, either by the user's rules
// (`NAME=METHOD:REGEX`, first match wins, on the path without its query string; the rest is
// `other`) or by clustering on the method and the path template (path_template(): numeric ids,
// UUIDs and hex tokens become `{id}`), keeping the `max_classes` busiest and merging the rest
// into `other`. A class's weight is its count over the whole span (the scenario's mix is one for
// the run), its `response_bytes` a lognormal with the mean and standard deviation of its logged
// `sent_bytes`; the target's latency per class (target_processing_time p50/p95/p99, status
// classes, `-1` entries) is observed, written as comments and in AlbLogImport::observed_json()
// "for comparison" with the simulated classes. What logs cannot say — each class's demand, the
// architecture — is written as marked assumptions (one Fargate service behind the ALB), as
// `loadcast import` does for the workload of an infrastructure import. Entries without a
// request line are counted and left out. Call from one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/loader/import/import.hpp"
#include "sim/time.hpp"

namespace loadcast::scenario {

// `--class NAME=METHOD:REGEX`: METHOD is an HTTP method or `*` for any.
struct AlbClassRule {
  std::string name;
  std::string method;
  std::string pattern;  // ECMAScript regex searched in the path
};

// Throws ImportError when `text` is not NAME=METHOD:REGEX or the regex does not compile.
AlbClassRule parse_alb_class_rule(const std::string& text);

struct AlbLogImportOptions {
  std::vector<std::string> files;
  std::vector<AlbClassRule> classes;  // empty: cluster
  int max_classes = 8;
  sim::Time interval = 60 * sim::kSecond;
  std::int64_t skip_bad = 0;          // bad lines allowed (counted, reported); more is an error
  std::string name;                   // default "alb-logs"
};

struct AlbClassObserved {
  std::string name;
  std::string method;   // "*" for a rule on any method, "" for `other`
  std::string pattern;  // the path template or the rule's regex
  std::string path;     // a logged path of the class, the scenario's `path`
  std::string path_method;  // the method that path was logged with, the scenario's `method`
  std::int64_t requests = 0;
  std::int64_t status_2xx = 0, status_3xx = 0, status_4xx = 0, status_5xx = 0;  // elb_status_code
  std::int64_t no_target_response = 0;  // target_status_code "-"
  std::int64_t target_time_missing = 0;  // target_processing_time -1
  std::optional<double> target_ms_mean, target_ms_p50, target_ms_p95, target_ms_p99;
  double response_bytes_mean = 0.0;
  double response_bytes_sd = 0.0;
  std::vector<std::int64_t> per_interval;  // parallel to AlbLogImport::per_interval
};

struct AlbLogImport {
  ImportResult result;
  std::int64_t lines = 0;            // non-empty lines read
  std::int64_t entries = 0;          // parsed
  std::vector<std::string> skipped;  // the bad lines allowed by skip_bad, located
  std::int64_t without_request = 0;  // entries without a request line (or its method not an HTTP token), left out
  double first_arrival_s = 0.0;      // epoch seconds
  double last_arrival_s = 0.0;
  double origin_s = 0.0;             // the first interval's start: the run's time 0
  sim::Time interval = 0;
  std::vector<std::int64_t> per_interval;  // requests per interval, all classes
  std::vector<AlbClassObserved> classes;   // in the scenario's order
  std::int64_t targets_seen = 0;           // distinct target:port values
  std::string observed_json() const;       // the observations, for `--observed FILE`
};

AlbLogImport import_alb_logs(const AlbLogImportOptions& options);

// "/api/items/42/photos/9f86d081884c7d65" -> "/api/items/{id}/photos/{id}": a segment of digits,
// a UUID, or a hex token of at least 8 characters holding a digit becomes {id}.
std::string path_template(const std::string& path);

}  // namespace loadcast::scenario
