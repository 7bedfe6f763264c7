#include "engine/layers/activation_layer.hpp"

#include "engine/errors.hpp"

namespace sweep::engine {

ActivationLayer::ActivationLayer(Activation activation)
    : activation_(activation), applied_(activation) {}

bool ActivationLayer::set_logits_output(bool on) {
  if (activation_ != Activation::softmax) return false;
  applied_ = on ? Activation::linear : Activation::softmax;
  return true;
}

void ActivationLayer::forward(const Matrix& in, Matrix& out, bool /*training*/, Rng& /*rng*/) {
  out.resize(in.rows(), in.cols());
  out = in;
  activation_forward(applied_, out);
  input_ = &in;
  output_ = &out;
}

void ActivationLayer::backward(const Matrix& grad_out, Matrix* grad_in) {
  if (grad_in == nullptr) return;
  if (input_ == nullptr) throw TrainingError("activation: backward called before forward");
  grad_in->resize(grad_out.rows(), grad_out.cols());
  activation_backward(applied_, *input_, *output_, grad_out, *grad_in);
}

}  // namespace sweep::engine
