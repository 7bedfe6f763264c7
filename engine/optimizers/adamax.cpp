#include "engine/optimizers/adamax.hpp"

#include <cmath>

#include "engine/optimizers/optimizer_detail.hpp"

namespace sweep::engine {

Adamax::Adamax(OptimizerCommon common, AdamaxOptions options)
    : Optimizer("adamax", common), options_(options) {}

void Adamax::build(const std::vector<std::pair<int, int>>& shapes) {
  reset_iterations();
  shapes_ = shapes;
  momentums_.clear();
  norms_.clear();
  for (const auto& [rows, cols] : shapes) {
    momentums_.push_back(Matrix::Zero(rows, cols));
    norms_.push_back(Matrix::Zero(rows, cols));
  }
}

void Adamax::update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
                    long long t) {
  detail::check_slot(name(), slot, shapes_, param, grad);
  const auto rate =
      static_cast<float>(learning_rate / (1.0 - std::pow(options_.beta_1, static_cast<double>(t))));
  const auto one_minus_beta_1 = static_cast<float>(1.0 - options_.beta_1);
  const auto beta_2 = static_cast<float>(options_.beta_2);
  const auto epsilon = static_cast<float>(options_.epsilon);
  Matrix& m_all = momentums_[slot];
  Matrix& u_all = norms_[slot];
  detail::in_chunks(param.size(), [&](Eigen::Index first, Eigen::Index count) {
    const auto g = detail::piece(grad, first, count);
    auto m = detail::piece(m_all, first, count);
    auto u = detail::piece(u_all, first, count);
    m += (g - m) * one_minus_beta_1;
    u = (u * beta_2).max(g.abs());
    detail::piece(param, first, count) -= m * rate / (u + epsilon);
  });
}

ComponentSpec Adamax::spec() {
  auto params = detail::common_param_specs(0.001);
  params.push_back(detail::beta_spec("beta_1", 0.9, "decay rate of the first-moment estimate"));
  params.push_back(detail::beta_spec("beta_2", 0.999, "decay rate of the infinity norm"));
  params.push_back(detail::epsilon_spec());
  return {.name = "adamax",
          .params = std::move(params),
          .help = "Adam with the infinity norm in place of the second moment"};
}

std::unique_ptr<Optimizer> Adamax::create(const ParamReader& reader) {
  return std::make_unique<Adamax>(detail::read_common(reader),
                                  AdamaxOptions{.beta_1 = reader.number("beta_1"),
                                                .beta_2 = reader.number("beta_2"),
                                                .epsilon = reader.number("epsilon")});
}

}  // namespace sweep::engine
