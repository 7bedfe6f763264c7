#include "engine/optimizers/nadam.hpp"

#include <cmath>

#include "engine/optimizers/optimizer_detail.hpp"

namespace sweep::engine {
namespace {

double momentum_at(double beta_1, long long step) {
  return beta_1 * (1.0 - 0.5 * std::pow(0.96, static_cast<double>(step)));
}

}  // namespace

Nadam::Nadam(OptimizerCommon common, NadamOptions options)
    : Optimizer("nadam", common), options_(options) {}

void Nadam::build(const std::vector<std::pair<int, int>>& shapes) {
  reset_iterations();
  shapes_ = shapes;
  momentums_.clear();
  velocities_.clear();
  for (const auto& [rows, cols] : shapes) {
    momentums_.push_back(Matrix::Zero(rows, cols));
    velocities_.push_back(Matrix::Zero(rows, cols));
  }
  u_product_ = 1.0;
  u_product_step_ = 0;
}

void Nadam::update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
                   long long t) {
  detail::check_slot(name(), slot, shapes_, param, grad);
  const double u_t = momentum_at(options_.beta_1, t);
  const double u_next = momentum_at(options_.beta_1, t + 1);
  while (u_product_step_ < t) {
    ++u_product_step_;
    u_product_ *= momentum_at(options_.beta_1, u_product_step_);
  }
  // Scalars in double; the element-wise work in float.
  const auto m_coefficient = static_cast<float>(u_next / (1.0 - u_product_ * u_next));
  const auto g_coefficient = static_cast<float>((1.0 - u_t) / (1.0 - u_product_));
  const auto v_coefficient =
      static_cast<float>(1.0 / (1.0 - std::pow(options_.beta_2, static_cast<double>(t))));
  const auto lr = static_cast<float>(learning_rate);
  const auto one_minus_beta_1 = static_cast<float>(1.0 - options_.beta_1);
  const auto one_minus_beta_2 = static_cast<float>(1.0 - options_.beta_2);
  const auto epsilon = static_cast<float>(options_.epsilon);
  Matrix& m_all = momentums_[slot];
  Matrix& v_all = velocities_[slot];
  detail::in_chunks(param.size(), [&](Eigen::Index first, Eigen::Index count) {
    const auto g = detail::piece(grad, first, count);
    auto m = detail::piece(m_all, first, count);
    auto v = detail::piece(v_all, first, count);
    m += (g - m) * one_minus_beta_1;
    v += (g.square() - v) * one_minus_beta_2;
    detail::piece(param, first, count) -=
        (m * m_coefficient + g * g_coefficient) * lr / ((v * v_coefficient).sqrt() + epsilon);
  });
}

ComponentSpec Nadam::spec() {
  auto params = detail::common_param_specs(0.001);
  params.push_back(detail::beta_spec("beta_1", 0.9, "decay rate of the first-moment estimate"));
  params.push_back(detail::beta_spec("beta_2", 0.999, "decay rate of the second-moment estimate"));
  params.push_back(detail::epsilon_spec());
  return {.name = "nadam", .params = std::move(params), .help = "Adam with Nesterov momentum"};
}

std::unique_ptr<Optimizer> Nadam::create(const ParamReader& reader) {
  return std::make_unique<Nadam>(detail::read_common(reader),
                                 NadamOptions{.beta_1 = reader.number("beta_1"),
                                              .beta_2 = reader.number("beta_2"),
                                              .epsilon = reader.number("epsilon")});
}

}  // namespace sweep::engine
