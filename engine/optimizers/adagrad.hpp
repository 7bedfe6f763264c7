// Adagrad (Duchi, Hazan & Singer 2011, "Adaptive subgradient methods for
// online learning and stochastic optimization", JMLR), as Keras 3 writes it:
//   acc <- acc + g^2                      (acc starts at initial_accumulator_value)
//   p   <- p - lr g / sqrt(acc + epsilon)
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "engine/optimizers/optimizer.hpp"

namespace sweep::engine {

struct AdagradOptions {
  double initial_accumulator_value = 0.1;
  double epsilon = 1e-7;
};

class Adagrad : public Optimizer {
 public:
  explicit Adagrad(OptimizerCommon common = {}, AdagradOptions options = {});
  void build(const std::vector<std::pair<int, int>>& shapes) override;
  const AdagradOptions& options() const { return options_; }

  static ComponentSpec spec();
  static std::unique_ptr<Optimizer> create(const ParamReader& reader);

 protected:
  void update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
              long long t) override;

 private:
  AdagradOptions options_;
  std::vector<std::pair<int, int>> shapes_;
  std::vector<Matrix> accumulators_;
};

}  // namespace sweep::engine
