// Non-negative least squares: min ||A x - b||² subject to x >= 0, by the Lawson–Hanson active-set
// algorithm (C. L. Lawson, R. J. Hanson, "Solving Least Squares Problems", 1974, ch. 23). Each
// inner step solves the unconstrained problem on the passive set by its normal equations
// (Gaussian elimination with partial pivoting; the problems `loadcast calibrate` solves have a
// handful of columns). Also the inverse of a Gram matrix, which the confidence intervals use.
// Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace loadcast::app {

// Row-major dense matrix: rows × cols.
struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> v;  // rows * cols

  Matrix(std::size_t r, std::size_t c) : rows(r), cols(c), v(r * c, 0.0) {}
  double& operator()(std::size_t r, std::size_t c) { return v[r * cols + c]; }
  double operator()(std::size_t r, std::size_t c) const { return v[r * cols + c]; }
};

struct NnlsResult {
  std::vector<double> x;        // cols values, each >= 0
  std::vector<bool> active;     // x[j] > 0: the column is in the passive (free) set
  double residual_sq = 0.0;     // ||A x - b||²
  bool converged = true;        // false: stopped at the iteration limit
};

// b has A.rows entries. Columns that are exactly zero stay at 0.
NnlsResult nnls(const Matrix& a, const std::vector<double>& b);

// Inverse of the symmetric matrix g (n × n); nullopt when it is singular (a pivot below
// 1e-12 of the largest diagonal entry).
std::optional<Matrix> invert(const Matrix& g);

// nnls() with what every caller reports of it: the mean of b, the residual RMS, R² (NaN when b
// is constant) and 95 % intervals of the free columns — σ² (A_Pᵀ A_P)⁻¹ over the passive set P,
// σ² = residual / (rows − |P|), Student-t with rows − |P| degrees of freedom; the low end
// clamped at 0. No interval for a column at the bound 0, none at all when dof is 0 or A_PᵀA_P is
// singular (`singular`).
struct NnlsFit {
  NnlsResult fit;
  double mean = 0.0, rmse = 0.0, r2 = 0.0;
  std::size_t dof = 0;
  bool singular = false;
  std::vector<std::optional<double>> low, high;  // per column
};
NnlsFit nnls_with_intervals(const Matrix& a, const std::vector<double>& b);

// The cosine of the angle between columns p and q of a (0 when either is zero): near 1, the
// two kept one ratio and a least-squares fit cannot tell them apart.
double column_cosine(const Matrix& a, std::size_t p, std::size_t q);

}  // namespace loadcast::app
