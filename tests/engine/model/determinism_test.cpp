#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "tests/engine/model/model_data.hpp"

using namespace sweep::engine;

namespace {

std::vector<Matrix> train_once(const Split& train, const Split& validation, std::uint64_t seed) {
  Rng rng(seed);
  Sequential model = testing::mlp(2, {32, 16}, 3, rng, "adam", 0.005);
  FitOptions options;
  options.epochs = 8;
  options.batch_size = 16;
  model.fit(train, &validation, options, rng);
  std::vector<Matrix> weights;
  for (const Matrix* w : model.weights()) weights.push_back(*w);
  return weights;
}

}  // namespace

TEST_CASE("the same seed gives bit-identical weights while other fits run",
          "[model][determinism]") {
  const auto data = testing::spirals(100, 0.2, 0.2, 7);
  const std::vector<Matrix> alone = train_once(data.train, data.validation, 42);

  // Two fits with seed 42 and four with other seeds, all at once on one shared data set.
  std::vector<std::vector<Matrix>> results(6);
  std::vector<std::thread> threads;
  const std::uint64_t seeds[] = {42, 1, 2, 42, 3, 4};
  for (std::size_t t = 0; t < 6; ++t) {
    threads.emplace_back(
        [&, t] { results[t] = train_once(data.train, data.validation, seeds[t]); });
  }
  for (auto& thread : threads) thread.join();

  REQUIRE(results[0].size() == alone.size());
  for (std::size_t i = 0; i < alone.size(); ++i) {
    CHECK(results[0][i] == alone[i]);
    CHECK(results[3][i] == alone[i]);
  }
  CHECK(results[1][0] != alone[0]);
}

TEST_CASE("validating after each epoch leaves the training trajectory unchanged",
          "[model][determinism]") {
  // Evaluation runs other batch shapes through the same layers; the training
  // products must not depend on them.
  const auto data = testing::spirals(100, 0.2, 0.2, 7);
  FitOptions options;
  options.epochs = 4;
  options.batch_size = 16;
  Rng rng_a(3), rng_b(3);
  Sequential a = testing::mlp(2, {32, 16}, 3, rng_a);
  Sequential b = testing::mlp(2, {32, 16}, 3, rng_b);
  a.fit(data.train, &data.validation, options, rng_a);
  b.fit(data.train, nullptr, options, rng_b);
  for (std::size_t i = 0; i < a.weights().size(); ++i) CHECK(*a.weights()[i] == *b.weights()[i]);
}
