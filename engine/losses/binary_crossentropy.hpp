// Binary cross-entropy, -(y log p + (1 - y) log(1 - p)) averaged over the
// output width, per value. On probabilities they are clipped to
// [1e-7, 1 - 1e-7] (Keras 3); on logits the stable form
// max(z, 0) - z y + log(1 + e^-|z|) is used.
#pragma once

#include "engine/losses/loss.hpp"

namespace sweep::engine {

class BinaryCrossentropy : public Loss {
 public:
  explicit BinaryCrossentropy(bool from_logits);
  double compute(const Matrix& output, const Targets& targets, Matrix* grad) const override;
};

}  // namespace sweep::engine
