// RMSprop (Hinton, Srivastava & Swersky 2012, "Neural networks for machine
// learning", lecture 6e), with the centred variant (Graves 2013) and
// momentum, as Keras 3 writes it:
//   v <- rho v + (1 - rho) g^2
//   a <- rho a + (1 - rho) g                     (centered only)
//   d <- v - a^2 + epsilon   (centered)   or   v + epsilon
//   step = lr g / sqrt(d)
//   mom <- momentum mom + step; p <- p - mom     (momentum > 0)
//   p <- p - step                                (otherwise)
// Epsilon sits inside the square root, as in Keras, so a parameter whose
// gradient is always 0 gets 0 / sqrt(epsilon) = 0, never 0 / 0.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "engine/optimizers/optimizer.hpp"

namespace sweep::engine {

struct RMSpropOptions {
  double rho = 0.9;
  double momentum = 0.0;
  double epsilon = 1e-7;
  bool centered = false;
};

class RMSprop : public Optimizer {
 public:
  explicit RMSprop(OptimizerCommon common = {}, RMSpropOptions options = {});
  void build(const std::vector<std::pair<int, int>>& shapes) override;
  const RMSpropOptions& options() const { return options_; }

  static ComponentSpec spec();
  static std::unique_ptr<Optimizer> create(const ParamReader& reader);

 protected:
  void update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
              long long t) override;

 private:
  RMSpropOptions options_;
  std::vector<std::pair<int, int>> shapes_;
  std::vector<Matrix> velocities_;
  std::vector<Matrix> average_gradients_;  // empty unless centered
  std::vector<Matrix> momentums_;          // empty unless momentum > 0
};

}  // namespace sweep::engine
