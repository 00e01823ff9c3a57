#include "scenarios/loader/import/schedule_expression.hpp"

#include <cctype>
#include <sstream>
#include <vector>

namespace loadcast::scenario {

namespace {

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::vector<std::string> fields(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string f;
  while (in >> f) out.push_back(f);
  return out;
}

std::optional<long> integer(const std::string& s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  long v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// One cron field: a fixed value, every value ('*'), or a step "*/N" / "S/N".
struct CronField {
  enum class Kind { kFixed, kAll, kStep } kind = Kind::kAll;
  long value = 0;  // fixed value or step start
  long step = 1;
};

std::optional<CronField> cron_field(const std::string& f) {
  CronField c;
  if (f == "*" || f == "?") return c;
  const auto slash = f.find('/');
  if (slash != std::string::npos) {
    const std::string from = f.substr(0, slash);
    const auto step = integer(f.substr(slash + 1));
    if (!step || *step <= 0) return std::nullopt;
    c.kind = CronField::Kind::kStep;
    c.step = *step;
    if (from == "*") c.value = 0;
    else if (auto v = integer(from)) c.value = *v;
    else return std::nullopt;
    return c;
  }
  if (auto v = integer(f)) {
    c.kind = CronField::Kind::kFixed;
    c.value = *v;
    return c;
  }
  return std::nullopt;
}

std::optional<Recurrence> from_cron(const std::vector<std::string>& f, std::string& why) {
  // f: minute hour day-of-month month day-of-week [year]
  const auto minute = cron_field(f[0]);
  const auto hour = cron_field(f[1]);
  if (!minute || !hour) {
    why = "minute '" + f[0] + "' and hour '" + f[1] + "' must each be a number, '*' or a step such as */5 (lists and ranges are not periods)";
    return std::nullopt;
  }
  Recurrence r;
  using K = CronField::Kind;
  if (minute->kind == K::kFixed && hour->kind == K::kFixed) {
    r.every = sim::kDay;
    r.start = hour->value * sim::kHour + minute->value * sim::kMinute;
  } else if (minute->kind == K::kFixed && hour->kind == K::kAll) {
    r.every = sim::kHour;
    r.start = minute->value * sim::kMinute;
  } else if (minute->kind == K::kFixed && hour->kind == K::kStep) {
    r.every = hour->step * sim::kHour;
    r.start = hour->value * sim::kHour + minute->value * sim::kMinute;
  } else if (minute->kind == K::kStep && hour->kind == K::kAll) {
    r.every = minute->step * sim::kMinute;
    r.start = minute->value * sim::kMinute;
  } else if (minute->kind == K::kAll && hour->kind == K::kAll) {
    r.every = sim::kMinute;
  } else {
    why = "minute '" + f[0] + "' with hour '" + f[1] + "' fires in bursts, not at one period";
    return std::nullopt;
  }
  std::string dropped;
  const auto restricted = [](const std::string& s) { return s != "*" && s != "?"; };
  if (restricted(f[2])) dropped += "day of month '" + f[2] + "'";
  if (restricted(f[3])) dropped += std::string(dropped.empty() ? "" : ", ") + "month '" + f[3] + "'";
  if (restricted(f[4])) dropped += std::string(dropped.empty() ? "" : ", ") + "day of week '" + f[4] + "'";
  if (f.size() > 5 && restricted(f[5])) dropped += std::string(dropped.empty() ? "" : ", ") + "year '" + f[5] + "'";
  if (!dropped.empty()) r.approximation = dropped + " dropped: fires every day";
  return r;
}

std::optional<sim::Time> rate_unit(const std::string& unit) {
  if (unit == "minute" || unit == "minutes") return sim::kMinute;
  if (unit == "hour" || unit == "hours") return sim::kHour;
  if (unit == "day" || unit == "days") return sim::kDay;
  return std::nullopt;
}

// "name(body)" -> body, when `s` has that form.
std::optional<std::string> call_body(const std::string& s, const std::string& name) {
  if (s.size() < name.size() + 2 || s.compare(0, name.size() + 1, name + "(") != 0 || s.back() != ')') return std::nullopt;
  return trim(s.substr(name.size() + 1, s.size() - name.size() - 2));
}

}  // namespace

std::optional<Recurrence> parse_recurrence(const std::string& expression, std::string& why) {
  const std::string e = trim(expression);
  Recurrence r;
  if (e == "none") {
    why = "the schedule is 'none': the job never runs on its own";
    return std::nullopt;
  }
  if (e == "@hourly") return Recurrence{sim::kHour, 0, {}};
  if (e == "@daily" || e == "@midnight") return Recurrence{sim::kDay, 0, {}};
  if (e == "@weekly") return Recurrence{7 * sim::kDay, 0, {}};
  if (e == "@monthly") return Recurrence{30 * sim::kDay, 0, "a month taken as 30 days"};
  if (e == "@yearly" || e == "@annually") return Recurrence{365 * sim::kDay, 0, "a year taken as 365 days"};
  if (e.rfind("@every ", 0) == 0) {
    const auto d = sim::parse_duration(e.substr(7));
    if (!d || *d <= 0) {
      why = "'" + e.substr(7) + "' is not a duration";
      return std::nullopt;
    }
    return Recurrence{*d, 0, {}};
  }
  if (auto body = call_body(e, "rate")) {
    const auto f = fields(*body);
    const auto n = f.size() == 2 ? integer(f[0]) : std::nullopt;
    const auto unit = f.size() == 2 ? rate_unit(f[1]) : std::nullopt;
    if (!n || !unit || *n <= 0) {
      why = "'" + e + "' is not rate(N minutes|hours|days)";
      return std::nullopt;
    }
    return Recurrence{*n * *unit, 0, {}};
  }
  if (auto body = call_body(e, "cron")) {
    const auto f = fields(*body);
    if (f.size() != 6) {
      why = "'" + e + "' needs six fields (minutes hours day-of-month month day-of-week year)";
      return std::nullopt;
    }
    return from_cron(f, why);
  }
  if (call_body(e, "at")) {
    why = "'" + e + "' fires once, not periodically";
    return std::nullopt;
  }
  const auto f = fields(e);
  if (f.size() == 5) return from_cron(f, why);
  why = "'" + e + "' is not a schedule expression loadcast reads (@daily, @every 1h, rate(5 minutes), a cron)";
  return std::nullopt;
}

std::optional<sim::Time> parse_time_of_day(const std::string& expression, std::string& why) {
  const std::string e = trim(expression);
  if (auto body = call_body(e, "at")) {
    // at(yyyy-mm-ddThh:mm:ss)
    const auto t = body->find('T');
    if (t != std::string::npos && body->size() >= t + 9) {
      const auto h = integer(body->substr(t + 1, 2));
      const auto m = integer(body->substr(t + 4, 2));
      const auto s = integer(body->substr(t + 7, 2));
      if (h && m && s) return *h * sim::kHour + *m * sim::kMinute + *s * sim::kSecond;
    }
    why = "'" + e + "' is not at(yyyy-mm-ddThh:mm:ss)";
    return std::nullopt;
  }
  const auto r = parse_recurrence(e, why);
  if (!r) return std::nullopt;
  if (r->every != sim::kDay || !r->approximation.empty()) {
    why = "'" + e + "' does not fire once a day at a fixed time";
    return std::nullopt;
  }
  return r->start;
}

}  // namespace loadcast::scenario
