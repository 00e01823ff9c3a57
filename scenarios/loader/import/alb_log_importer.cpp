#include "scenarios/loader/import/alb_log_importer.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string_view>

#include "reports/format.hpp"
#include "scenarios/loader/import/alb_log.hpp"
#include "scenarios/loader/import/scenario_writer.hpp"
#include "scenarios/loader/pricing_loader.hpp"

namespace loadcast::scenario {

namespace {

constexpr const char* kOther = "other";
constexpr std::size_t kCommentColumn = 56;
// More intervals than a scenario should hold as stages (a day of 1 s intervals is 86,400).
constexpr std::int64_t kMaxIntervals = 100'000;

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}


bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

bool is_id_segment(const std::string& s) {
  if (s.empty()) return false;
  if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  if (s.size() == 36) {
    bool uuid = true;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      uuid = uuid && (dash ? s[i] == '-' : is_hex(s[i]));
    }
    if (uuid) return true;
  }
  return s.size() >= 8 && std::all_of(s.begin(), s.end(), is_hex) && std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// RFC 9110 token characters: what a method may hold (the scenario loader checks the same).
bool is_token(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// A path the scenario can hold: bytes outside printable ASCII percent-encoded.
std::string printable_path(const std::string& s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u > ' ' && u < 127) {
      out += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", u);
      out += buf;
    }
  }
  return out;
}

// A class name from a method and a template: "GET /api/items/{id}" -> "get-api-items-id".
std::string class_name(const std::string& method, const std::string& tmpl) {
  std::string out;
  for (char c : method + tmpl) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out += static_cast<char>(std::tolower(u));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (tmpl == "/") out += "-root";
  return out.empty() ? "request" : out;
}

// What one class accumulated while the files were read.
struct Tally {
  std::string method;
  std::string pattern;
  std::string path;
  std::string path_method;
  std::int64_t requests = 0;
  std::int64_t status[4] = {0, 0, 0, 0};  // 2xx, 3xx, 4xx, 5xx
  std::int64_t no_target_response = 0;
  std::int64_t target_time_missing = 0;
  std::vector<float> target_ms;
  double bytes_sum = 0.0;
  double bytes_sq = 0.0;
  std::map<std::int64_t, std::int64_t> by_interval;

  void add(const AlbLogEntry& e, std::int64_t interval_index) {
    ++requests;
    if (e.elb_status && *e.elb_status >= 200 && *e.elb_status < 600) ++status[*e.elb_status / 100 - 2];
    if (!e.target_status) ++no_target_response;
    if (e.target_processing_s) target_ms.push_back(static_cast<float>(*e.target_processing_s * 1000.0));
    else ++target_time_missing;
    const auto b = static_cast<double>(e.sent_bytes);
    bytes_sum += b;
    bytes_sq += b * b;
    ++by_interval[interval_index];
  }
  void merge(Tally&& o) {
    requests += o.requests;
    for (int i = 0; i < 4; ++i) status[i] += o.status[i];
    no_target_response += o.no_target_response;
    target_time_missing += o.target_time_missing;
    target_ms.insert(target_ms.end(), o.target_ms.begin(), o.target_ms.end());
    bytes_sum += o.bytes_sum;
    bytes_sq += o.bytes_sq;
    for (const auto& [k, v] : o.by_interval) by_interval[k] += v;
  }
};

// The q-quantile of sorted `v` (nearest rank).
double quantile(const std::vector<float>& v, double q) {
  const auto n = static_cast<double>(v.size());
  auto rank = static_cast<std::size_t>(std::ceil(q * n));
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return static_cast<double>(v[rank - 1]);
}

AlbClassObserved observe(const std::string& name, Tally& t, std::int64_t first_index, std::size_t intervals) {
  AlbClassObserved c;
  c.name = name;
  c.method = t.method;
  c.pattern = t.pattern;
  c.path = t.path;
  c.path_method = t.path_method;
  c.requests = t.requests;
  c.status_2xx = t.status[0];
  c.status_3xx = t.status[1];
  c.status_4xx = t.status[2];
  c.status_5xx = t.status[3];
  c.no_target_response = t.no_target_response;
  c.target_time_missing = t.target_time_missing;
  if (!t.target_ms.empty()) {
    std::sort(t.target_ms.begin(), t.target_ms.end());
    double sum = 0.0;
    for (float v : t.target_ms) sum += static_cast<double>(v);
    c.target_ms_mean = sum / static_cast<double>(t.target_ms.size());
    c.target_ms_p50 = quantile(t.target_ms, 0.50);
    c.target_ms_p95 = quantile(t.target_ms, 0.95);
    c.target_ms_p99 = quantile(t.target_ms, 0.99);
  }
  const auto n = static_cast<double>(t.requests);
  c.response_bytes_mean = t.bytes_sum / n;
  c.response_bytes_sd = std::sqrt(std::max(0.0, t.bytes_sq / n - c.response_bytes_mean * c.response_bytes_mean));
  c.per_interval.assign(intervals, 0);
  for (const auto& [k, v] : t.by_interval) c.per_interval[static_cast<std::size_t>(k - first_index)] = v;
  return c;
}

// The class's `response_bytes`: a lognormal with the logged mean and standard deviation (the
// method of moments keeps the mean, so data out is metered as logged), or const() without spread.
std::string response_bytes(const AlbClassObserved& c) {
  const double mean = std::round(c.response_bytes_mean);
  if (mean <= 0.0 || c.response_bytes_sd < 0.5) return "const(" + num(mean) + ")";
  const double cv = c.response_bytes_sd / c.response_bytes_mean;
  const double sigma = std::sqrt(std::log1p(cv * cv));
  return "lognormal(mean=" + num(mean) + ", sigma=" + fixed(sigma, 4) + ")";
}

// A stage time: whole seconds stay seconds ("86340s") where format_duration would print an exponent.
std::string at_text(sim::Time t) {
  if (t == 0) return "0s";
  if (t % sim::kMinute == 0 || t % sim::kSecond != 0) return sim::format_duration(t);
  return std::to_string(t / sim::kSecond) + "s";
}

std::string ms(const std::optional<double>& v) { return v ? fixed(*v, 1) : "-"; }

std::string padded(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

class Lines {
 public:
  void add(int indent, const std::string& text, const std::string& comment = {}) {
    std::string l(static_cast<std::size_t>(indent) * 2, ' ');
    l += text;
    if (!comment.empty()) l = padded(l, kCommentColumn) + (l.size() >= kCommentColumn ? "  # " : "# ") + comment;
    text_ += l + "\n";
  }
  void comment(const std::string& text) { text_ += text.empty() ? "#\n" : "# " + text + "\n"; }
  void blank() { text_ += "\n"; }
  std::string text() const { return text_; }

 private:
  std::string text_;
};

// The region of a target group ARN (arn:aws:elasticloadbalancing:REGION:...), empty when none.
std::string arn_region(const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0) return {};
  std::size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    pos = arn.find(':', pos);
    if (pos == std::string::npos) return {};
    ++pos;
  }
  const auto end = arn.find(':', pos);
  return end == std::string::npos ? std::string() : arn.substr(pos, end - pos);
}

// The classes whose share of an hour's requests moves by more than kMixDrift between the hours
// (of at least kMixHourMin requests; with intervals of an hour or more, between intervals):
// "get-a 20.0-45.0 %, post-b 5.0-30.0 %", empty when none.
constexpr double kMixDrift = 0.10;
constexpr std::int64_t kMixHourMin = 100;

std::string mix_drift(const AlbLogImport& a, std::size_t intervals) {
  const double interval_s = sim::to_seconds(a.interval);
  const auto block = static_cast<std::size_t>(std::max(1.0, std::floor(3600.0 / interval_s)));
  std::string out;
  for (const auto& c : a.classes) {
    double lo = 1.0;
    double hi = 0.0;
    for (std::size_t b = 0; b < intervals; b += block) {
      std::int64_t all = 0;
      std::int64_t mine = 0;
      for (std::size_t i = b; i < std::min(intervals, b + block); ++i) {
        all += a.per_interval[i];
        mine += c.per_interval[i];
      }
      if (all < kMixHourMin) continue;
      const double share = static_cast<double>(mine) / static_cast<double>(all);
      lo = std::min(lo, share);
      hi = std::max(hi, share);
    }
    if (hi - lo > kMixDrift) out += (out.empty() ? "" : ", ") + c.name + " " + fixed(100.0 * lo, 1) + "-" + fixed(100.0 * hi, 1) + " %";
  }
  return out.empty() ? out : out + " of an hour's requests";
}

}  // namespace

std::string path_template(const std::string& path) {
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      out += '/';
      ++i;
      continue;
    }
    const auto end = std::min(path.find('/', i), path.size());
    const std::string seg = path.substr(i, end - i);
    out += is_id_segment(seg) ? "{id}" : seg;
    i = end;
  }
  return out.empty() ? "/" : out;
}

AlbClassRule parse_alb_class_rule(const std::string& text) {
  const auto eq = text.find('=');
  const auto colon = eq == std::string::npos ? std::string::npos : text.find(':', eq + 1);
  if (eq == std::string::npos || eq == 0 || colon == std::string::npos || colon == eq + 1 || colon + 1 == text.size()) {
    throw ImportError({"--class " + text + ": expected NAME=METHOD:REGEX, e.g. list=GET:^/api/bookmarks$ (METHOD * for any)"});
  }
  AlbClassRule r{text.substr(0, eq), text.substr(eq + 1, colon - eq - 1), text.substr(colon + 1)};
  if (r.name == kOther) throw ImportError({"--class " + text + ": 'other' is the class of what no rule matches; choose another name"});
  try {
    std::regex check(r.pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw ImportError({"--class " + text + ": '" + r.pattern + "' is not a regular expression (" + e.what() + ")"});
  }
  return r;
}

AlbLogImport import_alb_logs(const AlbLogImportOptions& o) {
  if (o.files.empty()) throw ImportError({"no access log files given"});
  if (o.interval < sim::kSecond) throw ImportError({"--interval must be at least 1s"});
  if (o.max_classes < 1) throw ImportError({"--max-classes must be at least 1"});
  for (std::size_t i = 0; i < o.classes.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (o.classes[i].name == o.classes[j].name) throw ImportError({"--class " + o.classes[i].name + ": two rules have this name; give each class one rule"});
    }
  }
  AlbLogImport out;
  out.interval = o.interval;
  const double interval_s = sim::to_seconds(o.interval);
  std::vector<std::regex> regexes;
  for (const auto& r : o.classes) regexes.emplace_back(r.pattern, std::regex::ECMAScript | std::regex::optimize);
  std::map<std::string, Tally> tallies;  // by class name (rules) or "METHOD template" (clustering)
  std::set<std::string> targets;
  std::string region;
  std::int64_t first_index = std::numeric_limits<std::int64_t>::max();
  std::int64_t last_index = std::numeric_limits<std::int64_t>::min();
  double first = std::numeric_limits<double>::infinity();
  double last = -std::numeric_limits<double>::infinity();
  std::vector<std::string> errors;

  const auto on_entry = [&](const AlbLogEntry& e) {
    const std::string path = e.path();
    if (path.empty() || !is_token(e.method)) {
      ++out.without_request;
      return;
    }
    const double t = e.arrival_s();
    const auto index = static_cast<std::int64_t>(std::floor(t / interval_s));
    first_index = std::min(first_index, index);
    last_index = std::max(last_index, index);
    first = std::min(first, t);
    last = std::max(last, t);
    if (e.target != "-") targets.insert(e.target);
    if (region.empty() && !e.target_group_arn.empty()) region = arn_region(e.target_group_arn);
    std::string key = kOther;
    std::string method;
    std::string pattern = "no --class rule matches";
    if (!o.classes.empty()) {
      for (std::size_t i = 0; i < o.classes.size(); ++i) {
        const auto& r = o.classes[i];
        if ((r.method == "*" || r.method == e.method) && std::regex_search(path, regexes[i])) {
          key = r.name;
          method = r.method;
          pattern = r.pattern;
          break;
        }
      }
    } else {
      pattern = path_template(path);
      method = e.method;
      key = method + " " + pattern;
    }
    auto& tally = tallies[key];
    if (tally.requests == 0) {
      tally.method = method;
      tally.pattern = pattern;
      tally.path = printable_path(path);
      tally.path_method = e.method;
    }
    tally.add(e, index);
  };
  const auto on_bad = [&](const std::string& message) {
    if (static_cast<std::int64_t>(out.skipped.size()) < o.skip_bad) {
      out.skipped.push_back(message);
      return true;
    }
    errors.push_back(message);
    return false;
  };
  for (const auto& file : o.files) {
    const auto stats = read_alb_log(file, on_entry, on_bad);
    out.lines += stats.lines;
    out.entries += stats.entries;
    if (!errors.empty()) break;
  }
  if (!errors.empty()) {
    errors.push_back(o.skip_bad > 0 ? "more than " + std::to_string(o.skip_bad) + " bad lines (--skip-bad " + std::to_string(o.skip_bad) + "); nothing imported"
                                    : "nothing imported (--skip-bad N allows up to N bad lines, each reported)");
    throw ImportError(errors);
  }
  if (tallies.empty()) {
    throw ImportError({o.files.front() + ": no request in the access logs" +
                       (out.without_request > 0 ? " (" + std::to_string(out.without_request) + " entries have no request line)" : std::string())});
  }

  // The classes in the scenario's order: the rules' order, or the busiest templates first.
  std::vector<std::pair<std::string, Tally>> ordered;
  if (!o.classes.empty()) {
    for (const auto& r : o.classes) {
      if (auto it = tallies.find(r.name); it != tallies.end()) ordered.emplace_back(r.name, std::move(it->second));
    }
    if (auto it = tallies.find(kOther); it != tallies.end()) ordered.emplace_back(kOther, std::move(it->second));
  } else {
    std::vector<std::pair<std::string, Tally>> all;
    for (auto& [k, t] : tallies) all.emplace_back(k, std::move(t));
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.second.requests > b.second.requests; });
    const auto keep = std::min(all.size(), static_cast<std::size_t>(o.max_classes));
    std::set<std::string> names = {kOther};
    for (std::size_t i = 0; i < keep; ++i) {
      std::string name = class_name(all[i].second.method, all[i].second.pattern);
      for (int n = 2; !names.insert(name).second; ++n) name = class_name(all[i].second.method, all[i].second.pattern) + "-" + std::to_string(n);
      ordered.emplace_back(name, std::move(all[i].second));
    }
    if (keep < all.size()) {
      Tally rest;
      rest.path = all[keep].second.path;  // the busiest of the rest
      rest.path_method = all[keep].second.path_method;
      for (std::size_t i = keep; i < all.size(); ++i) rest.merge(std::move(all[i].second));
      rest.pattern = std::to_string(all.size() - keep) + " other templates";
      ordered.emplace_back(kOther, std::move(rest));
    }
  }
  if (last_index - first_index + 1 > kMaxIntervals) {
    throw ImportError({"the logs span " + std::to_string(last_index - first_index + 1) + " intervals of " + sim::format_duration(o.interval) +
                       " (from " + reports::iso8601(first) + " to " + reports::iso8601(last) + "), more than " + std::to_string(kMaxIntervals) +
                       "; give a longer --interval, or fewer files"});
  }
  const auto intervals = static_cast<std::size_t>(last_index - first_index + 1);
  out.origin_s = static_cast<double>(first_index) * interval_s;
  out.first_arrival_s = first;
  out.last_arrival_s = last;
  out.targets_seen = static_cast<std::int64_t>(targets.size());
  out.per_interval.assign(intervals, 0);
  std::int64_t total = 0;
  for (auto& [name, t] : ordered) {
    out.classes.push_back(observe(name, t, first_index, intervals));
    for (std::size_t i = 0; i < intervals; ++i) out.per_interval[i] += out.classes.back().per_interval[i];
    total += t.requests;
  }

  // ---- the scenario
  const std::string name = o.name.empty() ? "alb-logs" : o.name;
  const bool known_region = !region.empty() && [&] {
    const auto regions = builtin_regions();
    return std::find(regions.begin(), regions.end(), region) != regions.end();
  }();
  auto& result = out.result;
  result.name = name;
  auto& fill = result.fill_in;
  fill.push_back("workload.requests[*].steps: each class's demand — CPU time and queries per request (now cpu: " + std::string(kAssumedRequestCpu) +
                 "); the simulated classes should come close to the observed target latency of the header");
  fill.push_back("load_balancer and services: the architecture (now one Fargate service, web, behind the ALB; or copy this workload into a "
                 "scenario of `loadcast import copilot|terraform`)");
  if (!known_region) fill.push_back("region: " + std::string(region.empty() ? "the logs have no target group ARN" : "the logs' region " + region + " has no built-in price table") +
                                    " (now us-east-1)");
  if (out.without_request > 0) {
    result.findings.push_back({ImportFinding::Kind::kNote, "access logs",
                               std::to_string(out.without_request) + " entries without a request line (\"- - -\") are left out of the workload"});
  }
  for (const auto& s : out.skipped) result.findings.push_back({ImportFinding::Kind::kNotImported, s, "skipped (--skip-bad): not in the workload"});
  result.findings.push_back({ImportFinding::Kind::kNote, "workload.requests",
                             "the mix is the span's overall mix: every class has its share of every interval (the observed JSON has the per-interval counts)"});
  if (const auto drift = mix_drift(out, intervals); !drift.empty()) {
    result.findings.push_back({ImportFinding::Kind::kNote, "workload.requests", "the logged mix changes over the span, which the scenario's one mix does not: " + drift});
  }
  result.findings.push_back({ImportFinding::Kind::kNote, "workload.arrivals",
                             "open arrivals at the logged rate: sessions, think times and retries of the logged clients are not derived"});

  const std::int64_t peak = *std::max_element(out.per_interval.begin(), out.per_interval.end());
  const sim::Time duration = static_cast<sim::Time>(intervals) * o.interval;
  Lines y;
  std::string command = "loadcast import alb-logs " + o.files.front();
  if (o.files.size() > 1) command += " (+" + std::to_string(o.files.size() - 1) + " files)";
  y.comment(name + ": imported by `" + command + "`.");
  y.comment("");
  y.comment(std::to_string(total) + " requests arriving from " + reports::iso8601(first) + " to " + reports::iso8601(last) + " (time 0 is " + reports::iso8601(out.origin_s) + "),");
  y.comment("counted in " + std::to_string(intervals) + " intervals of " + sim::format_duration(o.interval) + " (peak " + num(static_cast<double>(peak) / interval_s) +
            " requests/s); " + std::to_string(out.lines) + " lines read, " + std::to_string(out.skipped.size()) + " skipped, " +
            std::to_string(out.without_request) + " without a request line; " + std::to_string(out.targets_seen) + " distinct targets.");
  y.comment("");
  y.comment("Observed per class (target_processing_time; compare with the result's classes.<name>.latency_ms):");
  y.comment("  " + padded("class", 28) + padded("requests", 10) + padded("p50 ms", 9) + padded("p95 ms", 9) + padded("p99 ms", 9) + padded("4xx", 8) +
            padded("5xx", 8) + "target -1");
  for (const auto& c : out.classes) {
    y.comment("  " + padded(c.name, 28) + padded(std::to_string(c.requests), 10) + padded(ms(c.target_ms_p50), 9) + padded(ms(c.target_ms_p95), 9) +
              padded(ms(c.target_ms_p99), 9) + padded(std::to_string(c.status_4xx), 8) + padded(std::to_string(c.status_5xx), 8) +
              std::to_string(c.target_time_missing));
  }
  y.comment("");
  y.comment("Keys without \"ASSUMPTION\" come from the logs; fill in:");
  for (std::size_t i = 0; i < fill.size(); ++i) y.comment("  " + std::to_string(i + 1) + ". " + fill[i]);
  y.comment("Notes:");
  for (const auto& f : result.findings) y.comment("  - " + f.where + ": " + f.what);
  y.add(0, "name: " + yaml_scalar(name));
  if (known_region) y.add(0, "region: " + region, "target_group_arn");
  else y.add(0, "region: us-east-1", "ASSUMPTION");
  y.add(0, "duration: " + sim::format_duration(duration), std::to_string(intervals) + " intervals of " + sim::format_duration(o.interval));
  y.blank();
  y.add(0, "workload:");
  y.add(1, "arrivals:");
  y.add(2, "process: poisson");
  y.add(2, "stages:", "requests/s of each interval (count / interval), as steps");
  for (std::size_t i = 0; i < intervals;) {
    std::size_t j = i + 1;
    while (j < intervals && out.per_interval[j] == out.per_interval[i]) ++j;
    const std::string rate = num(static_cast<double>(out.per_interval[i]) / interval_s);
    y.add(3, "- { at: " + at_text(static_cast<sim::Time>(i) * o.interval) + ", rate: " + rate + " }");
    y.add(3, "- { at: " + at_text(static_cast<sim::Time>(j) * o.interval) + ", rate: " + rate + " }");
    i = j;
  }
  y.add(1, "requests:");
  for (const auto& c : out.classes) {
    const double share = 100.0 * static_cast<double>(c.requests) / static_cast<double>(total);
    y.add(2, "- name: " + yaml_scalar(c.name), c.method.empty() ? c.pattern : c.method + " " + c.pattern);
    y.add(3, "weight: " + std::to_string(c.requests), "requests in the logs (" + fixed(share, 2) + " %)");
    y.add(3, "method: " + yaml_scalar(c.path_method));
    y.add(3, "path: " + yaml_scalar(c.path), "logged in the class");
    y.add(3, "response_bytes: '" + response_bytes(c) + "'",
          "sent_bytes: mean " + fixed(c.response_bytes_mean, 0) + ", sd " + fixed(c.response_bytes_sd, 0));
    y.add(3, "steps:");
    y.add(4, "- cpu: " + std::string(kAssumedRequestCpu), "ASSUMPTION: the class's demand");
  }
  const std::int64_t max_tasks = std::max<std::int64_t>(10, 2 * out.targets_seen);
  y.blank();
  y.add(0, "load_balancer:", "ASSUMPTION: the architecture");
  y.add(1, "type: alb");
  y.add(1, "rules: [ { path: \"/*\", service: web } ]");
  y.add(0, "services:");
  const std::int64_t desired = std::max<std::int64_t>(1, std::min<std::int64_t>(out.targets_seen, max_tasks));
  y.add(1, "web:", "ASSUMPTION: one service for every class");
  y.add(2, "type: fargate");
  y.add(2, "cpu: 1024", "ASSUMPTION");
  y.add(2, "memory: 2048", "ASSUMPTION");
  y.add(2, "threads: 1", "ASSUMPTION: runnable threads per task (Node.js: 1)");
  y.add(2, "desired: " + std::to_string(desired), "the distinct targets the logs name");
  y.add(2, "autoscaling: { min: 1, max: " + std::to_string(max_tasks) + ", policies: [ { type: target_tracking, metric: cpu, target: 70 } ] }",
        "ASSUMPTION");
  result.yaml = y.text();
  return out;
}

std::string AlbLogImport::observed_json() const {
  nlohmann::ordered_json j;
  j["schema"] = "loadcast.alb_observed/v1";
  j["lines"] = lines;
  j["entries"] = entries;
  j["skipped"] = skipped;
  j["without_request"] = without_request;
  j["first_arrival_s"] = first_arrival_s;
  j["last_arrival_s"] = last_arrival_s;
  j["origin_utc"] = reports::iso8601(origin_s);
  j["interval_s"] = sim::to_seconds(interval);
  j["targets_seen"] = targets_seen;
  j["requests_per_interval"] = per_interval;
  auto& cls = j["classes"];
  cls = nlohmann::ordered_json::object();
  for (const auto& c : classes) {
    nlohmann::ordered_json e;
    e["method"] = c.method;
    e["pattern"] = c.pattern;
    e["path"] = c.path;
    e["path_method"] = c.path_method;
    e["requests"] = c.requests;
    e["by_status"] = {{"2xx", c.status_2xx}, {"3xx", c.status_3xx}, {"4xx", c.status_4xx}, {"5xx", c.status_5xx}};
    e["no_target_response"] = c.no_target_response;
    e["target_time_missing"] = c.target_time_missing;
    auto opt = [](const std::optional<double>& v) { return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr); };
    e["target_ms"] = {{"mean", opt(c.target_ms_mean)}, {"p50", opt(c.target_ms_p50)}, {"p95", opt(c.target_ms_p95)}, {"p99", opt(c.target_ms_p99)}};
    e["response_bytes"] = {{"mean", c.response_bytes_mean}, {"sd", c.response_bytes_sd}};
    e["requests_per_interval"] = c.per_interval;
    cls[c.name] = std::move(e);
  }
  return j.dump(2) + "\n";
}

}  // namespace loadcast::scenario
