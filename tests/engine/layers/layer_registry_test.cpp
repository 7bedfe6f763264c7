#include <catch2/catch.hpp>

#include "engine/errors.hpp"
#include "engine/layers/activation_layer.hpp"
#include "engine/layers/dense.hpp"
#include "engine/layers/dropout.hpp"
#include "engine/layers/layer.hpp"

using namespace sweep::engine;

TEST_CASE("make_layer builds each registered type", "[layer registry]") {
  CHECK(layer_names() == std::vector<std::string>{"dense", "dropout", "activation"});
  auto layer = make_layer({"dense",
                           {{"units", 16.0},
                            {"activation", std::string{"gelu"}},
                            {"kernel_initializer", std::string{"he_normal"}},
                            {"use_bias", false},
                            {"l2", 0.01}}});
  auto* dense = dynamic_cast<Dense*>(layer.get());
  REQUIRE(dense != nullptr);
  CHECK(dense->options().units == 16);
  CHECK(dense->options().activation == Activation::gelu);
  CHECK(dense->options().kernel_initializer == "he_normal");
  CHECK_FALSE(dense->options().use_bias);
  CHECK(dense->options().l2 == 0.01);
  Rng rng(1);
  layer->build(3, rng);
  CHECK(layer->output_width() == 16);

  auto dropout = make_layer({"dropout", {{"rate", 0.3}}});
  REQUIRE(dynamic_cast<Dropout*>(dropout.get()) != nullptr);
  CHECK(dynamic_cast<Dropout*>(dropout.get())->rate() == 0.3);
  dropout->build(7, rng);
  CHECK(dropout->output_width() == 7);

  auto activation = make_layer({"activation", {{"activation", std::string{"tanh"}}}});
  REQUIRE(dynamic_cast<ActivationLayer*>(activation.get()) != nullptr);
  CHECK(dynamic_cast<ActivationLayer*>(activation.get())->activation() == Activation::tanh);
}

TEST_CASE("make_layer defaults follow Keras", "[layer registry]") {
  auto layer = make_layer({"dense", {{"units", 4.0}}});
  const auto& options = dynamic_cast<Dense&>(*layer).options();
  CHECK(options.activation == Activation::linear);
  CHECK(options.kernel_initializer == "glorot_uniform");
  CHECK(options.use_bias);
  CHECK(options.l2 == 0.0);
}

TEST_CASE("make_layer refuses bad specs with exact messages", "[layer registry]") {
  CHECK_THROWS_WITH(
      make_layer({"dens", {}}),
      "unknown layer \"dens\"; did you mean \"dense\"? known: dense, dropout, activation");
  CHECK_THROWS_WITH(make_layer({"dense", {}}),
                    "dense: missing parameter \"units\"; expected an integer from 1 to 1048576");
  CHECK_THROWS_WITH(make_layer({"dense", {{"units", 0.0}}}),
                    "dense.units: 0 is not accepted; expected an integer in [1, 1048576]");
  CHECK_THROWS_WITH(make_layer({"dense", {{"units", 2.0}, {"activation", std::string{"relux"}}}}),
                    "dense.activation: \"relux\" is not accepted; expected one of: linear, relu, "
                    "leaky_relu, elu, gelu, tanh, sigmoid, softmax");
  CHECK_THROWS_WITH(make_layer({"dense", {{"units", 2.0}, {"unit", 3.0}}}),
                    "dense: unknown parameter \"unit\"; did you mean \"units\"? known: units, "
                    "activation, kernel_initializer, use_bias, l2");
  CHECK_THROWS_WITH(make_layer({"dropout", {{"rate", 1.0}}}),
                    "dropout.rate: 1 is not accepted; expected a number in [0, 1)");
  CHECK_THROWS_WITH(make_layer({"dropout", {}}),
                    "dropout: missing parameter \"rate\"; expected a number in [0, 1)");
  CHECK_THROWS_WITH(make_layer({"activation", {}}),
                    "activation: missing parameter \"activation\"; expected one of: linear, relu, "
                    "leaky_relu, elu, gelu, tanh, sigmoid, softmax");
}
