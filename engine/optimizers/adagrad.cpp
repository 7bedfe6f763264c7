#include "engine/optimizers/adagrad.hpp"

#include "engine/optimizers/optimizer_detail.hpp"

namespace sweep::engine {

Adagrad::Adagrad(OptimizerCommon common, AdagradOptions options)
    : Optimizer("adagrad", common), options_(options) {}

void Adagrad::build(const std::vector<std::pair<int, int>>& shapes) {
  reset_iterations();
  shapes_ = shapes;
  accumulators_.clear();
  for (const auto& [rows, cols] : shapes) {
    accumulators_.push_back(
        Matrix::Constant(rows, cols, static_cast<float>(options_.initial_accumulator_value)));
  }
}

void Adagrad::update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
                     long long /*t*/) {
  detail::check_slot(name(), slot, shapes_, param, grad);
  const auto lr = static_cast<float>(learning_rate);
  const auto epsilon = static_cast<float>(options_.epsilon);
  Matrix& accumulator_all = accumulators_[slot];
  detail::in_chunks(param.size(), [&](Eigen::Index first, Eigen::Index count) {
    const auto g = detail::piece(grad, first, count);
    auto accumulator = detail::piece(accumulator_all, first, count);
    accumulator += g.square();
    detail::piece(param, first, count) -= g * lr / (accumulator + epsilon).sqrt();
  });
}

ComponentSpec Adagrad::spec() {
  auto params = detail::common_param_specs(0.001);
  params.push_back({.name = "initial_accumulator_value",
                    .default_value = 0.1,
                    .min = 0.0,
                    .choices = {},
                    .help = "starting value of the squared-gradient sums"});
  params.push_back(detail::epsilon_spec());
  return {.name = "adagrad",
          .params = std::move(params),
          .help = "per-parameter rates from the sum of squared gradients"};
}

std::unique_ptr<Optimizer> Adagrad::create(const ParamReader& reader) {
  return std::make_unique<Adagrad>(
      detail::read_common(reader),
      AdagradOptions{.initial_accumulator_value = reader.number("initial_accumulator_value"),
                     .epsilon = reader.number("epsilon")});
}

}  // namespace sweep::engine
