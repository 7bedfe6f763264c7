// Mean squared error, (p - y)^2 averaged over the output width, then the batch.
#pragma once

#include "engine/losses/loss.hpp"

namespace sweep::engine {

class MeanSquaredError : public Loss {
 public:
  MeanSquaredError() : Loss("mean_squared_error", false) {}
  double compute(const Matrix& output, const Targets& targets, Matrix* grad) const override;
};

}  // namespace sweep::engine
