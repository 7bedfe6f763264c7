#include <catch2/catch.hpp>

#include "tests/engine/model/model_data.hpp"

using namespace sweep::engine;

TEST_CASE("a small MLP with adam learns three spirals", "[model][convergence]") {
  const auto data = testing::spirals(300, 0.2, 0.2, 2024);
  Rng rng(1);
  Sequential model = testing::mlp(2, {64, 64}, 3, rng, "adam", 0.01);
  FitOptions options;
  options.epochs = 150;
  options.batch_size = 32;
  const History history = model.fit(data.train, &data.validation, options, rng);
  REQUIRE(history.epochs.size() == 150);
  const Logs& last = history.epochs.back().values;
  INFO("val_accuracy " << last.at("val_accuracy") << ", loss " << last.at("loss"));
  // Seeded: the run is the same every time; 95 % leaves room for the noise of
  // the 180 validation points around the spirals' centre, where they overlap.
  CHECK(last.at("val_accuracy") >= 0.95);
  CHECK(last.at("loss") < history.epochs.front().values.at("loss"));
  const Logs evaluated = model.evaluate(data.validation);
  CHECK(evaluated.at("accuracy") == last.at("val_accuracy"));
  CHECK(evaluated.at("loss") == Approx(last.at("val_loss")));
}
