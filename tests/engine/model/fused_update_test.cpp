// The fused backward + update (a dense layer hands its kernel gradient to
// the optimizer a block of rows at a time) must train exactly as backward()
// then step(): the same weights, bit for bit. Adam with a clipvalue too large
// to clip anything takes the unfused path (clipping needs whole tensors), so
// it is the reference.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "engine/layers/layer.hpp"
#include "engine/losses/loss.hpp"
#include "engine/model.hpp"
#include "engine/optimizers/adam.hpp"

using namespace sweep::engine;

namespace {

// 150 rows of 50 u8 features and 3 classes: 50 kernel rows are three row
// blocks of the fused update, the last one short.
Split random_split(std::uint64_t seed) {
  constexpr std::size_t rows = 150;
  constexpr std::size_t features = 50;
  Rng rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::uint8_t> values(rows * features);
  std::vector<std::int32_t> labels(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    int sum = 0;
    for (std::size_t c = 0; c < features; ++c) {
      values[r * features + c] = static_cast<std::uint8_t>(byte(rng));
      sum += values[r * features + c] * static_cast<int>(c % 3);
    }
    labels[r] = sum % 3;
  }
  return Split(features, std::move(values), {}, std::move(labels),
               std::vector<float>(features, 0.0F), std::vector<float>(features, 1.0F / 255.0F));
}

std::vector<Matrix> train(const Split& data, const Params& optimizer, double l2) {
  Rng rng(11);
  Sequential model;
  model.add(
      make_layer({"dense", {{"units", 32.0}, {"activation", std::string{"relu"}}, {"l2", l2}}}));
  model.add(make_layer({"dense", {{"units", 16.0}, {"activation", std::string{"relu"}}}}));
  model.add(make_layer({"dense", {{"units", 3.0}, {"activation", std::string{"softmax"}}}}));
  model.build(data.features(), rng);
  model.compile(make_optimizer({"adam", optimizer}),
                make_loss({"sparse_categorical_crossentropy", {}}), {});
  FitOptions options;
  options.epochs = 3;
  options.batch_size = 32;  // 150 rows: the last batch of each epoch is short
  model.fit(data, nullptr, options, rng);
  std::vector<Matrix> weights;
  for (const Matrix* w : model.weights()) weights.push_back(*w);
  return weights;
}

}  // namespace

TEST_CASE("adam's fused update trains bit-identically to backward then step", "[model][fused]") {
  const Split data = random_split(5);
  const double l2 = GENERATE(0.0, 0.01);
  const std::vector<Matrix> fused = train(data, {{"learning_rate", 0.01}}, l2);
  const std::vector<Matrix> unfused =
      train(data, {{"learning_rate", 0.01}, {"clipvalue", 1e30}}, l2);
  REQUIRE(fused.size() == unfused.size());
  for (std::size_t i = 0; i < fused.size(); ++i) {
    INFO("slot " << i);
    CHECK(fused[i] == unfused[i]);
  }
}

TEST_CASE("update_rows over blocks equals one step for that slot", "[optimizers][fused]") {
  Adam fused, reference;
  fused.build({{5, 16}, {1, 16}});
  reference.build({{5, 16}, {1, 16}});
  REQUIRE(fused.can_update_rows(0));
  REQUIRE(fused.can_update_rows(1));
  Rng rng(3);
  std::normal_distribution<float> normal(0.0F, 1.0F);
  Matrix kernel_a(5, 16), bias_a(1, 16);
  for (Eigen::Index i = 0; i < kernel_a.size(); ++i) kernel_a.data()[i] = normal(rng);
  for (Eigen::Index i = 0; i < bias_a.size(); ++i) bias_a.data()[i] = normal(rng);
  Matrix kernel_b = kernel_a, bias_b = bias_a;
  for (int step = 0; step < 4; ++step) {
    Matrix kernel_grad(5, 16), bias_grad(1, 16);
    for (Eigen::Index i = 0; i < kernel_grad.size(); ++i) kernel_grad.data()[i] = normal(rng);
    for (Eigen::Index i = 0; i < bias_grad.size(); ++i) bias_grad.data()[i] = normal(rng);
    Matrix kernel_grad_b = kernel_grad, bias_grad_b = bias_grad;

    // Rows 0-1, then 2-4 of the kernel; the bias through step().
    fused.update_rows(0, kernel_a, kernel_grad.data(), 0, 2, 0.01);
    fused.update_rows(0, kernel_a, kernel_grad.data() + std::ptrdiff_t{2} * 16, 2, 3, 0.01);
    std::vector<Matrix*> params_a{&kernel_a, &bias_a}, grads_a{&kernel_grad, &bias_grad};
    const std::vector<bool> updated{true, false};
    fused.step(params_a, grads_a, 0.01, &updated);

    std::vector<Matrix*> params_b{&kernel_b, &bias_b}, grads_b{&kernel_grad_b, &bias_grad_b};
    reference.step(params_b, grads_b, 0.01);
  }
  CHECK(fused.iterations() == 4);
  CHECK(kernel_a == kernel_b);
  CHECK(bias_a == bias_b);
}

TEST_CASE("row updates are offered only where they equal step()", "[optimizers][fused]") {
  Adam plain;
  plain.build({{4, 16}, {4, 3}});
  CHECK(plain.can_update_rows(0));
  CHECK_FALSE(plain.can_update_rows(1));  // 3 columns: not whole SIMD packets
  CHECK_FALSE(plain.can_update_rows(2));  // no such slot

  Adam amsgrad({}, {.amsgrad = true});
  amsgrad.build({{4, 16}});
  CHECK_FALSE(amsgrad.can_update_rows(0));

  for (const OptimizerCommon common :
       {OptimizerCommon{.clipnorm = 1.0}, OptimizerCommon{.clipvalue = 1.0},
        OptimizerCommon{.weight_decay = 0.1}}) {
    Adam clipped(common);
    clipped.build({{4, 16}});
    CHECK_FALSE(clipped.can_update_rows(0));
  }

  auto sgd = make_optimizer({"sgd", {}});
  sgd->build({{4, 16}});
  CHECK_FALSE(sgd->can_update_rows(0));
  Matrix param = Matrix::Zero(4, 16), grad = Matrix::Zero(4, 16);
  CHECK_THROWS_WITH(sgd->update_rows(0, param, grad.data(), 0, 4, 0.1),
                    "sgd: row updates are not supported for slot 0; expected a slot for which "
                    "can_update_rows()");
  CHECK_THROWS_WITH(plain.update_rows(0, param, grad.data(), 2, 3, 0.1),
                    "adam: rows [2, 5) are outside the parameter's 4 rows");
}
