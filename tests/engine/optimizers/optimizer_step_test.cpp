// Optimizer::step's shared work, with hand-computed values: clipvalue per
// element, clipnorm per tensor, weight decay on the raw variable before the
// rule, the step counter, and the errors for slots that do not match build().
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "engine/errors.hpp"
#include "engine/optimizers/adam.hpp"
#include "engine/optimizers/optimizer.hpp"
#include "engine/optimizers/sgd.hpp"

namespace sweep::engine {
namespace {

Matrix values(std::initializer_list<float> list) {
  Matrix m(1, static_cast<Eigen::Index>(list.size()));
  Eigen::Index i = 0;
  for (const float v : list) m(0, i++) = v;
  return m;
}

void step_once(Optimizer& optimizer, Matrix& param, Matrix& grad, double learning_rate) {
  std::vector<Matrix*> params{&param};
  std::vector<Matrix*> grads{&grad};
  optimizer.step(params, grads, learning_rate);
}

}  // namespace

TEST_CASE("clipvalue clips each gradient element", "[optimizers][clipping]") {
  SGD sgd({.learning_rate = 1.0, .clipvalue = 0.5});
  sgd.build({{1, 3}});
  Matrix param = Matrix::Zero(1, 3);
  Matrix grad = values({2.0F, -0.3F, -1.0F});
  step_once(sgd, param, grad, 1.0);
  CHECK(grad(0, 0) == 0.5F);
  CHECK(grad(0, 1) == -0.3F);
  CHECK(grad(0, 2) == -0.5F);
  CHECK(param(0, 0) == -0.5F);
  CHECK(param(0, 1) == 0.3F);
  CHECK(param(0, 2) == 0.5F);
}

TEST_CASE("clipnorm rescales each tensor on its own, not by the global norm",
          "[optimizers][clipping]") {
  SGD sgd({.learning_rate = 1.0, .clipnorm = 1.0});
  sgd.build({{1, 2}, {2, 1}});
  Matrix p1 = Matrix::Zero(1, 2);
  Matrix p2 = Matrix::Zero(2, 1);
  Matrix g1 = values({3.0F, 4.0F});  // norm 5: scaled to norm 1
  Matrix g2(2, 1);
  g2 << 0.3F, 0.4F;  // norm 0.5: below clipnorm, untouched
  std::vector<Matrix*> params{&p1, &p2};
  std::vector<Matrix*> grads{&g1, &g2};
  sgd.step(params, grads, 1.0);
  CHECK(p1(0, 0) == Approx(-0.6).epsilon(1e-6));
  CHECK(p1(0, 1) == Approx(-0.8).epsilon(1e-6));
  CHECK(p2(0, 0) == -0.3F);
  CHECK(p2(1, 0) == -0.4F);
}

TEST_CASE("clipvalue applies before clipnorm when both are set", "[optimizers][clipping]") {
  SGD sgd({.learning_rate = 1.0, .clipnorm = 1.0, .clipvalue = 2.0});
  sgd.build({{1, 2}});
  Matrix param = Matrix::Zero(1, 2);
  Matrix grad = values({3.0F, 4.0F});  // -> (2, 2), norm 2 sqrt 2 -> (1/sqrt 2, 1/sqrt 2)
  step_once(sgd, param, grad, 1.0);
  CHECK(param(0, 0) == Approx(-1.0 / std::sqrt(2.0)).epsilon(1e-6));
  CHECK(param(0, 1) == Approx(-1.0 / std::sqrt(2.0)).epsilon(1e-6));
}

TEST_CASE("a zero gradient survives clipnorm", "[optimizers][clipping]") {
  SGD sgd({.learning_rate = 1.0, .clipnorm = 1.0});
  sgd.build({{1, 2}});
  Matrix param = values({1.0F, 2.0F});
  Matrix grad = Matrix::Zero(1, 2);
  step_once(sgd, param, grad, 1.0);
  CHECK(param(0, 0) == 1.0F);
  CHECK(param(0, 1) == 2.0F);
}

TEST_CASE("weight decay shrinks the variable by wd * lr before the rule, with the step's rate",
          "[optimizers][weight_decay]") {
  SECTION("sgd") {
    // The optimizer's own rate is 0.01; the schedule's 0.1 is the one used.
    SGD sgd({.learning_rate = 0.01, .weight_decay = 0.5});
    sgd.build({{1, 2}});
    Matrix param = values({2.0F, -4.0F});
    Matrix grad = values({1.0F, 1.0F});
    step_once(sgd, param, grad, 0.1);
    // p <- p - p * 0.5 * 0.1 = (1.9, -3.8); then p - 0.1 * g.
    CHECK(param(0, 0) == Approx(1.8).epsilon(1e-6));
    CHECK(param(0, 1) == Approx(-3.9).epsilon(1e-6));
  }
  SECTION("adam decays the raw variable, not the gradient") {
    Adam adam({.learning_rate = 0.01, .weight_decay = 0.1});
    adam.build({{1, 1}});
    Matrix param = values({3.0F});
    Matrix grad = values({0.5F});
    step_once(adam, param, grad, 0.01);
    // Step 1: m = 0.1 g, v = 0.001 g^2, alpha = lr sqrt(0.001) / 0.1.
    const double decayed = 3.0 - 3.0 * 0.1 * 0.01;
    const double alpha = 0.01 * std::sqrt(0.001) / 0.1;
    const double expected = decayed - alpha * 0.05 / (std::sqrt(0.001 * 0.25) + 1e-7);
    CHECK(param(0, 0) == Approx(expected).epsilon(1e-6));
  }
}

TEST_CASE("iterations counts completed steps and sets Adam's bias correction",
          "[optimizers][step]") {
  auto adam = make_optimizer({"adam", {{"learning_rate", 0.1}}});
  adam->build({{1, 1}});
  CHECK(adam->iterations() == 0);
  Matrix param = values({0.0F});
  Matrix grad = values({1.0F});
  step_once(*adam, param, grad, 0.1);
  CHECK(adam->iterations() == 1);
  // With a constant gradient, bias-corrected Adam moves by lr each step
  // (up to epsilon): -0.1, then -0.2.
  CHECK(param(0, 0) == Approx(-0.1).epsilon(1e-5));
  grad = values({1.0F});
  step_once(*adam, param, grad, 0.1);
  CHECK(adam->iterations() == 2);
  CHECK(param(0, 0) == Approx(-0.2).epsilon(1e-5));
}

TEST_CASE("build() resets the state of an earlier fit", "[optimizers][step]") {
  auto adam = make_optimizer({"adam", {}});
  Matrix first = values({0.0F});
  Matrix second = values({0.0F});
  adam->build({{1, 1}});
  Matrix grad = values({1.0F});
  step_once(*adam, first, grad, 0.001);
  adam->build({{1, 1}});
  grad = values({-1.0F});
  step_once(*adam, second, grad, 0.001);
  // The second fit starts from zero moments, so it mirrors the first's move.
  CHECK(second(0, 0) == Approx(-first(0, 0)).epsilon(1e-6));
}

TEST_CASE("every optimizer leaves a parameter with a zero gradient finite and unchanged",
          "[optimizers][step]") {
  for (const auto& name : optimizer_names()) {
    INFO(name);
    auto optimizer = make_optimizer({name, {{"weight_decay", 0.0}}});
    optimizer->build({{2, 2}});
    Matrix param = Matrix::Constant(2, 2, 1.5F);
    for (int step = 0; step < 5; ++step) {
      Matrix grad = Matrix::Zero(2, 2);
      step_once(*optimizer, param, grad, 0.01);
    }
    CHECK(param.allFinite());
    CHECK((param.array() == 1.5F).all());
  }
}

TEST_CASE("a slot that does not match build() is a TrainingError", "[optimizers][errors]") {
  auto optimizer = make_optimizer({"rmsprop", {}});
  optimizer->build({{2, 3}});
  Matrix param = Matrix::Zero(3, 2);
  Matrix grad = Matrix::Zero(3, 2);
  CHECK_THROWS_WITH(step_once(*optimizer, param, grad, 0.01),
                    "rmsprop: parameter slot 0 is 3x2 with a 3x2 gradient; build() expected 2x3");

  Matrix p0 = Matrix::Zero(2, 3);
  Matrix g0 = Matrix::Zero(2, 3);
  std::vector<Matrix*> params{&p0, &param};
  std::vector<Matrix*> grads{&g0, &grad};
  CHECK_THROWS_AS(optimizer->step(params, grads, 0.01), TrainingError);
  CHECK_THROWS_WITH(optimizer->step(params, grads, 0.01),
                    "rmsprop: parameter slot 1 was not built; build() created 1 slots");

  std::vector<Matrix*> one_grad{&g0};
  CHECK_THROWS_WITH(optimizer->step(params, one_grad, 0.01),
                    "rmsprop: 2 parameters but 1 gradients");
}

}  // namespace sweep::engine
