#include "engine/layers/dropout.hpp"

#include <cmath>

#include "engine/errors.hpp"

namespace sweep::engine {

Dropout::Dropout(double rate) : rate_(rate) {
  if (!(rate >= 0.0 && rate < 1.0)) {
    throw ConfigError("dropout.rate: " + std::to_string(rate) +
                      " is not accepted; expected a number in [0, 1)");
  }
}

void Dropout::forward(const Matrix& in, Matrix& out, bool training, Rng& rng) {
  out.resize(in.rows(), in.cols());
  masked_ = training && rate_ > 0.0;
  if (!masked_) {
    out = in;
    return;
  }
  mask_.resize(in.rows(), in.cols());
  // Each 64-bit draw gives two 32-bit uniforms; a value survives when its
  // uniform is at or above rate * 2^32.
  const auto threshold = static_cast<std::uint64_t>(std::ldexp(rate_, 32));
  const float keep_scale = static_cast<float>(1.0 / (1.0 - rate_));
  float* mask = mask_.data();
  const Eigen::Index size = mask_.size();
  for (Eigen::Index i = 0; i < size; i += 2) {
    const std::uint64_t bits = rng();
    mask[i] = (bits & 0xffffffffu) >= threshold ? keep_scale : 0.0f;
    if (i + 1 < size) mask[i + 1] = (bits >> 32) >= threshold ? keep_scale : 0.0f;
  }
  out.array() = in.array() * mask_.array();
}

void Dropout::backward(const Matrix& grad_out, Matrix* grad_in) {
  if (grad_in == nullptr) return;
  grad_in->resize(grad_out.rows(), grad_out.cols());
  if (masked_) {
    grad_in->array() = grad_out.array() * mask_.array();
  } else {
    *grad_in = grad_out;
  }
}

}  // namespace sweep::engine
