#include "engine/losses/binary_crossentropy.hpp"

#include <algorithm>
#include <cmath>

namespace sweep::engine {

BinaryCrossentropy::BinaryCrossentropy(bool from_logits)
    : Loss("binary_crossentropy", from_logits) {}

double BinaryCrossentropy::compute(const Matrix& output, const Targets& targets,
                                   Matrix* grad) const {
  if (grad != nullptr) grad->resize(output.rows(), output.cols());
  const double scale = 1.0 / static_cast<double>(output.size());  // mean over width, then batch
  const float* out = output.data();
  const float* target = targets.dense->data();
  float* g = grad != nullptr ? grad->data() : nullptr;
  constexpr double eps = probability_epsilon;
  const Eigen::Index cols = output.cols();
  double total = 0.0;
  for (Eigen::Index i = 0; i < output.size(); ++i) {
    const double y = target[i];
    const double x = out[i];
    const double w = targets.weight(i / cols);
    if (from_logits()) {
      total += w * (std::max(x, 0.0) - x * y + std::log1p(std::exp(-std::abs(x))));
      if (g != nullptr) {
        const double sigmoid =
            x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
        g[i] = static_cast<float>((sigmoid - y) * w * scale);
      }
    } else {
      const double p = std::clamp(x, eps, 1.0 - eps);
      total -= w * (y * std::log(p) + (1.0 - y) * std::log(1.0 - p));
      if (g != nullptr) {
        const bool inside = x > eps && x < 1.0 - eps;
        g[i] = inside ? static_cast<float>((-y / p + (1.0 - y) / (1.0 - p)) * w * scale) : 0.0f;
      }
    }
  }
  return total * scale;
}

}  // namespace sweep::engine
