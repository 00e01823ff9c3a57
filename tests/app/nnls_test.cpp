// Lawson–Hanson NNLS on problems solved by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "app/nnls.hpp"

using namespace loadcast;

namespace {

app::Matrix matrix(std::size_t rows, std::size_t cols, std::initializer_list<double> v) {
  app::Matrix m(rows, cols);
  m.v.assign(v.begin(), v.end());
  REQUIRE(m.v.size() == rows * cols);
  return m;
}

}  // namespace

TEST_CASE("Nnls: a consistent system with a positive solution is solved exactly") {
  // x = (1, 2): rows 1, 2 and 1 + 2 = 3.
  const auto r = app::nnls(matrix(3, 2, {1, 0, 0, 1, 1, 1}), {1, 2, 3});
  CHECK(r.converged);
  CHECK(r.x[0] == Approx(1.0).epsilon(1e-12));
  CHECK(r.x[1] == Approx(2.0).epsilon(1e-12));
  CHECK(r.active == std::vector<bool>{true, true});
  CHECK(r.residual_sq == Approx(0.0).margin(1e-20));
}

TEST_CASE("Nnls: a negative unconstrained coefficient is clamped to 0 and the rest refitted") {
  // Fitting b = (3, 2, 1) on columns (1, 1, 1) and (1, 2, 3): unconstrained least squares gives
  // (4, -1). With x >= 0 the second is 0 and the first the mean of b, 2; the residual is
  // (1, 0, -1), squared 2, and the second column's gradient (1, 2, 3)·(1, 0, -1) = -2 < 0
  // proves the point optimal.
  const auto r = app::nnls(matrix(3, 2, {1, 1, 1, 2, 1, 3}), {3, 2, 1});
  CHECK(r.x[0] == Approx(2.0).epsilon(1e-12));
  CHECK(r.x[1] == 0.0);
  CHECK(r.active == std::vector<bool>{true, false});
  CHECK(r.residual_sq == Approx(2.0).epsilon(1e-12));
}

TEST_CASE("Nnls: an overdetermined system gets the least-squares solution") {
  // One column (1, 1, 1, 1) and b = (1, 2, 3, 6): x = mean 3, residual 4 + 1 + 0 + 9 = 14.
  const auto r = app::nnls(matrix(4, 1, {1, 1, 1, 1}), {1, 2, 3, 6});
  CHECK(r.x[0] == Approx(3.0).epsilon(1e-12));
  CHECK(r.residual_sq == Approx(14.0).epsilon(1e-12));
}

TEST_CASE("Nnls: all-negative targets give x = 0, and a zero column stays at 0") {
  const auto r = app::nnls(matrix(2, 2, {1, 0, 1, 0}), {-1, -2});
  CHECK(r.x == std::vector<double>{0.0, 0.0});
  CHECK(r.residual_sq == Approx(5.0));
  const auto z = app::nnls(matrix(2, 2, {1, 0, 2, 0}), {1, 2});
  CHECK(z.x[0] == Approx(1.0).epsilon(1e-12));
  CHECK(z.x[1] == 0.0);
}

TEST_CASE("Nnls: a column equal to another adds nothing and the fit still converges") {
  // Columns 1 and 2 are the same: the fit takes one of them; their sum is what b asks for.
  const auto r = app::nnls(matrix(3, 2, {1, 1, 2, 2, 3, 3}), {2, 4, 6});
  CHECK(r.converged);
  CHECK(r.x[0] + r.x[1] == Approx(2.0).epsilon(1e-9));
  CHECK(r.residual_sq == Approx(0.0).margin(1e-12));
}

TEST_CASE("Nnls: invert gives the inverse of a 2x2 matrix and refuses a singular one") {
  // [[4, 7], [2, 6]]⁻¹ = [[0.6, -0.7], [-0.2, 0.4]] (determinant 10).
  const auto inv = app::invert(matrix(2, 2, {4, 7, 2, 6}));
  REQUIRE(inv);
  CHECK((*inv)(0, 0) == Approx(0.6));
  CHECK((*inv)(0, 1) == Approx(-0.7));
  CHECK((*inv)(1, 0) == Approx(-0.2));
  CHECK((*inv)(1, 1) == Approx(0.4));
  CHECK_FALSE(app::invert(matrix(2, 2, {1, 2, 2, 4})));
}

TEST_CASE("Nnls: nnls_with_intervals gives the fit's quality and a Student-t interval, none at the bound 0") {
  // b = (1, 2, 3, 6) on the column (1, 2, 3, 4): x = 38/30, residual² 28/15, 3 degrees of
  // freedom, σ² = 28/45, var(x) = σ²/30, half-width t(0.975, 3) = 3.182446 × 0.144016 = 0.458326.
  // R² = 1 − (28/15)/14 = 13/15 (b's mean is 3, its squares about it 14).
  const auto f = app::nnls_with_intervals(matrix(4, 1, {1, 2, 3, 4}), {1, 2, 3, 6});
  CHECK(f.fit.x[0] == Approx(38.0 / 30.0).epsilon(1e-12));
  CHECK(f.dof == 3);
  CHECK(f.mean == Approx(3.0));
  CHECK(f.r2 == Approx(13.0 / 15.0).epsilon(1e-12));
  CHECK(f.rmse == Approx(std::sqrt(28.0 / 15.0 / 4.0)).epsilon(1e-12));
  REQUIRE(f.low[0]);
  REQUIRE(f.high[0]);
  CHECK(*f.low[0] == Approx(38.0 / 30.0 - 0.458326).epsilon(1e-5));
  CHECK(*f.high[0] == Approx(38.0 / 30.0 + 0.458326).epsilon(1e-5));
  CHECK_FALSE(f.singular);

  // The second column would need a negative coefficient: it stays at 0, without an interval,
  // and the first keeps one.
  const auto g = app::nnls_with_intervals(matrix(3, 2, {1, 1, 1, 2, 1, 3}), {3, 2, 1});
  CHECK(g.fit.x[1] == 0.0);
  CHECK_FALSE(g.low[1]);
  CHECK_FALSE(g.high[1]);
  REQUIRE(g.low[0]);
  CHECK(*g.low[0] <= 2.0);
  CHECK(*g.high[0] >= 2.0);

  // As many free columns as rows: no degrees of freedom, no interval.
  const auto e = app::nnls_with_intervals(matrix(2, 2, {1, 0, 0, 1}), {1, 2});
  CHECK(e.dof == 0);
  CHECK_FALSE(e.low[0]);
}

TEST_CASE("Nnls: column_cosine is 1 for columns that keep one ratio and 0 against a zero column") {
  const auto a = matrix(3, 3, {1, 2, 0, 2, 4, 0, 3, 6, 0});
  CHECK(app::column_cosine(a, 0, 1) == Approx(1.0).epsilon(1e-12));
  CHECK(app::column_cosine(a, 0, 2) == 0.0);
  const auto b = matrix(2, 2, {1, 0, 0, 1});
  CHECK(app::column_cosine(b, 0, 1) == 0.0);
}
