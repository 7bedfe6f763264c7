// Precision, recall and F1 from the epoch's confusion counts. A one-wide
// output is binary (positive = above the threshold, class 1); a wider one is
// multiclass (prediction = argmax) and averaged over all output classes:
// macro (mean of per-class values, the default), micro (from the summed
// counts) or weighted (by each class's support). A class with no true and no
// predicted rows scores 0 (Keras's and scikit-learn's zero_division = 0), so
// no result is ever NaN.
#pragma once

#include <vector>

#include "engine/metrics/metric.hpp"

namespace sweep::engine {

class ConfusionMetric : public Metric {
 public:
  enum class Kind { precision, recall, f1 };
  enum class Average { macro, micro, weighted };
  ConfusionMetric(std::string name, Kind kind, Average average, std::size_t output_width,
                  double threshold);
  void reset() override;
  void update(const Matrix& output, std::span<const std::int32_t> labels) override;
  double result() const override;

  // counts()[truth * classes() + predicted]; classes() is 2 for a one-wide output.
  const std::vector<long long>& counts() const { return counts_; }
  std::size_t classes() const { return classes_; }

 private:
  double score(long long tp, long long fp, long long fn) const;
  Kind kind_;
  Average average_;
  bool binary_;
  std::size_t classes_;
  float threshold_;
  std::vector<long long> counts_;
};

}  // namespace sweep::engine
