#include <catch2/catch.hpp>

#include "engine/activations/activation.hpp"
#include "engine/errors.hpp"
#include "engine/layers/dense.hpp"
#include "tests/engine/gradient_check.hpp"

using namespace sweep::engine;
using sweep::engine::testing::layer_gradient_error;
using sweep::engine::testing::uniform_matrix;

TEST_CASE("dense gradients match finite differences for every activation", "[dense]") {
  for (const std::string& name : activation_names()) {
    for (const double l2 : {0.0, 0.05}) {
      DYNAMIC_SECTION(name << " l2=" << l2) {
        Dense dense({.units = 4, .activation = parse_activation(name), .l2 = l2});
        Rng rng(7);
        dense.build(5, rng);
        // Non-zero bias so that the bias gradient is checked away from 0.
        dense.bias() = uniform_matrix(1, 4, -0.5, 0.5, rng);
        const Matrix input = uniform_matrix(6, 5, -1.5, 1.5, rng);
        const auto error = layer_gradient_error(dense, input, 11);
        INFO(error.where);
        CHECK(error.max_error < 1e-2);
      }
    }
  }
}

TEST_CASE("dense without bias has one parameter and checks out", "[dense]") {
  Dense dense({.units = 3, .activation = Activation::tanh, .use_bias = false});
  Rng rng(3);
  dense.build(4, rng);
  CHECK(dense.params().size() == 1);
  CHECK(dense.grads().size() == 1);
  const auto error = layer_gradient_error(dense, uniform_matrix(5, 4, -1, 1, rng), 5);
  INFO(error.where);
  CHECK(error.max_error < 1e-2);
}

TEST_CASE("dense computes activation(in * kernel + bias)", "[dense]") {
  Dense dense({.units = 2, .activation = Activation::relu});
  Rng rng(1);
  dense.build(2, rng);
  dense.kernel() << 1, -1, 2, 0.5;
  dense.bias() << 0.5, -3;
  Matrix in(2, 2);
  in << 1, 2, -1, 0;
  Matrix out;
  dense.forward(in, out, false, rng);
  // z = [1 + 4 + 0.5, -1 + 1 - 3; -1 + 0.5, 1 - 3] = [5.5, -3; -0.5, -2]
  Matrix expected(2, 2);
  expected << 5.5, 0, 0, 0;
  CHECK(out == expected);
}

TEST_CASE("dense in logits mode skips its softmax", "[dense]") {
  Dense dense({.units = 3, .activation = Activation::softmax});
  Rng rng(2);
  dense.build(2, rng);
  const Matrix in = uniform_matrix(4, 2, -1, 1, rng);
  Matrix probabilities, logits;
  dense.forward(in, probabilities, false, rng);
  REQUIRE(dense.set_logits_output(true));
  dense.forward(in, logits, false, rng);
  Matrix softmax(4, 3);
  softmax_rows(logits, softmax);
  CHECK(softmax.isApprox(probabilities, 1e-6f));
  CHECK_FALSE(Dense({.units = 3, .activation = Activation::relu}).set_logits_output(true));
}

TEST_CASE("dense l2 penalty is l2 * sum(w^2)", "[dense]") {
  Dense dense({.units = 2, .l2 = 0.1});
  Rng rng(1);
  dense.build(2, rng);
  dense.kernel() << 1, 2, 3, 4;
  CHECK(dense.l2_penalty() == Approx(0.1 * 30));
}

TEST_CASE("dense initializers follow Keras's variance scaling", "[dense]") {
  Rng rng(42);
  const auto variance = [&](const std::string& name) {
    Dense dense({.units = 400, .kernel_initializer = name});
    dense.build(300, rng);
    const Matrix& w = dense.kernel();
    const double mean = w.cast<double>().mean();
    return (w.cast<double>().array() - mean).square().mean();
  };
  // 120,000 draws: sample variances are within 1 % of the target (a few
  // standard errors), far from the other rules' targets.
  CHECK(variance("glorot_uniform") == Approx(2.0 / 700).epsilon(0.01));
  CHECK(variance("glorot_normal") == Approx(2.0 / 700).epsilon(0.01));
  CHECK(variance("he_normal") == Approx(2.0 / 300).epsilon(0.01));
  CHECK(variance("he_uniform") == Approx(2.0 / 300).epsilon(0.01));
  CHECK(variance("lecun_normal") == Approx(1.0 / 300).epsilon(0.01));
  CHECK(variance("zeros") == 0.0);
  Dense he({.units = 50, .kernel_initializer = "he_normal"});
  he.build(8, rng);
  // Truncated at two standard deviations of the untruncated normal.
  const double limit = 2.0 * std::sqrt(2.0 / 8) / 0.87962566103423978;
  CHECK(he.kernel().cwiseAbs().maxCoeff() <= limit);
}

TEST_CASE("dense builds the same weights from the same seed", "[dense]") {
  Dense a({.units = 8}), b({.units = 8});
  Rng rng_a(9), rng_b(9);
  a.build(5, rng_a);
  b.build(5, rng_b);
  CHECK(a.kernel() == b.kernel());
}

TEST_CASE("dense rejects an input of the wrong width", "[dense]") {
  Dense dense({.units = 2});
  Rng rng(1);
  dense.build(3, rng);
  Matrix in(1, 4), out;
  in.setZero();
  CHECK_THROWS_WITH(dense.forward(in, out, false, rng), "dense: input has 4 columns; expected 3");
}
