#include "engine/metrics/top_k_categorical_accuracy.hpp"

#include <cmath>

namespace sweep::engine {

TopKCategoricalAccuracy::TopKCategoricalAccuracy(std::string name, int k)
    : Metric(std::move(name)), k_(k) {}

void TopKCategoricalAccuracy::reset() {
  correct_ = total_ = 0;
}

void TopKCategoricalAccuracy::update(const Matrix& output, std::span<const std::int32_t> labels) {
  const Eigen::Index cols = output.cols();
  for (Eigen::Index r = 0; r < output.rows(); ++r) {
    const float* row = output.data() + r * cols;
    const float target = row[labels[static_cast<std::size_t>(r)]];
    if (!std::isfinite(target)) continue;
    int larger = 0;
    for (Eigen::Index c = 0; c < cols; ++c) larger += row[c] > target ? 1 : 0;
    correct_ += larger < k_ ? 1 : 0;
  }
  total_ += output.rows();
}

double TopKCategoricalAccuracy::result() const {
  return total_ == 0 ? 0.0 : static_cast<double>(correct_) / static_cast<double>(total_);
}

}  // namespace sweep::engine
