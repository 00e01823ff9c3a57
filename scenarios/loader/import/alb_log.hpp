// Application Load Balancer access logs, read as AWS documents their entries: one request per
// line, space-separated fields in a fixed order, a field with spaces in double quotes, `-` for a
// missing value, and newer fields appended at the end (an entry with more fields than listed here
// is accepted; the extra ones are ignored).
// [doc] https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
//   type time elb client:port target:port request_processing_time target_processing_time
//   response_processing_time elb_status_code target_status_code received_bytes sent_bytes
//   "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name"
//   "chosen_cert_arn" matched_rule_priority request_creation_time "actions_executed"
//   "redirect_url" "error_reason" "target:port_list" "target_status_code_list" "classification"
//   "classification_reason" conn_trace_id ...
// The processing times are seconds, -1 when the load balancer could not dispatch the request or
// the target closed the connection (kept here as nullopt); `time` is when the load balancer
// answered, `request_creation_time` when it received the request. AWS delivers the files as
// `.log.gz`; read_alb_log() reads gzip or plain text (zlib's gzread passes plain files through).
// The first 14 fields (through "user_agent") are required; the others are read when present.
// Errors name the file, the line and the field. Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadcast::scenario {

struct AlbLogEntry {
  std::string type;                           // http, https, h2, grpcs, ws, wss
  double time_s = 0.0;                        // the response's time, seconds since the epoch (UTC)
  std::string elb;                            // app/NAME/ID
  std::string client;                         // ip:port
  std::string target;                         // ip:port, "-" when no target answered
  std::optional<double> request_processing_s;  // nullopt for -1
  std::optional<double> target_processing_s;   // nullopt for -1
  std::optional<double> response_processing_s;  // nullopt for -1
  std::optional<int> elb_status;              // nullopt for "-"
  std::optional<int> target_status;           // nullopt for "-" (no response from a target)
  std::int64_t received_bytes = 0;
  std::int64_t sent_bytes = 0;
  std::string method;                         // from "request": "GET"; "-" when the client sent none
  std::string url;                            // "https://host:443/path?query"; "-" when none
  std::string protocol;                       // "HTTP/1.1", "HTTP/2.0"; "-" when none
  std::string user_agent;
  std::string target_group_arn;               // "-" or empty when absent
  std::optional<double> request_creation_s;   // seconds since the epoch; nullopt when absent or "-"

  // When the request reached the load balancer: request_creation_time when the entry has it,
  // else `time` less the three processing times that are known.
  double arrival_s() const;
  // The URL's path without scheme, host, port and query string ("/" when it has none); empty
  // when the entry has no request line.
  std::string path() const;
};

// A problem with one entry: the field (1-based, by its documented name) and what is wrong.
struct AlbLogFieldError {
  int field = 0;
  std::string name;
  std::string what;
};

// One entry, or the first problem found in it.
struct AlbLogParse {
  std::optional<AlbLogEntry> entry;
  AlbLogFieldError error;
};

AlbLogParse parse_alb_log_line(std::string_view line);

// "2018-07-02T22:23:00.186641Z" -> seconds since the epoch; nullopt when malformed. Only UTC
// (`Z`), which is what ALB writes.
std::optional<double> parse_alb_time(std::string_view text);

// What reading a file found. `bad` holds "FILE:LINE: field N (name): sentence" for each bad line.
struct AlbLogFileStats {
  std::int64_t lines = 0;    // non-empty lines read
  std::int64_t entries = 0;  // lines parsed
  std::vector<std::string> bad;
};

// Calls `on_entry` for every entry of `path` (gzip or plain) in file order, and `on_bad` with the
// message of every bad line; `on_bad` returns false to stop reading. A file that cannot be
// opened or read, or is not a regular file (a FIFO, a device: refused before any read, as
// sim/input_file.hpp does), throws ImportError naming it. Lines longer than 1 MiB are bad lines.
AlbLogFileStats read_alb_log(const std::string& path, const std::function<void(const AlbLogEntry&)>& on_entry,
                             const std::function<bool(const std::string&)>& on_bad);

}  // namespace loadcast::scenario
