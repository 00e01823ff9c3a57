#include "app/cloudwatch.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <numeric>

#include <nlohmann/json.hpp>

#include "sim/input_file.hpp"

namespace loadcast::app {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxCloudWatchBytes = 64u << 20;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::optional<double> parse_iso8601(const std::string& s) {
  const auto digits = [&](std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' || !digits(8, 2, d) ||
      (s[10] != 'T' && s[10] != ' ') || !digits(11, 2, h) || s[13] != ':' || !digits(14, 2, mi) || s[16] != ':' ||
      !digits(17, 2, se)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  std::size_t pos = 19;
  double frac = 0.0;
  if (pos < s.size() && s[pos] == '.') {
    double scale = 0.1;
    ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      frac += (s[pos] - '0') * scale;
      scale /= 10.0;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int offset_s = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!digits(pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(pos + 4, 2, om)) return std::nullopt;
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;  // a time without a zone is ambiguous
  }
  if (pos != s.size()) return std::nullopt;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return static_cast<double>(days * 86400 + h * 3600 + mi * 60 + se - offset_s) + frac;
}

std::optional<double> MetricSeries::at(double t) const {
  const auto it = std::lower_bound(t_epoch.begin(), t_epoch.end(), t - 1e-3);
  if (it == t_epoch.end() || std::abs(*it - t) > 1e-3) return std::nullopt;
  return values[static_cast<std::size_t>(it - t_epoch.begin())];
}

const MetricSeries& MetricData::need(const std::string& id, const std::string& flag) const {
  const auto it = by_id.find(id);
  if (it != by_id.end()) return it->second;
  std::string ids;
  for (const auto& [k, v] : by_id) ids += (ids.empty() ? "" : ", ") + k;
  throw InputError(file + ": MetricDataResults has no Id '" + id + "' (given to " + flag + "); its ids: " +
                   (ids.empty() ? "none" : ids));
}

MetricData read_cloudwatch(const std::string& path) {
  std::string text;
  try {
    text = sim::read_input_file(path, kMaxCloudWatchBytes, "CloudWatch metric data");
  } catch (const sim::InputFileError& e) {
    throw InputError(e.what());
  }
  return parse_cloudwatch(text, path);
}

MetricData parse_cloudwatch(const std::string& text, const std::string& file) {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw InputError(file + ": not JSON (" + e.what() + "); expected the output of aws cloudwatch get-metric-data");
  }
  if (!root.is_object() || !root.contains("MetricDataResults") || !root.at("MetricDataResults").is_array()) {
    throw InputError(file + ": MetricDataResults: missing or not an array; expected the output of aws cloudwatch get-metric-data");
  }
  MetricData out;
  out.file = file;
  const Json& results = root.at("MetricDataResults");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const std::string where = file + ": MetricDataResults[" + std::to_string(i) + "]";
    const Json& r = results[i];
    if (!r.is_object()) throw InputError(where + ": must be an object");
    for (const char* key : {"Id", "Timestamps", "Values"}) {
      if (!r.contains(key)) throw InputError(where + ": missing " + key);
    }
    if (!r.at("Id").is_string()) throw InputError(where + ".Id: must be a string");
    MetricSeries m;
    m.id = r.at("Id").get<std::string>();
    m.where = where;
    if (r.contains("Label") && r.at("Label").is_string()) m.label = r.at("Label").get<std::string>();
    if (r.contains("StatusCode") && r.at("StatusCode").is_string()) m.status = r.at("StatusCode").get<std::string>();
    const Json& ts = r.at("Timestamps");
    const Json& vs = r.at("Values");
    if (!ts.is_array()) throw InputError(where + ".Timestamps: must be an array");
    if (!vs.is_array()) throw InputError(where + ".Values: must be an array");
    if (ts.size() != vs.size()) {
      throw InputError(where + ": " + std::to_string(ts.size()) + " Timestamps but " + std::to_string(vs.size()) +
                       " Values; they must pair up");
    }
    std::vector<std::pair<double, double>> points;
    for (std::size_t k = 0; k < ts.size(); ++k) {
      const std::string at = where + ".Timestamps[" + std::to_string(k) + "]";
      if (!ts[k].is_string()) throw InputError(at + ": must be an ISO-8601 string");
      const auto t = parse_iso8601(ts[k].get<std::string>());
      if (!t) throw InputError(at + ": '" + ts[k].get<std::string>() + "' is not an ISO-8601 time with a zone (e.g. 2026-12-05T08:01:00Z)");
      if (!vs[k].is_number()) {
        throw InputError(where + ".Values[" + std::to_string(k) + "]: " + vs[k].dump() + " is not a number");
      }
      points.emplace_back(*t, vs[k].get<double>());
    }
    std::sort(points.begin(), points.end());
    for (std::size_t k = 1; k < points.size(); ++k) {
      if (points[k].first - points[k - 1].first < 1e-3) throw InputError(where + ".Timestamps: a period appears twice");
    }
    for (const auto& [t, v] : points) {
      m.t_epoch.push_back(t);
      m.values.push_back(v);
    }
    if (!out.by_id.emplace(m.id, m).second) throw InputError(where + ".Id: '" + m.id + "' appears twice");
  }
  return out;
}

std::optional<double> smallest_gap(const std::vector<double>& t) {
  std::optional<double> gap;
  for (std::size_t k = 1; k < t.size(); ++k) {
    const double g = t[k] - t[k - 1];
    if (!gap || g < *gap) gap = g;
  }
  return gap;
}

}  // namespace loadcast::app
