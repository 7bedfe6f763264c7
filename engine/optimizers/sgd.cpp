#include "engine/optimizers/sgd.hpp"

#include "engine/optimizers/optimizer_detail.hpp"

namespace sweep::engine {

SGD::SGD(OptimizerCommon common, SGDOptions options)
    : Optimizer("sgd", common), options_(options) {}

void SGD::build(const std::vector<std::pair<int, int>>& shapes) {
  reset_iterations();
  shapes_ = shapes;
  momentums_.clear();
  if (options_.momentum == 0.0) return;
  for (const auto& [rows, cols] : shapes) momentums_.push_back(Matrix::Zero(rows, cols));
}

void SGD::update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
                 long long /*t*/) {
  detail::check_slot(name(), slot, shapes_, param, grad);
  const auto lr = static_cast<float>(learning_rate);
  if (momentums_.empty()) {
    param -= grad * lr;
    return;
  }
  const auto momentum = static_cast<float>(options_.momentum);
  Matrix& m = momentums_[slot];
  m = m * momentum - grad * lr;
  if (options_.nesterov) {
    param += m * momentum - grad * lr;
  } else {
    param += m;
  }
}

ComponentSpec SGD::spec() {
  auto params = detail::common_param_specs(0.01);
  params.push_back({.name = "momentum",
                    .default_value = 0.0,
                    .min = 0.0,
                    .max = 1.0,
                    .choices = {},
                    .help = "velocity kept from step to step; 0 = plain SGD"});
  params.push_back(detail::flag_spec("nesterov", "use Nesterov momentum"));
  return {.name = "sgd",
          .params = std::move(params),
          .help = "gradient descent with optional (Nesterov) momentum"};
}

std::unique_ptr<Optimizer> SGD::create(const ParamReader& reader) {
  return std::make_unique<SGD>(
      detail::read_common(reader),
      SGDOptions{.momentum = reader.number("momentum"), .nesterov = reader.boolean("nesterov")});
}

}  // namespace sweep::engine
