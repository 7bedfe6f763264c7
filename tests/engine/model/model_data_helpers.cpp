#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "engine/initializers/random.hpp"
#include "engine/layers/layer.hpp"
#include "engine/losses/loss.hpp"
#include "engine/optimizers/optimizer.hpp"
#include "tests/engine/model/model_data.hpp"

namespace sweep::engine::testing {

TrainValidation spirals(std::size_t per_class, double noise, double validation_share,
                        std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> x;
  std::vector<std::int32_t> y;
  for (int c = 0; c < 3; ++c) {
    for (std::size_t i = 0; i < per_class; ++i) {
      const double r = static_cast<double>(i) / static_cast<double>(per_class - 1);
      const double theta = 4.0 * c + 4.0 * r + noise * standard_normal(rng);
      x.push_back(static_cast<float>(r * std::sin(theta)));
      x.push_back(static_cast<float>(r * std::cos(theta)));
      y.push_back(c);
    }
  }
  const std::size_t rows = y.size();
  std::vector<std::size_t> order(rows);
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = rows; i > 1; --i) std::swap(order[i - 1], order[uniform_below(rng, i)]);
  const auto train_rows =
      static_cast<std::size_t>(std::llround(static_cast<double>(rows) * (1.0 - validation_share)));
  std::vector<float> x_train, x_validation;
  std::vector<std::int32_t> y_train, y_validation;
  for (std::size_t k = 0; k < rows; ++k) {
    const std::size_t row = order[k];
    auto& xs = k < train_rows ? x_train : x_validation;
    auto& ys = k < train_rows ? y_train : y_validation;
    xs.push_back(x[2 * row]);
    xs.push_back(x[2 * row + 1]);
    ys.push_back(y[row]);
  }
  return {Split(2, {}, std::move(x_train), std::move(y_train), {}, {}),
          Split(2, {}, std::move(x_validation), std::move(y_validation), {}, {})};
}

Sequential mlp(std::size_t inputs, std::initializer_list<int> hidden, int classes, Rng& rng,
               const std::string& optimizer, double learning_rate) {
  Sequential model;
  for (const int units : hidden) {
    model.add(make_layer(
        {"dense", {{"units", static_cast<double>(units)}, {"activation", std::string{"relu"}}}}));
  }
  model.add(make_layer(
      {"dense",
       {{"units", static_cast<double>(classes)}, {"activation", std::string{"softmax"}}}}));
  model.build(inputs, rng);
  model.compile(make_optimizer({optimizer, {{"learning_rate", learning_rate}}}),
                make_loss({"sparse_categorical_crossentropy", {}}), {{"accuracy", {}}});
  return model;
}

}  // namespace sweep::engine::testing
