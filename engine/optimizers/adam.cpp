#include "engine/optimizers/adam.hpp"

#include <cmath>

#include "engine/errors.hpp"
#include "engine/optimizers/optimizer_detail.hpp"

namespace sweep::engine {

Adam::Adam(OptimizerCommon common, AdamOptions options) : Adam("adam", common, options) {}

Adam::Adam(std::string name, OptimizerCommon common, AdamOptions options)
    : Optimizer(std::move(name), common), options_(options) {}

void Adam::build(const std::vector<std::pair<int, int>>& shapes) {
  reset_iterations();
  shapes_ = shapes;
  momentums_.clear();
  velocities_.clear();
  velocity_hats_.clear();
  for (const auto& [rows, cols] : shapes) {
    momentums_.push_back(Matrix::Zero(rows, cols));
    velocities_.push_back(Matrix::Zero(rows, cols));
    if (options_.amsgrad) velocity_hats_.push_back(Matrix::Zero(rows, cols));
  }
}

namespace {

using Eigen::Index;
using Packet = Eigen::internal::packet_traits<float>::type;
constexpr Index packet_width = Eigen::internal::packet_traits<float>::size;

struct AdamFactors {
  float alpha, one_minus_beta_1, one_minus_beta_2, epsilon;
};

AdamFactors factors(const AdamOptions& options, double learning_rate, long long t) {
  const double step = static_cast<double>(t);
  return {static_cast<float>(learning_rate * std::sqrt(1.0 - std::pow(options.beta_2, step)) /
                             (1.0 - std::pow(options.beta_1, step))),
          static_cast<float>(1.0 - options.beta_1), static_cast<float>(1.0 - options.beta_2),
          static_cast<float>(options.epsilon)};
}

// One pass over the four tensors, a SIMD packet at a time, with the same
// per-element arithmetic (Eigen's packet functions) as the expressions in
// update()'s tail. It is memory-bound when the four tensors do not fit in
// L2 (software prefetch, 2 and 8 KiB ahead, measured no better). Shared by
// update() and update_row_block(), so both do the same operations per
// element. Returns how many of the `size` elements it did (whole packets).
Index adam_packets(const AdamFactors& f, const float* g, float* m, float* v, float* p, Index size) {
  using namespace Eigen::internal;
  const Packet b1 = pset1<Packet>(f.one_minus_beta_1);
  const Packet b2 = pset1<Packet>(f.one_minus_beta_2);
  const Packet a = pset1<Packet>(f.alpha);
  const Packet e = pset1<Packet>(f.epsilon);
  Index done = 0;
  for (; done + packet_width <= size; done += packet_width) {
    const Packet gp = ploadu<Packet>(g + done);
    Packet mp = ploadu<Packet>(m + done);
    Packet vp = ploadu<Packet>(v + done);
    mp = padd(mp, pmul(psub(gp, mp), b1));
    vp = padd(vp, pmul(psub(pmul(gp, gp), vp), b2));
    pstoreu(m + done, mp);
    pstoreu(v + done, vp);
    pstoreu(p + done, psub(ploadu<Packet>(p + done), pdiv(pmul(mp, a), padd(psqrt(vp), e))));
  }
  return done;
}

}  // namespace

bool Adam::rows_supported(std::size_t slot) const {
  // Whole rows are whole packets, so update() has no scalar tail for this
  // slot either and both paths run only adam_packets().
  return !options_.amsgrad && slot < shapes_.size() && shapes_[slot].second % packet_width == 0;
}

void Adam::update_row_block(std::size_t slot, Matrix& param, const float* grad_rows,
                            Eigen::Index first_row, Eigen::Index rows, double learning_rate,
                            long long t) {
  if (param.rows() != shapes_[slot].first || param.cols() != shapes_[slot].second) {
    throw TrainingError(name() + ": parameter slot " + std::to_string(slot) +
                        " does not have the shape build() gave it");
  }
  const Index offset = first_row * param.cols();
  adam_packets(factors(options_, learning_rate, t), grad_rows, momentums_[slot].data() + offset,
               velocities_[slot].data() + offset, param.data() + offset, rows * param.cols());
}

void Adam::update(std::size_t slot, Matrix& param, const Matrix& grad, double learning_rate,
                  long long t) {
  detail::check_slot(name(), slot, shapes_, param, grad);
  const AdamFactors f = factors(options_, learning_rate, t);
  const float alpha = f.alpha;
  const float one_minus_beta_1 = f.one_minus_beta_1;
  const float one_minus_beta_2 = f.one_minus_beta_2;
  const float epsilon = f.epsilon;
  Matrix& m_all = momentums_[slot];
  Matrix& v_all = velocities_[slot];
  const Eigen::Index size = param.size();
  Eigen::Index done = 0;
  if (!options_.amsgrad) {
    done = adam_packets(f, grad.data(), m_all.data(), v_all.data(), param.data(), size);
  }
  Matrix* v_hat_all = options_.amsgrad ? &velocity_hats_[slot] : nullptr;
  detail::in_chunks(size - done, [&](Eigen::Index offset, Eigen::Index count) {
    const Eigen::Index first = done + offset;
    const auto g = detail::piece(grad, first, count);
    auto m = detail::piece(m_all, first, count);
    auto v = detail::piece(v_all, first, count);
    auto p = detail::piece(param, first, count);
    m += (g - m) * one_minus_beta_1;
    v += (g.square() - v) * one_minus_beta_2;
    if (v_hat_all == nullptr) {
      p -= m * alpha / (v.sqrt() + epsilon);
    } else {
      // AMSGrad divides by the running maximum of v instead of v itself.
      auto v_hat = detail::piece(*v_hat_all, first, count);
      v_hat = v_hat.max(v);
      p -= m * alpha / (v_hat.sqrt() + epsilon);
    }
  });
}

std::vector<ParamSpec> Adam::param_specs(double default_weight_decay) {
  auto params = detail::common_param_specs(0.001, default_weight_decay);
  params.push_back(detail::beta_spec("beta_1", 0.9, "decay rate of the first-moment estimate"));
  params.push_back(detail::beta_spec("beta_2", 0.999, "decay rate of the second-moment estimate"));
  params.push_back(detail::epsilon_spec());
  params.push_back(detail::flag_spec("amsgrad", "use the running maximum of v (AMSGrad)"));
  return params;
}

AdamOptions Adam::read_options(const ParamReader& reader) {
  return {.beta_1 = reader.number("beta_1"),
          .beta_2 = reader.number("beta_2"),
          .epsilon = reader.number("epsilon"),
          .amsgrad = reader.boolean("amsgrad")};
}

ComponentSpec Adam::spec() {
  return {.name = "adam", .params = param_specs(0.0), .help = "adaptive moment estimation"};
}

std::unique_ptr<Optimizer> Adam::create(const ParamReader& reader) {
  return std::make_unique<Adam>(detail::read_common(reader), read_options(reader));
}

}  // namespace sweep::engine
