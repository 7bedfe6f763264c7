#include "engine/layers/dense.hpp"

#include <algorithm>
#include <string>

#include "engine/errors.hpp"
#include "engine/initializers/initializer.hpp"
#include "engine/layers/forward_product.hpp"
#include "engine/layers/weight_gradient.hpp"
#include "engine/optimizers/optimizer.hpp"

namespace sweep::engine {

Dense::Dense(DenseOptions options) : options_(std::move(options)), applied_(options_.activation) {
  if (options_.units == 0)
    throw ConfigError("dense.units: 0 is not accepted; expected an integer >= 1");
  if (!(options_.l2 >= 0.0))
    throw ConfigError("dense.l2: a negative value is not accepted; expected a number >= 0");
}

void Dense::build(std::size_t input_width, Rng& rng) {
  input_width_ = input_width;
  const auto in = static_cast<Eigen::Index>(input_width);
  const auto units = static_cast<Eigen::Index>(options_.units);
  kernel_.resize(in, units);
  initialize(options_.kernel_initializer, kernel_, input_width, options_.units, rng);
  kernel_grad_.setZero(in, units);
  if (options_.use_bias) {
    bias_.setZero(1, units);
    bias_grad_.setZero(1, units);
  }
}

bool Dense::set_logits_output(bool on) {
  if (options_.activation != Activation::softmax) return false;
  applied_ = on ? Activation::linear : Activation::softmax;
  return true;
}

void Dense::forward(const Matrix& in, Matrix& out, bool training, Rng& /*rng*/) {
  if (in.cols() != kernel_.rows()) {
    throw TrainingError("dense: input has " + std::to_string(in.cols()) + " columns; expected " +
                        std::to_string(kernel_.rows()));
  }
  out.resize(in.rows(), kernel_.cols());  // no-op while the batch shape is unchanged
  const Eigen::Index units = out.cols();
  // The bias is written first and the product added to it: no separate
  // zeroing pass and no separate bias pass.
  if (options_.use_bias) {
    const Eigen::Map<const RowVector> b(bias_.data(), units);
    for (Eigen::Index r = 0; r < out.rows(); ++r) {
      Eigen::Map<RowVector>(out.data() + r * units, units) = b;
    }
  } else {
    out.setZero();
  }
  if (!forward_product(in, kernel_, out)) {
    forward_product_.accumulate(in, MatrixProduct::Op::none, kernel_, MatrixProduct::Op::none, out);
  }
  if (training && activation_needs_input(applied_)) pre_activation_ = out;
  activation_forward(applied_, out);
  input_ = &in;
  output_ = &out;
}

const Matrix& Dense::compute_delta(const Matrix& grad_out) {
  if (input_ == nullptr) throw TrainingError("dense: backward called before forward");
  if (applied_ == Activation::linear) return grad_out;
  delta_.resize(grad_out.rows(), grad_out.cols());
  activation_backward(applied_, pre_activation_, *output_, grad_out, delta_);
  return delta_;
}

void Dense::input_gradient(const Matrix& delta, Matrix* grad_in) {
  if (grad_in == nullptr) return;
  grad_in->resize(delta.rows(), kernel_.rows());
  grad_in->setZero();
  input_product_.accumulate(delta, MatrixProduct::Op::none, kernel_, MatrixProduct::Op::transpose,
                            *grad_in);
}

void Dense::backward(const Matrix& grad_out, Matrix* grad_in) {
  const Matrix& delta = compute_delta(grad_out);
  // d(l2 * sum(w^2))/dw = 2 l2 w, added to x^T delta.
  const auto l2_scale = static_cast<float>(2.0 * options_.l2);
  if (!weight_gradient(*input_, delta, l2_scale, kernel_, kernel_grad_)) {
    if (options_.l2 > 0.0) {
      kernel_grad_ = l2_scale * kernel_;
    } else {
      kernel_grad_.setZero();
    }
    kernel_product_.accumulate(*input_, MatrixProduct::Op::transpose, delta,
                               MatrixProduct::Op::none, kernel_grad_);
  }
  if (options_.use_bias) bias_grad_.noalias() = delta.colwise().sum();
  input_gradient(delta, grad_in);
}

void Dense::backward_and_update(const Matrix& grad_out, Matrix* grad_in, Optimizer& optimizer,
                                std::size_t first_slot, double learning_rate,
                                std::vector<bool>& updated) {
  if (input_ == nullptr || !optimizer.can_update_rows(first_slot) ||
      !weight_gradient_supported(*input_, grad_out)) {
    backward(grad_out, grad_in);
    return;
  }
  const Matrix& delta = compute_delta(grad_out);
  if (options_.use_bias) bias_grad_.noalias() = delta.colwise().sum();
  // Before the kernel changes: grad_in is computed from the old kernel.
  input_gradient(delta, grad_in);
  // The first layer's kernel, its gradient and the optimizer's state for it
  // do not fit in L2 together: each block of gradient rows is used by the
  // update while still in cache instead of being written out whole and read
  // back by step(). 24 rows (a multiple of the gradient kernel's 3-row
  // blocks) of 256 units is 24 KiB, within L1.
  constexpr Eigen::Index rows_per_update = 24;
  const Eigen::Index in = kernel_.rows();
  const Eigen::Index units = kernel_.cols();
  grad_rows_.resize(std::min(rows_per_update, in), units);  // no-op after the first step
  const auto l2_scale = static_cast<float>(2.0 * options_.l2);
  for (Eigen::Index first = 0; first < in; first += rows_per_update) {
    const Eigen::Index rows = std::min(rows_per_update, in - first);
    weight_gradient_rows(*input_, delta, l2_scale, kernel_, first, rows, grad_rows_.data());
    optimizer.update_rows(first_slot, kernel_, grad_rows_.data(), first, rows, learning_rate);
  }
  updated[first_slot] = true;
}

std::vector<Matrix*> Dense::params() {
  if (options_.use_bias) return {&kernel_, &bias_};
  return {&kernel_};
}

std::vector<Matrix*> Dense::grads() {
  if (options_.use_bias) return {&kernel_grad_, &bias_grad_};
  return {&kernel_grad_};
}

double Dense::l2_penalty() const {
  if (options_.l2 == 0.0) return 0.0;
  return options_.l2 * kernel_.cast<double>().squaredNorm();
}

}  // namespace sweep::engine
