// Adamax, the infinity-norm variant of Adam (Kingma & Ba 2015, "Adam: A
// method for stochastic optimization", ICLR, section 7.1), as Keras 3 writes it:
//   m <- m + (g - m) (1 - beta_1)
//   u <- max(beta_2 u, |g|)
//   p <- p - lr m / ((1 - beta_1^t) (u + epsilon))
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "engine/optimizers/optimizer.hpp"

namespace sweep::engine {

struct AdamaxOptions {
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
};

class Adamax : public Optimizer {
 public:
  explicit Adamax(OptimizerCommon common = {}, AdamaxOptions options = {});
  void build(const std::vector<std::pair<int, int>>& shapes) override;
  const AdamaxOptions& options() const { return options_; }

  static ComponentSpec spec();
  static std::unique_ptr<Optimizer> create(const ParamReader& reader);

 protected:
  void update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
              long long t) override;

 private:
  AdamaxOptions options_;
  std::vector<std::pair<int, int>> shapes_;
  std::vector<Matrix> momentums_;
  std::vector<Matrix> norms_;  // u, the exponentially weighted infinity norm
};

}  // namespace sweep::engine
