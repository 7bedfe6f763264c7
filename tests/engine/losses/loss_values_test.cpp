#include <catch2/catch.hpp>

#include <cmath>

#include "engine/errors.hpp"
#include "engine/losses/loss.hpp"

using namespace sweep::engine;

TEST_CASE("crossentropy values follow Keras", "[loss values]") {
  Matrix p(2, 3);
  p << 0.7, 0.2, 0.1, 0.1, 0.1, 0.8;
  const std::vector<std::int32_t> labels{0, 1};
  Matrix y;
  fill_dense_targets(labels, 3, y);
  const double expected = -(std::log(0.7) + std::log(0.1)) / 2;
  CHECK(make_loss({"categorical_crossentropy", {}})->compute(p, {labels, &y}, nullptr) ==
        Approx(expected));
  CHECK(
      make_loss({"sparse_categorical_crossentropy", {}})->compute(p, {labels, nullptr}, nullptr) ==
      Approx(expected));
  // A probability of zero is clipped to 1e-7: loss -log(1e-7).
  Matrix zero(1, 2);
  zero << 1.0, 0.0;
  const std::vector<std::int32_t> one{1};
  CHECK(
      make_loss({"sparse_categorical_crossentropy", {}})->compute(zero, {one, nullptr}, nullptr) ==
      Approx(-std::log(1e-7)));
}

TEST_CASE("fused softmax crossentropy is finite for logits of 1e4", "[loss values]") {
  Matrix logits(2, 3);
  logits << 1e4, -1e4, 0, -1e4, 1e4, 0;
  const std::vector<std::int32_t> labels{1, 1};
  Matrix y;
  fill_dense_targets(labels, 3, y);
  for (const char* name : {"categorical_crossentropy", "sparse_categorical_crossentropy"}) {
    const auto loss = make_loss({name, {}});
    Matrix grad;
    const double value = loss->compute_from_logits(logits, {labels, &y}, &grad);
    // Row 0 puts 2e4 of logit between its favourite and the label; row 1 is right.
    CHECK(value == Approx(1e4));
    CHECK(grad.allFinite());
    CHECK(grad(0, 0) == Approx(0.5));
    CHECK(grad(0, 1) == Approx(-0.5));
    CHECK(grad(1, 1) == Approx(0.0).margin(1e-12));
  }
}

TEST_CASE("binary crossentropy values on probabilities and logits", "[loss values]") {
  Matrix p(2, 1);
  p << 0.8, 0.4;
  const std::vector<std::int32_t> labels{1, 0};
  Matrix y;
  fill_dense_targets(labels, 1, y);
  CHECK(y(0, 0) == 1.0f);
  CHECK(y(1, 0) == 0.0f);
  const double expected = -(std::log(0.8) + std::log(0.6)) / 2;
  CHECK(make_loss({"binary_crossentropy", {}})->compute(p, {labels, &y}, nullptr) ==
        Approx(expected));
  Matrix z(2, 1);
  z << static_cast<float>(std::log(0.8 / 0.2)), static_cast<float>(std::log(0.4 / 0.6));
  CHECK(make_loss({"binary_crossentropy", {{"from_logits", true}}})
            ->compute(z, {labels, &y}, nullptr) == Approx(expected));
  Matrix huge(2, 1);
  huge << -1e4, 1e4;  // both wrong by a mile: still finite
  CHECK(make_loss({"binary_crossentropy", {{"from_logits", true}}})
            ->compute(huge, {labels, &y}, nullptr) == Approx(1e4));
}

TEST_CASE("regression losses average over the output width, then the batch", "[loss values]") {
  Matrix out(2, 2);
  out << 0.5, 0.5, 3.0, -1.0;
  const std::vector<std::int32_t> labels{0, 1};
  Matrix y;
  fill_dense_targets(labels, 2, y);  // [1 0; 0 1]
  // errors: [-0.5 0.5; 3 -2]
  CHECK(make_loss({"mean_squared_error", {}})->compute(out, {labels, &y}, nullptr) ==
        Approx((0.25 + 0.25 + 9 + 4) / 4));
  CHECK(make_loss({"mean_absolute_error", {}})->compute(out, {labels, &y}, nullptr) ==
        Approx((0.5 + 0.5 + 3 + 2) / 4));
  // huber, delta 1: 0.125, 0.125, 3 - 0.5, 2 - 0.5
  CHECK(make_loss({"huber", {}})->compute(out, {labels, &y}, nullptr) ==
        Approx((0.125 + 0.125 + 2.5 + 1.5) / 4));
  CHECK(make_loss({"huber", {{"delta", 2.0}}})->compute(out, {labels, &y}, nullptr) ==
        Approx((0.125 + 0.125 + 2 * (3 - 1) + 0.5 * 4) / 4));
}

TEST_CASE("loss registry names, defaults and errors", "[loss values]") {
  CHECK(loss_names() == std::vector<std::string>{"categorical_crossentropy",
                                                 "sparse_categorical_crossentropy",
                                                 "binary_crossentropy", "mean_squared_error",
                                                 "mean_absolute_error", "huber"});
  CHECK_FALSE(make_loss({"categorical_crossentropy", {}})->from_logits());
  CHECK(make_loss({"sparse_categorical_crossentropy", {}})->name() ==
        "sparse_categorical_crossentropy");
  CHECK_FALSE(make_loss({"sparse_categorical_crossentropy", {}})->needs_dense_targets());
  CHECK_FALSE(make_loss({"categorical_crossentropy", {{"from_logits", true}}})->fuses_softmax());
  CHECK_FALSE(make_loss({"mean_squared_error", {}})->fuses_softmax());
  CHECK_THROWS_WITH(make_loss({"categorical_crossentropie", {}}),
                    "unknown loss \"categorical_crossentropie\"; did you mean "
                    "\"categorical_crossentropy\"? known: categorical_crossentropy, "
                    "sparse_categorical_crossentropy, binary_crossentropy, mean_squared_error, "
                    "mean_absolute_error, huber");
  CHECK_THROWS_WITH(make_loss({"huber", {{"delta", 0.0}}}),
                    "huber.delta: 0 is not accepted; expected a number > 0");
  CHECK_THROWS_WITH(make_loss({"mean_squared_error", {{"from_logits", true}}}),
                    "mean_squared_error: unknown parameter \"from_logits\"; it takes none");
}
