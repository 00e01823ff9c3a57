#include "loadgen/resource_sampler.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>
#include <thread>

#include "loadgen/clock.hpp"

namespace loadcast::loadgen {

namespace {

constexpr long kPrometheusTimeoutMs = 2000;
constexpr std::size_t kMaxPrometheusBytes = 64u << 20;

std::optional<std::string> read_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot be read";
    return std::nullopt;
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool exists(const std::string& path) { return std::ifstream(path).good(); }

// "key value" lines (cpu.stat): the value of `key`, if present and numeric.
std::optional<double> stat_field(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string k;
  std::string v;
  while (in >> k >> v) {
    if (k != key) continue;
    try {
      std::size_t used = 0;
      const double d = std::stod(v, &used);
      if (used == v.size() && d >= 0.0) return d;
    } catch (const std::exception&) {
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// The same cgroup in the sibling v1 hierarchy: …/cpu/G → …/cpuacct/G and back.
std::string sibling(const std::string& path, const std::string& from, const std::string& to) {
  const std::string needle = "/" + from + "/";
  const std::string dir = path.back() == '/' ? path : path + "/";
  const auto at = dir.rfind(needle);
  if (at == std::string::npos) return {};
  return dir.substr(0, at) + "/" + to + "/" + dir.substr(at + needle.size());
}

std::string join(const std::string& dir, const std::string& file) {
  return dir.empty() ? std::string() : (dir.back() == '/' ? dir + file : dir + "/" + file);
}

// Whether the cgroup directory `dir` has a CFS quota of its own: v2's cpu.max other than "max …",
// v1's cpu.cfs_quota_us other than -1. Unreadable: no.
bool has_quota(const std::filesystem::path& dir) {
  std::string value;
  if (std::ifstream max(dir / "cpu.max"); max >> value) return value != "max";
  if (std::ifstream quota(dir / "cpu.cfs_quota_us"); quota >> value) return value != "-1";
  return false;
}

// Adds to `c` the CFS counters of the groups below `dir` that have a quota of their own (a group
// without one is looked into in turn); false when there is none. The sum is what the simulator
// reports for a service of several tasks: throttled periods over periods, pooled over the tasks.
bool add_quota_groups_below(const std::filesystem::path& dir, CpuCounters& c) {
  namespace fs = std::filesystem;
  bool found = false;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->symlink_status(type_ec).type() != fs::file_type::directory) continue;
    if (!has_quota(it->path())) {
      found = add_quota_groups_below(it->path(), c) || found;
      continue;
    }
    std::string error;
    const auto text = read_file((it->path() / "cpu.stat").string(), error);
    if (!text) continue;  // removed while listed
    const auto periods = stat_field(*text, "nr_periods"), throttled = stat_field(*text, "nr_throttled");
    if (!periods || !throttled) continue;
    c.periods = c.periods.value_or(0.0) + *periods;
    c.throttled = c.throttled.value_or(0.0) + *throttled;
    const auto usec = stat_field(*text, "throttled_usec");
    const auto ns = stat_field(*text, "throttled_time");
    if (usec || ns) c.throttled_s = c.throttled_s.value_or(0.0) + (usec ? *usec / 1e6 : *ns / 1e9);
    found = true;
  }
  return found;
}

// A group without a quota of its own (a service's, holding its tasks' groups) takes its CFS
// counters from the groups below it that have one; `cpu_dir` is the group in the hierarchy with
// the cpu controller's files.
void take_quota_groups_below(const std::string& cpu_dir, CpuCounters& c) {
  if (cpu_dir.empty() || has_quota(cpu_dir)) return;
  CpuCounters below;
  if (!add_quota_groups_below(cpu_dir, below)) return;
  c.periods = below.periods;
  c.throttled = below.throttled;
  c.throttled_s = below.throttled_s;
}

std::optional<CpuCounters> read_cgroup(const std::string& dir, std::string& error) {
  const std::string stat_path = join(dir, "cpu.stat");
  if (exists(stat_path)) {
    auto text = read_file(stat_path, error);
    if (!text) return std::nullopt;
    if (text->find("usage_usec") != std::string::npos) {
      auto c = parse_cgroup_v2_cpu_stat(*text, error);
      if (c) take_quota_groups_below(dir, *c);
      return c;
    }
  }
  // cgroup v1: cpuacct.usage here or in the cpuacct hierarchy; cpu.stat here or in the cpu one.
  std::string usage_path = join(dir, "cpuacct.usage");
  if (!exists(usage_path)) usage_path = join(sibling(dir, "cpu", "cpuacct"), "cpuacct.usage");
  if (usage_path.empty() || !exists(usage_path)) {
    error = dir + ": neither cpu.stat with usage_usec (cgroup v2) nor cpuacct.usage (cgroup v1) found there"
                  " or in the sibling cpuacct hierarchy";
    return std::nullopt;
  }
  auto usage = read_file(usage_path, error);
  if (!usage) return std::nullopt;
  CpuCounters c;
  try {
    std::size_t used = 0;
    const double ns = std::stod(*usage, &used);
    if (ns < 0.0) throw std::invalid_argument("negative");
    c.cpu_s = ns / 1e9;
  } catch (const std::exception&) {
    error = usage_path + ": not a number of nanoseconds";
    return std::nullopt;
  }
  std::string cpu_dir = dir;
  if (!exists(stat_path)) cpu_dir = sibling(dir, "cpuacct", "cpu");
  const std::string cpu_stat = join(cpu_dir, "cpu.stat");
  if (!cpu_stat.empty() && exists(cpu_stat)) {
    auto text = read_file(cpu_stat, error);
    if (!text || !parse_cgroup_v1_cpu_stat(*text, c, error)) return std::nullopt;
    take_quota_groups_below(cpu_dir, c);
  }
  return c;
}

// The voluntary context switches of process `pid`'s main thread; nullopt when it has exited.
std::optional<double> main_thread_switches(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/task/" + pid + "/status");
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  std::string error;
  return parse_voluntary_switches(text.str(), error);
}

// `dir`'s cgroup.procs into `out`; false when it cannot be read.
bool append_procs(const std::filesystem::path& dir, std::vector<long>& out) {
  std::ifstream in(dir / "cgroup.procs");
  if (!in) return false;
  long pid = 0;
  while (in >> pid) {
    if (pid > 0) out.push_back(pid);
  }
  return true;
}

void append_descendants(const std::filesystem::path& dir, std::vector<long>& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->symlink_status(type_ec).type() != fs::file_type::directory) continue;
    append_procs(it->path(), out);
    append_descendants(it->path(), out);
  }
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * n > kMaxPrometheusBytes) return 0;
  body->append(data, size * n);
  return size * n;
}

std::optional<std::string> http_get(const std::string& url, std::string& error) {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) {
    error = std::string("libcurl initialisation failed: ") + curl_easy_strerror(init);
    return std::nullopt;
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
  if (!easy) {
    error = "curl_easy_init failed";
    return std::nullopt;
  }
  std::string body;
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, kPrometheusTimeoutMs);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &body);
  const CURLcode rc = curl_easy_perform(easy.get());
  if (rc != CURLE_OK) {
    error = url + ": " + curl_easy_strerror(rc);
    return std::nullopt;
  }
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    error = url + ": HTTP status " + std::to_string(status);
    return std::nullopt;
  }
  return body;
}

// Prometheus labels `a="x",b="y"` (values with \" \\ \n escapes) into pairs; false when malformed.
bool parse_labels(const std::string& s, std::vector<std::pair<std::string, std::string>>& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
    if (i >= s.size()) break;
    const auto eq = s.find('=', i);
    if (eq == std::string::npos || eq + 1 >= s.size() || s[eq + 1] != '"') return false;
    std::string name = s.substr(i, eq - i);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    std::string value;
    std::size_t j = eq + 2;
    for (; j < s.size() && s[j] != '"'; ++j) {
      if (s[j] == '\\' && j + 1 < s.size()) {
        ++j;
        value += s[j] == 'n' ? '\n' : s[j];
      } else {
        value += s[j];
      }
    }
    if (j >= s.size() || name.empty()) return false;
    out.emplace_back(std::move(name), std::move(value));
    i = j + 1;
  }
  return true;
}

}  // namespace

SampleSpecParse parse_sample_spec(const std::string& text) {
  SampleSpecParse r;
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    r.error = "--sample " + text + ": expected NAME=cgroup:PATH, NAME=pid:PID or NAME=prometheus:URL";
    return r;
  }
  SampleSpec s;
  s.text = text;
  s.name = text.substr(0, eq);
  for (char ch : s.name) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-')) {
      r.error = "--sample " + text + ": the name '" + s.name + "' may use letters, digits, '_' and '-' only (it names a series)";
      return r;
    }
  }
  const std::string source = text.substr(eq + 1);
  const auto colon = source.find(':');
  const std::string kind = colon == std::string::npos ? source : source.substr(0, colon);
  const std::string rest = colon == std::string::npos ? std::string() : source.substr(colon + 1);
  if (kind == "cgroup") {
    s.kind = SampleKind::kCgroup;
    if (rest.empty() || rest.front() != '/') {
      r.error = "--sample " + text + ": cgroup: needs the cgroup's absolute directory, e.g. /sys/fs/cgroup/cpu/app";
      return r;
    }
    s.target = rest;
  } else if (kind == "pid") {
    s.kind = SampleKind::kPid;
    const bool digits = !rest.empty() && rest.size() <= 10 && std::all_of(rest.begin(), rest.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!digits || std::stoll(rest) <= 0) {
      r.error = "--sample " + text + ": pid: needs a process id, a positive integer";
      return r;
    }
    s.target = rest;
  } else if (kind == "prometheus") {
    s.kind = SampleKind::kPrometheus;
    std::string url = rest;
    const auto hash = rest.rfind('#');
    if (hash != std::string::npos) {
      url = rest.substr(0, hash);
      std::string sel = rest.substr(hash + 1);
      const auto brace = sel.find('{');
      s.metric = sel.substr(0, brace);
      if (brace != std::string::npos) {
        if (sel.back() != '}' || !parse_labels(sel.substr(brace + 1, sel.size() - brace - 2), s.labels)) {
          r.error = "--sample " + text + ": the selector after '#' must be METRIC or METRIC{label=\"value\",...}";
          return r;
        }
      }
      if (s.metric.empty()) {
        r.error = "--sample " + text + ": no metric name after '#'";
        return r;
      }
    }
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      r.error = "--sample " + text + ": prometheus: needs an http:// or https:// URL of the metrics endpoint";
      return r;
    }
    s.target = url;
  } else {
    r.error = "--sample " + text + ": unknown source '" + kind + "' (cgroup:PATH, pid:PID or prometheus:URL)";
    return r;
  }
  r.value = std::move(s);
  return r;
}

std::optional<CpuCounters> parse_cgroup_v2_cpu_stat(const std::string& text, std::string& error) {
  const auto usage = stat_field(text, "usage_usec");
  if (!usage) {
    error = "cpu.stat has no usage_usec";
    return std::nullopt;
  }
  CpuCounters c;
  c.cpu_s = *usage / 1e6;
  // nr_periods and the others appear once the cpu controller is enabled for the group.
  c.periods = stat_field(text, "nr_periods");
  c.throttled = stat_field(text, "nr_throttled");
  if (const auto t = stat_field(text, "throttled_usec")) c.throttled_s = *t / 1e6;
  return c;
}

bool parse_cgroup_v1_cpu_stat(const std::string& text, CpuCounters& c, std::string& error) {
  c.periods = stat_field(text, "nr_periods");
  c.throttled = stat_field(text, "nr_throttled");
  if (const auto t = stat_field(text, "throttled_time")) c.throttled_s = *t / 1e9;
  if (!c.periods || !c.throttled) {
    error = "cpu.stat has no nr_periods/nr_throttled";
    return false;
  }
  return true;
}

std::optional<double> parse_voluntary_switches(const std::string& status_text, std::string& error) {
  static const std::string key = "voluntary_ctxt_switches:";
  std::istringstream in(status_text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) != 0) continue;
    std::istringstream rest(line.substr(key.size()));
    std::string value, extra;
    rest >> value;
    const bool digits = !value.empty() && value.size() <= 19 &&
                        std::all_of(value.begin(), value.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!digits || (rest >> extra)) {
      std::string given = line.substr(key.size());
      given.erase(0, given.find_first_not_of(" \t"));
      given.erase(given.find_last_not_of(" \t\r") + 1);
      error = "voluntary_ctxt_switches ('" + given + "') is not a count";
      return std::nullopt;
    }
    return static_cast<double>(std::stoull(value));
  }
  error = "no voluntary_ctxt_switches line";
  return std::nullopt;
}

std::optional<std::vector<long>> cgroup_pids(const std::string& dir) {
  std::vector<long> pids;
  if (!append_procs(dir, pids)) return std::nullopt;
  append_descendants(dir, pids);
  std::sort(pids.begin(), pids.end());
  pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
  return pids;
}

double main_thread_wakeups(const std::vector<long>& pids) {
  double sum = 0.0;
  for (long pid : pids) sum += main_thread_switches(std::to_string(pid)).value_or(0.0);
  return sum;
}

std::optional<double> parse_proc_stat_cpu_s(const std::string& text, double ticks_per_s, std::string& error) {
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so fields count from the
  // last ')'. utime and stime are fields 14 and 15, the 12th and 13th after the state (field 3).
  const auto close = text.rfind(')');
  if (close == std::string::npos) {
    error = "no ')' after the command name";
    return std::nullopt;
  }
  std::istringstream in(text.substr(close + 1));
  std::string field;
  double utime = 0.0, stime = 0.0;
  for (int k = 3; k <= 15; ++k) {
    if (!(in >> field)) {
      error = "fewer than 15 fields";
      return std::nullopt;
    }
    if (k == 14 || k == 15) {
      try {
        std::size_t used = 0;
        const double v = std::stod(field, &used);
        if (used != field.size() || v < 0.0) throw std::invalid_argument("bad");
        (k == 14 ? utime : stime) = v;
      } catch (const std::exception&) {
        error = "field " + std::to_string(k) + " ('" + field + "') is not a tick count";
        return std::nullopt;
      }
    }
  }
  return (utime + stime) / ticks_per_s;
}

std::optional<double> parse_prometheus_sum(const std::string& text, const SampleSpec& spec, std::string& error) {
  std::istringstream in(text);
  std::string line;
  double sum = 0.0;
  std::size_t matched = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.compare(0, spec.metric.size(), spec.metric) != 0) continue;
    const std::size_t after = spec.metric.size();
    if (after < line.size() && line[after] != '{' && line[after] != ' ' && line[after] != '\t') continue;  // a longer name
    std::vector<std::pair<std::string, std::string>> labels;
    std::size_t value_at = after;
    if (after < line.size() && line[after] == '{') {
      const auto close = line.find('}', after);
      if (close == std::string::npos || !parse_labels(line.substr(after + 1, close - after - 1), labels)) continue;
      value_at = close + 1;
    }
    const bool wanted = std::all_of(spec.labels.begin(), spec.labels.end(), [&](const auto& want) {
      return std::find(labels.begin(), labels.end(), want) != labels.end();
    });
    if (!wanted) continue;
    std::istringstream v(line.substr(value_at));
    std::string number;
    if (!(v >> number)) continue;
    try {
      std::size_t used = 0;
      const double d = std::stod(number, &used);
      if (used != number.size() || !std::isfinite(d)) continue;
      sum += d;
      ++matched;
    } catch (const std::exception&) {
    }
  }
  if (matched == 0) {
    error = "no sample of " + spec.metric + (spec.labels.empty() ? std::string() : " with the given labels");
    return std::nullopt;
  }
  return sum;
}

std::optional<CpuCounters> read_counters(const SampleSpec& spec, std::string& error) {
  switch (spec.kind) {
    case SampleKind::kCgroup: {
      auto c = read_cgroup(spec.target, error);
      if (!c) return std::nullopt;
      if (const auto pids = cgroup_pids(spec.target)) c->wakeups = main_thread_wakeups(*pids);
      return c;
    }
    case SampleKind::kPid: {
      const std::string path = "/proc/" + spec.target + "/stat";
      auto text = read_file(path, error);
      if (!text) {
        error = path + ": cannot be read (no process " + spec.target + "?)";
        return std::nullopt;
      }
      static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
      std::string why;
      const auto s = parse_proc_stat_cpu_s(*text, ticks > 0.0 ? ticks : 100.0, why);
      if (!s) {
        error = path + ": " + why;
        return std::nullopt;
      }
      CpuCounters c;
      c.cpu_s = *s;
      c.wakeups = main_thread_switches(spec.target);
      return c;
    }
    case SampleKind::kPrometheus: {
      auto body = http_get(spec.target, error);
      if (!body) return std::nullopt;
      std::string why;
      const auto s = parse_prometheus_sum(*body, spec, why);
      if (!s) {
        error = spec.target + ": " + why;
        return std::nullopt;
      }
      CpuCounters c;
      c.cpu_s = *s;
      return c;
    }
  }
  error = "unknown source";
  return std::nullopt;
}

struct ResourceSampler::Thread {
  std::thread thread;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
};

ResourceSampler::ResourceSampler(std::vector<SampleSpec> specs, sim::Time interval, std::uint64_t max_readings)
    : interval_(interval), max_readings_(max_readings) {
  for (auto& s : specs) traces_.push_back(SampleTrace{std::move(s), {}, {}, 0, {}});
}

ResourceSampler::~ResourceSampler() { stop(); }

void ResourceSampler::read_all() {
  for (auto& t : traces_) {
    std::string error;
    const auto c = read_counters(t.spec, error);
    const double now = wall_now_s();
    if (!c) {
      ++t.failed_reads;
      t.last_error = error;
      continue;
    }
    // A counter that went back (a restarted process, a recreated cgroup) breaks the series:
    // the reading is counted as failed rather than read as negative CPU.
    if (!t.counters.empty() && c->cpu_s < t.counters.back().cpu_s) {
      ++t.failed_reads;
      t.last_error = "the CPU counter went back from " + std::to_string(t.counters.back().cpu_s) + " s to " +
                     std::to_string(c->cpu_s) + " s (the process or cgroup was replaced?)";
      continue;
    }
    t.t_epoch.push_back(now);
    t.counters.push_back(*c);
  }
}

void ResourceSampler::start() {
  if (thread_ || traces_.empty()) return;
  thread_ = std::make_unique<Thread>();
  read_all();
  thread_->thread = std::thread([this] {
    const auto period = std::chrono::nanoseconds(interval_);
    auto next = std::chrono::steady_clock::now() + period;
    for (std::uint64_t n = 1; n < max_readings_; ++n) {
      {
        std::unique_lock lock(thread_->mutex);
        if (thread_->wake.wait_until(lock, next, [this] { return thread_->stopping; })) break;
      }
      read_all();
      next += period;
    }
  });
}

void ResourceSampler::stop() {
  if (!thread_ || !thread_->thread.joinable()) return;
  {
    std::lock_guard lock(thread_->mutex);
    thread_->stopping = true;
  }
  thread_->wake.notify_all();
  thread_->thread.join();
  read_all();  // the last reading, after the run's end
}

namespace {

// A counter at time t, interpolated linearly between the readings around it.
std::optional<double> at(const std::vector<double>& t, const std::vector<double>& v, double when) {
  if (t.empty() || when < t.front() || when > t.back()) return std::nullopt;
  const auto hi = std::lower_bound(t.begin(), t.end(), when);
  const std::size_t k = static_cast<std::size_t>(hi - t.begin());
  if (k == 0) return v[0];
  const double span = t[k] - t[k - 1];
  if (span <= 0.0) return v[k];
  return v[k - 1] + (v[k] - v[k - 1]) * (when - t[k - 1]) / span;
}

// Whether the counter fell between two readings whose span overlaps (a, b): a sum over processes
// that lost one, whose interpolated increase there is not the processes' own.
bool fell_within(const std::vector<double>& t, const std::vector<double>& v, double a, double b) {
  for (std::size_t k = 1; k < t.size(); ++k) {
    if (t[k] > a && t[k - 1] < b && v[k] < v[k - 1]) return true;
  }
  return false;
}

}  // namespace

void add_samples(reports::Result& result, const std::vector<SampleTrace>& traces, double started_epoch) {
  const auto& ts = result.timeseries;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  reports::Json samples = reports::Json::object();
  for (const auto& tr : traces) {
    std::vector<double> cpu, periods, throttled, wakeups;
    bool cfs = !tr.counters.empty();
    bool woke = !tr.counters.empty();
    for (const auto& c : tr.counters) {
      cpu.push_back(c.cpu_s);
      cfs = cfs && c.periods && c.throttled;
      periods.push_back(c.periods.value_or(0.0));
      throttled.push_back(c.throttled.value_or(0.0));
      woke = woke && c.wakeups;
      wakeups.push_back(c.wakeups.value_or(0.0));
    }
    // CFS figures only where a quota made periods elapse.
    cfs = cfs && periods.back() > periods.front();
    auto& vcpu = result.timeseries.series["resources." + tr.spec.name + ".cpu_vcpu"];
    std::vector<double>* ratio = cfs ? &result.timeseries.series["resources." + tr.spec.name + ".throttled_ratio"] : nullptr;
    std::vector<double>* wake = woke ? &result.timeseries.series["resources." + tr.spec.name + ".wakeups_per_s"] : nullptr;
    vcpu.clear();
    if (wake != nullptr) wake->clear();
    for (double t : ts.t_s) {
      const double a = started_epoch + t, b = a + ts.interval_s;
      const auto c0 = at(tr.t_epoch, cpu, a), c1 = at(tr.t_epoch, cpu, b);
      vcpu.push_back(c0 && c1 ? (*c1 - *c0) / ts.interval_s : nan);
      if (ratio != nullptr) {
        const auto p0 = at(tr.t_epoch, periods, a), p1 = at(tr.t_epoch, periods, b);
        const auto h0 = at(tr.t_epoch, throttled, a), h1 = at(tr.t_epoch, throttled, b);
        ratio->push_back(p0 && p1 && h0 && h1 ? (*p1 - *p0 > 0.0 ? (*h1 - *h0) / (*p1 - *p0) : 0.0) : nan);
      }
      if (wake != nullptr) {
        const auto w0 = at(tr.t_epoch, wakeups, a), w1 = at(tr.t_epoch, wakeups, b);
        wake->push_back(w0 && w1 && !fell_within(tr.t_epoch, wakeups, a, b) ? (*w1 - *w0) / ts.interval_s : nan);
      }
    }
    // The measured window (after the warm-up): the CPU it used and its mean vCPU.
    reports::Json s;
    s["source"] = tr.spec.text.substr(tr.spec.text.find('=') + 1);
    s["readings"] = tr.counters.size();
    s["failed_reads"] = tr.failed_reads;
    s["last_error"] = tr.last_error.empty() ? reports::Json(nullptr) : reports::Json(tr.last_error);
    const double from = started_epoch + result.warmup_s, to = from + result.duration_s;
    const auto c0 = at(tr.t_epoch, cpu, from), c1 = at(tr.t_epoch, cpu, to);
    s["cpu_s"] = c0 && c1 ? reports::Json(*c1 - *c0) : reports::Json(nullptr);
    s["mean_vcpu"] = c0 && c1 && result.duration_s > 0.0 ? reports::Json((*c1 - *c0) / result.duration_s) : reports::Json(nullptr);
    if (cfs) {
      const auto p0 = at(tr.t_epoch, periods, from), p1 = at(tr.t_epoch, periods, to);
      const auto h0 = at(tr.t_epoch, throttled, from), h1 = at(tr.t_epoch, throttled, to);
      s["throttled_ratio"] = p0 && p1 && h0 && h1 && *p1 > *p0 ? reports::Json((*h1 - *h0) / (*p1 - *p0)) : reports::Json(nullptr);
    } else {
      s["throttled_ratio"] = nullptr;
    }
    const auto w0 = woke ? at(tr.t_epoch, wakeups, from) : std::nullopt, w1 = woke ? at(tr.t_epoch, wakeups, to) : std::nullopt;
    s["wakeups_per_s"] = w0 && w1 && result.duration_s > 0.0 && !fell_within(tr.t_epoch, wakeups, from, to)
                             ? reports::Json((*w1 - *w0) / result.duration_s)
                             : reports::Json(nullptr);
    samples[tr.spec.name] = std::move(s);
  }
  result.sections["load"]["samples"] = std::move(samples);
}

}  // namespace loadcast::loadgen
