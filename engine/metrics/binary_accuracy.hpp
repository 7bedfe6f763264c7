// Binary accuracy: the share of output values on the right side of the
// threshold (a one-wide output against the label; a wider one against the
// one-hot labels, value by value), as Keras's binary_accuracy.
#pragma once

#include "engine/metrics/metric.hpp"

namespace sweep::engine {

class BinaryAccuracy : public Metric {
 public:
  BinaryAccuracy(std::string name, double threshold);
  void reset() override;
  void update(const Matrix& output, std::span<const std::int32_t> labels) override;
  double result() const override;

 private:
  float threshold_;
  long long correct_ = 0;
  long long total_ = 0;
};

}  // namespace sweep::engine
