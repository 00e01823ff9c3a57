#include "app/nnls.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/stats.hpp"

namespace loadcast::app {

namespace {

// Solves g y = r by Gaussian elimination with partial pivoting; nullopt when singular.
std::optional<std::vector<double>> solve(Matrix g, std::vector<double> r) {
  const std::size_t n = g.rows;
  double scale = 0.0;
  for (std::size_t i = 0; i < n; ++i) scale = std::max(scale, std::abs(g(i, i)));
  if (scale == 0.0) return n == 0 ? std::optional<std::vector<double>>(std::vector<double>{}) : std::nullopt;
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t p = k;
    for (std::size_t i = k + 1; i < n; ++i) {
      if (std::abs(g(i, k)) > std::abs(g(p, k))) p = i;
    }
    if (std::abs(g(p, k)) <= 1e-12 * scale) return std::nullopt;
    if (p != k) {
      for (std::size_t j = 0; j < n; ++j) std::swap(g(k, j), g(p, j));
      std::swap(r[k], r[p]);
    }
    for (std::size_t i = k + 1; i < n; ++i) {
      const double m = g(i, k) / g(k, k);
      for (std::size_t j = k; j < n; ++j) g(i, j) -= m * g(k, j);
      r[i] -= m * r[k];
    }
  }
  std::vector<double> y(n);
  for (std::size_t k = n; k-- > 0;) {
    double s = r[k];
    for (std::size_t j = k + 1; j < n; ++j) s -= g(k, j) * y[j];
    y[k] = s / g(k, k);
  }
  return y;
}

// Least squares on the columns in `set` (normal equations); nullopt when they are dependent.
std::optional<std::vector<double>> least_squares(const Matrix& a, const std::vector<double>& b,
                                                 const std::vector<std::size_t>& set) {
  const std::size_t k = set.size();
  Matrix g(k, k);
  std::vector<double> r(k, 0.0);
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t q = 0; q < k; ++q) {
      double s = 0.0;
      for (std::size_t i = 0; i < a.rows; ++i) s += a(i, set[p]) * a(i, set[q]);
      g(p, q) = s;
    }
    for (std::size_t i = 0; i < a.rows; ++i) r[p] += a(i, set[p]) * b[i];
  }
  return solve(std::move(g), std::move(r));
}

}  // namespace

std::optional<Matrix> invert(const Matrix& g) {
  const std::size_t n = g.rows;
  Matrix out(n, n);
  for (std::size_t c = 0; c < n; ++c) {
    std::vector<double> e(n, 0.0);
    e[c] = 1.0;
    const auto col = solve(g, e);
    if (!col) return std::nullopt;
    for (std::size_t r = 0; r < n; ++r) out(r, c) = (*col)[r];
  }
  return out;
}

NnlsResult nnls(const Matrix& a, const std::vector<double>& b) {
  const std::size_t n = a.cols;
  NnlsResult out;
  out.x.assign(n, 0.0);
  std::vector<bool> passive(n, false);
  std::vector<bool> excluded(n, false);  // columns that made the passive set dependent
  double bnorm = 0.0;
  for (double v : b) bnorm = std::max(bnorm, std::abs(v));
  double anorm = 0.0;
  for (double v : a.v) anorm = std::max(anorm, std::abs(v));
  const double tol = 1e-12 * std::max(1.0, bnorm) * std::max(1.0, anorm) * static_cast<double>(std::max<std::size_t>(a.rows, 1));
  const auto residual = [&](const std::vector<double>& x) {
    std::vector<double> r(b);
    for (std::size_t i = 0; i < a.rows; ++i) {
      for (std::size_t j = 0; j < n; ++j) r[i] -= a(i, j) * x[j];
    }
    return r;
  };
  const std::size_t max_iter = 3 * n + 10;
  std::size_t iter = 0;
  while (true) {
    // Gradient of -½||Ax-b||²: w = Aᵀ(b - Ax); the most promising bound column enters.
    const auto r = residual(out.x);
    std::size_t best = n;
    double wmax = tol;
    for (std::size_t j = 0; j < n; ++j) {
      if (passive[j] || excluded[j]) continue;
      double w = 0.0;
      for (std::size_t i = 0; i < a.rows; ++i) w += a(i, j) * r[i];
      if (w > wmax) {
        wmax = w;
        best = j;
      }
    }
    if (best == n) break;
    if (++iter > max_iter) {
      out.converged = false;
      break;
    }
    passive[best] = true;
    while (true) {
      std::vector<std::size_t> set;
      for (std::size_t j = 0; j < n; ++j) {
        if (passive[j]) set.push_back(j);
      }
      const auto z = least_squares(a, b, set);
      if (!z) {
        // The entering column depends on the passive ones: it adds nothing; leave it out.
        passive[best] = false;
        excluded[best] = true;
        break;
      }
      bool feasible = true;
      for (double v : *z) feasible = feasible && v > 0.0;
      if (feasible) {
        for (std::size_t p = 0; p < set.size(); ++p) out.x[set[p]] = (*z)[p];
        break;
      }
      // Step from x towards z as far as feasibility allows; the columns that reach 0 leave.
      double alpha = 1.0;
      for (std::size_t p = 0; p < set.size(); ++p) {
        const double xj = out.x[set[p]];
        if ((*z)[p] <= 0.0) alpha = std::min(alpha, xj / (xj - (*z)[p]));
      }
      for (std::size_t p = 0; p < set.size(); ++p) {
        const std::size_t j = set[p];
        out.x[j] += alpha * ((*z)[p] - out.x[j]);
        if (out.x[j] <= tol) {
          out.x[j] = 0.0;
          passive[j] = false;
        }
      }
    }
  }
  out.active.assign(n, false);
  for (std::size_t j = 0; j < n; ++j) out.active[j] = out.x[j] > 0.0;
  for (double v : residual(out.x)) out.residual_sq += v * v;
  return out;
}

NnlsFit nnls_with_intervals(const Matrix& a, const std::vector<double>& b) {
  const std::size_t n = b.size(), m = a.cols;
  NnlsFit out;
  out.fit = nnls(a, b);
  out.low.assign(m, std::nullopt);
  out.high.assign(m, std::nullopt);
  for (double v : b) out.mean += v;
  out.mean /= static_cast<double>(n);
  double tss = 0.0;
  for (double v : b) tss += (v - out.mean) * (v - out.mean);
  out.rmse = std::sqrt(out.fit.residual_sq / static_cast<double>(n));
  out.r2 = tss > 0.0 ? 1.0 - out.fit.residual_sq / tss : std::numeric_limits<double>::quiet_NaN();
  std::vector<std::size_t> kept;
  for (std::size_t p = 0; p < m; ++p) {
    if (out.fit.active[p]) kept.push_back(p);
  }
  out.dof = n > kept.size() ? n - kept.size() : 0;
  if (out.dof == 0 || kept.empty()) return out;
  Matrix g(kept.size(), kept.size());
  for (std::size_t u = 0; u < kept.size(); ++u) {
    for (std::size_t v = 0; v < kept.size(); ++v) {
      double s = 0.0;
      for (std::size_t i = 0; i < n; ++i) s += a(i, kept[u]) * a(i, kept[v]);
      g(u, v) = s;
    }
  }
  const auto inv = invert(g);
  if (!inv) {
    out.singular = true;
    return out;
  }
  const double sigma2 = out.fit.residual_sq / static_cast<double>(out.dof);
  const double tq = sim::student_t_quantile(0.975, static_cast<double>(out.dof));
  for (std::size_t u = 0; u < kept.size(); ++u) {
    const std::size_t p = kept[u];
    const double half = tq * std::sqrt(std::max(0.0, sigma2 * (*inv)(u, u)));
    out.low[p] = std::max(0.0, out.fit.x[p] - half);
    out.high[p] = out.fit.x[p] + half;
  }
  return out;
}

double column_cosine(const Matrix& a, std::size_t p, std::size_t q) {
  double ab = 0.0, aa = 0.0, bb = 0.0;
  for (std::size_t i = 0; i < a.rows; ++i) {
    ab += a(i, p) * a(i, q);
    aa += a(i, p) * a(i, p);
    bb += a(i, q) * a(i, q);
  }
  return aa > 0.0 && bb > 0.0 ? ab / std::sqrt(aa * bb) : 0.0;
}

}  // namespace loadcast::app
