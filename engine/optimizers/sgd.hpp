// Stochastic gradient descent with optional momentum and Nesterov momentum,
// as Keras 3's SGD (Sutskever, Martens, Dahl & Hinton 2013, "On the importance
// of initialization and momentum in deep learning", ICML):
//   m <- momentum * m - lr * g
//   p <- p + m                          (classical)
//   p <- p + momentum * m - lr * g      (nesterov)
// With momentum 0: p <- p - lr * g, and no state.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "engine/optimizers/optimizer.hpp"

namespace sweep::engine {

struct SGDOptions {
  double momentum = 0.0;
  bool nesterov = false;
};

class SGD : public Optimizer {
 public:
  explicit SGD(OptimizerCommon common = {.learning_rate = 0.01}, SGDOptions options = {});
  void build(const std::vector<std::pair<int, int>>& shapes) override;
  const SGDOptions& options() const { return options_; }

  static ComponentSpec spec();
  static std::unique_ptr<Optimizer> create(const ParamReader& reader);

 protected:
  void update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
              long long t) override;

 private:
  SGDOptions options_;
  std::vector<std::pair<int, int>> shapes_;
  std::vector<Matrix> momentums_;  // empty when momentum is 0
};

}  // namespace sweep::engine
