#include "engine/metrics/confusion_metric.hpp"

#include <algorithm>

namespace sweep::engine {

ConfusionMetric::ConfusionMetric(std::string name, Kind kind, Average average,
                                 std::size_t output_width, double threshold)
    : Metric(std::move(name)),
      kind_(kind),
      average_(average),
      binary_(output_width == 1),
      classes_(output_width == 1 ? 2 : output_width),
      threshold_(static_cast<float>(threshold)),
      counts_(classes_ * classes_, 0) {}

void ConfusionMetric::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
}

void ConfusionMetric::update(const Matrix& output, std::span<const std::int32_t> labels) {
  for (Eigen::Index r = 0; r < output.rows(); ++r) {
    const auto truth = static_cast<std::size_t>(labels[static_cast<std::size_t>(r)]);
    const auto predicted = binary_ ? static_cast<std::size_t>(output(r, 0) > threshold_ ? 1 : 0)
                                   : static_cast<std::size_t>(argmax_row(output, r));
    ++counts_[truth * classes_ + predicted];
  }
}

double ConfusionMetric::score(long long tp, long long fp, long long fn) const {
  long long denominator = 0;
  long long numerator = tp;
  switch (kind_) {
    case Kind::precision:
      denominator = tp + fp;
      break;
    case Kind::recall:
      denominator = tp + fn;
      break;
    case Kind::f1:
      numerator = 2 * tp;
      denominator = 2 * tp + fp + fn;
      break;
  }
  return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

double ConfusionMetric::result() const {
  const std::size_t k = classes_;
  const auto count = [&](std::size_t truth, std::size_t predicted) {
    return counts_[truth * k + predicted];
  };
  const auto class_counts = [&](std::size_t c, long long& tp, long long& fp, long long& fn) {
    tp = count(c, c);
    fp = fn = 0;
    for (std::size_t o = 0; o < k; ++o) {
      if (o == c) continue;
      fp += count(o, c);
      fn += count(c, o);
    }
  };
  long long tp = 0, fp = 0, fn = 0;
  if (binary_) {
    class_counts(1, tp, fp, fn);
    return score(tp, fp, fn);
  }
  if (average_ == Average::micro) {
    long long total_tp = 0, total_fp = 0, total_fn = 0;
    for (std::size_t c = 0; c < k; ++c) {
      class_counts(c, tp, fp, fn);
      total_tp += tp;
      total_fp += fp;
      total_fn += fn;
    }
    return score(total_tp, total_fp, total_fn);
  }
  double sum = 0.0;
  long long total_support = 0;
  for (std::size_t c = 0; c < k; ++c) {
    class_counts(c, tp, fp, fn);
    const long long support = tp + fn;
    const double value = score(tp, fp, fn);
    if (average_ == Average::weighted) {
      sum += value * static_cast<double>(support);
      total_support += support;
    } else {
      sum += value;
    }
  }
  if (average_ == Average::weighted) {
    return total_support == 0 ? 0.0 : sum / static_cast<double>(total_support);
  }
  return sum / static_cast<double>(k);
}

}  // namespace sweep::engine
