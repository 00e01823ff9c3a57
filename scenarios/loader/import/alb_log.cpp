#include "scenarios/loader/import/alb_log.hpp"

#include <unistd.h>
#include <zlib.h>

#include <array>
#include <charconv>
#include <cmath>
#include <memory>

#include "scenarios/loader/import/import.hpp"
#include "sim/input_file.hpp"

namespace loadcast::scenario {

namespace {

// The documented order (load-balancer-access-logs.html, "Access log entries").
constexpr std::array<const char*, 30> kFieldNames = {
    "type", "time", "elb", "client:port", "target:port", "request_processing_time", "target_processing_time",
    "response_processing_time", "elb_status_code", "target_status_code", "received_bytes", "sent_bytes", "request", "user_agent",
    "ssl_cipher", "ssl_protocol", "target_group_arn", "trace_id", "domain_name", "chosen_cert_arn", "matched_rule_priority",
    "request_creation_time", "actions_executed", "redirect_url", "error_reason", "target:port_list", "target_status_code_list",
    "classification", "classification_reason", "conn_trace_id"};
constexpr std::size_t kRequiredFields = 14;  // through "user_agent"
constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;

struct Token {
  std::string text;
  bool quoted = false;
};

// Splits at single spaces; a field that starts with '"' runs to the next '"' not escaped by '\'.
// Returns false (with `error` set) for an unterminated quote.
bool tokenize(std::string_view line, std::vector<Token>& out, std::string& error) {
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ') {
      ++i;
      continue;
    }
    Token t;
    if (line[i] == '"') {
      t.quoted = true;
      ++i;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i];
        if (c == '\\' && i + 1 < line.size()) {
          t.text += line[i + 1];
          i += 2;
          continue;
        }
        if (c == '"') {
          closed = true;
          ++i;
          break;
        }
        t.text += c;
        ++i;
      }
      if (!closed) {
        error = "the quoted field has no closing '\"'";
        out.push_back(std::move(t));
        return false;
      }
      if (i < line.size() && line[i] != ' ') {
        error = "the quoted field is followed by '" + std::string(1, line[i]) + "' instead of a space";
        out.push_back(std::move(t));
        return false;
      }
    } else {
      const std::size_t end = line.find(' ', i);
      t.text = std::string(line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      i = end == std::string_view::npos ? line.size() : end;
    }
    out.push_back(std::move(t));
  }
  return true;
}

std::string field_name(std::size_t index) { return index < kFieldNames.size() ? kFieldNames[index] : "field"; }

AlbLogParse fail(std::size_t index, std::string what) {
  AlbLogParse p;
  p.error = AlbLogFieldError{static_cast<int>(index + 1), field_name(index), std::move(what)};
  return p;
}

std::optional<double> number(const std::string& s) {
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> integer(const std::string& s) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? static_cast<unsigned>(-3) : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::optional<double> parse_alb_time(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac]Z
  if (s.size() < 20 || s.back() != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t n) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2), mi = digits(14, 2), se = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
  double frac = 0.0;
  const std::size_t rest = 19;
  if (s.size() > 20) {
    if (s[rest] != '.' || s.size() == 21) return std::nullopt;
    double scale = 0.1;
    for (std::size_t i = rest + 1; i + 1 < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      frac += (s[i] - '0') * scale;
      scale /= 10.0;
    }
  }
  const std::int64_t days = days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  return static_cast<double>(days * 86400 + *h * 3600 + *mi * 60 + *se) + frac;
}

double AlbLogEntry::arrival_s() const {
  if (request_creation_s) return *request_creation_s;
  return time_s - request_processing_s.value_or(0.0) - target_processing_s.value_or(0.0) - response_processing_s.value_or(0.0);
}

std::string AlbLogEntry::path() const {
  if (url.empty() || url == "-") return {};
  std::string_view u = url;
  if (const auto scheme = u.find("://"); scheme != std::string_view::npos) {
    u.remove_prefix(scheme + 3);
    const auto slash = u.find('/');
    u = slash == std::string_view::npos ? std::string_view("/") : u.substr(slash);
  }
  if (const auto q = u.find_first_of("?#"); q != std::string_view::npos) u = u.substr(0, q);
  if (u.empty()) return "/";
  return std::string(u);
}

AlbLogParse parse_alb_log_line(std::string_view line) {
  std::vector<Token> t;
  t.reserve(32);
  std::string error;
  if (!tokenize(line, t, error)) return fail(t.size() - 1, error);
  // The fields present are checked in order, so a short line names its first wrong field.
  const auto missing = [&] {
    return fail(t.size(), "missing: the entry has " + std::to_string(t.size()) + " fields, an ALB access log entry at least " +
                              std::to_string(kRequiredFields) + " (through \"user_agent\")");
  };
  const auto have = [&](std::size_t last) { return t.size() > last; };
  AlbLogEntry e;
  if (!have(0)) return missing();
  e.type = t[0].text;
  if (e.type.empty() || e.type == "-") return fail(0, "is empty (expected http, https, h2, grpcs, ws or wss)");
  if (!have(1)) return missing();
  const auto time = parse_alb_time(t[1].text);
  if (!time) return fail(1, "'" + t[1].text + "' is not an ISO 8601 UTC time such as 2018-07-02T22:23:00.186641Z");
  e.time_s = *time;
  if (!have(7)) return missing();
  e.elb = t[2].text;
  e.client = t[3].text;
  e.target = t[4].text;
  std::optional<double>* times[] = {&e.request_processing_s, &e.target_processing_s, &e.response_processing_s};
  for (std::size_t i = 5; i <= 7; ++i) {
    const auto v = number(t[i].text);
    if (!v || (*v < 0.0 && *v != -1.0)) return fail(i, "'" + t[i].text + "' is not a time in seconds (or -1)");
    if (*v >= 0.0) *times[i - 5] = *v;
  }
  if (!have(11)) return missing();
  std::optional<int>* codes[] = {&e.elb_status, &e.target_status};
  for (std::size_t i = 8; i <= 9; ++i) {
    if (t[i].text == "-") continue;
    const auto v = integer(t[i].text);
    if (!v || *v < 100 || *v > 999) return fail(i, "'" + t[i].text + "' is not an HTTP status code (or -)");
    *codes[i - 8] = static_cast<int>(*v);
  }
  std::int64_t* bytes[] = {&e.received_bytes, &e.sent_bytes};
  for (std::size_t i = 10; i <= 11; ++i) {
    const auto v = integer(t[i].text);
    if (!v || *v < 0) return fail(i, "'" + t[i].text + "' is not a byte count");
    *bytes[i - 10] = *v;
  }
  if (!have(12)) return missing();
  if (!t[12].quoted) return fail(12, "must be quoted: \"METHOD URL PROTOCOL\"");
  {
    std::string_view r = t[12].text;
    while (!r.empty() && r.back() == ' ') r.remove_suffix(1);
    const auto first = r.find(' ');
    const auto last = r.rfind(' ');
    if (first == std::string_view::npos || first == last || r.find(' ', first + 1) != last) {
      return fail(12, "\"" + t[12].text + "\" is not \"METHOD URL PROTOCOL\"");
    }
    e.method = std::string(r.substr(0, first));
    e.url = std::string(r.substr(first + 1, last - first - 1));
    e.protocol = std::string(r.substr(last + 1));
  }
  if (!have(13)) return missing();
  if (!t[13].quoted) return fail(13, "must be quoted");
  e.user_agent = t[13].text;
  if (t.size() > 16) e.target_group_arn = t[16].text;
  if (t.size() > 21 && t[21].text != "-") {
    const auto created = parse_alb_time(t[21].text);
    if (!created) return fail(21, "'" + t[21].text + "' is not an ISO 8601 UTC time such as 2018-07-02T22:22:48.364000Z");
    e.request_creation_s = *created;
  }
  AlbLogParse p;
  p.entry = std::move(e);
  return p;
}

AlbLogFileStats read_alb_log(const std::string& path, const std::function<void(const AlbLogEntry&)>& on_entry,
                             const std::function<bool(const std::string&)>& on_bad) {
  int fd = -1;
  try {
    fd = sim::open_input_file(path, "access log");
  } catch (const sim::InputFileError& e) {
    throw ImportError({e.what()});
  }
  std::unique_ptr<gzFile_s, int (*)(gzFile)> gz(gzdopen(fd, "rb"), gzclose);
  if (!gz) {
    ::close(fd);
    throw ImportError({path + ": cannot read the access log (out of memory)"});
  }
  AlbLogFileStats stats;
  std::string pending;
  std::int64_t line_no = 0;
  bool skipping_long = false;
  bool stop = false;
  auto take_line = [&](std::string_view line) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return;
    ++stats.lines;
    auto parsed = parse_alb_log_line(line);
    if (parsed.entry) {
      ++stats.entries;
      on_entry(*parsed.entry);
      return;
    }
    const auto& err = parsed.error;
    std::string msg = path + ":" + std::to_string(line_no) + ": field " + std::to_string(err.field) + " (" + err.name + ") " + err.what;
    stats.bad.push_back(msg);
    stop = !on_bad(msg);
  };
  std::vector<char> buf(std::size_t{1} << 16);
  while (!stop) {
    const int n = gzread(gz.get(), buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int code = 0;
      const char* why = gzerror(gz.get(), &code);
      throw ImportError({path + ": cannot read the access log (" + std::string(why ? why : "read error") + ")"});
    }
    if (n == 0) break;
    std::string_view chunk(buf.data(), static_cast<std::size_t>(n));
    while (!chunk.empty() && !stop) {
      const auto nl = chunk.find('\n');
      const auto piece = chunk.substr(0, nl);
      if (skipping_long) {
        if (nl != std::string_view::npos) skipping_long = false;
      } else {
        pending.append(piece);
        if (nl != std::string_view::npos) {
          take_line(pending);
          pending.clear();
        } else if (pending.size() > kMaxLineBytes) {
          ++line_no;
          ++stats.lines;
          std::string msg = path + ":" + std::to_string(line_no) + ": the line is longer than 1 MiB; not an ALB access log entry";
          stats.bad.push_back(msg);
          stop = !on_bad(msg);
          pending.clear();
          skipping_long = true;
        }
      }
      chunk = nl == std::string_view::npos ? std::string_view() : chunk.substr(nl + 1);
    }
  }
  if (!stop && !pending.empty() && !skipping_long) take_line(pending);
  return stats;
}

}  // namespace loadcast::scenario
