// A stand-alone activation (Keras's Activation layer), for models that keep
// the activation apart from the dense layer before it.
#pragma once

#include "engine/activations/activation.hpp"
#include "engine/layers/layer.hpp"

namespace sweep::engine {

class ActivationLayer : public Layer {
 public:
  explicit ActivationLayer(Activation activation);
  std::string type() const override { return "activation"; }
  void forward(const Matrix& in, Matrix& out, bool training, Rng& rng) override;
  void backward(const Matrix& grad_out, Matrix* grad_in) override;
  bool set_logits_output(bool on) override;
  Activation activation() const { return activation_; }

 private:
  Activation activation_;
  Activation applied_;  // activation_, or linear while emitting logits
  const Matrix* input_ = nullptr;
  const Matrix* output_ = nullptr;
};

}  // namespace sweep::engine
