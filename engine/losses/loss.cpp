#include "engine/losses/loss.hpp"

#include "engine/errors.hpp"
#include "engine/losses/binary_crossentropy.hpp"
#include "engine/losses/categorical_crossentropy.hpp"
#include "engine/losses/huber.hpp"
#include "engine/losses/mean_absolute_error.hpp"
#include "engine/losses/mean_squared_error.hpp"
#include "engine/registry.hpp"

namespace sweep::engine {
namespace {

ParamSpec from_logits_spec() {
  ParamSpec spec;
  spec.name = "from_logits";
  spec.kind = ParamSpec::Kind::boolean;
  spec.default_value = false;
  spec.help = "the model outputs logits, not probabilities";
  return spec;
}

ParamSpec delta_spec() {
  ParamSpec spec;
  spec.name = "delta";
  spec.kind = ParamSpec::Kind::number;
  spec.default_value = 1.0;
  spec.min = 0.0;
  spec.min_exclusive = true;
  spec.help = "where the loss turns from quadratic to linear";
  return spec;
}

using LossRegistry = Registry<std::unique_ptr<Loss>>;

const LossRegistry& registry() {
  static const LossRegistry losses{
      "loss",
      {
          {{"categorical_crossentropy",
            {from_logits_spec()},
            "cross-entropy against one-hot labels"},
           [](const ParamReader& reader) -> std::unique_ptr<Loss> {
             return std::make_unique<CategoricalCrossentropy>(false, reader.boolean("from_logits"));
           }},
          {{"sparse_categorical_crossentropy",
            {from_logits_spec()},
            "cross-entropy against class indices"},
           [](const ParamReader& reader) -> std::unique_ptr<Loss> {
             return std::make_unique<CategoricalCrossentropy>(true, reader.boolean("from_logits"));
           }},
          {{"binary_crossentropy", {from_logits_spec()}, "per-output binary cross-entropy"},
           [](const ParamReader& reader) -> std::unique_ptr<Loss> {
             return std::make_unique<BinaryCrossentropy>(reader.boolean("from_logits"));
           }},
          {{"mean_squared_error", {}, "mean of squared errors against one-hot labels"},
           [](const ParamReader&) -> std::unique_ptr<Loss> {
             return std::make_unique<MeanSquaredError>();
           }},
          {{"mean_absolute_error", {}, "mean of absolute errors against one-hot labels"},
           [](const ParamReader&) -> std::unique_ptr<Loss> {
             return std::make_unique<MeanAbsoluteError>();
           }},
          {{"huber", {delta_spec()}, "quadratic near zero, linear beyond delta"},
           [](const ParamReader& reader) -> std::unique_ptr<Loss> {
             return std::make_unique<Huber>(reader.number("delta"));
           }},
      }};
  return losses;
}

}  // namespace

double Loss::compute_from_logits(const Matrix& logits, const Targets& targets, Matrix* grad) const {
  return compute(logits, targets, grad);
}

void fill_dense_targets(std::span<const std::int32_t> labels, Eigen::Index width, Matrix& dense) {
  const auto rows = static_cast<Eigen::Index>(labels.size());
  dense.resize(rows, width);
  if (width == 1) {
    for (Eigen::Index r = 0; r < rows; ++r)
      dense(r, 0) = static_cast<float>(labels[static_cast<std::size_t>(r)]);
    return;
  }
  dense.setZero();
  for (Eigen::Index r = 0; r < rows; ++r) dense(r, labels[static_cast<std::size_t>(r)]) = 1.0f;
}

const std::vector<ComponentSpec>& loss_specs() {
  return registry().specs();
}

std::vector<std::string> loss_names() {
  return registry().names();
}

std::unique_ptr<Loss> make_loss(const Component& component) {
  return registry().make(component);
}

}  // namespace sweep::engine
