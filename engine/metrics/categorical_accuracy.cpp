#include "engine/metrics/categorical_accuracy.hpp"

namespace sweep::engine {

CategoricalAccuracy::CategoricalAccuracy(std::string name) : Metric(std::move(name)) {}

void CategoricalAccuracy::reset() {
  correct_ = total_ = 0;
}

void CategoricalAccuracy::update(const Matrix& output, std::span<const std::int32_t> labels) {
  for (Eigen::Index r = 0; r < output.rows(); ++r) {
    correct_ += argmax_row(output, r) == labels[static_cast<std::size_t>(r)] ? 1 : 0;
  }
  total_ += output.rows();
}

double CategoricalAccuracy::result() const {
  return total_ == 0 ? 0.0 : static_cast<double>(correct_) / static_cast<double>(total_);
}

}  // namespace sweep::engine
