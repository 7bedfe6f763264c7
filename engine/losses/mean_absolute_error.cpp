#include "engine/losses/mean_absolute_error.hpp"

#include <cmath>

namespace sweep::engine {

double MeanAbsoluteError::compute(const Matrix& output, const Targets& targets,
                                  Matrix* grad) const {
  const double scale = 1.0 / static_cast<double>(output.size());
  const float* out = output.data();
  const float* target = targets.dense->data();
  const Eigen::Index cols = output.cols();
  double total = 0.0;
  for (Eigen::Index i = 0; i < output.size(); ++i) {
    total += targets.weight(i / cols) * std::abs(static_cast<double>(out[i]) - target[i]);
  }
  if (grad != nullptr) {
    grad->resize(output.rows(), output.cols());
    grad->array() = (output.array() - targets.dense->array()).sign() * static_cast<float>(scale);
    if (!targets.weights.empty())
      for (Eigen::Index r = 0; r < output.rows(); ++r)
        grad->row(r) *= targets.weights[static_cast<std::size_t>(r)];
  }
  return total * scale;
}

}  // namespace sweep::engine
