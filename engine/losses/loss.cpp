#include "engine/losses/loss.hpp"

#include "engine/errors.hpp"
#include "engine/losses/binary_crossentropy.hpp"
#include "engine/losses/categorical_crossentropy.hpp"
#include "engine/losses/huber.hpp"
#include "engine/losses/mean_absolute_error.hpp"
#include "engine/losses/mean_squared_error.hpp"

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
  static const std::vector<ComponentSpec> specs{
      {"categorical_crossentropy", {from_logits_spec()}, "cross-entropy against one-hot labels"},
      {"sparse_categorical_crossentropy",
       {from_logits_spec()},
       "cross-entropy against class indices"},
      {"binary_crossentropy", {from_logits_spec()}, "per-output binary cross-entropy"},
      {"mean_squared_error", {}, "mean of squared errors against one-hot labels"},
      {"mean_absolute_error", {}, "mean of absolute errors against one-hot labels"},
      {"huber", {delta_spec()}, "quadratic near zero, linear beyond delta"},
  };
  return specs;
}

std::vector<std::string> loss_names() {
  std::vector<std::string> names;
  for (const auto& spec : loss_specs()) names.push_back(spec.name);
  return names;
}

std::unique_ptr<Loss> make_loss(const Component& component) {
  const ComponentSpec* spec = nullptr;
  for (const auto& candidate : loss_specs()) {
    if (candidate.name == component.name) spec = &candidate;
  }
  if (spec == nullptr) {
    std::string message = "unknown loss \"" + component.name + "\"";
    if (auto guess = did_you_mean(component.name, loss_names())) {
      message += "; did you mean \"" + *guess + "\"?";
    }
    throw ConfigError(message + "; known: " + join(loss_names()));
  }
  const ParamReader reader(*spec, component.params);
  const std::string& name = spec->name;
  if (name == "categorical_crossentropy" || name == "sparse_categorical_crossentropy") {
    return std::make_unique<CategoricalCrossentropy>(name != "categorical_crossentropy",
                                                     reader.boolean("from_logits"));
  }
  if (name == "binary_crossentropy") {
    return std::make_unique<BinaryCrossentropy>(reader.boolean("from_logits"));
  }
  if (name == "mean_squared_error") return std::make_unique<MeanSquaredError>();
  if (name == "mean_absolute_error") return std::make_unique<MeanAbsoluteError>();
  return std::make_unique<Huber>(reader.number("delta"));
}

}  // namespace sweep::engine
