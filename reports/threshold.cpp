#include "reports/threshold.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace loadcast::reports {

namespace {

std::string quote(const std::string& expr) { return "threshold '" + expr + "': "; }

ThresholdError malformed(const std::string& expr, const std::string& message) {
  return ThresholdError(ThresholdError::Kind::kMalformed, quote(expr) + message);
}

bool is_op_char(char c) { return c == '<' || c == '>' || c == '=' || c == '!'; }

std::string column(std::size_t i) { return "column " + std::to_string(i + 1); }

// Splits at the dots outside parentheses: "latency_ms.p(99.99)" is two segments, not three.
std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : s) {
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (c == '.' && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// k6 spellings inside latency objects.
std::string alias(const std::string& key) {
  if (key == "avg") return "mean";
  if (key == "med") return "p50";
  if (key.size() > 3 && key.rfind("p(", 0) == 0 && key.back() == ')') {
    std::string digits;
    for (char c : key.substr(2, key.size() - 3)) {
      if (c != '.') digits += c;
    }
    return "p" + digits;
  }
  return key;
}

std::string key_list(const Json& obj) {
  std::string out;
  int n = 0;
  for (const auto& [k, v] : obj.items()) {
    if (n == 25) {
      out += ", ...";
      break;
    }
    out += (n++ ? ", " : "") + k;
  }
  return out.empty() ? "none" : out;
}

ThresholdError unknown(const Json& result, const std::string& metric, const std::string& why) {
  const std::string hint = suggest_metric(result, metric);
  return ThresholdError(ThresholdError::Kind::kUnknownMetric,
                        "unknown metric '" + metric + "': " + why + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
}

bool is_count_map(const std::string& key) { return key == "by_status" || key == "by_cause"; }

// Every path to a number, boolean or null in `j`, but not into the bulky parts.
void leaf_paths(const Json& j, const std::string& prefix, std::vector<std::string>& out) {
  static const char* kSkipped[] = {"timeseries", "histograms", "events", "hourly", "thresholds", "usage", "lines"};
  if (!j.is_object()) {
    if (!j.is_array() && !j.is_string()) out.push_back(prefix);
    return;
  }
  for (const auto& [k, v] : j.items()) {
    bool skip = false;
    for (const char* s : kSkipped) skip = skip || k == s;
    if (!skip) leaf_paths(v, prefix.empty() ? k : prefix + "." + k, out);
  }
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string last_key(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

}  // namespace

const char* to_string(CompareOp op) {
  switch (op) {
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
    case CompareOp::kEq: return "==";
    case CompareOp::kNe: return "!=";
  }
  return "?";
}

bool Threshold::passes(double v) const {
  if (std::isnan(v)) return false;
  switch (op) {
    case CompareOp::kLt: return v < limit;
    case CompareOp::kLe: return v <= limit;
    case CompareOp::kGt: return v > limit;
    case CompareOp::kGe: return v >= limit;
    case CompareOp::kEq: return v == limit;
    case CompareOp::kNe: return v != limit;
  }
  return false;
}

Threshold parse_threshold(const std::string& expr) {
  const std::size_t n = expr.size();
  std::size_t i = 0;
  auto skip_ws = [&] {
    while (i < n && std::isspace(static_cast<unsigned char>(expr[i]))) ++i;
  };
  skip_ws();
  if (i == n) throw malformed(expr, "empty expression; expected METRIC OP NUMBER, e.g. latency_ms.p95 < 300");
  Threshold t;
  t.expr = expr;
  const std::size_t mstart = i;
  while (i < n && !std::isspace(static_cast<unsigned char>(expr[i])) && !is_op_char(expr[i])) ++i;
  t.metric = expr.substr(mstart, i - mstart);
  if (t.metric.empty()) {
    throw malformed(expr, "expected a metric name at " + column(mstart) + ", found '" + expr.substr(mstart, 1) + "'");
  }
  std::size_t dot = 0;
  for (const auto& seg : split_dots(t.metric)) {
    if (seg.empty()) throw malformed(expr, "empty key between dots in '" + t.metric + "' at " + column(mstart + dot));
    dot += seg.size() + 1;
  }
  skip_ws();
  const std::size_t ostart = i;
  const std::string rest = expr.substr(i);
  struct Op {
    const char* text;
    CompareOp op;
  };
  static constexpr Op kOps[] = {{"<=", CompareOp::kLe}, {">=", CompareOp::kGe}, {"==", CompareOp::kEq},
                                {"!=", CompareOp::kNe}, {"<", CompareOp::kLt},  {">", CompareOp::kGt}};
  bool found = false;
  for (const auto& o : kOps) {
    if (rest.rfind(o.text, 0) == 0) {
      t.op = o.op;
      i += std::char_traits<char>::length(o.text);
      found = true;
      break;
    }
  }
  if (!found) {
    if (i == n) throw malformed(expr, "expected an operator (<, <=, >, >=, ==, !=) after '" + t.metric + "' at the end");
    if (expr[i] == '=') throw malformed(expr, "'=' at " + column(i) + " is not an operator; write == to compare for equality");
    if (expr[i] == '!') throw malformed(expr, "'!' at " + column(i) + " is not an operator; write != for not equal");
    std::size_t end = i;
    while (end < n && !std::isspace(static_cast<unsigned char>(expr[end]))) ++end;
    throw malformed(expr, "expected an operator (<, <=, >, >=, ==, !=) after '" + t.metric + "' at " + column(ostart) +
                              ", found '" + expr.substr(i, end - i) + "'");
  }
  if (i < n && is_op_char(expr[i])) {
    throw malformed(expr, "unexpected '" + expr.substr(i, 1) + "' at " + column(i) + " after the operator '" +
                              to_string(t.op) + "'");
  }
  skip_ws();
  const std::size_t nstart = i;
  std::size_t nend = n;
  while (nend > nstart && std::isspace(static_cast<unsigned char>(expr[nend - 1]))) --nend;
  const std::string number = expr.substr(nstart, nend - nstart);
  if (number.empty()) throw malformed(expr, std::string("expected a number after '") + to_string(t.op) + "' at the end");
  const char* first = number.data();
  const char* last = number.data() + number.size();
  if (*first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, last, t.limit);
  if (ec != std::errc() || ptr != last || !std::isfinite(t.limit)) {
    std::string msg = "expected a number at " + column(nstart) + ", found '" + number + "'";
    if (ec == std::errc() && ptr != first) {
      msg += " (write the number without a unit: it is in the metric's own unit, e.g. milliseconds for latency_ms)";
    }
    throw malformed(expr, msg);
  }
  return t;
}

std::string suggest_metric(const Json& result, const std::string& metric) {
  std::vector<std::string> paths;
  leaf_paths(result, "", paths);
  // The metric with k6 spellings read as ours: p(99) -> p99, avg -> mean.
  std::string wanted;
  for (const auto& seg : split_dots(metric)) wanted += (wanted.empty() ? "" : ".") + alias(seg);
  std::string best;
  // 1. A metric that ends in what was written: the shortest (the run's own before a class's).
  for (const auto& p : paths) {
    if (p.size() > wanted.size() && p.compare(p.size() - wanted.size(), wanted.size(), wanted) == 0 &&
        p[p.size() - wanted.size() - 1] == '.' && (best.empty() || p.size() < best.size())) {
      best = p;
    }
  }
  if (!best.empty()) return best;
  // 2. The same last key, nearest rest; 3. the nearest path, if near enough to be a typo.
  std::size_t best_score = std::numeric_limits<std::size_t>::max();
  const std::string key = last_key(wanted);
  for (const auto& p : paths) {
    const std::size_t d = edit_distance(p, wanted);
    const std::size_t score = last_key(p) == key ? d : d + 1000;
    if (score < best_score) {
      best_score = score;
      best = p;
    }
  }
  if (best.empty()) return {};
  const std::size_t d = edit_distance(best, wanted);
  const bool same_key = last_key(best) == key;
  return same_key || d <= std::max<std::size_t>(2, wanted.size() / 4) ? best : std::string();
}

double resolve_metric(const Json& result, const std::string& metric, MissingCounts missing) {
  const auto segs = split_dots(metric);
  const Json* node = &result;
  std::string walked;
  std::size_t k = 0;
  while (k < segs.size()) {
    if (!node->is_object()) {
      const std::string what = node->is_array() ? "a list" : node->is_null() ? "null" : "a value";
      throw unknown(result, metric, "'" + walked + "' is " + what + ", it has no key '" + segs[k] + "'");
    }
    bool found = false;
    for (std::size_t end = segs.size(); end > k && !found; --end) {
      std::string key;
      for (std::size_t j = k; j < end; ++j) key += (j > k ? "." : "") + segs[j];
      for (const std::string& candidate : {key, alias(key)}) {
        if (node->contains(candidate)) {
          node = &(*node)[candidate];
          walked += (walked.empty() ? "" : ".") + candidate;
          k = end;
          found = true;
          break;
        }
      }
    }
    if (!found) {
      if (missing == MissingCounts::kZero && is_count_map(last_key(walked))) return 0.0;
      const std::string where = walked.empty() ? std::string("the result") : "'" + walked + "'";
      throw unknown(result, metric, where + " has no key '" + segs[k] + "' (keys: " + key_list(*node) + ")");
    }
  }
  if (node->is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (node->is_boolean()) return node->get<bool>() ? 1.0 : 0.0;
  if (node->is_number()) return node->get<double>();
  if (node->is_object()) throw unknown(result, metric, "it is an object, not a number (keys: " + key_list(*node) + ")");
  throw unknown(result, metric, std::string("it is ") + (node->is_array() ? "a list" : "text") + ", not a number");
}

std::string no_samples_detail(const std::string& metric) {
  return "no samples: " + metric + " is null in this result (nothing measured), so the threshold fails";
}

ThresholdVerdict evaluate_threshold(const std::string& expr, const Json& result) {
  const Threshold t = parse_threshold(expr);
  ThresholdVerdict v;
  v.expr = expr;
  try {
    v.value = resolve_metric(result, t.metric);
  } catch (const ThresholdError& e) {
    throw ThresholdError(e.kind(), quote(expr) + e.what());
  }
  v.ok = t.passes(v.value);
  if (std::isnan(v.value)) v.detail = no_samples_detail(t.metric);
  return v;
}

std::vector<ThresholdVerdict> evaluate_thresholds(const std::vector<std::string>& exprs, const Json& result) {
  std::vector<ThresholdVerdict> out;
  std::string errors;
  bool any_malformed = false;
  for (const auto& e : exprs) {
    try {
      out.push_back(evaluate_threshold(e, result));
    } catch (const ThresholdError& err) {
      errors += (errors.empty() ? "" : "\n") + std::string(err.what());
      any_malformed = any_malformed || err.kind() == ThresholdError::Kind::kMalformed;
    }
  }
  if (!errors.empty()) {
    throw ThresholdError(any_malformed ? ThresholdError::Kind::kMalformed : ThresholdError::Kind::kUnknownMetric, errors);
  }
  return out;
}

}  // namespace loadcast::reports
