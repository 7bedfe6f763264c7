#include <algorithm>
#include <cmath>
#include <sstream>

#include "engine/initializers/random.hpp"
#include "tests/engine/gradient_check.hpp"

namespace sweep::engine::testing {

Matrix uniform_matrix(Eigen::Index rows, Eigen::Index cols, double low, double high, Rng& rng) {
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    m.data()[i] = static_cast<float>(low + (high - low) * uniform01(rng));
  }
  return m;
}

GradientError compare_gradient(const std::function<double()>& objective, Matrix& x,
                               const Matrix& analytic, const std::string& name, double step) {
  GradientError result;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const float saved = x.data()[i];
    x.data()[i] = static_cast<float>(saved + step);
    // The step actually taken in float, not the one asked for.
    const double up_step = static_cast<double>(x.data()[i]) - saved;
    const double up = objective();
    x.data()[i] = static_cast<float>(saved - step);
    const double down_step = saved - static_cast<double>(x.data()[i]);
    const double down = objective();
    x.data()[i] = saved;
    const double numeric = (up - down) / (up_step + down_step);
    const double exact = analytic.data()[i];
    const double error =
        std::abs(exact - numeric) / std::max(1e-2, std::abs(exact) + std::abs(numeric));
    if (error >= result.max_error) {
      result.max_error = error;
      std::ostringstream out;
      out << name << "[" << i << "]: analytic " << exact << ", numeric " << numeric;
      result.where = out.str();
    }
  }
  return result;
}

namespace {

void keep_worst(GradientError& total, const GradientError& part) {
  if (part.max_error >= total.max_error) total = part;
}

}  // namespace

GradientError layer_gradient_error(Layer& layer, Matrix input, std::uint64_t seed, double step) {
  Matrix out;
  {
    Rng rng(seed);
    layer.forward(input, out, true, rng);
  }
  Rng weight_rng(seed + 1);
  const Matrix r = uniform_matrix(out.rows(), out.cols(), -1.0, 1.0, weight_rng);
  Matrix grad_in;
  layer.backward(r, &grad_in);
  std::vector<Matrix> param_grads;
  for (const Matrix* g : layer.grads()) param_grads.push_back(*g);

  const auto objective = [&] {
    Rng rng(seed);
    Matrix o;
    layer.forward(input, o, true, rng);
    // The L2 term is part of the loss whose gradient grads() holds.
    return (o.cast<double>().array() * r.cast<double>().array()).sum() + layer.l2_penalty();
  };
  GradientError worst = compare_gradient(objective, input, grad_in, "input", step);
  const auto params = layer.params();
  for (std::size_t p = 0; p < params.size(); ++p) {
    keep_worst(worst, compare_gradient(objective, *params[p], param_grads[p],
                                       "param " + std::to_string(p), step));
  }
  return worst;
}

GradientError loss_gradient_error(const Loss& loss, Matrix output, const Targets& targets,
                                  bool fused, double step) {
  Matrix grad;
  if (fused) {
    loss.compute_from_logits(output, targets, &grad);
  } else {
    loss.compute(output, targets, &grad);
  }
  const auto objective = [&] {
    return fused ? loss.compute_from_logits(output, targets, nullptr)
                 : loss.compute(output, targets, nullptr);
  };
  return compare_gradient(objective, output, grad, loss.name(), step);
}

}  // namespace sweep::engine::testing
