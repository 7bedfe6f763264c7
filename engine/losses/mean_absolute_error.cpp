#include "engine/losses/mean_absolute_error.hpp"

#include <cmath>

namespace sweep::engine {

double MeanAbsoluteError::compute(const Matrix& output, const Targets& targets,
                                  Matrix* grad) const {
  const double scale = 1.0 / static_cast<double>(output.size());
  const float* out = output.data();
  const float* target = targets.dense->data();
  double total = 0.0;
  for (Eigen::Index i = 0; i < output.size(); ++i) {
    total += std::abs(static_cast<double>(out[i]) - target[i]);
  }
  if (grad != nullptr) {
    grad->resize(output.rows(), output.cols());
    grad->array() = (output.array() - targets.dense->array()).sign() * static_cast<float>(scale);
  }
  return total * scale;
}

}  // namespace sweep::engine
