// CloudWatch metric data as `aws cloudwatch get-metric-data` writes it:
//   {"MetricDataResults": [{"Id": "cpu", "Label": "...", "Timestamps": ["2026-12-05T08:01:00+00:00", ...],
//     "Values": [41.5, ...], "StatusCode": "Complete"}], "Messages": []}
// Timestamps are ISO-8601 period starts (UTC `Z` or a ±hh:mm offset), usually newest first.
// [doc] https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
// [doc] https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataResult.html
// read_cloudwatch() is strict: every problem is an InputError naming the file and the JSON
// location ("data.json: MetricDataResults[1].Values[3]: ..."). Pure functions, thread safe.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace loadcast::app {

// A bad input file of `loadcast calibrate`; the message names the file and the location in it.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MetricSeries {
  std::string id;
  std::string label;
  std::string status;           // StatusCode: Complete, PartialData, ...
  std::vector<double> t_epoch;  // period starts, seconds since 1970-01-01 UTC, ascending
  std::vector<double> values;   // parallel to t_epoch
  std::string where;            // "data.json: MetricDataResults[i]"

  // The value of the period starting at t (within 1 ms); nullopt when there is none.
  std::optional<double> at(double t) const;
};

// The smallest gap between consecutive timestamps (a series' period when CloudWatch left no
// period out); nullopt with fewer than two.
std::optional<double> smallest_gap(const std::vector<double>& t);

struct MetricData {
  std::string file;
  std::map<std::string, MetricSeries> by_id;

  // Throws InputError listing the ids the file has, when `id` is not among them.
  const MetricSeries& need(const std::string& id, const std::string& flag) const;
};

MetricData read_cloudwatch(const std::string& path);
MetricData parse_cloudwatch(const std::string& text, const std::string& file);

// "2026-12-05T08:01:00Z", "2026-12-05T08:01:00.000+00:00", "2026-12-05T09:01:00+01:00" ->
// seconds since the epoch; nullopt when malformed.
std::optional<double> parse_iso8601(const std::string& text);

}  // namespace loadcast::app
