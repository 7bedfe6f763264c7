// The trainer's backward pass through a whole network, checked against
// finite differences of evaluate()'s loss: one full-batch step of plain SGD
// with learning rate 1 moves every weight by exactly minus its gradient.
#include <catch2/catch.hpp>

#include "engine/layers/dense.hpp"
#include "engine/losses/loss.hpp"
#include "engine/optimizers/optimizer.hpp"
#include "tests/engine/gradient_check.hpp"
#include "tests/engine/model/model_data.hpp"

using namespace sweep::engine;

namespace {

struct Network {
  Sequential model;
  std::vector<Dense*> dense;
};

Network network(const std::string& loss, std::uint64_t seed) {
  Network n;
  const auto add = [&](const DenseOptions& options) {
    auto layer = std::make_unique<Dense>(options);
    n.dense.push_back(layer.get());
    n.model.add(std::move(layer));
  };
  add({.units = 5, .activation = Activation::tanh, .l2 = 0.01});
  add({.units = 4, .activation = Activation::gelu});
  add({.units = 3, .activation = Activation::softmax});
  Rng rng(seed);
  n.model.build(2, rng);
  n.model.compile(make_optimizer({"sgd", {{"learning_rate", 1.0}}}), make_loss({loss, {}}), {});
  return n;
}

}  // namespace

TEST_CASE("backpropagation through the whole model matches finite differences",
          "[model][gradient]") {
  const auto data = testing::spirals(8, 0.2, 0.0, 3);  // 24 rows, one batch
  for (const char* loss : {"sparse_categorical_crossentropy", "mean_squared_error"}) {
    DYNAMIC_SECTION(loss) {
      Network trained = network(loss, 12);
      std::vector<Matrix> before;
      for (const Matrix* w : trained.model.weights()) before.push_back(*w);
      FitOptions options;
      options.batch_size = 64;
      options.shuffle = false;
      Rng rng(1);
      trained.model.fit(data.train, nullptr, options, rng);
      const auto after = trained.model.weights();

      Network probe = network(loss, 12);
      for (std::size_t layer = 0; layer < probe.dense.size(); ++layer) {
        const Matrix gradient = before[2 * layer] - *after[2 * layer];  // kernel slots 0, 2, 4
        const auto error = sweep::engine::testing::compare_gradient(
            [&] { return probe.model.evaluate(data.train, 64).at("loss"); },
            probe.dense[layer]->kernel(), gradient, "kernel " + std::to_string(layer));
        INFO(error.where);
        CHECK(error.max_error < 1e-2);
      }
    }
  }
}
