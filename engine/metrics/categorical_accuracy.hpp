// Categorical accuracy: the share of rows whose argmax is the label. With
// integer labels, categorical_accuracy and sparse_categorical_accuracy are the
// same computation; the name is only the log key.
#pragma once

#include "engine/metrics/metric.hpp"

namespace sweep::engine {

class CategoricalAccuracy : public Metric {
 public:
  explicit CategoricalAccuracy(std::string name);
  void reset() override;
  void update(const Matrix& output, std::span<const std::int32_t> labels) override;
  double result() const override;

 private:
  long long correct_ = 0;
  long long total_ = 0;
};

}  // namespace sweep::engine
