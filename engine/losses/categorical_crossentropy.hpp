// Categorical cross-entropy, -sum_j y_j log p_j, for one-hot targets
// (categorical_crossentropy) or class indices (sparse_categorical_crossentropy).
// On probabilities it follows Keras 3: rows renormalised to sum 1, then
// clipped to [1e-7, 1 - 1e-7]; on logits it uses a stable log-softmax.
#pragma once

#include "engine/losses/loss.hpp"

namespace sweep::engine {

class CategoricalCrossentropy : public Loss {
 public:
  CategoricalCrossentropy(bool sparse, bool from_logits);
  bool needs_dense_targets() const override { return !sparse_; }
  double compute(const Matrix& output, const Targets& targets, Matrix* grad) const override;
  bool fuses_softmax() const override { return !from_logits(); }
  double compute_from_logits(const Matrix& logits, const Targets& targets,
                             Matrix* grad) const override;

 private:
  double from_probabilities(const Matrix& output, const Targets& targets, Matrix* grad) const;
  bool sparse_;
};

}  // namespace sweep::engine
