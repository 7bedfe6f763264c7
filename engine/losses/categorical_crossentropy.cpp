#include "engine/losses/categorical_crossentropy.hpp"

#include <algorithm>
#include <cmath>

namespace sweep::engine {

CategoricalCrossentropy::CategoricalCrossentropy(bool sparse, bool from_logits)
    : Loss(sparse ? "sparse_categorical_crossentropy" : "categorical_crossentropy", from_logits),
      sparse_(sparse) {}

double CategoricalCrossentropy::compute(const Matrix& output, const Targets& targets,
                                        Matrix* grad) const {
  if (from_logits()) return compute_from_logits(output, targets, grad);
  return from_probabilities(output, targets, grad);
}

double CategoricalCrossentropy::compute_from_logits(const Matrix& logits, const Targets& targets,
                                                    Matrix* grad) const {
  const Eigen::Index rows = logits.rows();
  const Eigen::Index cols = logits.cols();
  if (grad != nullptr) grad->resize(rows, cols);
  const double inverse_rows = 1.0 / static_cast<double>(rows);
  double total = 0.0;
  for (Eigen::Index r = 0; r < rows; ++r) {
    const float* z = logits.data() + r * cols;
    float max = z[0];
    for (Eigen::Index c = 1; c < cols; ++c) max = std::max(max, z[c]);
    double sum = 0.0;
    for (Eigen::Index c = 0; c < cols; ++c) sum += std::exp(static_cast<double>(z[c] - max));
    const double log_sum = std::log(sum) + static_cast<double>(max);
    // loss = sum_j y_j (logsumexp - z_j); gradient = softmax * sum_j y_j - y.
    const double w = targets.weight(r);
    double mass = 1.0;
    if (sparse_) {
      total += w * (log_sum - static_cast<double>(z[targets.labels[static_cast<std::size_t>(r)]]));
    } else {
      const float* y = targets.dense->data() + r * cols;
      mass = 0.0;
      double row = 0.0;
      for (Eigen::Index c = 0; c < cols; ++c) {
        mass += y[c];
        row += static_cast<double>(y[c]) * (log_sum - static_cast<double>(z[c]));
      }
      total += w * row;
    }
    if (grad == nullptr) continue;
    float* g = grad->data() + r * cols;
    const double row_scale = w * inverse_rows;
    const auto scale = static_cast<float>(mass * row_scale);
    const auto inverse_sum = static_cast<float>(1.0 / sum);
    for (Eigen::Index c = 0; c < cols; ++c) g[c] = std::exp(z[c] - max) * inverse_sum * scale;
    if (sparse_) {
      g[targets.labels[static_cast<std::size_t>(r)]] -= static_cast<float>(row_scale);
    } else {
      const float* y = targets.dense->data() + r * cols;
      for (Eigen::Index c = 0; c < cols; ++c) g[c] -= static_cast<float>(y[c] * row_scale);
    }
  }
  return total * inverse_rows;
}

double CategoricalCrossentropy::from_probabilities(const Matrix& output, const Targets& targets,
                                                   Matrix* grad) const {
  const Eigen::Index rows = output.rows();
  const Eigen::Index cols = output.cols();
  if (grad != nullptr) grad->resize(rows, cols);
  const double inverse_rows = 1.0 / static_cast<double>(rows);
  constexpr double eps = probability_epsilon;
  double total = 0.0;
  for (Eigen::Index r = 0; r < rows; ++r) {
    const float* p = output.data() + r * cols;
    double sum = 0.0;
    for (Eigen::Index c = 0; c < cols; ++c) sum += p[c];
    // q = clip(p / sum); loss = -sum_j y_j log q_j. Through the
    // normalisation, dL/dp_i = (g_i - sum_j g_j q_j) / sum with g_j = dL/dq_j
    // (zero where the clip is active).
    const auto target = [&](Eigen::Index c) -> double {
      if (sparse_) return targets.labels[static_cast<std::size_t>(r)] == c ? 1.0 : 0.0;
      return (*targets.dense)(r, c);
    };
    const double w = targets.weight(r);
    double weighted = 0.0;  // sum_j g_j q_j
    for (Eigen::Index c = 0; c < cols; ++c) {
      const double y = target(c);
      if (y == 0.0) continue;
      const double q = static_cast<double>(p[c]) / sum;
      const double clipped = std::clamp(q, eps, 1.0 - eps);
      total -= w * y * std::log(clipped);
      if (q > eps && q < 1.0 - eps) weighted += -y;  // g_j q_j = -y_j
    }
    if (grad == nullptr) continue;
    float* g = grad->data() + r * cols;
    const double row_scale = w * inverse_rows;
    for (Eigen::Index c = 0; c < cols; ++c) {
      const double y = target(c);
      const double q = static_cast<double>(p[c]) / sum;
      const double dq = (y != 0.0 && q > eps && q < 1.0 - eps) ? -y / q : 0.0;
      g[c] = static_cast<float>((dq - weighted) / sum * row_scale);
    }
  }
  return total * inverse_rows;
}

}  // namespace sweep::engine
