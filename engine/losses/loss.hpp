// The loss interface. Losses are stateless: compute() returns the sample-mean
// (or, with Targets::weights, the weighted sample-mean) loss of a batch and, on request, its
// gradient with respect to the model output (already divided by the batch size). Targets come from
// integer class labels: `labels` always, and `dense` (the labels in the output's shape: a one-hot
// row when the output is wider than 1, else the label value itself) for the losses that ask for it.
// The trainer fills `dense` into a buffer it reuses (fill_dense_targets), so no batch allocates.
// Softmax + cross-entropy fusion: when the model's last layer ends in softmax
// and fuses_softmax() is true, the trainer keeps the logits and calls
// compute_from_logits instead, so logits of any finite size give a finite
// loss and gradient. Thread-safe (no state).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/params.hpp"
#include "engine/tensor.hpp"

namespace sweep::engine {

struct Targets {
  Targets(std::span<const std::int32_t> labels_, const Matrix* dense_ = nullptr,
          std::span<const float> weights_ = {})
      : labels(labels_), dense(dense_), weights(weights_) {}
  std::span<const std::int32_t> labels;  // one class index per row
  const Matrix* dense;                   // see fill_dense_targets; null when not needed
  // One weight per row (Keras's sample_weight, from class_weight); empty = 1
  // each. The loss is sum(w_i * loss_i) / rows, as Keras's
  // "sum_over_batch_size" reduction, and so is its gradient.
  std::span<const float> weights;
  double weight(Eigen::Index row) const {
    return weights.empty() ? 1.0 : static_cast<double>(weights[static_cast<std::size_t>(row)]);
  }
};

// Keras's probability clipping epsilon (backend.epsilon()).
inline constexpr double probability_epsilon = 1e-7;

class Loss {
 public:
  virtual ~Loss() = default;
  const std::string& name() const { return name_; }
  bool from_logits() const { return from_logits_; }
  // Whether compute() reads Targets::dense (every loss but the sparse one).
  virtual bool needs_dense_targets() const { return true; }

  // Mean over the batch of the per-sample loss (itself a mean over the output
  // width for the element-wise losses, as Keras). When `grad` is not null it
  // is resized to output's shape and receives dLoss/doutput.
  virtual double compute(const Matrix& output, const Targets& targets, Matrix* grad) const = 0;

  // Softmax fusion (cross-entropies on probabilities only).
  virtual bool fuses_softmax() const { return false; }
  // The loss of softmax(logits) and its gradient with respect to the logits.
  virtual double compute_from_logits(const Matrix& logits, const Targets& targets,
                                     Matrix* grad) const;

 protected:
  Loss(std::string name, bool from_logits) : name_(std::move(name)), from_logits_(from_logits) {}

 private:
  std::string name_;
  bool from_logits_;
};

// dense = labels in the shape of an output `width` wide: one-hot rows when
// width > 1, the label value when width == 1. Resized only when the shape changes.
void fill_dense_targets(std::span<const std::int32_t> labels, Eigen::Index width, Matrix& dense);

// The registry: categorical_crossentropy, sparse_categorical_crossentropy,
// binary_crossentropy (each with from_logits), mean_squared_error,
// mean_absolute_error, huber (delta).
const std::vector<ComponentSpec>& loss_specs();
std::vector<std::string> loss_names();
std::unique_ptr<Loss> make_loss(const Component& component);  // throws ConfigError

}  // namespace sweep::engine
