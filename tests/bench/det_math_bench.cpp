// det_log / det_exp against the C library's log / exp, per call, on the samplers' inputs
// (uniforms in (0, 1] for log; the range lognormal draws use for exp).
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "sim/det_math.hpp"
#include "sim/rng.hpp"

namespace {

std::vector<double> inputs(double lo, double hi) {
  loadcast::sim::Rng rng(1);
  std::vector<double> v(4096);
  for (auto& x : v) x = lo + (hi - lo) * rng.uniform_pos();
  return v;
}

template <double (*F)(double)>
void run(benchmark::State& state, const std::vector<double>& v) {
  std::size_t i = 0;
  double sum = 0.0;
  for (auto _ : state) {
    sum += F(v[i++ & 4095]);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

double libm_log(double x) { return std::log(x); }
double libm_exp(double x) { return std::exp(x); }

void BM_libm_log(benchmark::State& s) { run<libm_log>(s, inputs(0.0, 1.0)); }
void BM_det_log(benchmark::State& s) { run<loadcast::sim::det_log>(s, inputs(0.0, 1.0)); }
void BM_libm_exp(benchmark::State& s) { run<libm_exp>(s, inputs(-5.0, 5.0)); }
void BM_det_exp(benchmark::State& s) { run<loadcast::sim::det_exp>(s, inputs(-5.0, 5.0)); }

}  // namespace

BENCHMARK(BM_libm_log);
BENCHMARK(BM_det_log);
BENCHMARK(BM_libm_exp);
BENCHMARK(BM_det_exp);
BENCHMARK_MAIN();
