// A fully connected layer, out = activation(in * kernel + bias), with the
// bias and activation fused into one pass after the product and an optional
// L2 penalty on the kernel (Keras's kernel_regularizer=l2(l2): l2 * sum(w^2)).
#pragma once

#include <string>

#include "engine/activations/activation.hpp"
#include "engine/layers/layer.hpp"
#include "engine/layers/matrix_product.hpp"

namespace sweep::engine {

struct DenseOptions {
  std::size_t units = 1;
  Activation activation = Activation::linear;
  std::string kernel_initializer = "glorot_uniform";
  bool use_bias = true;
  double l2 = 0.0;
};

class Dense : public Layer {
 public:
  explicit Dense(DenseOptions options);
  std::string type() const override { return "dense"; }
  void build(std::size_t input_width, Rng& rng) override;
  std::size_t output_width() const override { return options_.units; }
  void forward(const Matrix& in, Matrix& out, bool training, Rng& rng) override;
  void backward(const Matrix& grad_out, Matrix* grad_in) override;
  void backward_and_update(const Matrix& grad_out, Matrix* grad_in, Optimizer& optimizer,
                           std::size_t first_slot, double learning_rate,
                           std::vector<bool>& updated) override;
  std::vector<Matrix*> params() override;
  std::vector<Matrix*> grads() override;
  double l2_penalty() const override;
  bool set_logits_output(bool on) override;

  const DenseOptions& options() const { return options_; }
  Matrix& kernel() { return kernel_; }  // input_width x units
  Matrix& bias() { return bias_; }      // 1 x units

 private:
  DenseOptions options_;
  Activation applied_;  // options_.activation, or linear while emitting logits
  Matrix kernel_, bias_, kernel_grad_, bias_grad_;
  Matrix pre_activation_;  // kept only for activations whose derivative needs z
  Matrix delta_;           // dLoss/dz
  Matrix grad_rows_;       // backward_and_update's kernel gradient, a block of rows at a time
  MatrixProduct forward_product_, kernel_product_, input_product_;
  const Matrix* input_ = nullptr;
  const Matrix* output_ = nullptr;

  const Matrix& compute_delta(const Matrix& grad_out);
  void input_gradient(const Matrix& delta, Matrix* grad_in);
};

}  // namespace sweep::engine
