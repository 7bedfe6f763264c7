// Mean absolute error, |p - y| averaged over the output width, then the batch
// (subgradient 0 where p == y).
#pragma once

#include "engine/losses/loss.hpp"

namespace sweep::engine {

class MeanAbsoluteError : public Loss {
 public:
  MeanAbsoluteError() : Loss("mean_absolute_error", false) {}
  double compute(const Matrix& output, const Targets& targets, Matrix* grad) const override;
};

}  // namespace sweep::engine
