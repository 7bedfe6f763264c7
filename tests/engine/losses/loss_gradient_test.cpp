#include <catch2/catch.hpp>

#include <cmath>

#include "engine/losses/loss.hpp"
#include "tests/engine/gradient_check.hpp"

using namespace sweep::engine;
using sweep::engine::testing::loss_gradient_error;
using sweep::engine::testing::uniform_matrix;

namespace {

const std::vector<std::int32_t> labels{2, 0, 1, 2, 1};

Targets targets_for(const Loss& loss, Eigen::Index width, Matrix& dense) {
  fill_dense_targets(labels, width, dense);
  return {labels, loss.needs_dense_targets() ? &dense : nullptr};
}

}  // namespace

TEST_CASE("every loss's gradient matches finite differences", "[loss gradient]") {
  Rng rng(17);
  Matrix dense;
  // Probabilities (rows not normalised, to check the renormalisation term).
  for (const char* name : {"categorical_crossentropy", "sparse_categorical_crossentropy"}) {
    DYNAMIC_SECTION(name << " on probabilities") {
      const auto loss = make_loss({name, {}});
      const auto error = loss_gradient_error(*loss, uniform_matrix(5, 3, 0.1, 0.9, rng),
                                             targets_for(*loss, 3, dense));
      INFO(error.where);
      CHECK(error.max_error < 1e-2);
    }
    DYNAMIC_SECTION(name << " from logits") {
      const auto loss = make_loss({name, {{"from_logits", true}}});
      const auto error = loss_gradient_error(*loss, uniform_matrix(5, 3, -3, 3, rng),
                                             targets_for(*loss, 3, dense));
      INFO(error.where);
      CHECK(error.max_error < 1e-2);
    }
    DYNAMIC_SECTION(name << " fused with softmax") {
      const auto loss = make_loss({name, {}});
      REQUIRE(loss->fuses_softmax());
      const auto error = loss_gradient_error(*loss, uniform_matrix(5, 3, -3, 3, rng),
                                             targets_for(*loss, 3, dense), true);
      INFO(error.where);
      CHECK(error.max_error < 1e-2);
    }
  }
  SECTION("binary_crossentropy on probabilities, one and three wide") {
    const auto loss = make_loss({"binary_crossentropy", {}});
    const std::vector<std::int32_t> binary{1, 0, 0, 1, 1};
    Matrix y;
    fill_dense_targets(binary, 1, y);
    auto error = loss_gradient_error(*loss, uniform_matrix(5, 1, 0.05, 0.95, rng), {binary, &y});
    INFO(error.where);
    CHECK(error.max_error < 1e-2);
    error = loss_gradient_error(*loss, uniform_matrix(5, 3, 0.05, 0.95, rng),
                                targets_for(*loss, 3, dense));
    INFO(error.where);
    CHECK(error.max_error < 1e-2);
  }
  SECTION("binary_crossentropy from logits") {
    const auto loss = make_loss({"binary_crossentropy", {{"from_logits", true}}});
    const auto error =
        loss_gradient_error(*loss, uniform_matrix(5, 3, -4, 4, rng), targets_for(*loss, 3, dense));
    INFO(error.where);
    CHECK(error.max_error < 1e-2);
  }
  SECTION("mean_squared_error") {
    const auto loss = make_loss({"mean_squared_error", {}});
    const auto error =
        loss_gradient_error(*loss, uniform_matrix(5, 3, -2, 2, rng), targets_for(*loss, 3, dense));
    INFO(error.where);
    CHECK(error.max_error < 1e-2);
  }
  SECTION("mean_absolute_error (values kept off the kink at the target)") {
    const auto loss = make_loss({"mean_absolute_error", {}});
    Matrix output = uniform_matrix(5, 3, 0.1, 0.4, rng);  // |p - y| >= 0.1 for y in {0, 1}
    const auto error = loss_gradient_error(*loss, output, targets_for(*loss, 3, dense));
    INFO(error.where);
    CHECK(error.max_error < 1e-2);
  }
  SECTION("huber on both sides of delta") {
    const auto loss = make_loss({"huber", {{"delta", 1.0}}});
    Matrix output(5, 3);
    // Errors against one-hot targets: some inside [-1, 1], some beyond,
    // none within the step of the kinks at +-1.
    output << 0.3, -1.5, 2.5, 0.5, 1.7, -0.2, -2.0, 0.8, 0.4, 0.1, 3.0, -0.6, 1.2, -0.4, 0.2;
    const auto error = loss_gradient_error(*loss, output, targets_for(*loss, 3, dense));
    INFO(error.where);
    CHECK(error.max_error < 1e-2);
  }
}

TEST_CASE("the gradient check notices a wrong gradient", "[loss gradient]") {
  // The check itself: a gradient off by a factor of 2 must fail it.
  const auto loss = make_loss({"mean_squared_error", {}});
  Rng rng(3);
  Matrix output = uniform_matrix(4, 2, -1, 1, rng);
  Matrix y = Matrix::Zero(4, 2);
  Matrix grad;
  loss->compute(output, {{}, &y}, &grad);
  const Matrix wrong = grad * 2.0f;
  const auto error = sweep::engine::testing::compare_gradient(
      [&] {
        return loss->compute(output, {{}, &y}, nullptr);
      },
      output, wrong, "mse");
  CHECK(error.max_error > 0.3);
}
