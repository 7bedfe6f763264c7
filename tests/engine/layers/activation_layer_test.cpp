#include <catch2/catch.hpp>

#include <cmath>

#include "engine/activations/activation.hpp"
#include "engine/errors.hpp"
#include "engine/layers/activation_layer.hpp"
#include "tests/engine/gradient_check.hpp"

using namespace sweep::engine;

TEST_CASE("activation layer gradients match finite differences", "[activation]") {
  for (const std::string& name : activation_names()) {
    DYNAMIC_SECTION(name) {
      ActivationLayer layer(parse_activation(name));
      Rng rng(4);
      layer.build(5, rng);
      const Matrix input = sweep::engine::testing::uniform_matrix(4, 5, -2, 2, rng);
      const auto error = sweep::engine::testing::layer_gradient_error(layer, input, 8);
      INFO(error.where);
      CHECK(error.max_error < 1e-2);
    }
  }
}

TEST_CASE("activations compute Keras 3's functions", "[activation]") {
  Matrix x(1, 4);
  x << -2.0f, -0.5f, 0.0f, 1.5f;
  const auto apply = [&](Activation a) {
    Matrix v = x;
    activation_forward(a, v);
    return v;
  };
  const Matrix leaky = apply(Activation::leaky_relu);
  CHECK(leaky(0, 0) == Approx(-0.4));  // negative slope 0.2
  CHECK(leaky(0, 3) == Approx(1.5));
  CHECK(apply(Activation::relu)(0, 1) == 0.0f);
  CHECK(apply(Activation::elu)(0, 0) == Approx(std::exp(-2.0) - 1.0));
  // Exact gelu, x * Phi(x): gelu(1.5) = 1.5 * 0.9331928.
  CHECK(apply(Activation::gelu)(0, 3) == Approx(1.5 * 0.93319279873114191));
  CHECK(apply(Activation::gelu)(0, 0) == Approx(-2.0 * 0.02275013194817921));
  CHECK(apply(Activation::sigmoid)(0, 2) == Approx(0.5));
  CHECK(apply(Activation::tanh)(0, 3) == Approx(std::tanh(1.5)));
  CHECK(apply(Activation::linear) == x);
  const Matrix softmax = apply(Activation::softmax);
  CHECK(softmax.sum() == Approx(1.0));
  CHECK(softmax(0, 3) ==
        Approx(std::exp(1.5) / (std::exp(-2.0) + std::exp(-0.5) + 1 + std::exp(1.5))));
}

TEST_CASE("softmax stays finite for huge logits", "[activation]") {
  Matrix z(2, 3);
  z << 1e4f, -1e4f, 0.0f, -1e30f, -1e30f, -1e30f;
  Matrix p(2, 3);
  softmax_rows(z, p);
  CHECK(p.allFinite());
  CHECK(p(0, 0) == 1.0f);
  CHECK(p(1, 1) == Approx(1.0 / 3));
}

TEST_CASE("unknown activations are refused with a suggestion", "[activation]") {
  CHECK_THROWS_WITH(parse_activation("rellu"),
                    "unknown activation \"rellu\"; did you mean \"relu\"? known: linear, relu, "
                    "leaky_relu, elu, gelu, tanh, sigmoid, softmax");
}
