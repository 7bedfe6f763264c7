// Adam (Kingma & Ba 2015, "Adam: A method for stochastic optimization", ICLR),
// with the AMSGrad variant (Reddi, Kale & Kumar 2018), as Keras 3 writes it:
//   m <- m + (g - m) (1 - beta_1)
//   v <- v + (g^2 - v) (1 - beta_2)
//   v_hat <- max(v_hat, v)                 (amsgrad only; then v := v_hat)
//   p <- p - lr sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)
// Note Keras's epsilon is added outside the bias correction (the paper's
// "epsilon hat"), so results differ from PyTorch's Adam for the same epsilon.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/optimizers/optimizer.hpp"

namespace sweep::engine {

struct AdamOptions {
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  bool amsgrad = false;
};

class Adam : public Optimizer {
 public:
  explicit Adam(OptimizerCommon common = {}, AdamOptions options = {});
  void build(const std::vector<std::pair<int, int>>& shapes) override;
  const AdamOptions& options() const { return options_; }
  static ComponentSpec spec();
  static std::unique_ptr<Optimizer> create(const ParamReader& reader);

 protected:
  // For AdamW, which is this rule under another name and default decay.
  Adam(std::string name, OptimizerCommon common, AdamOptions options);
  void update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
              long long t) override;
  bool rows_supported(std::size_t slot) const override;
  void update_row_block(std::size_t slot, Matrix& param, const float* grad_rows,
                        Eigen::Index first_row, Eigen::Index rows, double learning_rate,
                        long long t) override;
  // Adam's parameters with the given default weight decay (Adam 0, AdamW 0.004).
  static std::vector<ParamSpec> param_specs(double default_weight_decay);
  static AdamOptions read_options(const ParamReader& reader);

 private:
  AdamOptions options_;
  std::vector<std::pair<int, int>> shapes_;
  std::vector<Matrix> momentums_;
  std::vector<Matrix> velocities_;
  std::vector<Matrix> velocity_hats_;  // empty unless amsgrad
};

}  // namespace sweep::engine
