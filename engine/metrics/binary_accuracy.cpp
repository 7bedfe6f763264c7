#include "engine/metrics/binary_accuracy.hpp"

namespace sweep::engine {

BinaryAccuracy::BinaryAccuracy(std::string name, double threshold)
    : Metric(std::move(name)), threshold_(static_cast<float>(threshold)) {}

void BinaryAccuracy::reset() {
  correct_ = total_ = 0;
}

void BinaryAccuracy::update(const Matrix& output, std::span<const std::int32_t> labels) {
  const Eigen::Index cols = output.cols();
  for (Eigen::Index r = 0; r < output.rows(); ++r) {
    const std::int32_t label = labels[static_cast<std::size_t>(r)];
    for (Eigen::Index c = 0; c < cols; ++c) {
      const bool truth = cols == 1 ? label != 0 : label == c;
      correct_ += (output(r, c) > threshold_) == truth ? 1 : 0;
    }
  }
  total_ += output.size();
}

double BinaryAccuracy::result() const {
  return total_ == 0 ? 0.0 : static_cast<double>(correct_) / static_cast<double>(total_);
}

}  // namespace sweep::engine
