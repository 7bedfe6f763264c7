#include "engine/activations/activation.hpp"

#include <algorithm>
#include <cmath>

#include "engine/errors.hpp"
#include "engine/registry.hpp"

namespace sweep::engine {
namespace {

constexpr float leaky_slope = 0.2f;  // Keras 3's leaky_relu negative_slope
constexpr float elu_alpha = 1.0f;

using ActivationRegistry = Registry<Activation>;

ActivationRegistry::Entry entry(std::string name, Activation activation) {
  return {{std::move(name), {}, {}}, [activation](const ParamReader&) { return activation; }};
}

// In the enum's order: activation_name() indexes the names by the enum value.
const ActivationRegistry& registry() {
  static const ActivationRegistry activations{
      "activation",
      {entry("linear", Activation::linear), entry("relu", Activation::relu),
       entry("leaky_relu", Activation::leaky_relu), entry("elu", Activation::elu),
       entry("gelu", Activation::gelu), entry("tanh", Activation::tanh),
       entry("sigmoid", Activation::sigmoid), entry("softmax", Activation::softmax)}};
  return activations;
}

}  // namespace

const std::vector<std::string>& activation_names() {
  return registry().names();
}

std::string_view activation_name(Activation activation) {
  return activation_names()[static_cast<std::size_t>(activation)];
}

Activation parse_activation(std::string_view name) {
  return registry().make({std::string{name}, {}});
}

bool activation_needs_input(Activation activation) {
  return activation == Activation::gelu;
}

void softmax_rows(const Matrix& logits, Matrix& probabilities) {
  const Eigen::Index cols = logits.cols();
  for (Eigen::Index r = 0; r < logits.rows(); ++r) {
    const float* z = logits.data() + r * cols;
    float* p = probabilities.data() + r * cols;
    float max = z[0];
    for (Eigen::Index c = 1; c < cols; ++c) max = std::max(max, z[c]);
    float sum = 0.0f;
    for (Eigen::Index c = 0; c < cols; ++c) {
      p[c] = std::exp(z[c] - max);
      sum += p[c];
    }
    const float inverse = 1.0f / sum;
    for (Eigen::Index c = 0; c < cols; ++c) p[c] *= inverse;
  }
}

void activation_forward(Activation activation, Matrix& values) {
  // A named view (not an expression: it owns nothing and evaluates nothing).
  Eigen::ArrayWrapper<Matrix> v(values);
  switch (activation) {
    case Activation::linear:
      return;
    case Activation::relu:
      v = v.cwiseMax(0.0f);
      return;
    case Activation::leaky_relu:
      v = (v > 0.0f).select(v, v * leaky_slope);
      return;
    case Activation::elu:
      v = (v > 0.0f).select(v, elu_alpha * (v.exp() - 1.0f));
      return;
    case Activation::gelu: {
      float* data = values.data();
      for (Eigen::Index i = 0; i < values.size(); ++i) {
        const float x = data[i];
        data[i] = 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
      }
      return;
    }
    case Activation::tanh:
      v = v.tanh();
      return;
    case Activation::sigmoid:
      v = 1.0f / (1.0f + (-v).exp());
      return;
    case Activation::softmax:
      softmax_rows(values, values);
      return;
  }
}

void activation_backward(Activation activation, const Matrix& z, const Matrix& a,
                         const Matrix& grad_a, Matrix& grad_z) {
  const Eigen::ArrayWrapper<const Matrix> g(grad_a);
  const Eigen::ArrayWrapper<const Matrix> out(a);
  Eigen::ArrayWrapper<Matrix> gz(grad_z);
  switch (activation) {
    case Activation::linear:
      if (&grad_z != &grad_a) grad_z = grad_a;
      return;
    case Activation::relu:
      gz = (out > 0.0f).select(g, 0.0f);
      return;
    case Activation::leaky_relu:
      gz = (out > 0.0f).select(g, g * leaky_slope);
      return;
    case Activation::elu:
      // For z < 0, a = alpha (e^z - 1), so f'(z) = alpha e^z = a + alpha.
      gz = (out > 0.0f).select(g, g * (out + elu_alpha));
      return;
    case Activation::gelu: {
      // d/dx [x Phi(x)] = Phi(x) + x phi(x)
      const float* x = z.data();
      const float* ga = grad_a.data();
      float* gzd = grad_z.data();
      for (Eigen::Index i = 0; i < z.size(); ++i) {
        const float cdf = 0.5f * (1.0f + std::erf(x[i] * 0.70710678118654752f));
        const float pdf = 0.39894228040143268f * std::exp(-0.5f * x[i] * x[i]);
        gzd[i] = ga[i] * (cdf + x[i] * pdf);
      }
      return;
    }
    case Activation::tanh:
      gz = g * (1.0f - out.square());
      return;
    case Activation::sigmoid:
      gz = g * out * (1.0f - out);
      return;
    case Activation::softmax: {
      // Jacobian-vector product per row: gz = a * (g - <g, a>).
      const Eigen::Index cols = a.cols();
      for (Eigen::Index r = 0; r < a.rows(); ++r) {
        const float* ar = a.data() + r * cols;
        const float* gr = grad_a.data() + r * cols;
        float* zr = grad_z.data() + r * cols;
        float dot = 0.0f;
        for (Eigen::Index c = 0; c < cols; ++c) dot += gr[c] * ar[c];
        for (Eigen::Index c = 0; c < cols; ++c) zr[c] = ar[c] * (gr[c] - dot);
      }
      return;
    }
  }
}

}  // namespace sweep::engine
