#include <catch2/catch.hpp>

#include "engine/errors.hpp"
#include "engine/layers/dropout.hpp"
#include "tests/engine/gradient_check.hpp"

using namespace sweep::engine;

TEST_CASE("dropout zeroes about rate of the values and scales the rest", "[dropout]") {
  Dropout dropout(0.25);
  Rng rng(123);
  dropout.build(200, rng);
  const Matrix in = Matrix::Ones(100, 200);
  Matrix out;
  dropout.forward(in, out, true, rng);
  const auto kept = (out.array() != 0.0f).count();
  // Every survivor is scaled by 1 / (1 - rate), so the mean is preserved.
  CHECK(((out.array() == 0.0f) || (out.array() == static_cast<float>(1.0 / 0.75))).all());
  // 20,000 Bernoulli(0.75) draws: standard deviation of the kept share 0.003;
  // 0.01 is more than three of them.
  CHECK(static_cast<double>(kept) / 20000.0 == Approx(0.75).margin(0.01));
  CHECK(out.cast<double>().mean() == Approx(1.0).margin(0.015));
}

TEST_CASE("dropout passes values through at inference", "[dropout]") {
  Dropout dropout(0.5);
  Rng rng(1), untouched(1);
  Rng r(5);
  const Matrix in = sweep::engine::testing::uniform_matrix(10, 7, -1, 1, r);
  Matrix out;
  dropout.forward(in, out, false, rng);
  CHECK(out == in);
  CHECK(rng() == untouched());  // inference draws nothing
}

TEST_CASE("dropout backward applies the same mask", "[dropout]") {
  Dropout dropout(0.5);
  Rng rng(77);
  const Matrix in = Matrix::Constant(4, 6, 3.0f);
  Matrix out, grad_in;
  dropout.forward(in, out, true, rng);
  dropout.backward(Matrix::Ones(4, 6), &grad_in);
  CHECK(grad_in == out / 3.0f);
  const auto error = sweep::engine::testing::layer_gradient_error(dropout, in, 31);
  INFO(error.where);
  CHECK(error.max_error < 1e-2);
}

TEST_CASE("dropout draws from the rng it is given", "[dropout]") {
  Dropout dropout(0.5);
  Rng a(5), b(5), c(6);
  const Matrix in = Matrix::Ones(8, 8);
  Matrix out_a, out_b, out_c;
  dropout.forward(in, out_a, true, a);
  dropout.forward(in, out_b, true, b);
  dropout.forward(in, out_c, true, c);
  CHECK(out_a == out_b);
  CHECK(out_a != out_c);
}

TEST_CASE("dropout rate zero is the identity and a rate of one is refused", "[dropout]") {
  Dropout none(0.0);
  Rng rng(1);
  const Matrix in = Matrix::Constant(2, 2, 4.0f);
  Matrix out;
  none.forward(in, out, true, rng);
  CHECK(out == in);
  CHECK_THROWS_AS(Dropout(1.0), ConfigError);
}
