#include "app/calibrate_timing.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string_view>

#include "app/exit_code.hpp"
#include "models/web/service_config.hpp"
#include "reports/format.hpp"

namespace loadcast::app {

namespace {

using reports::fmt;
using Json = reports::Json;

// The 97.5 % quantile of the standard normal: a 95 % interval's half-width in standard errors.
constexpr double kZ975 = 1.96;

std::string ms(double v) { return fmt("%.4g ms", v); }

}  // namespace

HandlerOverhead handler_overhead(const std::vector<CalibrationInput>& inputs, const Calibration& c, const std::string& metric) {
  HandlerOverhead out;
  out.metric = metric;
  // Per class: the metric's count and sum over every input.
  std::vector<std::uint64_t> count(c.classes.size(), 0);
  std::vector<double> sum(c.classes.size(), 0.0);
  std::vector<std::string> seen;  // metric names the inputs reported, for the error
  bool any_section = false;
  for (const auto& in : inputs) {
    const auto load = in.result.sections.find("load");
    if (load == in.result.sections.end() || !load->contains("server_timing")) continue;
    const Json& st = load->at("server_timing");
    if (!st.is_object()) throw InputError(in.result_path + ": load.server_timing is not an object");
    any_section = true;
    for (const auto& [cls, v] : st.items()) {
      const auto where = in.result_path + ": load.server_timing." + cls;
      if (!v.is_object() || !v.contains("metrics") || !v.at("metrics").is_object()) throw InputError(where + ".metrics is missing");
      for (const auto& [name, m] : v.at("metrics").items()) {
        if (std::find(seen.begin(), seen.end(), name) == seen.end()) seen.push_back(name);
        if (name != metric) continue;
        if (!m.contains("count") || !m.at("count").is_number_unsigned() || !m.contains("mean_ms") || !m.at("mean_ms").is_number()) {
          throw InputError(where + ".metrics." + name + ": needs count and mean_ms");
        }
        for (std::size_t k = 0; k < c.classes.size(); ++k) {
          if (c.classes[k].name != cls) continue;
          const auto n = m.at("count").get<std::uint64_t>();
          count[k] += n;
          sum[k] += m.at("mean_ms").get<double>() * static_cast<double>(n);
        }
      }
    }
  }
  if (!any_section) {
    throw InputError("--handler-metric " + metric +
                     ": no input has load.server_timing (a load result of this loadcast, whose target sends Server-Timing headers, is needed)");
  }
  if (std::all_of(count.begin(), count.end(), [](std::uint64_t n) { return n == 0; })) {
    std::string names;
    for (const auto& n : seen) names += (names.empty() ? "" : ", ") + n;
    throw InputError("--handler-metric " + metric + ": no class of service " + c.service + " reported it in Server-Timing (" +
                     (names.empty() ? std::string("no metric with a dur was reported") : "reported: " + names) + ")");
  }
  for (std::size_t k = 0; k < c.classes.size(); ++k) {
    const ClassFit& f = c.classes[k];
    HandlerTime h;
    h.name = f.name;
    h.count = count[k];
    h.fitted = f.ran;
    h.cpu_ms = f.demand_s * 1e3;
    if (f.low_s && f.high_s) {
      h.cpu_low_ms = *f.low_s * 1e3;
      h.cpu_high_ms = *f.high_s * 1e3;
    }
    if (count[k] == 0) {
      out.warnings.push_back("class " + f.name + ": its responses reported no " + metric + " duration");
    } else {
      h.handler_ms = sum[k] / static_cast<double>(count[k]);
      if (f.ran) {
        h.overhead_ms = h.cpu_ms - *h.handler_ms;
        if (h.cpu_low_ms) {
          h.low_ms = *h.cpu_low_ms - *h.handler_ms;
          h.high_ms = *h.cpu_high_ms - *h.handler_ms;
        }
        const double top = h.cpu_high_ms.value_or(h.cpu_ms);
        if (*h.handler_ms > top) {
          out.warnings.push_back("class " + f.name + ": the " + metric + " time it reports (" + ms(*h.handler_ms) +
                                 ") is above its CPU per request (" + ms(top) +
                                 (h.cpu_high_ms ? " at the interval's top" : "") +
                                 "): the metric is wall time that includes waiting (I/O, locks, the event loop's queue), not CPU alone");
        }
      }
    }
    out.classes.push_back(std::move(h));
  }
  return out;
}

std::string format_handler_overhead(const HandlerOverhead& h) {
  std::string t = "framework overhead: CPU per request minus the handler's reported " + h.metric + " time (Server-Timing)\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-20s %12s %14s %12s %12s %25s\n", "class", "CPU/request", "handler", "reports", "overhead",
                "95 % interval");
  t += line;
  for (const auto& c : h.classes) {
    const std::string ci = c.low_ms && c.high_ms ? fmt("%.4g", *c.low_ms) + " .. " + ms(*c.high_ms) : std::string("-");
    std::snprintf(line, sizeof line, "%-20s %12s %14s %12s %12s %25s\n", c.name.c_str(), c.fitted ? ms(c.cpu_ms).c_str() : "not fitted",
                  c.handler_ms ? ms(*c.handler_ms).c_str() : "-", std::to_string(c.count).c_str(),
                  c.overhead_ms ? ms(*c.overhead_ms).c_str() : "-", ci.c_str());
    t += line;
  }
  for (const auto& w : h.warnings) t += "warning: " + w + "\n";
  return t;
}

CalibrateOptions with_reported_handlers(const scenario::Scenario& sc, const std::vector<CalibrationInput>& inputs, CalibrateOptions options,
                                        const std::string& metric) {
  options.handler_s.clear();
  const auto reported = handler_overhead(inputs, calibrate(sc, inputs, options), metric);
  for (const auto& c : reported.classes) {
    if (c.handler_ms) options.handler_s[c.name] = *c.handler_ms * 1e-3;
  }
  return options;
}

std::string handler_metric_problem(const std::string& name) {
  const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(ch) != std::string_view::npos;
  });
  if (token) return {};
  return "'" + name + "': a Server-Timing metric name is a token (letters, digits, !#$%&'*+-.^_`|~)";
}

std::string handler_overhead_yaml(const HandlerOverhead& h) {
  std::string y = "\n# framework overhead per request: the fitted CPU minus the handler's " + h.metric +
                  " time its responses reported (Server-Timing; wall time, so CPU only for a handler that does not wait)\n";
  for (const auto& c : h.classes) {
    if (!c.overhead_ms) continue;
    y += "#   " + c.name + ": " + ms(*c.overhead_ms) + " (CPU " + ms(c.cpu_ms) + ", " + h.metric + " " + ms(*c.handler_ms) + " over " +
         std::to_string(c.count) + " responses" + (c.low_ms ? ", 95 % interval " + fmt("%.4g", *c.low_ms) + " .. " + ms(*c.high_ms) : std::string()) +
         ")\n";
  }
  for (const auto& w : h.warnings) y += "#   warning: " + w + "\n";
  return y;
}

DemandUncertainty demand_uncertainty(const std::vector<CalibrationInput>& inputs, const Calibration& c) {
  DemandUncertainty out;
  double weight = 0.0, weighted = 0.0;
  for (const auto& f : c.classes) {
    if (!f.ran || !(f.demand_s > 0.0) || !f.high_s) continue;
    double completions = 0.0;
    for (const auto& in : inputs) {
      const auto it = in.result.classes.find(f.name);
      if (it != in.result.classes.end()) completions += it->second.throughput_rps * in.result.duration_s;
    }
    DemandUncertainty::Share s;
    s.name = f.name;
    s.relative_sd = (*f.high_s - f.demand_s) / kZ975 / f.demand_s;
    s.cpu_share = f.demand_s * completions;
    weight += s.cpu_share;
    weighted += s.cpu_share * s.relative_sd;
    out.classes.push_back(s);
  }
  if (out.classes.empty() || !(weight > 0.0)) return DemandUncertainty{};
  for (auto& s : out.classes) s.cpu_share /= weight;
  double sd = weighted / weight;
  if (sd > models::kMaxCpuDemandSd) {
    sd = models::kMaxCpuDemandSd;
    out.clamped = true;
  }
  out.sd = sd;
  return out;
}

std::string demand_uncertainty_yaml(const Calibration& c, const DemandUncertainty& u) {
  std::string y = "\n# demand uncertainty: ";
  if (!u.sd) {
    return y + "no class has a 95 % interval, so services." + c.service + ".cpu_demand_sd is left as it is\n";
  }
  y += "each class's relative standard error ((interval top - demand) / 1.96 / demand), weighted by its CPU share:";
  for (const auto& s : u.classes) y += " " + s.name + " " + fmt("%.3g", s.relative_sd) + " x " + fmt("%.3g", s.cpu_share);
  y += "\n#   each replication of loadcast sim draws one factor of mean 1 and this sd for the service's CPU demands: predict with\n"
       "#   --replications 10 or more to see it in the intervals (one replication is one draw; --set services." +
       c.service + ".cpu_demand_sd=0 gives the point prediction)\n";
  if (u.clamped) y += "#   warning: the weighted sd was above 1 and is written as 1: the fit cannot tell the demands apart well enough\n";
  y += "services." + c.service + ".cpu_demand_sd: " + fmt("%.4g", *u.sd) + "\n";
  return y;
}

}  // namespace loadcast::app
