#include "engine/losses/huber.hpp"

#include <cmath>

namespace sweep::engine {

Huber::Huber(double delta) : Loss("huber", false), delta_(delta) {}

double Huber::compute(const Matrix& output, const Targets& targets, Matrix* grad) const {
  if (grad != nullptr) grad->resize(output.rows(), output.cols());
  const double scale = 1.0 / static_cast<double>(output.size());
  const float* out = output.data();
  const float* target = targets.dense->data();
  float* g = grad != nullptr ? grad->data() : nullptr;
  const Eigen::Index cols = output.cols();
  double total = 0.0;
  for (Eigen::Index i = 0; i < output.size(); ++i) {
    const double error = static_cast<double>(out[i]) - target[i];
    const double magnitude = std::abs(error);
    const double w = targets.weight(i / cols);
    if (magnitude <= delta_) {
      total += w * 0.5 * error * error;
      if (g != nullptr) g[i] = static_cast<float>(error * w * scale);
    } else {
      total += w * delta_ * (magnitude - 0.5 * delta_);
      if (g != nullptr) g[i] = static_cast<float>((error > 0 ? delta_ : -delta_) * w * scale);
    }
  }
  return total * scale;
}

}  // namespace sweep::engine
