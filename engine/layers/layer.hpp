// The layer interface, a small virtual base with do-nothing defaults (as
// mlpack's, which measured virtual calls against a variant design: same speed,
// simpler code). Sequential calls, per batch:
//   forward(in, out, training, rng)   first to last layer;
//   backward(grad_out, grad_in)       last to first, after a training forward.
// A layer remembers the `in` and `out` of its last forward (by address) for
// backward: the caller keeps both alive and unchanged until backward returns.
// Buffers are resized only when the batch shape changes, so the steady-state
// step allocates nothing. Parameters and their gradients are listed in slot
// order, the order optimizers index their state by. Not thread-safe: a layer
// belongs to one model.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "engine/params.hpp"
#include "engine/tensor.hpp"

namespace sweep::engine {

class Optimizer;

class Layer {
 public:
  virtual ~Layer() = default;
  virtual std::string type() const = 0;  // the registry name: "dense", "dropout", ...

  // Creates and initialises the weights for rows of `input_width` values.
  virtual void build(std::size_t input_width, Rng& /*rng*/) { input_width_ = input_width; }
  std::size_t input_width() const { return input_width_; }
  virtual std::size_t output_width() const { return input_width_; }

  // out = layer(in), resized to in.rows() x output_width(). `training`
  // switches dropout on; every random draw comes from `rng`.
  virtual void forward(const Matrix& in, Matrix& out, bool training, Rng& rng) = 0;
  // From dLoss/dout, accumulates nothing: overwrites grads() and, when
  // grad_in is not null, writes dLoss/din (the first layer passes null: its
  // input gradient is never needed).
  virtual void backward(const Matrix& grad_out, Matrix* grad_in) = 0;

  // backward() fused with the optimizer's update of this layer's parameters
  // (slots first_slot, first_slot + 1, ... in `optimizer`), where the layer
  // and optimizer can do it with the same result as backward() then
  // optimizer.step(): a layer sets updated[slot] for each slot it updated
  // (step() then skips it; its grads() entry is not meaningful). Called last
  // to first like backward(); a layer must read its parameters for grad_in
  // before updating them. The default is backward() alone.
  virtual void backward_and_update(const Matrix& grad_out, Matrix* grad_in,
                                   Optimizer& /*optimizer*/, std::size_t /*first_slot*/,
                                   double /*learning_rate*/, std::vector<bool>& /*updated*/) {
    backward(grad_out, grad_in);
  }

  virtual std::vector<Matrix*> params() { return {}; }
  virtual std::vector<Matrix*> grads() { return {}; }
  // The regularisation term this layer adds to the loss (its gradient is
  // already part of grads()).
  virtual double l2_penalty() const { return 0.0; }

  // Softmax + cross-entropy fusion: when this layer ends in softmax, `on`
  // makes forward stop at the logits and backward take dLoss/dlogits.
  // Returns whether the layer ends in softmax (and so honours the request).
  virtual bool set_logits_output(bool /*on*/) { return false; }

 protected:
  std::size_t input_width_ = 0;
};

// The registry: every layer type's name and accepted parameters, and its
// factory. Types: dense (units, activation, kernel_initializer, use_bias, l2),
// dropout (rate), activation (activation).
const std::vector<ComponentSpec>& layer_specs();
std::vector<std::string> layer_names();
std::unique_ptr<Layer> make_layer(const Component& component);  // throws ConfigError

}  // namespace sweep::engine
