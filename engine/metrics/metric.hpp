// Streaming metrics: the trainer calls reset() at the start of an epoch (or
// evaluation), update() after every batch with the model output and the
// batch's labels, and result() at the end, so that metrics such as F1 come
// from the epoch's confusion counts, never from a mean of per-batch values.
// The output holds probabilities (the trainer applies a fused softmax first),
// or logits when the loss says from_logits. Not thread-safe: a metric
// belongs to one model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/params.hpp"
#include "engine/tensor.hpp"

namespace sweep::engine {

class Metric {
 public:
  virtual ~Metric() = default;
  const std::string& name() const { return name_; }  // its log key ("accuracy", "f1_score")
  virtual void reset() = 0;
  virtual void update(const Matrix& output, std::span<const std::int32_t> labels) = 0;
  virtual double result() const = 0;  // 0 before any update

 protected:
  explicit Metric(std::string name) : name_(std::move(name)) {}

 private:
  std::string name_;
};

// What a metric is resolved against (Keras 3 resolves "accuracy" from the
// loss and the output shape).
struct MetricContext {
  std::string loss;              // the loss's registry name
  std::size_t output_width = 1;  // 1 = binary (probability of class 1)
  bool from_logits = false;      // outputs are logits: thresholds move to logit space
};

// The registry: accuracy, binary_accuracy (threshold), categorical_accuracy,
// sparse_categorical_accuracy, top_k_categorical_accuracy (k),
// precision, recall, f1_score (average: macro | micro | weighted; threshold
// for a one-wide output).
const std::vector<ComponentSpec>& metric_specs();
std::vector<std::string> metric_names();
// Throws ConfigError for an unknown name or a bad parameter.
std::unique_ptr<Metric> make_metric(const Component& component, const MetricContext& context);

// Index of the largest value of row `row` (the first one on ties, as argmax).
Eigen::Index argmax_row(const Matrix& output, Eigen::Index row);

}  // namespace sweep::engine
