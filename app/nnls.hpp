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

}  // namespace loadcast::app
