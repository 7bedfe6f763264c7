// Optimizer::step (clipping and weight decay, as Keras 3 applies them before
// the rule) and the name -> factory registry.
#include "engine/optimizers/optimizer.hpp"

#include <algorithm>
#include <cmath>

#include "engine/errors.hpp"
#include "engine/optimizers/adagrad.hpp"
#include "engine/optimizers/adam.hpp"
#include "engine/optimizers/adamax.hpp"
#include "engine/optimizers/adamw.hpp"
#include "engine/optimizers/nadam.hpp"
#include "engine/optimizers/rmsprop.hpp"
#include "engine/optimizers/sgd.hpp"
#include "engine/registry.hpp"

namespace sweep::engine {
namespace {

using OptimizerRegistry = Registry<std::unique_ptr<Optimizer>>;

// Keras's optimizer listing, alphabetical.
const OptimizerRegistry& registry() {
  static const OptimizerRegistry optimizers{"optimizer",
                                            {
                                                {Adam::spec(), &Adam::create},
                                                {Adamax::spec(), &Adamax::create},
                                                {AdamW::spec(), &AdamW::create},
                                                {Adagrad::spec(), &Adagrad::create},
                                                {Nadam::spec(), &Nadam::create},
                                                {RMSprop::spec(), &RMSprop::create},
                                                {SGD::spec(), &SGD::create},
                                            }};
  return optimizers;
}

}  // namespace

bool Optimizer::can_update_rows(std::size_t slot) const {
  return common_.clipvalue == 0.0 && common_.clipnorm == 0.0 && common_.weight_decay == 0.0 &&
         rows_supported(slot);
}

void Optimizer::update_rows(std::size_t slot, Matrix& param, const float* grad_rows,
                            Eigen::Index first_row, Eigen::Index rows, double learning_rate) {
  if (!can_update_rows(slot)) {
    throw TrainingError(name_ + ": row updates are not supported for slot " + std::to_string(slot) +
                        "; expected a slot for which can_update_rows()");
  }
  if (first_row < 0 || rows < 0 || first_row + rows > param.rows()) {
    throw TrainingError(name_ + ": rows [" + std::to_string(first_row) + ", " +
                        std::to_string(first_row + rows) + ") are outside the parameter's " +
                        std::to_string(param.rows()) + " rows");
  }
  update_row_block(slot, param, grad_rows, first_row, rows, learning_rate, iterations_ + 1);
}

void Optimizer::step(const std::vector<Matrix*>& params, std::vector<Matrix*>& grads,
                     double learning_rate, const std::vector<bool>* updated) {
  if (params.size() != grads.size()) {
    throw TrainingError(name_ + ": " + std::to_string(params.size()) + " parameters but " +
                        std::to_string(grads.size()) + " gradients");
  }
  const long long t = iterations_ + 1;
  // Keras clips every gradient, then decays every variable, then applies the
  // rule; slots are independent, so doing all three per slot is the same.
  // Keras 3 applies only clipnorm when both are set; here both apply,
  // clipvalue first, so that a user who sets both gets both bounds.
  const auto clipvalue = static_cast<float>(common_.clipvalue);
  const double clipnorm = common_.clipnorm;
  const auto decay = static_cast<float>(common_.weight_decay * learning_rate);
  for (std::size_t slot = 0; slot < params.size(); ++slot) {
    if (updated != nullptr && slot < updated->size() && (*updated)[slot]) continue;
    Matrix& param = *params[slot];
    Matrix& grad = *grads[slot];
    if (clipvalue > 0.0F) grad = grad.cwiseMax(-clipvalue).cwiseMin(clipvalue);
    if (clipnorm > 0.0) {
      const double norm = std::sqrt(grad.cast<double>().squaredNorm());
      // g * clipnorm / max(||g||, clipnorm): untouched unless the norm exceeds it.
      if (norm > clipnorm) grad *= static_cast<float>(clipnorm / norm);
    }
    if (decay > 0.0F) param -= param * decay;
    update(slot, param, grad, learning_rate, t);
  }
  ++iterations_;
}

const std::vector<ComponentSpec>& optimizer_specs() {
  return registry().specs();
}

std::vector<std::string> optimizer_names() {
  return registry().names();
}

std::unique_ptr<Optimizer> make_optimizer(const Component& component) {
  return registry().make(component);
}

}  // namespace sweep::engine
