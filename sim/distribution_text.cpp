#include "sim/distribution_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "sim/input_file.hpp"
#include "sim/text.hpp"

namespace loadcast::sim {

namespace {

// A value with its unit, as a scenario would write it: 0.0015 s -> "1.5ms".
std::string fmt_value(double v, ValueKind kind) {
  char buf[64];
  if (kind == ValueKind::kPlain) {
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
  }
  const double a = std::fabs(v);
  if (a == 0.0) return "0s";
  if (a >= 1.0) std::snprintf(buf, sizeof buf, "%.10gs", v);
  else if (a >= 1e-3) std::snprintf(buf, sizeof buf, "%.10gms", v * 1e3);
  else if (a >= 1e-6) std::snprintf(buf, sizeof buf, "%.10gus", v * 1e6);
  else std::snprintf(buf, sizeof buf, "%.10gns", v * 1e9);
  return buf;
}

}  // namespace

std::string Distribution::describe() const {
  const ValueKind vk = value_kind_;
  char buf[64];
  switch (kind_) {
    case DistKind::kConst: return "const(" + fmt_value(a_, vk) + ")";
    case DistKind::kExp: return "exp(" + fmt_value(a_, vk) + ")";
    case DistKind::kUniform: return "uniform(" + fmt_value(a_, vk) + ", " + fmt_value(b_, vk) + ")";
    case DistKind::kNormal: return "normal(mean=" + fmt_value(a_, vk) + ", sd=" + fmt_value(b_, vk) + ")";
    case DistKind::kLognormal:
      std::snprintf(buf, sizeof buf, "%.10g", b_);
      return "lognormal(mean=" + fmt_value(c_, vk) + ", sigma=" + buf + ")";
    case DistKind::kErlang:
      return "erlang(k=" + std::to_string(k_) + ", mean=" + fmt_value(a_, vk) + ")";
    case DistKind::kGamma:
      std::snprintf(buf, sizeof buf, "%.10g", a_);
      return std::string("gamma(shape=") + buf + ", mean=" + fmt_value(b_, vk) + ")";
    case DistKind::kPareto:
      std::snprintf(buf, sizeof buf, "%.10g", a_);
      return std::string("pareto(alpha=") + buf + ", min=" + fmt_value(b_, vk) + ", max=" + fmt_value(c_, vk) + ")";
    case DistKind::kEmpirical:
      if (file_.empty()) return "empirical(<" + std::to_string(table_->size()) + " values>)";
      if (a_ == 1.0) return "empirical(" + file_ + ")";
      std::snprintf(buf, sizeof buf, "%.10g", a_);
      return "empirical(" + file_ + ", scale=" + buf + ")";
    case DistKind::kUniformInt:
      return "uniform_int(" + std::to_string(k_) + ", " + std::to_string(k_ + static_cast<std::int64_t>(d_) - 1) + ")";
    case DistKind::kZipf:
      std::snprintf(buf, sizeof buf, "%.10g", a_);
      return std::string("zipf(s=") + buf + ", n=" + std::to_string(k_) + ")";
  }
  return "?";
}

std::optional<double> parse_quantity(std::string_view text, ValueKind kind) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  std::size_t i = 0;
  if (text[0] == '-' || text[0] == '+') ++i;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' ||
                             text[i] == 'e' || text[i] == 'E' ||
                             ((text[i] == '-' || text[i] == '+') && i > 0 && (text[i - 1] == 'e' || text[i - 1] == 'E')))) {
    ++i;
  }
  double value = 0.0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, value);
  if (ec != std::errc() || ptr != text.data() + i || i == 0) return std::nullopt;
  const std::string_view unit = trim(text.substr(i));
  if (kind == ValueKind::kPlain) {
    if (!unit.empty()) return std::nullopt;
    return value;
  }
  if (unit == "ns") return value * 1e-9;
  if (unit == "us" || unit == "µs") return value * 1e-6;
  if (unit == "ms") return value * 1e-3;
  if (unit == "s") return value;
  if (unit == "m" || unit == "min") return value * 60.0;
  if (unit == "h") return value * 3600.0;
  return std::nullopt;
}

namespace {

struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> named;
  const std::string* find(std::string_view key) const {
    for (const auto& [k, v] : named) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

DistributionParse fail(std::string message) { return {std::nullopt, std::move(message)}; }

constexpr double kMaxExactWhole = 9007199254740992.0;  // 2^53
// An empirical sample is one value a line; 16 MiB is millions of them.
constexpr std::size_t kMaxEmpiricalBytes = std::size_t{16} << 20;

std::optional<std::vector<double>> read_empirical(const std::string& path, ValueKind kind, std::string& error) {
  std::istringstream in;
  try {
    in.str(read_input_file(path, kMaxEmpiricalBytes, "empirical file"));
  } catch (const InputFileError& e) {
    // An empirical file that is not there keeps its short message; the others say what it is.
    error = std::string(e.what()).find("cannot open") != std::string::npos ? "cannot open empirical file '" + path + "'" : e.what();
    return std::nullopt;
  }
  std::vector<double> values;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view sv = trim(line);
    if (sv.empty() || sv.front() == '#') continue;
    const auto comma = sv.find_first_of(",;\t");
    if (comma != std::string_view::npos) sv = trim(sv.substr(0, comma));
    std::optional<double> v = parse_quantity(sv, ValueKind::kPlain);
    if (v && kind == ValueKind::kDuration) *v *= 1e-3;  // bare numbers in a duration file are ms
    if (!v) v = parse_quantity(sv, kind);
    if (!v) {
      if (values.empty() && line_no == 1) continue;  // a header line
      error = path + ":" + std::to_string(line_no) + ": '" + std::string(sv) + "' is not a number";
      return std::nullopt;
    }
    if (*v < 0.0) {
      error = path + ":" + std::to_string(line_no) + ": negative value " + std::string(sv);
      return std::nullopt;
    }
    if (kind == ValueKind::kDuration && *v > to_seconds(kMaxDuration)) {
      error = path + ":" + std::to_string(line_no) + ": " + std::string(sv) + " is longer than " + std::string(kMaxDurationText);
      return std::nullopt;
    }
    values.push_back(*v);
  }
  if (values.empty()) {
    error = "empirical file '" + path + "' holds no values";
    return std::nullopt;
  }
  return values;
}

}  // namespace

DistributionParse parse_distribution(std::string_view text, const DistributionParseOptions& options) {
  const std::string_view original = trim(text);
  const std::string quoted = "'" + std::string(original) + "'";
  const auto open = original.find('(');
  if (open == std::string_view::npos || original.back() != ')') {
    std::string hint;
    if (open != std::string_view::npos) {
      hint = " (inside a YAML { } or [ ] flow collection, quote a distribution that contains a comma: 'uniform(1ms, 5ms)')";
    }
    return fail("malformed distribution " + quoted +
                ": write name(arguments), e.g. exp(1ms), const(5ms), uniform(1ms, 5ms)" + hint);
  }
  const std::string name(trim(original.substr(0, open)));
  const std::string_view inner = original.substr(open + 1, original.size() - open - 2);
  Args args;
  {
    std::size_t start = 0;
    int depth = 0;
    for (std::size_t i = 0; i <= inner.size(); ++i) {
      if (i < inner.size() && inner[i] == '(') ++depth;
      if (i < inner.size() && inner[i] == ')') --depth;
      if (i == inner.size() || (inner[i] == ',' && depth == 0)) {
        const std::string_view part = trim(inner.substr(start, i - start));
        start = i + 1;
        if (part.empty()) {
          if (inner.find_first_not_of(" \t") == std::string_view::npos && i == inner.size()) break;
          return fail("malformed distribution " + quoted + ": empty argument");
        }
        const auto eq = part.find('=');
        if (eq != std::string_view::npos) {
          args.named.emplace_back(std::string(trim(part.substr(0, eq))), std::string(trim(part.substr(eq + 1))));
        } else {
          if (!args.named.empty()) return fail("malformed distribution " + quoted + ": positional argument after a named one");
          args.positional.emplace_back(part);
        }
      }
    }
  }
  const ValueKind vk = options.value_kind;
  const char* unit_hint = vk == ValueKind::kDuration ? " (a duration with a unit, e.g. 10ms)" : " (a number)";

  // Fetch argument `key` or positional index `pos`.
  auto arg = [&](std::string_view key, std::size_t pos) -> const std::string* {
    if (const std::string* v = args.find(key)) return v;
    if (pos < args.positional.size()) return &args.positional[pos];
    return nullptr;
  };
  auto value = [&](std::string_view key, std::size_t pos, ValueKind kind, double& out) -> std::string {
    const std::string* v = arg(key, pos);
    if (v == nullptr) return std::string(name) + " needs " + std::string(key);
    auto q = parse_quantity(*v, kind);
    if (!q) {
      return std::string(name) + ": " + std::string(key) + " '" + *v + "' is not valid" +
             (kind == ValueKind::kDuration ? " (a duration with a unit, e.g. 10ms)" : " (a number)");
    }
    if (kind == ValueKind::kDuration && *q > to_seconds(kMaxDuration)) {
      return std::string(name) + ": " + std::string(key) + " '" + *v + "' is longer than " + std::string(kMaxDurationText) +
             ", the longest duration loadcast takes";
    }
    out = *q;
    return {};
  };
  auto check_keys = [&](std::initializer_list<std::string_view> allowed, std::size_t max_positional) -> std::string {
    for (const auto& [k, v] : args.named) {
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return name + " has no argument '" + k + "' (expected " + list + ")";
      }
    }
    if (args.positional.size() > max_positional) return name + " takes at most " + std::to_string(max_positional) + " positional arguments";
    return {};
  };
  auto done = [&](Distribution d) {
    d.set_value_kind(vk);
    return DistributionParse{d, {}};
  };
  std::string err;
  auto bad = [&](const std::string& why) { return fail("malformed distribution " + quoted + ": " + why); };

  if (name == "const" || name == "constant") {
    double v = 0;
    if (!(err = check_keys({"value"}, 1)).empty() || !(err = value("value", 0, vk, v)).empty()) return bad(err);
    if (v < 0) return bad("value must be >= 0");
    return done(Distribution::constant(v));
  }
  if (name == "exp" || name == "exponential") {
    double m = 0;
    if (!(err = check_keys({"mean"}, 1)).empty() || !(err = value("mean", 0, vk, m)).empty()) return bad(err);
    if (!(m > 0)) return bad("mean must be > 0");
    return done(Distribution::exponential(m));
  }
  if (name == "uniform") {
    double lo = 0, hi = 0;
    if (!(err = check_keys({"min", "max"}, 2)).empty() || !(err = value("min", 0, vk, lo)).empty() ||
        !(err = value("max", 1, vk, hi)).empty()) {
      return bad(err);
    }
    if (lo < 0 || hi < lo) return bad("needs 0 <= min <= max");
    return done(Distribution::uniform(lo, hi));
  }
  if (name == "normal") {
    double m = 0, sd = 0;
    if (!(err = check_keys({"mean", "sd"}, 2)).empty() || !(err = value("mean", 0, vk, m)).empty() ||
        !(err = value("sd", 1, vk, sd)).empty()) {
      return bad(err);
    }
    if (m < 0 || sd < 0) return bad("mean and sd must be >= 0");
    return done(Distribution::normal(m, sd));
  }
  if (name == "lognormal") {
    double m = 0;
    if (!(err = check_keys({"mean", "sigma", "p99"}, 0)).empty() || !(err = value("mean", 99, vk, m)).empty()) return bad(err);
    if (!(m > 0)) return bad("mean must be > 0");
    if (args.find("sigma") != nullptr && args.find("p99") != nullptr) return bad("give sigma or p99, not both");
    if (args.find("p99") != nullptr) {
      double p99 = 0;
      if (!(err = value("p99", 99, vk, p99)).empty()) return bad(err);
      auto d = Distribution::lognormal_p99(m, p99);
      if (!d) {
        return bad("no lognormal has that mean and p99: p99 must exceed the mean and be at most about " +
                   fmt_value(Distribution::lognormal_p99_max(m), vk));
      }
      return done(*d);
    }
    double sigma = 0;
    if (!(err = value("sigma", 99, ValueKind::kPlain, sigma)).empty()) return bad("lognormal needs sigma or p99");
    if (!(sigma > 0)) return bad("sigma must be > 0");
    return done(Distribution::lognormal(m, sigma));
  }
  if (name == "erlang") {
    double k = 0, m = 0;
    if (!(err = check_keys({"k", "mean"}, 2)).empty() || !(err = value("k", 0, ValueKind::kPlain, k)).empty() ||
        !(err = value("mean", 1, vk, m)).empty()) {
      return bad(err);
    }
    if (k < 1 || k != std::floor(k) || k > 1e6) return bad("k must be a whole number >= 1");
    if (!(m > 0)) return bad("mean must be > 0");
    return done(Distribution::erlang(static_cast<int>(k), m));
  }
  if (name == "gamma") {
    double shape = 0, m = 0;
    if (!(err = check_keys({"shape", "mean"}, 2)).empty() || !(err = value("shape", 0, ValueKind::kPlain, shape)).empty() ||
        !(err = value("mean", 1, vk, m)).empty()) {
      return bad(err);
    }
    if (!(shape > 0) || !(m > 0)) return bad("shape and mean must be > 0");
    return done(Distribution::gamma(shape, m));
  }
  if (name == "pareto") {
    double alpha = 0, lo = 0, hi = 0;
    if (!(err = check_keys({"alpha", "min", "max"}, 3)).empty() || !(err = value("alpha", 0, ValueKind::kPlain, alpha)).empty() ||
        !(err = value("min", 1, vk, lo)).empty() || !(err = value("max", 2, vk, hi)).empty()) {
      return bad(err);
    }
    if (!(alpha > 0) || !(lo > 0) || !(hi > lo)) return bad("needs alpha > 0 and 0 < min < max");
    return done(Distribution::pareto(alpha, lo, hi));
  }
  if (name == "empirical") {
    const std::string* file = arg("file", 0);
    if (file == nullptr || !(err = check_keys({"file", "scale"}, 2)).empty()) return bad(err.empty() ? "empirical needs a file" : err);
    double scale = 1.0;
    if (arg("scale", 1) != nullptr) {
      if (!(err = value("scale", 1, ValueKind::kPlain, scale)).empty()) return bad(err);
      if (!(scale > 0.0) || !std::isfinite(scale)) return bad("scale must be a number > 0");
    }
    std::string path = *file;
    if (!path.empty() && (path.front() == '"' || path.front() == '\'')) path = path.substr(1, path.size() - 2);
    if (!path.empty() && path.front() != '/' && !options.base_dir.empty()) path = options.base_dir + "/" + path;
    auto values = read_empirical(path, vk, err);
    if (!values) return fail(err);
    if (scale != 1.0) {
      for (double& x : *values) x *= scale;
    }
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(path, ec);
    return done(Distribution::empirical_file(std::move(*values), ec ? path : absolute.lexically_normal().string(), scale));
  }
  if (vk == ValueKind::kDuration && (name == "uniform_int" || name == "zipf")) {
    return bad(name + " draws whole numbers, not durations: for a time use uniform(1ms, 10ms) or another distribution with units");
  }
  if (name == "uniform_int") {
    double lo = 0, hi = 0;
    if (!(err = check_keys({"min", "max"}, 2)).empty() || !(err = value("min", 0, ValueKind::kPlain, lo)).empty() ||
        !(err = value("max", 1, ValueKind::kPlain, hi)).empty()) {
      return bad(err);
    }
    if (lo != std::floor(lo) || hi != std::floor(hi) || hi < lo) return bad("needs whole numbers min <= max");
    // Beyond 2^53 a double no longer holds every whole number (and far beyond, no int64).
    if (std::fabs(lo) > kMaxExactWhole || std::fabs(hi) > kMaxExactWhole) return bad("needs min and max within ±9007199254740992");
    Distribution d = Distribution::uniform_int(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi));
    return DistributionParse{d, {}};
  }
  if (name == "zipf") {
    double s = 0, n = 0;
    if (!(err = check_keys({"s", "n"}, 2)).empty() || !(err = value("s", 0, ValueKind::kPlain, s)).empty() ||
        !(err = value("n", 1, ValueKind::kPlain, n)).empty()) {
      return bad(err);
    }
    if (!(s > 0) || n < 1 || n != std::floor(n) || n > 1e7) return bad("needs s > 0 and a whole n >= 1");
    Distribution d = Distribution::zipf(s, static_cast<std::int64_t>(n));
    return DistributionParse{d, {}};
  }
  (void)unit_hint;
  return fail("unknown distribution '" + name + "' in " + quoted +
              ": use const, exp, uniform, normal, lognormal, erlang, gamma, pareto, empirical, uniform_int or zipf");
}

}  // namespace loadcast::sim
