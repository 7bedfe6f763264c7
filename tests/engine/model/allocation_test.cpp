// The steady-state training step allocates nothing: every buffer is sized by
// the first batch of a shape and reused, and the matrix products keep their
// packing buffers (Eigen's own would be heap-allocated on every call for a
// 784 x 256 layer).
#include <catch2/catch.hpp>

#include <vector>

#include "engine/initializers/random.hpp"
#include "tests/engine/model/model_data.hpp"
#include "tests/engine/optimizers/allocation_counter.hpp"

using namespace sweep::engine;

namespace {

class AllocationsPerBatch : public Callback {
 public:
  AllocationsPerBatch() { counts.reserve(64); }
  bool on_batch_end(int epoch, int /*batch*/, double /*loss*/) override {
    if (epoch == 2) counts.push_back(sweep::test::allocations_so_far());
    return true;
  }
  std::vector<long long> counts;
};

}  // namespace

TEST_CASE("a steady-state training step allocates nothing", "[model][allocation]") {
  if (!sweep::test::allocation_counting_available()) {
    WARN("allocation counting is off under this sanitizer");
    return;
  }
  Rng rng(3);
  const std::size_t rows = std::size_t{64} * 6, features = 784;
  std::vector<std::uint8_t> x(rows * features);
  for (auto& v : x) v = static_cast<std::uint8_t>(rng() & 255u);
  std::vector<std::int32_t> y(rows);
  for (auto& v : y) v = static_cast<std::int32_t>(uniform_below(rng, 10));
  const Split train(features, std::move(x), {}, std::move(y), {},
                    std::vector<float>(features, 1.0f / 255));

  Sequential model;
  model.add(
      make_layer({"dense", {{"units", 256.0}, {"activation", std::string{"relu"}}, {"l2", 1e-4}}}));
  model.add(make_layer({"dropout", {{"rate", 0.2}}}));
  model.add(make_layer({"dense", {{"units", 128.0}, {"activation", std::string{"gelu"}}}}));
  model.add(make_layer({"dense", {{"units", 10.0}, {"activation", std::string{"softmax"}}}}));
  model.build(features, rng);
  model.compile(make_optimizer({"adam", {}}), make_loss({"categorical_crossentropy", {}}),
                {{"accuracy", {}}, {"f1_score", {}}, {"top_k_categorical_accuracy", {}}});
  AllocationsPerBatch recorder;
  FitOptions options;
  options.epochs = 2;
  options.batch_size = 64;
  model.fit(train, nullptr, options, rng, {&recorder});
  REQUIRE(recorder.counts.size() == 6);
  for (std::size_t b = 1; b < recorder.counts.size(); ++b) {
    INFO("batch " << b);
    CHECK(recorder.counts[b] - recorder.counts[b - 1] == 0);
  }
}
