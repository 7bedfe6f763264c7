// Top-k accuracy: the share of rows whose label is among the k largest
// outputs. As TensorFlow's in_top_k, ties at the boundary count as in (the
// label is in when fewer than k outputs are strictly larger), and a
// non-finite output for the label counts as out.
#pragma once

#include "engine/metrics/metric.hpp"

namespace sweep::engine {

class TopKCategoricalAccuracy : public Metric {
 public:
  TopKCategoricalAccuracy(std::string name, int k);
  void reset() override;
  void update(const Matrix& output, std::span<const std::int32_t> labels) override;
  double result() const override;

 private:
  int k_;
  long long correct_ = 0;
  long long total_ = 0;
};

}  // namespace sweep::engine
