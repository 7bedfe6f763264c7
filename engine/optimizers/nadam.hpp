// Nadam, Adam with Nesterov momentum (Dozat 2016, "Incorporating Nesterov
// momentum into Adam", ICLR workshop), with Keras 3's momentum schedule
// u_t = beta_1 (1 - 0.5 * 0.96^t) and running product U_t = u_1 ... u_t:
//   m <- m + (g - m) (1 - beta_1);  v <- v + (g^2 - v) (1 - beta_2)
//   m_hat = u_{t+1} m / (1 - U_t u_{t+1}) + (1 - u_t) g / (1 - U_t)
//   v_hat = v / (1 - beta_2^t)
//   p <- p - lr m_hat / (sqrt(v_hat) + epsilon)
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "engine/optimizers/optimizer.hpp"

namespace sweep::engine {

struct NadamOptions {
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
};

class Nadam : public Optimizer {
 public:
  explicit Nadam(OptimizerCommon common = {}, NadamOptions options = {});
  void build(const std::vector<std::pair<int, int>>& shapes) override;
  const NadamOptions& options() const { return options_; }

  static ComponentSpec spec();
  static std::unique_ptr<Optimizer> create(const ParamReader& reader);

 protected:
  void update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
              long long t) override;

 private:
  NadamOptions options_;
  std::vector<std::pair<int, int>> shapes_;
  std::vector<Matrix> momentums_;
  std::vector<Matrix> velocities_;
  // U_t, shared by all slots; advanced by the first slot of each step.
  double u_product_ = 1.0;
  long long u_product_step_ = 0;
};

}  // namespace sweep::engine
