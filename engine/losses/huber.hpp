// Huber loss (Huber, 1964): 0.5 e^2 where |e| <= delta, else
// delta (|e| - 0.5 delta); averaged over the output width, then the batch.
#pragma once

#include "engine/losses/loss.hpp"

namespace sweep::engine {

class Huber : public Loss {
 public:
  explicit Huber(double delta = 1.0);
  double compute(const Matrix& output, const Targets& targets, Matrix* grad) const override;
  double delta() const { return delta_; }

 private:
  double delta_;
};

}  // namespace sweep::engine
