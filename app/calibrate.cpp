#include "app/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "app/exit_code.hpp"
#include "app/load.hpp"
#include "app/nnls.hpp"
#include "app/simulate.hpp"
#include "models/data/db_instance_classes.hpp"
#include "reports/format.hpp"
#include "reports/run_outputs.hpp"
#include "workload/schedule.hpp"

namespace loadcast::app {

namespace {

// Two classes whose throughput columns point the same way (cosine above this) kept one mix.
constexpr double kSameMixCosine = 0.999;
// --background needs the total rate to vary by at least this share of its mean over the periods.
constexpr double kMinRateSpread = 0.25;
// --fit-wakeup: the least spread of the wake-ups per request (highest minus lowest, over their
// mean) that tells a wake-up's CPU from the CPU per request. The protocol's half-rate run gives
// about 0.2 on a Node.js app at rho 0.2 (2.5 against 2.1 wake-ups per request).
constexpr double kMinWakeupSpread = 0.1;
constexpr double kEps = 1e-6;
// Above this condition number of the normalised Gram matrix (two classes at cosine 0.999 give
// about 2000) the demands are not separable in practice.
constexpr double kMaxCondition = 1000.0;

using reports::fmt;

std::string ms(double seconds) { return fmt("%.3g ms", seconds * 1e3); }

std::size_t pick_service(const scenario::Scenario& sc, const std::string& name) {
  const auto& services = sc.model.services;
  if (services.empty()) throw UsageError("the scenario has no services: calibrate fits the CPU demand of a service's tasks");
  if (name.empty()) {
    if (services.size() == 1) return 0;
    std::string names;
    for (const auto& s : services) names += (names.empty() ? "" : ", ") + s.name;
    throw UsageError("the scenario has several services (" + names + "): say which one the CPU data measures with --service");
  }
  for (std::size_t i = 0; i < services.size(); ++i) {
    if (services[i].name == name) return i;
  }
  throw UsageError("--service " + name + ": the scenario has no such service");
}

double cpu_mean_s(const models::ClassConfig& cc) {
  double m = 0.0;
  for (const auto& step : cc.steps) {
    if (step.kind == models::StepKind::kCpu) m += step.service.mean();
  }
  return m;
}

// The mean of a series over [from, to) (seconds since the result's start), weighted by how much
// of each interval lies in it; nullopt when the series does not cover the span. A missing value
// (NaN) counts as 0 for a rate (an interval without completions) and makes the mean missing for a
// level (the readings did not cover it).
enum class Missing { kZero, kUnknown };
std::optional<double> series_mean(const reports::TimeSeries& ts, const std::vector<double>& v, double from, double to, Missing missing) {
  double covered = 0.0, sum = 0.0;
  for (std::size_t k = 0; k < ts.t_s.size() && k < v.size(); ++k) {
    const double lo = std::max(from, ts.t_s[k]);
    const double hi = std::min(to, ts.t_s[k] + ts.interval_s);
    if (hi <= lo) continue;
    if (std::isnan(v[k]) && missing == Missing::kUnknown) return std::nullopt;
    covered += hi - lo;
    sum += (std::isnan(v[k]) ? 0.0 : v[k]) * (hi - lo);
  }
  if (covered < (to - from) - kEps) return std::nullopt;
  return sum / (to - from);
}

// Completions per second of one class over [from, to).
std::optional<double> mean_rate(const reports::TimeSeries& ts, const std::vector<double>& rate, double from, double to) {
  return series_mean(ts, rate, from, to, Missing::kZero);
}


// The regularized lower incomplete gamma P(a, x): its series below a + 1, the continued
// fraction (modified Lentz) above, as every numerics text has them.
double gamma_p(double a, double x) {
  if (x <= 0.0) return 0.0;
  const double front = std::exp(-x + a * std::log(x) - std::lgamma(a));
  if (x < a + 1.0) {
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 1000 && term > sum * 1e-15; ++n) {
      term *= x / (a + n);
      sum += term;
    }
    return std::min(1.0, sum * front);
  }
  const double tiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1.0) < 1e-15) break;
  }
  return std::max(0.0, 1.0 - front * h);
}

// The p-quantile of a gamma of shape k and mean 1, by bisection.
double gamma_quantile_mean1(double k, double p) {
  double lo = 0.0, hi = 1.0;
  while (gamma_p(k, hi * k) < p) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (gamma_p(k, mid * k) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Shapes the fit considers: from very variable (scv 5) to nearly constant (scv 0.01).
constexpr double kMinShape = 0.2;
constexpr double kMaxShape = 100.0;
constexpr std::uint64_t kMinLatencies = 200;

// The squared coefficient of variation of the gamma whose 10-90 spread, relative to its mean, is
// `spread` (the spread falls monotonically as the shape grows: 3.02 at shape 0.2, 2.197 = ln 9
// for the exponential, 0.256 at shape 100); 0 below the spread of shape kMaxShape (as good as
// constant).
double scv_of_spread(double spread) {
  if (spread <= gamma_spread_10_90(kMaxShape)) return 0.0;
  if (spread >= gamma_spread_10_90(kMinShape)) return 1.0 / kMinShape;
  double lo = std::log(kMinShape), hi = std::log(kMaxShape);  // the spread falls as the shape grows
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (gamma_spread_10_90(std::exp(mid)) > spread ? lo : hi) = mid;
  }
  return 1.0 / std::exp(0.5 * (lo + hi));
}

// The family the overlay writes for a demand of mean `mean_s` and squared coefficient of
// variation `scv`: const below 0.1, exp within 0.25 of 1, else gamma with the shape to 3 digits.
std::string shape_text(double mean_s, double scv) {
  const std::string mean = fmt("%.10g", mean_s * 1e3) + "ms";
  if (scv < 0.1) return "const(" + mean + ")";
  if (std::abs(scv - 1.0) <= 0.25) return "exp(" + mean + ")";
  return "gamma(shape=" + fmt("%.3g", 1.0 / scv) + ", mean=" + mean + ")";
}

// --shape empirical: the latencies' 1,000 quantiles less `outside_s` (the part of the mean outside
// the CPU; at least 0 each), in units of their mean; empty when nothing is left.
std::vector<double> hold_shape_of(const reports::Histogram& h, double outside_s) {
  constexpr std::size_t kQuantiles = 1000;
  std::vector<double> pct(kQuantiles);
  for (std::size_t i = 0; i < kQuantiles; ++i) pct[i] = (static_cast<double>(i) + 0.5) * 100.0 / kQuantiles;
  const auto q = h.percentiles(pct);
  std::vector<double> v(kQuantiles);
  double sum = 0.0;
  for (std::size_t i = 0; i < kQuantiles; ++i) {
    v[i] = std::max(0.0, static_cast<double>(q[i]) * 1e-9 - outside_s);
    sum += v[i];
  }
  if (!(sum > 0.0)) return {};
  const double mean = sum / kQuantiles;
  for (double& x : v) x /= mean;
  return v;
}

// What solve_demands() calls the columns in its warnings.
struct Terms {
  const char* item;      // "class"
  const char* items;     // "classes"
  const char* measure;   // "throughputs"
  const char* demand;    // "demand"
  const char* remedy;    // "run per-class runs or varied mixes and fit them together"
};
const Terms kClassTerms{"class", "classes", "throughputs", "demand", "run per-class runs or varied mixes and fit them together"};
const Terms kQueryTerms{"query kind", "query kinds", "rates", "CPU per query",
                        "measure runs in which reads and writes change in different proportions (different class mixes)"};

struct Demands {
  std::vector<double> x;  // per column, >= 0
  std::vector<std::optional<double>> low, high;  // 95 % intervals (low clamped at 0); none at the bound 0
  double r2 = 0.0, rmse = 0.0, mean = 0.0;
};

// Non-negative least squares of y = A x with the fit's quality and 95 % intervals
// (nnls_with_intervals, app/nnls.hpp). Warns (into `warnings`) when two columns kept one ratio
// (cosine above kSameMixCosine), when three or more are nearly dependent (the 1-norm condition
// number of the normalised AᵀA above kMaxCondition), when a column sits at the bound 0, and when
// no interval can be given.
Demands solve_demands(const Matrix& a, const std::vector<double>& y, const std::vector<std::string>& names, const Terms& t,
                      std::vector<std::string>& warnings) {
  const std::size_t n = y.size(), m = names.size();
  const NnlsFit fitted = nnls_with_intervals(a, y);
  const NnlsResult& fit = fitted.fit;
  if (!fit.converged) warnings.push_back(std::string("the least-squares fit stopped at its iteration limit: treat the ") + t.demand + "s with care");
  Demands out;
  out.x = fit.x;
  out.low = fitted.low;
  out.high = fitted.high;
  out.mean = fitted.mean;
  out.rmse = fitted.rmse;
  out.r2 = fitted.r2;

  // Columns that kept one ratio cannot be told apart.
  bool same_mix_told = false;
  for (std::size_t p = 0; p < m; ++p) {
    for (std::size_t q = p + 1; q < m; ++q) {
      if (column_cosine(a, p, q) > kSameMixCosine) {
        same_mix_told = true;
        warnings.push_back(std::string(t.items) + " " + names[p] + " and " + names[q] + ": their " + t.measure +
                           " kept the same ratio in every period (the mix never varied), so the fit cannot separate their " + t.demand +
                           "s: " + t.remedy);
      }
    }
  }

  // Several columns can be dependent without any two keeping one ratio: the condition number
  // (1-norm) of AᵀA with unit columns tells.
  if (m > 2 && !same_mix_told) {
    Matrix g(m, m);
    std::vector<double> norm(m, 0.0);
    for (std::size_t p = 0; p < m; ++p) {
      for (std::size_t i = 0; i < n; ++i) norm[p] += a(i, p) * a(i, p);
      norm[p] = std::sqrt(norm[p]);
    }
    for (std::size_t p = 0; p < m; ++p) {
      for (std::size_t q = 0; q < m; ++q) {
        double s = 0.0;
        for (std::size_t i = 0; i < n; ++i) s += a(i, p) * a(i, q);
        g(p, q) = s / (norm[p] * norm[q]);
      }
    }
    const auto inv = invert(g);
    const auto one_norm = [](const Matrix& mat) {
      double best = 0.0;
      for (std::size_t c = 0; c < mat.cols; ++c) {
        double sum = 0.0;
        for (std::size_t r = 0; r < mat.rows; ++r) sum += std::abs(mat(r, c));
        best = std::max(best, sum);
      }
      return best;
    };
    const double cond = inv ? one_norm(g) * one_norm(*inv) : std::numeric_limits<double>::infinity();
    if (cond > kMaxCondition) {
      std::string list;
      for (const auto& nm : names) list += (list.empty() ? "" : ", ") + nm;
      warnings.push_back(std::string("the ") + t.measure + " of " + t.items + " " + list + " are nearly linearly dependent (condition number " +
                         (std::isfinite(cond) ? fmt("%.3g", cond) : std::string("infinite")) + " of their normalised XᵀX): the mix never varied enough to separate their " +
                         t.demand + "s; " + t.remedy);
    }
  }

  if (fitted.dof == 0) {
    warnings.push_back(std::string("as many free ") + t.demand + "s as periods (" + std::to_string(n) + "): no confidence interval; measure more periods");
  } else if (fitted.singular) {
    warnings.push_back(std::string("the ") + t.measure + " of the fitted " + t.items + " are linearly dependent: no confidence interval; " + t.remedy);
  }
  for (std::size_t p = 0; p < m; ++p) {
    if (!fit.active[p]) {
      warnings.push_back(std::string(t.item) + " " + names[p] + ": the fit put its " + t.demand +
                         " at the bound 0 (its CPU is too small to see, or the data cannot separate it)");
    }
  }
  return out;
}

struct Rows {
  std::vector<std::vector<double>> x;  // per period: throughput per class
  std::vector<double> y;               // vCPU in use
  std::vector<double> tasks;           // tasks running in the period
  std::vector<std::optional<double>> db;  // the database's vCPU in use (with a database fit)
  std::vector<double> wakeups;         // wake-ups per second (with --fit-wakeup or a known wake-up CPU)
};

// What a database fit needs before the periods are read.
struct DbPlan {
  const models::DatabaseConfig* db = nullptr;
  std::vector<double> reads, writes;  // per class of the fit: queries per request
  double vcpu = 0.0;                  // provisioned: the instance's vCPUs
  double vcpu_per_acu = 0.0;          // Serverless v2
  std::string capacity;
};

DbPlan plan_database(const scenario::Scenario& sc, const std::vector<std::size_t>& cls, const CalibrateOptions& o,
                     std::vector<std::string>& warnings) {
  DbPlan plan;
  const std::string flag = o.sample.empty() ? "--db-cpu" : "--db-sampled";
  if (!sc.model.database) throw UsageError(flag + ": the scenario has no database");
  plan.db = &*sc.model.database;
  if (plan.db->readers > 0) {
    throw UsageError(flag + ": the database has readers, whose CPU one instance's CPUUtilization does not see: fit a database without readers");
  }
  if (o.sample.empty() && !o.db_sample.empty()) throw UsageError("--db-sampled reads the results' own series: use it with --sampled");
  if (!o.sample.empty() && !o.db_cpu_id.empty()) throw UsageError("--db-cpu names a CloudWatch Id: use it with --cloudwatch data (or --db-sampled with --sampled)");
  for (std::size_t c = 0; c < sc.model.classes.size(); ++c) {
    double reads = 0.0, writes = 0.0;
    const auto& steps = sc.model.classes[c].steps;
    for (std::size_t j = 0; j < steps.size(); ++j) {
      if (steps[j].kind != models::StepKind::kDb) continue;
      if (steps[j].db.read || steps[j].db.write) {
        throw UsageError(flag + ": workload.requests[" + std::to_string(c) + "].steps[" + std::to_string(j) +
                         "].db sets its own query cost; the fit is of database.query.read and .write only");
      }
      reads += steps[j].db.reads;
      writes += steps[j].db.writes;
    }
    if (std::find(cls.begin(), cls.end(), c) == cls.end()) {
      if (reads + writes > 0.0) {
        warnings.push_back("class " + sc.workload.classes[c].name + " of another service queries the database too: its queries are not in the database fit");
      }
      continue;
    }
    plan.reads.push_back(reads);
    plan.writes.push_back(writes);
  }
  if (plan.db->type == models::DbType::kAuroraServerlessV2) {
    if (o.sample.empty() && o.db_acu_id.empty()) {
      throw UsageError("--db-cpu on a Serverless v2 database needs --db-acu ID (ServerlessDatabaseCapacity, Average): its vCPUs follow the capacity");
    }
    plan.vcpu_per_acu = plan.db->scaling.vcpu_per_acu;
    plan.capacity = o.sample.empty() ? "CPUUtilization x ServerlessDatabaseCapacity x " + fmt("%g", plan.vcpu_per_acu) +
                                           " vCPU per ACU (database.scaling.vcpu_per_acu, an assumption)"
                                     : "the vCPU in use that loadcast load --sample measured as " + o.db_sample;
  } else {
    const auto* cls_info = models::find_db_instance_class(plan.db->instance_class);
    if (cls_info == nullptr) throw UsageError(flag + ": the database's instance class " + plan.db->instance_class + " has no vCPU count in loadcast's table");
    plan.vcpu = cls_info->vcpu;
    plan.capacity = o.sample.empty() ? "CPUUtilization x " + fmt("%g", plan.vcpu) + " vCPU (" + plan.db->instance_class + ")"
                                     : "the vCPU in use that loadcast load --sample measured as " + o.db_sample;
  }
  return plan;
}

}  // namespace

std::optional<double> level_mean(const reports::TimeSeries& ts, const std::vector<double>& level, double from, double to) {
  return series_mean(ts, level, from, to, Missing::kUnknown);
}

std::string hold_csv(const ClassFit& f) {
  std::string out = "cpu_ms\n";
  for (double x : f.hold_shape) out += fmt("%.6g", x * f.demand_s * 1e3) + "\n";
  return out;
}

double gamma_spread_10_90(double k) { return gamma_quantile_mean1(k, 0.9) - gamma_quantile_mean1(k, 0.1); }

Calibration calibrate(const scenario::Scenario& sc, const std::vector<CalibrationInput>& inputs, const CalibrateOptions& options) {
  if (inputs.empty()) throw UsageError("give at least one RESULT.json with its --cloudwatch DATA.json (or --sampled NAME)");
  if (!options.sample.empty()) {
    if (!options.cpu_id.empty() || !options.tasks_id.empty() || options.tasks_count) {
      throw UsageError("--sampled reads the CPU from the results' own series: --cpu, --tasks and --tasks-count are for --cloudwatch data");
    }
    if (!(options.sample_period_s >= 1.0)) throw UsageError("--period must be at least 1 s (the load result's series are per second)");
  } else if (options.cpu_id.empty()) {
    throw UsageError("--cpu ID is required: the Id of the ECS CPUUtilization query");
  } else if (options.tasks_id.empty() == !options.tasks_count.has_value()) {
    throw UsageError("give the task count either as --tasks ID (RunningTaskCount) or as --tasks-count N, one of them");
  }
  Calibration out;
  const std::size_t svc = pick_service(sc, options.service);
  out.service = sc.model.services[svc].name;
  out.vcpu = sc.model.services[svc].vcpu();
  out.cpu_source = options.sample.empty() ? "U x tasks x vCPU (CloudWatch CPUUtilization x RunningTaskCount x the task's vCPU)"
                                          : "the vCPU in use that loadcast load --sample measured as " + options.sample;

  // The classes the service serves: routed to it, or every class when it is the only service.
  std::vector<std::size_t> cls;
  for (std::size_t c = 0; c < sc.model.classes.size(); ++c) {
    const auto& route = sc.model.classes[c].service;
    if (route ? *route == svc : sc.model.services.size() == 1) cls.push_back(c);
  }
  if (cls.empty()) throw UsageError("no request class of the scenario goes to service " + out.service);
  for (std::size_t c : cls) {
    ClassFit f;
    f.name = sc.workload.classes[c].name;
    f.index = c;
    f.scenario_demand_s = cpu_mean_s(sc.model.classes[c]);
    out.classes.push_back(f);
  }

  Rows rows;
  const bool wakeup_column = options.fit_wakeup || options.known_wakeup_s.has_value();
  if (wakeup_column && options.sample.empty()) {
    throw UsageError(std::string(options.fit_wakeup ? "--fit-wakeup" : "a known wake-up CPU") +
                     " needs --sampled inputs: CloudWatch has no count of an event loop's wake-ups (loadcast load --sample counts them)");
  }
  const bool fit_db = !options.db_cpu_id.empty() || !options.db_sample.empty();
  DbPlan db_plan;
  if (fit_db) db_plan = plan_database(sc, cls, options, out.warnings);
  if (!options.cold_wakeup_share.empty() && options.cold_wakeup_share.size() != inputs.size()) {
    throw std::logic_error("calibrate: one cold wake-up share per input");
  }
  out.cold_wakeups = !options.cold_wakeup_share.empty();
  std::vector<double> input_util(inputs.size(), 0.0);
  for (std::size_t in = 0; in < inputs.size(); ++in) {
    const auto& input = inputs[in];
    const auto& r = input.result;
    const std::string& rp = input.result_path;
    for (const auto& entry : r.classes) {
      const std::string& name = entry.first;
      if (std::none_of(sc.workload.classes.begin(), sc.workload.classes.end(), [&](const auto& wc) { return wc.name == name; })) {
        throw InputError(rp + ": classes." + name + ": the scenario has no request class of that name (a result of another scenario?)");
      }
    }
    // Each class's rate series: per class with several classes, the total with one.
    std::vector<const std::vector<double>*> series;
    for (const auto& f : out.classes) {
      const std::string key = r.classes.size() > 1 ? "classes." + f.name + ".requests_per_s" : "requests_per_s";
      const bool mine = r.classes.count(f.name) > 0;
      const auto it = r.timeseries.series.find(key);
      if (mine && it == r.timeseries.series.end()) {
        throw InputError(rp + ": timeseries.series." + key +
                         " is missing (a result from before per-class series; run the load again with this loadcast)");
      }
      series.push_back(mine ? &it->second : nullptr);
    }
    std::size_t used = 0;
    double util_sum = 0.0;
    if (!options.sample.empty()) {
      // The vCPU in use from the result's own --sample series, per period of whole seconds of
      // the measured window; a period the readings do not cover entirely is left out.
      const std::string key = "resources." + options.sample + ".cpu_vcpu";
      const auto it = r.timeseries.series.find(key);
      if (it == r.timeseries.series.end()) {
        throw InputError(rp + ": timeseries.series." + key + " is missing (measure with loadcast load --sample " + options.sample +
                         "=SOURCE, or give --cloudwatch data instead)");
      }
      const double period = options.sample_period_s;
      out.period_s = period;
      const std::vector<double>* wakeups = nullptr;
      if (wakeup_column) {
        const std::string wkey = "resources." + options.sample + ".wakeups_per_s";
        const auto w = r.timeseries.series.find(wkey);
        if (w == r.timeseries.series.end()) {
          throw InputError(rp + ": timeseries.series." + wkey + " is missing (" + (options.fit_wakeup ? "--fit-wakeup" : "the wake-up CPU") +
                           " needs the wake-ups that loadcast load --sample " + options.sample + "=cgroup:… or pid:… counts)");
        }
        wakeups = &w->second;
      }
      for (double t0 = r.warmup_s; t0 + period <= r.warmup_s + r.duration_s + kEps; t0 += period) {
        const auto v = level_mean(r.timeseries, it->second, t0, t0 + period);
        if (!v) continue;
        std::optional<double> wake;
        if (wakeups != nullptr) {
          wake = level_mean(r.timeseries, *wakeups, t0, t0 + period);
          if (!wake) continue;  // a period whose wake-up count broke (a process exited)
          // With wakeup_cold_after: the cold ones, the counted wake-ups x the run's cold share.
          rows.wakeups.push_back(options.cold_wakeup_share.empty() ? *wake : *wake * options.cold_wakeup_share[in]);
        }
        std::vector<double> x;
        for (std::size_t j = 0; j < out.classes.size(); ++j) {
          const auto rate = series[j] == nullptr ? std::optional<double>(0.0) : mean_rate(r.timeseries, *series[j], t0, t0 + period);
          if (!rate) throw InputError(rp + ": timeseries does not cover the period starting at " + fmt("%g s", t0));
          x.push_back(*rate);
        }
        rows.x.push_back(std::move(x));
        rows.y.push_back(*v);
        rows.tasks.push_back(static_cast<double>(sc.model.services[svc].desired));
        if (fit_db) {
          const std::string db_key = "resources." + options.db_sample + ".cpu_vcpu";
          const auto db_it = r.timeseries.series.find(db_key);
          if (db_it == r.timeseries.series.end()) {
            throw InputError(rp + ": timeseries.series." + db_key + " is missing (measure the database with loadcast load --sample " +
                             options.db_sample + "=SOURCE)");
          }
          rows.db.push_back(level_mean(r.timeseries, db_it->second, t0, t0 + period));
        }
        util_sum += *v;
        ++used;
      }
      if (used == 0) {
        throw InputError(rp + ": timeseries.series." + key + " covers no whole " + fmt("%g", period) +
                         " s period of the measured window (after the warm-up): measure longer, or give a shorter --period");
      }
      input_util[in] = util_sum / static_cast<double>(used);
      continue;
    }
    const double start = input.start_epoch ? *input.start_epoch : std::numeric_limits<double>::quiet_NaN();
    if (std::isnan(start)) {
      throw InputError(rp + ": load.started_epoch is missing or null (a sim result, or a load result from before it was recorded): give the run's start with --start (ISO-8601)");
    }
    const double from = start + r.warmup_s;
    const double to = from + r.duration_s;
    const auto& cw = input.cloudwatch;
    const MetricSeries& cpu = cw.need(options.cpu_id, "--cpu");
    const MetricSeries* tasks = options.tasks_id.empty() ? nullptr : &cw.need(options.tasks_id, "--tasks");
    const auto gap = smallest_gap(cpu.t_epoch);
    const auto tasks_gap = tasks == nullptr ? std::nullopt : smallest_gap(tasks->t_epoch);
    double period = gap.value_or(0.0);
    if (!gap) {
      if (!tasks_gap) {
        throw InputError(cpu.where + ": one timestamp only; the period cannot be told (query at least two periods)");
      }
      period = *tasks_gap;
    }
    if (out.period_s > 0.0 && std::abs(out.period_s - period) > kEps) {
      throw InputError(cpu.where + ": period " + fmt("%g", period) + " s differs from the other inputs' " + fmt("%g s", out.period_s));
    }
    out.period_s = period;
    for (std::size_t k = 0; k < cpu.t_epoch.size(); ++k) {
      const double t = cpu.t_epoch[k];
      if (t < from - kEps || t + period > to + kEps) continue;
      double n = 0.0;
      if (tasks != nullptr) {
        const auto v = tasks->at(t);
        if (!v) throw InputError(tasks->where + ": no value for the period starting " + reports::iso8601(t) + ", which " + options.cpu_id + " has");
        n = *v;
      } else {
        n = *options.tasks_count;
      }
      if (!(n > 0.0)) throw InputError((tasks ? tasks->where : cw.file) + ": " + fmt("%g", n) + " tasks in the period starting " + reports::iso8601(t) + " (must be > 0)");
      const double u = cpu.values[k];
      if (u < 0.0 || u > 100.0 + kEps) {
        throw InputError(cpu.where + ".Values: " + fmt("%g", u) + " at " + reports::iso8601(t) + " is not a utilisation in percent (0-100)");
      }
      std::vector<double> x;
      for (std::size_t j = 0; j < out.classes.size(); ++j) {
        if (series[j] == nullptr) {
          x.push_back(0.0);
          continue;
        }
        const auto rate = mean_rate(r.timeseries, *series[j], t - start, t - start + period);
        if (!rate) throw InputError(rp + ": timeseries does not cover the period starting " + reports::iso8601(t));
        x.push_back(*rate);
      }
      rows.x.push_back(std::move(x));
      rows.y.push_back(u / 100.0 * n * out.vcpu);
      rows.tasks.push_back(n);
      if (fit_db) {
        const MetricSeries& db_cpu = cw.need(options.db_cpu_id, "--db-cpu");
        std::optional<double> v = db_cpu.at(t);
        if (v && (*v < 0.0 || *v > 100.0 + kEps)) {
          throw InputError(db_cpu.where + ".Values: " + fmt("%g", *v) + " at " + reports::iso8601(t) + " is not a utilisation in percent (0-100)");
        }
        if (v && db_plan.vcpu_per_acu > 0.0) {
          const auto acu = cw.need(options.db_acu_id, "--db-acu").at(t);
          v = acu ? std::optional<double>(*v / 100.0 * *acu * db_plan.vcpu_per_acu) : std::nullopt;
        } else if (v) {
          v = *v / 100.0 * db_plan.vcpu;
        }
        rows.db.push_back(v);
      }
      util_sum += u / 100.0;
      ++used;
    }
    if (used == 0) {
      throw InputError(cpu.where + ": no period of " + options.cpu_id + " (" + reports::iso8601(cpu.t_epoch.empty() ? 0.0 : cpu.t_epoch.front()) +
                       " .. " + reports::iso8601(cpu.t_epoch.empty() ? 0.0 : cpu.t_epoch.back() + period) + ") lies inside the measured window of " +
                       rp + " (" + reports::iso8601(from) + " .. " + reports::iso8601(to) + ")");
    }
    input_util[in] = util_sum / static_cast<double>(used);
  }

  // Columns of classes that never ran are left out of the fit.
  std::vector<std::size_t> cols;
  for (std::size_t j = 0; j < out.classes.size(); ++j) {
    for (const auto& x : rows.x) out.classes[j].ran = out.classes[j].ran || x[j] > 0.0;
    if (out.classes[j].ran) cols.push_back(j);
    else out.warnings.push_back("class " + out.classes[j].name + " completed nothing in the measured periods: not fitted");
  }
  const std::size_t n = rows.y.size();
  out.periods = n;
  Matrix a(n, cols.size());
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t p = 0; p < cols.size(); ++p) a(i, p) = rows.x[i][cols[p]];
  }
  std::vector<std::string> names;
  for (std::size_t p : cols) names.push_back(out.classes[p].name);
  // The background column: tasks in the period, when the total rate varied enough to tell a
  // constant from the demands (else the intercept and the demands trade off freely).
  bool background = false;
  if (options.background) {
    double lo = std::numeric_limits<double>::infinity(), hi = 0.0, sum = 0.0;
    for (const auto& x : rows.x) {
      double total = 0.0;
      for (double v : x) total += v;
      lo = std::min(lo, total);
      hi = std::max(hi, total);
      sum += total;
    }
    const double mean = n > 0 ? sum / static_cast<double>(n) : 0.0;
    if (mean > 0.0 && (hi - lo) / mean >= kMinRateSpread) {
      background = true;
    } else {
      out.warnings.push_back("--background: the total request rate stayed within " + fmt("%.0f %%", 100.0 * kMinRateSpread) +
                             " of its mean in every period, so the tasks' background CPU cannot be told from the demands: "
                             "measure a second rate (calibrate --target runs one at half the rate); fitted without it");
    }
    if (background && !options.sample.empty() && sc.model.services[svc].autoscaling) {
      out.warnings.push_back("--background with --sampled takes the scenario's desired count (" + std::to_string(sc.model.services[svc].desired) +
                             ") as the tasks running in every period: the service autoscales, so check it held still");
    }
  }
  // --fit-overhead: the reported handler times are known; one overhead column replaces the classes'.
  const bool overhead = !options.handler_s.empty();
  std::vector<double> handler(cols.size(), 0.0);
  std::vector<double> y_fit = rows.y;
  if (overhead) {
    for (std::size_t p = 0; p < cols.size(); ++p) {
      const auto it = options.handler_s.find(out.classes[cols[p]].name);
      if (it == options.handler_s.end()) {
        throw InputError("--fit-overhead: class " + out.classes[cols[p]].name + " ran but reported no handler time: every class the fit sees needs it");
      }
      handler[p] = it->second;
    }
    Matrix o(n, 1);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t p = 0; p < cols.size(); ++p) {
        o(i, 0) += a(i, p);
        y_fit[i] -= a(i, p) * handler[p];
      }
    }
    a = o;
    names = {"framework overhead (per request)"};
  }
  if (options.known_wakeup_s) {
    for (std::size_t i = 0; i < n; ++i) y_fit[i] -= *options.known_wakeup_s * rows.wakeups[i];
  }
  // --fit-wakeup: the wake-ups' column, when the wake-ups per request varied enough to tell them
  // from a per-request cost (else the two trade off freely, as the background and the demands do).
  bool wakeup = false;
  if (options.fit_wakeup) {
    double lo = std::numeric_limits<double>::infinity(), hi = 0.0, sum = 0.0;
    std::size_t counted = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double total = 0.0;
      for (double v : rows.x[i]) total += v;
      if (!(total > 0.0)) continue;
      const double per = rows.wakeups[i] / total;
      lo = std::min(lo, per);
      hi = std::max(hi, per);
      sum += per;
      ++counted;
    }
    const double mean = counted > 0 ? sum / static_cast<double>(counted) : 0.0;
    if (counted > 0) {
      out.wakeups_per_request_low = lo;
      out.wakeups_per_request_high = hi;
    }
    if (mean > 0.0 && (hi - lo) / mean >= kMinWakeupSpread) {
      wakeup = true;
    } else {
      out.warnings.push_back("--fit-wakeup: the wake-ups per request stayed within " + fmt("%.0f %%", 100.0 * kMinWakeupSpread) +
                             " of their mean in every period (" + fmt("%.3g", lo) + " .. " + fmt("%.3g", hi) +
                             "), so a wake-up's CPU cannot be told from the CPU per request: measure a second rate "
                             "(calibrate --target runs one at half the rate); fitted without it");
    }
  }
  const std::size_t fitted_cols = a.cols;
  const std::size_t wakeup_col = fitted_cols;
  const std::size_t background_col = fitted_cols + (wakeup ? 1 : 0);
  Matrix a_fit = a;
  if (background || wakeup) {
    a_fit = Matrix(n, background_col + (background ? 1 : 0));
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t p = 0; p < fitted_cols; ++p) a_fit(i, p) = a(i, p);
      if (wakeup) a_fit(i, wakeup_col) = rows.wakeups[i];
      if (background) a_fit(i, background_col) = rows.tasks[i];
    }
    if (wakeup) names.push_back("wake-up CPU (per wake-up of an idle loop)");
    if (background) names.push_back("background (vCPU per task)");
  }
  const Demands d = solve_demands(a_fit, y_fit, names, kClassTerms, out.warnings);
  if (background) {
    out.background_vcpu = d.x[background_col];
    out.background_low = d.low[background_col];
    out.background_high = d.high[background_col];
  }
  if (wakeup) {
    out.wakeup_s = d.x[wakeup_col];
    out.wakeup_low_s = d.low[wakeup_col];
    out.wakeup_high_s = d.high[wakeup_col];
  }
  if (overhead) {
    out.overhead_s = d.x[0];
    out.overhead_low_s = d.low[0];
    out.overhead_high_s = d.high[0];
  }
  for (std::size_t p = 0; p < cols.size(); ++p) {
    auto& f = out.classes[cols[p]];
    const std::size_t col = overhead ? 0 : p;
    f.demand_s = handler[p] + d.x[col];
    if (d.low[col]) f.low_s = handler[p] + *d.low[col];
    if (d.high[col]) f.high_s = handler[p] + *d.high[col];
  }
  // The quality of the fit of the vCPU in use itself (with --fit-overhead the law was fitted to
  // what the handlers leave; its residual is the same, its total variation is not).
  double y_mean = 0.0;
  for (double v : rows.y) y_mean += v;
  y_mean /= static_cast<double>(n);
  double tss = 0.0;
  for (double v : rows.y) tss += (v - y_mean) * (v - y_mean);
  const double rss = d.rmse * d.rmse * static_cast<double>(n);
  out.mean_vcpu = y_mean;
  out.rmse_vcpu = d.rmse;
  out.r2 = tss > 0.0 ? 1.0 - rss / tss : std::numeric_limits<double>::quiet_NaN();

  if (fit_db) {
    // Reads and writes per second in each period with a database reading: Σ_c X_c × queries_c.
    std::vector<double> reads_s, writes_s, y_db;
    for (std::size_t i = 0; i < rows.x.size(); ++i) {
      if (!rows.db[i]) continue;
      double r = 0.0, w = 0.0;
      for (std::size_t j = 0; j < rows.x[i].size(); ++j) {
        r += rows.x[i][j] * db_plan.reads[j];
        w += rows.x[i][j] * db_plan.writes[j];
      }
      reads_s.push_back(r);
      writes_s.push_back(w);
      y_db.push_back(*rows.db[i]);
    }
    DatabaseFit dbf;
    dbf.instance = db_plan.db->name;
    dbf.capacity = db_plan.capacity;
    std::vector<std::pair<std::string, const std::vector<double>*>> kinds;
    if (std::any_of(reads_s.begin(), reads_s.end(), [](double v) { return v > 0.0; })) kinds.emplace_back("read", &reads_s);
    if (std::any_of(writes_s.begin(), writes_s.end(), [](double v) { return v > 0.0; })) kinds.emplace_back("write", &writes_s);
    if (y_db.empty()) throw InputError("no period has a database CPU value (" + (options.db_cpu_id.empty() ? "--db-sampled " + options.db_sample : "--db-cpu " + options.db_cpu_id) + ")");
    if (kinds.empty()) {
      out.warnings.push_back("no class of service " + out.service + " queried the database in the measured periods: no database fit");
    } else {
      Matrix qa(y_db.size(), kinds.size());
      std::vector<std::string> kind_names;
      for (std::size_t k = 0; k < kinds.size(); ++k) {
        kind_names.push_back(kinds[k].first + "s");
        for (std::size_t i = 0; i < y_db.size(); ++i) qa(i, k) = (*kinds[k].second)[i];
      }
      const Demands qd = solve_demands(qa, y_db, kind_names, kQueryTerms, out.warnings);
      for (std::size_t k = 0; k < kinds.size(); ++k) {
        QueryFit q;
        q.kind = kinds[k].first;
        q.demand_s = qd.x[k];
        q.low_s = qd.low[k];
        q.high_s = qd.high[k];
        q.scenario_demand_s = (q.kind == "read" ? db_plan.db->query.read : db_plan.db->query.write).mean();
        dbf.queries.push_back(q);
      }
      dbf.r2 = qd.r2;
      dbf.rmse_vcpu = qd.rmse;
      dbf.mean_vcpu = qd.mean;
      out.database = std::move(dbf);
    }
  }

  // Fixed delay and variability: from the latencies at the lowest utilisation measured. Per
  // class, inputs are pooled from the least loaded up until the class has kMinLatencies of them
  // (the protocol's runs share one rate but not one mix: one run alone often has too few).
  // A run in batches (workload.arrivals.batch, the --fit-wakeup protocol's) queues requests
  // behind their batch at any utilisation: its latencies come last.
  std::vector<std::size_t> by_util(inputs.size());
  for (std::size_t i = 0; i < by_util.size(); ++i) by_util[i] = i;
  std::vector<bool> batched(inputs.size(), false);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& sections = inputs[i].result.sections;
    if (sections.contains("load") && sections["load"].contains("fingerprint") && sections["load"]["fingerprint"].contains("batch")) {
      const auto& b = sections["load"]["fingerprint"]["batch"];
      batched[i] = b.is_number() && b.get<double>() > 1.0;
    }
  }
  std::stable_sort(by_util.begin(), by_util.end(), [&](std::size_t x, std::size_t y) {
    if (batched[x] != batched[y]) return !batched[x];
    return input_util[x] < input_util[y];
  });
  out.lowest_input = by_util.front();
  for (auto& f : out.classes) {
    reports::Histogram h;
    double latency_sum_ms = 0.0;
    std::uint64_t pooled = 0;
    for (const std::size_t i : by_util) {
      // Enough latencies, or a summary-only result (no histogram): the least loaded input alone.
      if (pooled > 0 && (h.count() >= kMinLatencies || h.count() == 0)) break;
      const auto it = inputs[i].result.classes.find(f.name);
      if (it == inputs[i].result.classes.end() || !it->second.latency_ms.has_samples()) continue;
      h.merge(it->second.histogram);
      // Weighted by the input's requests (a result that kept only the summary counts once).
      const std::uint64_t w = std::max<std::uint64_t>(it->second.histogram.count(), 1);
      latency_sum_ms += it->second.latency_ms.mean * static_cast<double>(w);
      pooled += w;
    }
    if (pooled == 0) continue;
    f.mean_latency_ms = latency_sum_ms / static_cast<double>(pooled);
    f.fixed_delay_ms = *f.mean_latency_ms - f.demand_s * 1e3;
    if (*f.fixed_delay_ms < 0.0) {
      out.warnings.push_back("class " + f.name + ": its mean latency at the lowest load (" + fmt("%.3g ms", *f.mean_latency_ms) +
                             ") is below its fitted demand: the demand is overstated or the CPU data is not this run's");
    }
    // Variability: the 10th-90th percentile spread of the latencies, over the fitted demand.
    if (h.count() >= kMinLatencies && f.demand_s > 0.0) {
      const auto q = h.percentiles({10.0, 90.0});
      f.scv = scv_of_spread(std::max(0.0, (q[1] - q[0]) * 1e-9) / f.demand_s);
      if (options.empirical_shape) f.hold_shape = hold_shape_of(h, *f.fixed_delay_ms * 1e-3);
    }
  }
  out.fit_shape = options.fit_shape;
  out.empirical_shape = options.empirical_shape;
  if (options.fit_shape || options.empirical_shape) {
    for (const auto& f : out.classes) {
      if (f.ran && !f.scv) {
        out.warnings.push_back("class " + f.name + ": fewer than " + std::to_string(kMinLatencies) +
                               " latencies at the lowest load, so --shape leaves its distribution's shape");
      }
    }
  }
  return out;
}

std::vector<CalibrationInput> run_protocol(const scenario::Scenario& sc, const TargetProtocol& protocol,
                                           const std::atomic<bool>& stop, const std::function<void(const std::string&)>& progress) {
  if (!sc.workload.is_open()) {
    throw UsageError("calibrate --target runs open-model loads at --rate: the scenario's workload must have arrivals (not users)");
  }
  if (!(protocol.rate > 0.0) || protocol.rate > workload::kMaxRate) throw UsageError("--rate must be above 0 requests per second");
  if (!(protocol.run_s >= 5.0)) throw UsageError("--run-duration must be at least 5s (each run gives the fit its periods)");
  const std::size_t svc = pick_service(sc, protocol.service);
  std::vector<std::size_t> cls;
  for (std::size_t c = 0; c < sc.model.classes.size(); ++c) {
    const auto& route = sc.model.classes[c].service;
    if (route ? *route == svc : sc.model.services.size() == 1) cls.push_back(c);
  }
  if (cls.empty()) throw UsageError("no request class of the scenario goes to service " + sc.model.services[svc].name);

  struct Plan {
    std::string label;
    double rate;
    std::optional<std::size_t> tilted;
    std::uint32_t batch = 1;
  };
  std::vector<Plan> plans{{"mix", protocol.rate, std::nullopt}};
  if (cls.size() == 1) {
    plans.push_back({"rate-x3", 3.0 * protocol.rate, std::nullopt});
  } else {
    for (std::size_t c : cls) plans.push_back({"more-" + sc.workload.classes[c].name, protocol.rate, c});
    if (protocol.half_rate) plans.push_back({"mix-half-rate", 0.5 * protocol.rate, std::nullopt});
  }
  if (protocol.batch_per_task > 0) {
    const auto tasks = static_cast<std::uint32_t>(std::max(1, sc.model.services[svc].desired));
    const std::uint32_t batch = std::min(protocol.batch_per_task * tasks, workload::kMaxBatch);
    plans.push_back({"mix-batch-" + std::to_string(batch), protocol.rate, std::nullopt, batch});
  }
  if (protocol.warmup_s > 0.0) plans.insert(plans.begin(), Plan{"warmup", protocol.rate, std::nullopt});
  std::vector<CalibrationInput> inputs;
  for (std::size_t k = 0; k < plans.size(); ++k) {
    if (stop.load()) throw UsageError("interrupted before run " + std::to_string(k + 1) + " of " + std::to_string(plans.size()));
    const bool warmup = plans[k].label == "warmup";
    scenario::Scenario run = sc;
    auto& open = std::get<workload::OpenWorkload>(run.workload.model);
    open.rate = workload::RateSchedule({{0, plans[k].rate}});
    open.batch = plans[k].batch;
    run.duration = static_cast<sim::Time>(std::llround((warmup ? protocol.warmup_s : protocol.run_s) * 1e9));
    run.warmup = 0;
    if (plans[k].tilted) run.workload.classes[*plans[k].tilted].weight *= protocol.tilt;
    auto config = scenario_load(run, protocol.target, false);
    const auto plan = check_load(config, {}, {});
    const std::string dir = protocol.runs_dir + "/run-" + std::to_string(k + 1) + "-" + plans[k].label;
    if (progress) {
      progress("run " + std::to_string(k + 1) + " of " + std::to_string(plans.size()) + ": " + plans[k].label + " at " +
               fmt("%g", plans[k].rate) + " requests/s" + (plans[k].batch > 1 ? " in batches of " + std::to_string(plans[k].batch) : std::string()) + " for " + fmt("%g", warmup ? protocol.warmup_s : protocol.run_s) + " s -> " + dir +
               (warmup ? " (not fitted)" : ""));
    }
    std::vector<loadgen::SampleSpec> samples{protocol.sample};
    if (protocol.db_sample) samples.push_back(*protocol.db_sample);
    auto result = run_load(config, plan, stop, samples);
    reports::write_run_outputs(result.output.result, dir);
    if (result.verdict.interrupted) throw UsageError("interrupted during run " + std::to_string(k + 1) + " (its files are in " + dir + ")");
    if (result.verdict.run_failed) {
      throw InputError(dir + "/result.json: no request succeeded, or the counts do not balance: is " + protocol.target + " serving the scenario's paths?");
    }
    if (warmup) continue;
    CalibrationInput in;
    in.result_path = dir + "/result.json";
    in.start_epoch = result.output.info.started_epoch;
    in.result = std::move(result.output.result);
    inputs.push_back(std::move(in));
  }
  return inputs;
}

Calibration at_bound(const Calibration& c, const std::string& which) {
  Calibration b = c;
  b.bound = which;
  const bool low = which == "low";
  for (auto& f : b.classes) {
    if (f.low_s && f.high_s) f.demand_s = low ? *f.low_s : *f.high_s;
  }
  if (b.background_vcpu && b.background_low && b.background_high) b.background_vcpu = low ? *b.background_low : *b.background_high;
  if (b.wakeup_s && b.wakeup_low_s && b.wakeup_high_s) b.wakeup_s = low ? *b.wakeup_low_s : *b.wakeup_high_s;
  if (b.database) {
    for (auto& q : b.database->queries) {
      if (q.low_s && q.high_s) q.demand_s = low ? *q.low_s : *q.high_s;
    }
  }
  return b;
}

std::string overlay_yaml(const scenario::Scenario& sc, const Calibration& c, const std::vector<std::string>& sources) {
  std::string y;
  y += "# loadcast calibrate: CPU demand per request of the classes of service " + c.service + " (" + fmt("%g", c.vcpu) + " vCPU)\n";
  if (!c.bound.empty()) {
    y += "# sensitivity bound: every demand at the " + c.bound + " end of its 95 % interval (not the fit itself; the fit's overlay has the point values)\n";
  }
  y += "# scenario: " + sc.path + "\n";
  for (const auto& s : sources) y += "# from: " + s + "\n";
  y += "# method: service demand law, " + c.cpu_source + " = sum over classes of X x D per " + fmt("%g", c.period_s) +
       " s period, non-negative least squares (Lawson-Hanson)\n";
  y += "# fit: " + std::to_string(c.periods) + " periods, R^2 " + (std::isnan(c.r2) ? std::string("n/a") : fmt("%.4f", c.r2)) +
       ", residual RMS " + fmt("%.4g", c.rmse_vcpu) + " vCPU of a mean " + fmt("%.4g", c.mean_vcpu) + " vCPU in use\n";
  for (const auto& w : c.warnings) y += "# warning: " + w + "\n";
  if (c.overhead_s) {
    y += "# --fit-overhead: each class's CPU per request is the handler time it reported plus one framework overhead of " + ms(*c.overhead_s);
    if (c.overhead_low_s && c.overhead_high_s) y += " (95 % interval " + ms(*c.overhead_low_s) + " .. " + ms(*c.overhead_high_s) + ")";
    y += "\n";
  }
  y += "# apply with: loadcast sim " + sc.path + " --overlay <this file>\n";
  for (const auto& f : c.classes) {
    y += "\n# " + f.name + ": " + (f.ran ? ms(f.demand_s) : std::string("not fitted"));
    if (f.low_s && f.high_s) y += " of CPU per request, 95 % interval " + ms(*f.low_s) + " .. " + ms(*f.high_s);
    y += " (the scenario had " + ms(f.scenario_demand_s) + ")\n";
    if (f.scv) {
      y += "#   variability at the lowest load: squared coefficient of variation " + fmt("%.3g", *f.scv) + " (" +
           shape_text(f.demand_s, *f.scv) + "; exp has 1, const 0)" + (c.fit_shape ? "" : ": apply it with --shape fit") + "\n";
    }
    if (f.fixed_delay_ms) {
      y += "#   residual latency at the lowest load: " + fmt("%.3g ms", *f.fixed_delay_ms) + " (mean " + fmt("%.3g ms", *f.mean_latency_ms) +
           " minus the demand): a fixed delay the scenario's other steps should account for\n";
    }
    if (!f.ran) continue;
    if (!(f.demand_s > 0.0)) {
      y += "#   fitted 0: the scenario's cpu steps are left as they are\n";
      continue;
    }
    const auto& steps = sc.model.classes[f.index].steps;
    if (!(f.scenario_demand_s > 0.0)) {
      y += "#   the class has no cpu step with a mean above 0: add one, e.g. `- cpu: exp(" + fmt("%.3g", f.demand_s * 1e3) + "ms)`\n";
      continue;
    }
    const double factor = f.demand_s / f.scenario_demand_s;
    // Every cpu step is scaled by the same factor. With --shape, the class's largest cpu step (the
    // first of equals) takes the fitted shape (the low-load latencies' relative spread) at its
    // scaled mean; the others (e.g. a request's parsing before its query is sent, or its response
    // after the query returns: an event loop serves each part in its own turn) keep their own
    // distributions, scaled.
    std::size_t main = steps.size();
    for (std::size_t j = 0; j < steps.size(); ++j) {
      if (steps[j].kind != models::StepKind::kCpu) continue;
      if (main == steps.size() || steps[j].service.mean() > steps[main].service.mean()) main = j;
    }
    for (std::size_t j = 0; j < steps.size(); ++j) {
      if (steps[j].kind != models::StepKind::kCpu || !(steps[j].service.mean() > 0.0)) continue;
      const std::string key = "workload.requests[" + std::to_string(f.index) + "].steps[" + std::to_string(j) + "].cpu";
      if (j == main) {
        // Its share of the demand: exactly 1 when it is the class's only cpu step (x / x).
        const double share = steps[j].service.mean() / f.scenario_demand_s;
        if (c.empirical_shape && !f.hold_file.empty()) {
          const std::string args = share == 1.0 ? f.hold_file : f.hold_file + ", scale=" + fmt("%.6g", share);
          y += key + ": \"empirical(" + args + ")\"  # was " + steps[j].service.describe() +
               " (the shape of the latencies at the lowest load, mean " + ms(f.demand_s * share) + ")\n";
          continue;
        }
        if (c.fit_shape && f.scv) {
          y += key + ": \"" + shape_text(f.demand_s * share, *f.scv) + "\"  # was " + steps[j].service.describe() + " (fitted shape)\n";
          continue;
        }
      }
      const auto scaled = steps[j].service.scaled(factor);
      if (!scaled) {
        y += "#   " + key + " (" + steps[j].service.describe() + ") cannot be scaled: multiply its values by " + fmt("%.4g", factor) + "\n";
        continue;
      }
      y += key + ": \"" + scaled->describe() + "\"  # was " + steps[j].service.describe() + "\n";
    }
  }
  if (c.background_vcpu) {
    const auto& service = sc.model.services[pick_service(sc, c.service)];
    y += "\n# background: " + fmt("%.4g", *c.background_vcpu) + " vCPU per task apart from the requests (the fit's intercept)";
    if (c.background_low && c.background_high) y += ", 95 % interval " + fmt("%.4g", *c.background_low) + " .. " + fmt("%.4g", *c.background_high);
    y += " (the scenario had " + fmt("%g", service.background_vcpu) + ")\n";
    y += "services." + c.service + ".background.cpu: " + fmt("%.6g", *c.background_vcpu) + "\n";
  }
  if (c.wakeup_s) {
    const auto& service = sc.model.services[pick_service(sc, c.service)];
    const bool cold = service.wakeup_cold_after > 0;
    y += "\n# wake-up: " + ms(*c.wakeup_s) + " of CPU each time a request or a database reply wakes an idle event loop";
    if (cold) y += " that slept " + ms(sim::to_seconds(service.wakeup_cold_after)) + " or longer (wakeup_cold_after)";
    if (c.wakeup_low_s && c.wakeup_high_s) y += ", 95 % interval " + ms(*c.wakeup_low_s) + " .. " + ms(*c.wakeup_high_s);
    y += " (the scenario had " + ms(sim::to_seconds(service.wakeup_cpu)) + "); the runs measured " + fmt("%.3g", c.wakeups_per_request_low) +
         " .. " + fmt("%.3g", c.wakeups_per_request_high) + (cold ? " cold wake-ups per request (the count x each run's simulated cold share)\n" : " wake-ups per request\n");
    y += "services." + c.service + ".wakeup_cpu: " + fmt("%.6g", *c.wakeup_s * 1e3) + "ms\n";
  }
  if (c.database) {
    const auto& d = *c.database;
    y += "\n# database " + d.instance + ": CPU per query from " + d.capacity + ", R^2 " +
         (std::isnan(d.r2) ? std::string("n/a") : fmt("%.4f", d.r2)) + ", residual RMS " + fmt("%.4g", d.rmse_vcpu) + " vCPU of a mean " +
         fmt("%.4g", d.mean_vcpu) + "\n";
    for (const auto& q : d.queries) {
      const auto& dist = q.kind == "read" ? sc.model.database->query.read : sc.model.database->query.write;
      y += "# " + q.kind + ": " + ms(q.demand_s) + " of database CPU per query";
      if (q.low_s && q.high_s) y += ", 95 % interval " + ms(*q.low_s) + " .. " + ms(*q.high_s);
      y += " (the scenario had " + ms(q.scenario_demand_s) + ")\n";
      const std::string key = "database.query." + q.kind;
      const auto scaled = q.scenario_demand_s > 0.0 && q.demand_s > 0.0 ? dist.scaled(q.demand_s / q.scenario_demand_s) : std::nullopt;
      if (scaled) y += key + ": \"" + scaled->describe() + "\"  # was " + dist.describe() + "\n";
      else y += "#   " + key + " left as it is (" + dist.describe() + ")\n";
    }
  }
  return y;
}

std::string format_calibration(const Calibration& c) {
  std::string t = "service " + c.service + " (" + fmt("%g", c.vcpu) + " vCPU per task): " + std::to_string(c.periods) + " periods of " +
                  fmt("%g", c.period_s) + " s, R^2 " + (std::isnan(c.r2) ? std::string("n/a") : fmt("%.4f", c.r2)) + ", residual RMS " +
                  fmt("%.4g", c.rmse_vcpu) + " vCPU (mean in use " + fmt("%.4g", c.mean_vcpu) + ")\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-20s %12s %25s %12s %14s %8s\n", "class", "CPU/request", "95 % interval", "scenario had", "fixed delay",
                "c^2");
  t += line;
  for (const auto& f : c.classes) {
    const std::string ci = f.low_s && f.high_s ? fmt("%.4g", *f.low_s * 1e3) + " .. " + fmt("%.4g ms", *f.high_s * 1e3) : std::string("-");
    const std::string fixed = f.fixed_delay_ms ? fmt("%.4g ms", *f.fixed_delay_ms) : std::string("-");
    std::snprintf(line, sizeof line, "%-20s %12s %25s %12s %14s %8s\n", f.name.c_str(),
                  f.ran ? fmt("%.4g ms", f.demand_s * 1e3).c_str() : "not fitted", ci.c_str(),
                  fmt("%.4g ms", f.scenario_demand_s * 1e3).c_str(), fixed.c_str(), f.scv ? fmt("%.2f", *f.scv).c_str() : "-");
    t += line;
  }
  if (c.background_vcpu) {
    const std::string ci = c.background_low && c.background_high ? fmt("%.4g", *c.background_low) + " .. " + fmt("%.4g", *c.background_high) : std::string("-");
    std::snprintf(line, sizeof line, "%-20s %12s %25s\n", "background/task", fmt("%.4g vCPU", *c.background_vcpu).c_str(), ci.c_str());
    t += line;
  }
  if (c.overhead_s) {
    const std::string ci = c.overhead_low_s && c.overhead_high_s ? fmt("%.4g", *c.overhead_low_s * 1e3) + " .. " + fmt("%.4g ms", *c.overhead_high_s * 1e3) : std::string("-");
    std::snprintf(line, sizeof line, "%-20s %12s %25s\n", "overhead/request", fmt("%.4g ms", *c.overhead_s * 1e3).c_str(), ci.c_str());
    t += line;
    t += "(--fit-overhead: each class's CPU per request is its reported handler time plus this overhead)\n";
  }
  if (c.wakeup_s) {
    const std::string ci = c.wakeup_low_s && c.wakeup_high_s ? fmt("%.4g", *c.wakeup_low_s * 1e3) + " .. " + fmt("%.4g ms", *c.wakeup_high_s * 1e3) : std::string("-");
    std::snprintf(line, sizeof line, "%-20s %12s %25s\n", "wake-up (idle loop)", fmt("%.4g ms", *c.wakeup_s * 1e3).c_str(), ci.c_str());
    t += line;
    t += "(--fit-wakeup: " + fmt("%.3g", c.wakeups_per_request_low) + " .. " + fmt("%.3g", c.wakeups_per_request_high) +
         (c.cold_wakeups ? " cold wake-ups per request (counted x simulated cold share);" : " wake-ups per request measured;") + " the CPU per request falls as the load keeps the loop awake)\n";
  }
  if (c.database) {
    const auto& d = *c.database;
    t += "database " + d.instance + " (" + d.capacity + "): R^2 " + (std::isnan(d.r2) ? std::string("n/a") : fmt("%.4f", d.r2)) +
         ", residual RMS " + fmt("%.4g", d.rmse_vcpu) + " vCPU (mean in use " + fmt("%.4g", d.mean_vcpu) + ")\n";
    for (const auto& q : d.queries) {
      const std::string ci = q.low_s && q.high_s ? fmt("%.4g", *q.low_s * 1e3) + " .. " + fmt("%.4g ms", *q.high_s * 1e3) : std::string("-");
      std::snprintf(line, sizeof line, "%-20s %12s %25s %12s\n", (q.kind + " query").c_str(), fmt("%.4g ms", q.demand_s * 1e3).c_str(), ci.c_str(),
                    fmt("%.4g ms", q.scenario_demand_s * 1e3).c_str());
      t += line;
    }
  }
  for (const auto& w : c.warnings) t += "warning: " + w + "\n";
  return t;
}

}  // namespace loadcast::app
