// Finite-difference gradient checks shared by the layer and loss tests.
// The engine computes in float32 only, so the checks run in float32 with
// central differences (the objective is summed in double): with a step of
// 1e-2 the rounding error of a difference quotient is ~1e-5 and the
// truncation error ~1e-4 relative, so a correct gradient scores below 1e-3
// on the error measure below, while a wrong one (a sign, a missing factor,
// a dropped term) scores 0.1 or more. Tests assert < 1e-2.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "engine/layers/layer.hpp"
#include "engine/losses/loss.hpp"
#include "engine/tensor.hpp"

namespace sweep::engine::testing {

struct GradientError {
  double max_error = 0.0;  // max |analytic - numeric| / max(1e-2, |analytic| + |numeric|)
  std::string where;       // the worst entry, for the failure message
};

// Compares `analytic` with central differences of `objective` over every
// entry of `x` (perturbed in place and restored).
GradientError compare_gradient(const std::function<double()>& objective, Matrix& x,
                               const Matrix& analytic, const std::string& name, double step = 1e-2);

// Checks a built layer: objective = sum(out * R) for fixed random R, so that
// backward(R) must give d objective / d input and d objective / d params.
// Every forward runs in training mode with an Rng seeded by `seed`, so
// dropout draws the same mask each time.
GradientError layer_gradient_error(Layer& layer, Matrix input, std::uint64_t seed,
                                   double step = 1e-2);

// Checks loss.compute (or compute_from_logits when `fused`) w.r.t. its input.
GradientError loss_gradient_error(const Loss& loss, Matrix output, const Targets& targets,
                                  bool fused = false, double step = 1e-2);

// A rows x cols matrix of uniform values in [low, high), from `rng`.
Matrix uniform_matrix(Eigen::Index rows, Eigen::Index cols, double low, double high, Rng& rng);

}  // namespace sweep::engine::testing
