#include "loadgen/server_timing.hpp"

#include <charconv>
#include <cmath>

namespace loadcast::loadgen {

namespace {

bool tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~': return true;
    default: return false;
  }
}

// A cursor over one header value.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return s_[i_]; }
  void skip_ows() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool eat(char c) {
    if (done() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  std::string_view token() {
    const std::size_t from = i_;
    while (i_ < s_.size() && tchar(s_[i_])) ++i_;
    return s_.substr(from, i_ - from);
  }
  // A quoted string's content without its escapes' backslashes into `out`; false when it does
  // not end.
  bool quoted(std::string& out) {
    out.clear();
    ++i_;  // the opening quote
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (i_ >= s_.size()) return false;
        out += s_[i_++];
      } else {
        out += c;
      }
    }
    return false;
  }
  // After a malformed metric: on to the next comma outside a quoted string.
  void skip_metric() {
    bool in_quote = false;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (in_quote && c == '\\') {
        i_ += 2;
        continue;
      }
      if (c == '"') in_quote = !in_quote;
      else if (c == ',' && !in_quote) return;
      ++i_;
    }
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool parse_dur(std::string_view v, double& out) {
  if (v.empty()) return false;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && end == v.data() + v.size() && std::isfinite(out) && out >= 0.0;
}

}  // namespace

bool is_server_timing(std::string_view name) {
  constexpr std::string_view kName = "server-timing";
  if (name.size() != kName.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] - 'A' + 'a') : name[i];
    if (c != kName[i]) return false;
  }
  return true;
}

void ServerTimingRecord::add_header(std::string_view value) {
  ++headers;
  Scanner s(value);
  bool bad = false;
  std::string quoted_value;
  while (true) {
    s.skip_ows();
    if (s.done()) break;
    if (s.eat(',')) continue;  // an empty list element (the list syntax allows them)
    // One metric: name *( OWS ";" OWS param-name OWS "=" OWS param-value ).
    const std::string_view name = s.token();
    bool ok = !name.empty();
    bool has_dur = false;
    double dur = 0.0;
    while (ok) {
      s.skip_ows();
      if (s.done() || s.peek() == ',') break;
      if (!s.eat(';')) {
        ok = false;
        break;
      }
      s.skip_ows();
      const std::string_view param = s.token();
      s.skip_ows();
      if (param.empty() || !s.eat('=')) {
        ok = false;
        break;
      }
      s.skip_ows();
      std::string_view v;
      if (!s.done() && s.peek() == '"') {
        if (!s.quoted(quoted_value)) {
          ok = false;
          break;
        }
        v = quoted_value;
      } else {
        v = s.token();
        if (v.empty()) {
          ok = false;
          break;
        }
      }
      if (!has_dur && param.size() == 3 && (param[0] | 0x20) == 'd' && (param[1] | 0x20) == 'u' && (param[2] | 0x20) == 'r') {
        if (!parse_dur(v, dur)) {
          ok = false;
          break;
        }
        has_dur = true;
      }
    }
    if (!ok) {
      bad = true;
      s.skip_metric();
      continue;
    }
    if (has_dur && count < kMaxServerTimingEntries) {
      if (count == entries.size()) entries.emplace_back();
      entries[count].name.assign(name);
      entries[count].dur_ms = dur;
      ++count;
    }
  }
  if (bad) ++malformed;
}

const ServerTimingMetric* ServerTimingStats::find(std::string_view name) const {
  for (const auto& m : metrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

void ServerTimingStats::add_metric(std::string_view name, std::uint64_t n, double sum_ms) {
  for (auto& m : metrics) {
    if (m.name == name) {
      m.count += n;
      m.sum_ms += sum_ms;
      return;
    }
  }
  if (metrics.size() >= kMaxServerTimingNames) {
    unlisted += n;
    return;
  }
  metrics.push_back(ServerTimingMetric{std::string(name), n, sum_ms});
}

void ServerTimingStats::add(const ServerTimingRecord& r) {
  if (r.headers == 0) return;
  ++responses;
  malformed += r.malformed;
  for (std::size_t i = 0; i < r.count; ++i) add_metric(r.entries[i].name, 1, r.entries[i].dur_ms);
}

void ServerTimingStats::merge(const ServerTimingStats& o) {
  responses += o.responses;
  malformed += o.malformed;
  unlisted += o.unlisted;
  for (const auto& m : o.metrics) add_metric(m.name, m.count, m.sum_ms);
}

}  // namespace loadcast::loadgen
