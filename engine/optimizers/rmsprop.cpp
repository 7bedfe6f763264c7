#include "engine/optimizers/rmsprop.hpp"

#include "engine/optimizers/optimizer_detail.hpp"

namespace sweep::engine {

RMSprop::RMSprop(OptimizerCommon common, RMSpropOptions options)
    : Optimizer("rmsprop", common), options_(options) {}

void RMSprop::build(const std::vector<std::pair<int, int>>& shapes) {
  reset_iterations();
  shapes_ = shapes;
  velocities_.clear();
  average_gradients_.clear();
  momentums_.clear();
  for (const auto& [rows, cols] : shapes) {
    velocities_.push_back(Matrix::Zero(rows, cols));
    if (options_.centered) average_gradients_.push_back(Matrix::Zero(rows, cols));
    if (options_.momentum > 0.0) momentums_.push_back(Matrix::Zero(rows, cols));
  }
}

void RMSprop::update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
                     long long /*t*/) {
  detail::check_slot(name(), slot, shapes_, param, grad);
  const auto lr = static_cast<float>(learning_rate);
  const auto rho = static_cast<float>(options_.rho);
  const auto one_minus_rho = static_cast<float>(1.0 - options_.rho);
  const auto epsilon = static_cast<float>(options_.epsilon);
  Matrix& v_all = velocities_[slot];
  Matrix* a_all = options_.centered ? &average_gradients_[slot] : nullptr;
  Matrix* mom_all = momentums_.empty() ? nullptr : &momentums_[slot];
  const auto momentum = static_cast<float>(options_.momentum);
  detail::in_chunks(param.size(), [&](Eigen::Index first, Eigen::Index count) {
    const auto g = detail::piece(grad, first, count);
    auto v = detail::piece(v_all, first, count);
    auto p = detail::piece(param, first, count);
    v = v * rho + g.square() * one_minus_rho;
    // `param` receives the increment lr g / sqrt(d) either directly or through
    // the momentum buffer; each branch is one fused expression, no temporary.
    if (a_all != nullptr) {
      auto a = detail::piece(*a_all, first, count);
      a = a * rho + g * one_minus_rho;
      if (mom_all == nullptr) {
        p -= g * lr / (v - a.square() + epsilon).sqrt();
      } else {
        auto mom = detail::piece(*mom_all, first, count);
        mom = mom * momentum + g * lr / (v - a.square() + epsilon).sqrt();
        p -= mom;
      }
    } else if (mom_all == nullptr) {
      p -= g * lr / (v + epsilon).sqrt();
    } else {
      auto mom = detail::piece(*mom_all, first, count);
      mom = mom * momentum + g * lr / (v + epsilon).sqrt();
      p -= mom;
    }
  });
}

ComponentSpec RMSprop::spec() {
  auto params = detail::common_param_specs(0.001);
  params.push_back({.name = "rho",
                    .default_value = 0.9,
                    .min = 0.0,
                    .max = 1.0,
                    .max_exclusive = true,
                    .choices = {},
                    .help = "decay rate of the squared-gradient average"});
  params.push_back({.name = "momentum",
                    .default_value = 0.0,
                    .min = 0.0,
                    .max = 1.0,
                    .choices = {},
                    .help = "momentum on the scaled step; 0 = none"});
  params.push_back(detail::epsilon_spec());
  params.push_back(detail::flag_spec("centered", "normalise by the gradient's variance estimate"));
  return {.name = "rmsprop",
          .params = std::move(params),
          .help = "gradient scaled by a running RMS of past gradients"};
}

std::unique_ptr<Optimizer> RMSprop::create(const ParamReader& reader) {
  return std::make_unique<RMSprop>(detail::read_common(reader),
                                   RMSpropOptions{.rho = reader.number("rho"),
                                                  .momentum = reader.number("momentum"),
                                                  .epsilon = reader.number("epsilon"),
                                                  .centered = reader.boolean("centered")});
}

}  // namespace sweep::engine
