// AdamW (Loshchilov & Hutter 2019, "Decoupled weight decay regularization",
// ICLR): Adam with weight decay applied to the variable, not the gradient,
// p <- p - p * weight_decay * lr before the Adam step. As Keras 3, it is Adam
// with weight_decay defaulting to 0.004 (Optimizer::step applies the decay).
#pragma once

#include <memory>

#include "engine/optimizers/adam.hpp"

namespace sweep::engine {

class AdamW : public Adam {
 public:
  explicit AdamW(OptimizerCommon common = {.weight_decay = 0.004}, AdamOptions options = {});

  static ComponentSpec spec();
  static std::unique_ptr<Optimizer> create(const ParamReader& reader);
};

}  // namespace sweep::engine
