// The optimizer interface: only the update rule. The trainer (Sequential::fit)
// owns epochs, batching, schedules and callbacks; it calls
//   build(shapes)                       once, when training begins;
//   step(params, grads, learning_rate)  once per batch, for all parameters.
// State (moments, accumulators) is indexed by parameter slot, not address.
// Not thread-safe: one optimizer belongs to one model.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/params.hpp"
#include "engine/tensor.hpp"

namespace sweep::engine {

// Options every optimizer takes, applied as Keras 3 applies them.
struct OptimizerCommon {
  double learning_rate = 0.001;
  double weight_decay = 0.0;  // p <- p - p * weight_decay * lr, before the step
  double clipnorm = 0.0;      // 0 = off; rescale each tensor to this L2 norm at most
  double clipvalue = 0.0;     // 0 = off; clip each gradient element to [-v, v]
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // Creates zeroed state for parameters of these shapes (rows, cols), in slot order.
  virtual void build(const std::vector<std::pair<int, int>>& shapes) = 0;
  // Updates every params[i] in place from grads[i]; grads may be modified
  // (clipping). `learning_rate` is the schedule's rate for this step;
  // iterations() counts completed steps since build().
  // `updated` (optional, one entry per slot) marks slots already updated for
  // this step by update_rows(); step() leaves those alone.
  void step(const std::vector<Matrix*>& params, std::vector<Matrix*>& grads, double learning_rate,
            const std::vector<bool>* updated = nullptr);
  // Fused backward + update: a layer may compute a slot's gradient a block of
  // rows at a time and apply the rule to each block while it is still in
  // cache, instead of writing the whole gradient and reading it back in
  // step(). Offered only when the result is the same, element for element:
  // no clipping or weight decay (they need the whole tensor, or run first)
  // and a rule that supports it for this slot.
  bool can_update_rows(std::size_t slot) const;
  // Applies this step's rule (step number iterations() + 1, as step() will
  // use) to rows [first_row, first_row + rows) of `param`; `grad_rows` holds
  // those rows' gradients, row-major. The caller then passes the slot as
  // updated to step(), which counts the step.
  void update_rows(std::size_t slot, Matrix& param, const float* grad_rows, Eigen::Index first_row,
                   Eigen::Index rows, double learning_rate);
  long long iterations() const { return iterations_; }
  const OptimizerCommon& common() const { return common_; }
  const std::string& name() const { return name_; }

 protected:
  Optimizer(std::string name, OptimizerCommon common) : name_(std::move(name)), common_(common) {}
  // For build(): fresh state starts again at step 1 (bias corrections need it).
  void reset_iterations() { iterations_ = 0; }
  // The rule itself for parameter slot `slot`, after clipping and weight decay.
  // `t` is the 1-based step number.
  virtual void update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
                      long long t) = 0;
  // update_rows()'s rule (rows already checked); rows_supported() says for which slots it exists.
  virtual bool rows_supported(std::size_t /*slot*/) const { return false; }
  virtual void update_row_block(std::size_t /*slot*/, Matrix& /*param*/, const float* /*grad_rows*/,
                                Eigen::Index /*first_row*/, Eigen::Index /*rows*/,
                                double /*learning_rate*/, long long /*t*/) {}

 private:
  std::string name_;
  OptimizerCommon common_;
  long long iterations_ = 0;
};

// The registry: every optimizer's name and accepted parameters (including
// learning_rate, weight_decay, clipnorm, clipvalue), and its factory.
const std::vector<ComponentSpec>& optimizer_specs();
std::vector<std::string> optimizer_names();
std::unique_ptr<Optimizer> make_optimizer(const Component& component);  // throws ConfigError

}  // namespace sweep::engine
